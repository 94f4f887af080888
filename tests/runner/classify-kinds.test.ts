/**
 * The classifiers of the non-HTTP probe kinds (grpc, tcp, dns, icmp) against real tools and real
 * traffic: each test runs exactly the argv probeInvocation() returns (the command a client pod runs
 * after `kubectl exec POD --`), with its stdin input, and classifies what the tool really printed.
 * Traffic only goes to 127.0.0.1, to the /30s this file creates on veth pairs into its own network
 * namespaces, or to the loopback of a namespace it creates. Nothing is skipped: a missing tool or
 * privilege fails with what the test needs.
 *
 * Namespaces:
 * - "answer": a veth peer that answers (ping replies, TCP resets);
 * - "drop": a veth peer with a blackhole route back to the host, so every packet sent there is
 *   received and nothing comes back, like a Cilium policy drop (as in classify-real.test.ts);
 * - "dns": loopback only, with its own resolv.conf (`ip netns exec` bind-mounts
 *   /etc/netns/NAME/resolv.conf over /etc/resolv.conf, as a pod's resolv.conf names the cluster DNS)
 *   naming a DNS server on its loopback that answers per name: NOERROR with an address, REFUSED
 *   (what Cilium's DNS proxy answers for a name its rules refuse), NXDOMAIN, SERVFAIL, or nothing.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {createServer as createHttp2Server, type Http2Server} from 'node:http2';
import {createServer as createNetServer, type Server as NetServer} from 'node:net';
import {createRequire} from 'node:module';
import {join} from 'node:path';
import * as grpc from '@grpc/grpc-js';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ExecaExecutor, type CommandResult} from '../../src/runner/exec';
import {classify, probeInvocation, type ProbeKind, type ProbeRequest} from '../../src/runner/probe';
import {ROOT} from '../cli-harness';
import {scriptClassifier} from './zx-classifier';
import {ip, listen} from './net-helpers';

const executor = new ExecaExecutor();

/** Every real result of this file, with its kind, for the comparison with the zx script at the end. */
const recorded: {what: string; kind: ProbeKind; result: CommandResult}[] = [];

/**
 * Runs a probe's own command, on this machine or inside a namespace (`ip netns exec NS argv...`,
 * which is how a pod's network and resolv.conf are stood in for), and classifies the result.
 */
async function probe(what: string, request: ProbeRequest, netns?: string) {
  const invocation = probeInvocation(request);
  const [file, ...args] = invocation.argv;
  const command = netns ? {file: 'ip', args: ['netns', 'exec', netns, file, ...args]} : {file, args};
  const started = Date.now();
  const result = await executor.run({...command, ...(invocation.input !== undefined ? {input: invocation.input} : {}), timeoutMs: 30_000});
  const elapsedMs = Date.now() - started;
  if (result.exitCode === 127 || /No such file or directory|not found/.test(result.stderr) && result.exitCode === 255) {
    throw new Error(`${file} did not run (${result.stderr.trim()}): these tests need ${file} (Debian: curl, netcat-openbsd, bind9-dnsutils, iputils-ping; .ci/run installs them)`);
  }
  recorded.push({what, kind: request.kind, result});
  return {invocation, result, elapsedMs, classification: classify(result, request.kind)};
}


const id = randomBytes(3).toString('hex');
// 10.214.<n>.0/30 and .4/30, n from the random id: unique per run, private (RFC 1918), only on these veths.
const octet = parseInt(id.slice(0, 2), 16);

/** A namespace on a veth pair: the host end has `.host`, the namespace end `.peer`. */
function vethNamespace(name: string, base: number, dropReplies: boolean) {
  const ns = `nlk${name}-${id}`;
  const hostIf = `nkh${name}${id}`.slice(0, 15); // interface names are limited to 15 characters
  const nsIf = `nkn${name}${id}`.slice(0, 15);
  const host = `10.214.${octet}.${base + 1}`;
  const peer = `10.214.${octet}.${base + 2}`;
  let created = false;
  return {
    ns, host, peer, nsIf,
    async create() {
      await ip('netns', 'add', ns);
      created = true;
      await ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
      await ip('link', 'set', nsIf, 'netns', ns);
      await ip('addr', 'add', `${host}/30`, 'dev', hostIf);
      await ip('link', 'set', hostIf, 'up');
      await ip('-n', ns, 'addr', 'add', `${peer}/30`, 'dev', nsIf);
      await ip('-n', ns, 'link', 'set', nsIf, 'up');
      await ip('-n', ns, 'link', 'set', 'lo', 'up');
      // Every packet for the host is swallowed inside the namespace: SYNs and echo requests arrive,
      // nothing comes back. That is what a Cilium policy drop looks like from the client.
      if (dropReplies) await ip('-n', ns, 'route', 'add', 'blackhole', `${host}/32`);
    },
    async rxPackets(): Promise<number> {
      const out = await ip('-n', ns, '-s', '-j', 'link', 'show', 'dev', nsIf);
      return JSON.parse(out)[0].stats64.rx.packets as number;
    },
    async remove() {
      if (!created) return;
      // Deleting the namespace destroys its veth end, which removes the host end too.
      await execa('ip', ['netns', 'delete', ns], {reject: false, timeout: 10_000});
      await execa('ip', ['link', 'delete', hostIf], {reject: false, timeout: 10_000});
    },
  };
}

const answer = vethNamespace('a', 0, false);
const drop = vethNamespace('d', 4, true);
/** An address routed through the "answer" namespace, which answers it with ICMP unreachable. */
const UNREACHABLE = `10.214.${octet}.200`;

/** The "dns" namespace: loopback, its resolv.conf, and a DNS server answering per name. */
const dnsNs = `nlkn-${id}`;
const dnsEtc = `/etc/netns/${dnsNs}`;
const NAMESERVER = '127.0.0.53';
/** The address the DNS server gives the Service name (an address in the kind default Service CIDR). */
const SERVICE_ADDRESS = '10.96.0.42';
const SERVICE = 'deathstar.star-wars.svc.cluster.local';
let dnsServer: ChildProcess | undefined;
let dnsCreated = false;
const dnsQueries: string[] = [];

beforeAll(async () => {
  await answer.create();
  await drop.create();
  // Behind the "answer" namespace, an address it cannot reach: it forwards, finds an unreachable
  // route and answers with ICMP Destination Host Unreachable (RFC 792 type 3), which is not silence.
  await ip('netns', 'exec', answer.ns, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');
  await ip('-n', answer.ns, 'route', 'add', 'unreachable', `${UNREACHABLE}/32`);
  await ip('route', 'add', `${UNREACHABLE}/32`, 'via', answer.peer);
  mkdirSync(`/etc/netns/${answer.ns}`, {recursive: true});
  writeFileSync(`/etc/netns/${answer.ns}/resolv.conf`, `nameserver ${NAMESERVER}\noptions timeout:2 attempts:1\n`);
  await ip('netns', 'add', dnsNs);
  dnsCreated = true;
  await ip('-n', dnsNs, 'link', 'set', 'lo', 'up');
  mkdirSync(dnsEtc, {recursive: true});
  // One try of 2 s per lookup, so a name lookup that gets no answer fails within the test's time.
  writeFileSync(join(dnsEtc, 'resolv.conf'), `nameserver ${NAMESERVER}\noptions timeout:2 attempts:1\n`);
  // Only files and DNS: no mDNS module short-circuiting names under .local (cluster.local is one).
  writeFileSync(join(dnsEtc, 'nsswitch.conf'), 'hosts: files dns\n');
  // The DNS server, inside the namespace. Response codes are RFC 1035 section 4.1.1's (NOERROR 0,
  // SERVFAIL 2, NXDOMAIN 3, REFUSED 5), in the low bits of the flags. It prints each question.
  const dnsPacket = createRequire(import.meta.url).resolve('dns-packet');
  const script = `const dgram = require('node:dgram'); const packet = require(${JSON.stringify(dnsPacket)});
const s = dgram.createSocket('udp4');
s.on('message', (msg, from) => {
  const query = packet.decode(msg);
  const q = query.questions[0];
  process.stdout.write('query ' + q.name + ' ' + q.type + '\\n');
  if (q.name.startsWith('silent.')) return;
  const rcode = q.name === ${JSON.stringify(SERVICE)} ? 0 : q.name.startsWith('refused.') ? 5 : q.name.startsWith('servfail.') ? 2 : 3;
  const answers = rcode === 0 && q.type === 'A' ? [{type: 'A', name: q.name, ttl: 30, data: ${JSON.stringify(SERVICE_ADDRESS)}}] : [];
  s.send(packet.encode({type: 'response', id: query.id, flags: packet.RECURSION_DESIRED | packet.RECURSION_AVAILABLE | rcode, questions: query.questions, answers}), from.port, from.address);
});
s.bind(53, ${JSON.stringify(NAMESERVER)}, () => process.stdout.write('listening\\n'));`;
  dnsServer = spawn('ip', ['netns', 'exec', dnsNs, process.execPath, '-e', script], {stdio: ['ignore', 'pipe', 'pipe']});
  let stderr = '';
  dnsServer.stderr!.on('data', (d) => (stderr += d));
  await new Promise<void>((resolveListening, reject) => {
    dnsServer!.stdout!.on('data', (d: Buffer) => {
      for (const line of String(d).split('\n')) {
        if (line === 'listening') resolveListening();
        if (line.startsWith('query ')) dnsQueries.push(line.slice(6));
      }
    });
    dnsServer!.on('exit', (code) => reject(new Error(`the test DNS server exited (${code}): ${stderr.trim()}`)));
  });
});

afterAll(async () => {
  rmSync(`/etc/netns/${answer.ns}`, {recursive: true, force: true});
  dnsServer?.kill('SIGKILL');
  if (dnsCreated) await execa('ip', ['netns', 'delete', dnsNs], {reject: false, timeout: 10_000});
  rmSync(dnsEtc, {recursive: true, force: true});
  await answer.remove();
  await drop.remove();
});

describe('grpc: curl over HTTP/2, classified on grpc-status', () => {
  let server: grpc.Server;
  let grpcPort = 0;
  let envoy: Http2Server;
  let envoyPort = 0;
  const received: Buffer[] = [];
  const envoySaw: {contentType?: string; te?: string; path?: string}[] = [];

  beforeAll(async () => {
    // A real gRPC server with generic unary handlers: identity (de)serializers take the message
    // bytes as they are, so no .proto is needed.
    const identity = (b: Buffer) => b;
    server = new grpc.Server();
    server.register('/netpol.Door/Open', (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => {
      received.push(call.request);
      done(null, Buffer.alloc(0));
    }, identity, identity, 'unary');
    server.register('/netpol.Door/Guarded', (_call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => {
      done({code: grpc.status.PERMISSION_DENIED, details: 'not on the guest list'});
    }, identity, identity, 'unary');
    grpcPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))));

    // A stand-in for Cilium's Envoy refusing the call. cilium/proxy cilium/l7policy.cc: a denied
    // request gets sendLocalReply(Forbidden, "Access denied\r\n" (the default denied_403_body_),
    // no gRPC status). envoyproxy/envoy source/common/http/utility.cc, prepareLocalReply, for a gRPC
    // request (content-type application/grpc): :status 200, content-type application/grpc,
    // grpc-status httpToGrpcStatus(403) = 7 (source/common/grpc/status.cc), grpc-message
    // PercentEncoding::encode(body) (CR and LF are below ' ', so %0D%0A), content-length removed;
    // encodeLocalReply sends these headers alone with end of stream (trailers-only). A request that
    // is not gRPC gets the plain 403 with the body, as an HTTP probe sees it.
    envoy = createHttp2Server();
    envoy.on('stream', (stream, headers) => {
      envoySaw.push({contentType: headers['content-type'], te: headers.te as string | undefined, path: headers[':path']});
      if (headers[':path'] === '/plain') {
        // After the request's message, for the same reason as the gRPC denial below.
        stream.resume();
        stream.on('end', () => {
          stream.respond({':status': 404, 'content-type': 'text/plain'});
          stream.end('not here\n');
        });
      } else if (String(headers['content-type'] ?? '').startsWith('application/grpc')) {
        // Answered once the 5-byte message is in: node would otherwise reset the half-open request
        // stream right after the reply, and curl 7.88 sometimes reports that reset (exit 92) instead
        // of the reply. Envoy decides on the headers too; on a cluster the message is in the same
        // burst as the headers. If a workflow run shows exit 92 here, this is the place to look.
        stream.resume();
        stream.on('end', () => stream.respond({':status': 200, 'content-type': 'application/grpc', 'grpc-status': '7', 'grpc-message': 'Access denied%0D%0A'}, {endStream: true}));
      } else {
        stream.respond({':status': 403, 'content-type': 'text/plain'});
        stream.end('Access denied\r\n');
      }
    });
    envoyPort = await listen(envoy);
  });

  afterAll(async () => {
    await new Promise<void>((r) => server?.tryShutdown(() => r()));
    await new Promise((r) => envoy?.close(r));
  });

  it('the argv is an HTTP/2 prior-knowledge POST with the gRPC headers, and one empty message on stdin', () => {
    const {argv, input} = probeInvocation({kind: 'grpc', url: `http://${SERVICE}:50051/netpol.Door/Open`});
    expect(argv[0]).toBe('curl');
    expect(argv).toContain('--http2-prior-knowledge');
    expect(argv.join(' ')).toContain('--request POST');
    expect(argv.join(' ')).toContain('--header content-type: application/grpc');
    expect(argv.join(' ')).toContain('--header te: trailers');
    expect(argv.join(' ')).toContain('--data-binary @-');
    // The Service name is looked up absolute; the lab's name stays the :authority.
    expect(argv.at(-1)).toBe(`http://${SERVICE}.:50051/netpol.Door/Open`);
    expect(argv.join(' ')).toContain(`--header Host: ${SERVICE}:50051`);
    // grpc/grpc doc/PROTOCOL-HTTP2.md: Compressed-Flag (1 byte) + Message-Length (4 bytes), here 0.
    expect([...Buffer.from(input ?? '', 'latin1')]).toEqual([0, 0, 0, 0, 0]);
  });

  it('grpc-status 0 from a real gRPC server is allowed (the status comes in the trailers)', async () => {
    received.length = 0;
    const {result, classification} = await probe('grpc OK', {kind: 'grpc', url: `http://127.0.0.1:${grpcPort}/netpol.Door/Open`});
    expect(result.exitCode).toBe(0);
    // The server got the request's one message, and it was empty.
    expect(received.map((b) => b.length)).toEqual([0]);
    // A reply with a message carries grpc-status in the trailers, after the headers' blank line.
    expect(result.stdout).toMatch(/\r\n\r\ngrpc-status: 0\r\n/);
    expect(classification).toMatchObject({observed: 'allowed', status: 200, grpcStatus: 0, curlExit: 0});
  });

  it('PERMISSION_DENIED from the server itself is an error, not the proxy\'s denial', async () => {
    const {classification} = await probe('grpc server PERMISSION_DENIED', {kind: 'grpc', url: `http://127.0.0.1:${grpcPort}/netpol.Door/Guarded`});
    expect(classification).toMatchObject({observed: 'error', status: 200, grpcStatus: 7});
    expect(classification.body).toBe('not on the guest list');
    expect(classification.evidence).toContain('PERMISSION_DENIED');
    expect(classification.evidence).toContain('not the L7 proxy');
  });

  it('a method the server does not have (UNIMPLEMENTED, 12) is an error naming the status', async () => {
    const {classification} = await probe('grpc UNIMPLEMENTED', {kind: 'grpc', url: `http://127.0.0.1:${grpcPort}/netpol.Door/Missing`});
    expect(classification.observed).toBe('error');
    // grpc-js answers an unknown method as soon as it has the headers and then resets the rest of the
    // request stream; under load curl 7.88 sometimes reports that reset (exit 92) instead of the
    // reply. Either way the probe is an error, never a verdict; with the reply it names the status.
    expect([0, 92]).toContain(classification.curlExit);
    if (classification.curlExit === 0) {
      expect(classification).toMatchObject({grpcStatus: 12});
      expect(classification.evidence).toContain('UNIMPLEMENTED');
    }
  });

  it('the L7 proxy\'s reply (HTTP 200, grpc-status 7, grpc-message "Access denied") is l7-denied', async () => {
    envoySaw.length = 0;
    const {result, classification} = await probe('grpc denied by the proxy', {kind: 'grpc', url: `http://127.0.0.1:${envoyPort}/netpol.Door/Open`});
    expect(result.exitCode).toBe(0);
    // The stand-in saw a gRPC request, which is what makes Envoy answer with a gRPC status.
    expect(envoySaw).toEqual([{contentType: 'application/grpc', te: 'trailers', path: '/netpol.Door/Open'}]);
    expect(classification).toMatchObject({observed: 'l7-denied', status: 200, grpcStatus: 7, curlExit: 0});
    expect(classification.body).toBe('Access denied\r\n');
    expect(classification.evidence).toContain('from the L7 proxy');
  });

  it('an HTTP/2 reply without grpc-status is an error, not a verdict', async () => {
    const {classification} = await probe('grpc to a non-gRPC path', {kind: 'grpc', url: `http://127.0.0.1:${envoyPort}/plain`});
    expect(classification).toMatchObject({observed: 'error', status: 404});
    expect(classification.evidence).toContain('no grpc-status');
  });

  it('a silent drop of the connection is dropped', async () => {
    const before = await drop.rxPackets();
    const {result, elapsedMs, classification} = await probe('grpc dropped', {kind: 'grpc', url: `http://${drop.peer}:50051/netpol.Door/Open`});
    expect(result.exitCode).toBe(28);
    expect(elapsedMs).toBeGreaterThanOrEqual(1_900);
    expect(elapsedMs).toBeLessThan(8_000);
    expect(classification).toMatchObject({observed: 'dropped', curlExit: 28});
    expect(await drop.rxPackets()).toBeGreaterThan(before);
  }, 20_000);

  it('a name that does not resolve is unresolved', async () => {
    const {result, classification} = await probe('grpc unresolved', {kind: 'grpc', url: 'http://nowhere.star-wars.svc.cluster.local:50051/netpol.Door/Open'}, dnsNs);
    expect(result.exitCode).toBe(6);
    expect(dnsQueries).toContain('nowhere.star-wars.svc.cluster.local A');
    expect(classification).toMatchObject({observed: 'unresolved', curlExit: 6});
  }, 20_000);
});

describe('tcp: nc -z connects and sends nothing', () => {
  let listener: NetServer;
  let port = 0;
  let closedPort = 0;
  let accepted = 0;

  beforeAll(async () => {
    listener = createNetServer((socket) => {
      accepted++;
      socket.destroy();
    });
    port = await listen(listener);
    const probeServer = createNetServer();
    closedPort = await listen(probeServer);
    await new Promise((r) => probeServer.close(r));
  });
  afterAll(() => new Promise<void>((r) => listener?.close(() => r())));

  it('the argv is nc -z -v -w 2 with a Service name made absolute', () => {
    expect(probeInvocation({kind: 'tcp', host: SERVICE, port: 80})).toEqual({argv: ['nc', '-z', '-v', '-w', '2', `${SERVICE}.`, '80']});
    expect(probeInvocation({kind: 'tcp', host: '10.96.0.10', port: 53}).argv.at(-2)).toBe('10.96.0.10');
  });

  it('a listening port is allowed', async () => {
    const {result, classification} = await probe('tcp connected', {kind: 'tcp', host: '127.0.0.1', port});
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('succeeded!');
    expect(accepted).toBe(1);
    expect(classification).toMatchObject({observed: 'allowed', exitCode: 0});
  });

  it('a closed port (connection refused) is an error, never dropped', async () => {
    const {result, classification} = await probe('tcp refused', {kind: 'tcp', host: '127.0.0.1', port: closedPort});
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Connection refused');
    expect(classification).toMatchObject({observed: 'error', exitCode: 1, refused: true});
    expect(classification.evidence).toContain('connection refused');
  });

  it('a refusal from across the veth (RST from the peer) is an error too', async () => {
    const {classification} = await probe('tcp refused by a peer', {kind: 'tcp', host: answer.peer, port: 80});
    expect(classification.observed).toBe('error');
  });

  it('an ICMP unreachable instead of a SYN-ACK (No route to host) is an error, not dropped', async () => {
    const {result, classification} = await probe('tcp host unreachable', {kind: 'tcp', host: UNREACHABLE, port: 80});
    expect(result.stderr).toContain('No route to host');
    expect(classification).toMatchObject({observed: 'error', exitCode: 1});
  });

  it('a silent drop of the SYN is dropped after -w 2', async () => {
    const before = await drop.rxPackets();
    const {result, elapsedMs, classification} = await probe('tcp dropped', {kind: 'tcp', host: drop.peer, port: 80});
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/timed out/);
    expect(elapsedMs).toBeGreaterThanOrEqual(1_900);
    expect(elapsedMs).toBeLessThan(8_000);
    expect(classification).toMatchObject({observed: 'dropped', exitCode: 1});
    expect(await drop.rxPackets()).toBeGreaterThan(before);
  }, 20_000);

  it('a name the DNS server says does not exist is unresolved', async () => {
    const {invocation, result, classification} = await probe('tcp unresolved (NXDOMAIN)', {kind: 'tcp', host: 'nowhere.star-wars.svc.cluster.local', port: 80}, dnsNs);
    expect(invocation.argv).toContain('nowhere.star-wars.svc.cluster.local.');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('getaddrinfo');
    expect(dnsQueries).toContain('nowhere.star-wars.svc.cluster.local A');
    expect(classification).toMatchObject({observed: 'unresolved', exitCode: 1});
  }, 20_000);

  it('a name whose lookup gets no answer (DNS dropped) is unresolved, not dropped', async () => {
    const {result, classification} = await probe('tcp unresolved (DNS silent)', {kind: 'tcp', host: 'silent.star-wars.svc.cluster.local', port: 80}, dnsNs);
    expect(result.exitCode).toBe(1);
    expect(dnsQueries).toContain('silent.star-wars.svc.cluster.local A');
    expect(classification).toMatchObject({observed: 'unresolved', exitCode: 1});
    expect(classification.evidence).toContain('kube-dns');
  }, 20_000);
});

describe('dns: dig through the resolver of resolv.conf', () => {
  it('the argv is dig with a 2 s timeout, one try, the name absolute', () => {
    expect(probeInvocation({kind: 'dns', name: SERVICE})).toEqual({argv: ['dig', '+time=2', '+tries=1', `${SERVICE}.`, 'A']});
    expect(probeInvocation({kind: 'dns', name: 'api.github.com.'}).argv.at(-2)).toBe('api.github.com.');
    expect(() => probeInvocation({kind: 'dns', name: '@10.0.0.1'})).toThrow(/not a DNS name/);
  });

  it('NOERROR with an address is allowed', async () => {
    const {result, classification} = await probe('dns NOERROR', {kind: 'dns', name: SERVICE}, dnsNs);
    expect(result.exitCode).toBe(0);
    expect(dnsQueries).toContain(`${SERVICE} A`);
    expect(classification).toMatchObject({observed: 'allowed', exitCode: 0, body: SERVICE_ADDRESS});
    expect(classification.evidence).toContain(SERVICE_ADDRESS);
  }, 20_000);

  it('REFUSED (Cilium\'s DNS proxy refusing the name) is l7-denied', async () => {
    const {result, classification} = await probe('dns REFUSED', {kind: 'dns', name: 'refused.example.com'}, dnsNs);
    expect(result.stdout).toContain('status: REFUSED');
    expect(classification).toMatchObject({observed: 'l7-denied', exitCode: 0});
  }, 20_000);

  it('NXDOMAIN is an error naming the status', async () => {
    const {result, classification} = await probe('dns NXDOMAIN', {kind: 'dns', name: 'nowhere.example.com'}, dnsNs);
    expect(result.stdout).toContain('status: NXDOMAIN');
    expect(classification).toMatchObject({observed: 'error', exitCode: 0});
    expect(classification.evidence).toContain('NXDOMAIN');
  }, 20_000);

  it('SERVFAIL is an error naming the status', async () => {
    const {classification} = await probe('dns SERVFAIL', {kind: 'dns', name: 'servfail.example.com'}, dnsNs);
    expect(classification).toMatchObject({observed: 'error'});
    expect(classification.evidence).toContain('SERVFAIL');
  }, 20_000);

  it('no answer within 2 s is dropped', async () => {
    const before = dnsQueries.length;
    const started = Date.now();
    const {result, classification} = await probe('dns silent', {kind: 'dns', name: 'silent.example.com'}, dnsNs);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(result.exitCode).toBe(9);
    // The query really reached the server, which kept silent: not a missing resolver.
    expect(dnsQueries.slice(before)).toContain('silent.example.com A');
    expect(classification).toMatchObject({observed: 'dropped', exitCode: 9});
  }, 20_000);

  it('a nameserver that refuses the query (ICMP port unreachable) is an error, not dropped', async () => {
    // The "answer" namespace's resolv.conf names its own loopback, where nothing listens on port 53:
    // the kernel answers dig's UDP query with a port-unreachable, which dig reports as refused.
    const {result, classification} = await probe('dns connection refused', {kind: 'dns', name: SERVICE}, answer.ns);
    expect(result.exitCode).toBe(9);
    expect(result.stdout).toContain('connection refused');
    expect(classification).toMatchObject({observed: 'error', exitCode: 9});
    expect(classification.evidence).toContain('connection refused');
  }, 20_000);
});

describe('icmp: one echo request with iputils ping', () => {
  it('the argv is ping -n -c 1 -W 2', () => {
    expect(probeInvocation({kind: 'icmp', host: '10.0.0.1'})).toEqual({argv: ['ping', '-n', '-c', '1', '-W', '2', '10.0.0.1']});
  });

  it('a reply is allowed', async () => {
    const {result, classification} = await probe('icmp reply', {kind: 'icmp', host: answer.peer});
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('1 received');
    expect(classification).toMatchObject({observed: 'allowed', exitCode: 0});
  }, 20_000);

  it('no reply is dropped', async () => {
    const before = await drop.rxPackets();
    const {result, elapsedMs, classification} = await probe('icmp dropped', {kind: 'icmp', host: drop.peer});
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('0 received');
    expect(elapsedMs).toBeGreaterThanOrEqual(1_900);
    expect(classification).toMatchObject({observed: 'dropped', exitCode: 1});
    expect(await drop.rxPackets()).toBeGreaterThan(before);
  }, 20_000);

  it('an ICMP error instead of a reply (Destination Host Unreachable) is an error, not dropped', async () => {
    const {result, classification} = await probe('icmp host unreachable', {kind: 'icmp', host: UNREACHABLE});
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('+1 errors');
    expect(classification).toMatchObject({observed: 'error', exitCode: 1});
    expect(classification.evidence).toContain('Destination Host Unreachable');
  }, 20_000);

  it('a name that does not resolve is unresolved', async () => {
    const {result, classification} = await probe('icmp unresolved', {kind: 'icmp', host: 'nowhere.star-wars.svc.cluster.local'}, dnsNs);
    expect(result.exitCode).toBe(2);
    expect(dnsQueries).toContain('nowhere.star-wars.svc.cluster.local A');
    expect(classification).toMatchObject({observed: 'unresolved', exitCode: 2});
  }, 20_000);

  it('an unreachable network (no route) is an error', async () => {
    // Inside the "dns" namespace there is only loopback: no route to anything else.
    const {result, classification} = await probe('icmp no route', {kind: 'icmp', host: '10.214.255.1'}, dnsNs);
    expect(result.exitCode).toBe(2);
    expect(classification.observed).toBe('error');
  }, 20_000);
});

// Runs after the describes above (vitest keeps a file's order), on what they recorded.
describe('the exported zx script classifies the same real outputs as the runner', () => {
  it('static/zx/deathstar.mjs and src/runner/probe.ts agree on every recorded result of every kind', async () => {
    const classifyInScript = await scriptClassifier(join(ROOT, 'static/zx/deathstar.mjs'));
    expect(new Set(recorded.map((r) => r.kind))).toEqual(new Set(['grpc', 'tcp', 'dns', 'icmp']));
    expect(recorded.length).toBeGreaterThanOrEqual(20);
    for (const {what, kind, result} of recorded) {
      // Only what the script's run() hands to classify(): exit code, output and the timeout flag.
      const run = {exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, timedOut: result.timedOut};
      expect(classifyInScript(run, kind), what).toEqual(classify(run, kind));
    }
  });
});
