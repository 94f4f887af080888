/**
 * The classifier against real curl and real servers: every outcome here comes from packets that
 * really flowed (or really did not). Traffic only ever goes to 127.0.0.1, to the /30 this file
 * creates on a veth pair into its own network namespace, or to the loopback of a namespace it creates.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {createServer, type Server} from 'node:http';
import {createServer as createNetServer, type Server as NetServer} from 'node:net';
import type {Socket} from 'node:net';
import {join} from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ExecaExecutor, type CommandResult} from '../../src/runner/exec';
import {classify, curlArgs} from '../../src/runner/probe';
import {ROOT} from '../cli-harness';
import {scriptClassifier} from './zx-classifier';
import {ip, listen} from './net-helpers';

const executor = new ExecaExecutor();

/** Every real result of this file, for the comparison with the zx script's classifier at the end. */
const recorded: {what: string; result: CommandResult}[] = [];

async function curl(method: string, url: string) {
  const result = await executor.run({file: 'curl', args: curlArgs({method, url}), timeoutMs: 20_000});
  recorded.push({what: `${method} ${url}`, result});
  return {result, classification: classify(result)};
}


describe('classify real curl results from local servers', () => {
  let deathstar: Server;
  let stuck: NetServer;
  let port = 0;
  let stuckPort = 0;
  let closedPort = 0;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // A stand-in for the deathstar and for Envoy: the three answers a lab can meet.
    deathstar = createServer((req, res) => {
      if (req.method === 'POST' && req.url === '/v1/request-landing') {
        res.writeHead(200, {'content-type': 'text/plain'}).end('Ship landed\n');
      } else if (req.method === 'PUT' && req.url === '/v1/exhaust-port') {
        res.writeHead(503, {'content-type': 'text/plain'}).end('Panic: deathstar exploded\n');
      } else {
        res.writeHead(403, {'content-type': 'text/plain'}).end('Access denied\r\n');
      }
    });
    port = await listen(deathstar);
    // Accepts connections and never answers: a stuck server, which is not a policy drop.
    stuck = createNetServer((socket) => sockets.push(socket));
    stuckPort = await listen(stuck);
    // A port that was just free: bind, read the number, close. Connecting there is refused.
    const probe = createNetServer();
    closedPort = await listen(probe);
    await new Promise((r) => probe.close(r));
  });

  afterAll(async () => {
    deathstar?.closeAllConnections();
    await new Promise((r) => deathstar?.close(r));
    for (const socket of sockets) socket.destroy();
    await new Promise((r) => stuck?.close(r));
  });

  it('200 "Ship landed" is allowed', async () => {
    const {result, classification} = await curl('POST', `http://127.0.0.1:${port}/v1/request-landing`);
    expect(result.exitCode).toBe(0);
    expect(classification).toMatchObject({observed: 'allowed', status: 200, curlExit: 0});
    expect(classification.body).toBe('Ship landed\n');
  });

  it('403 "Access denied" is l7-denied', async () => {
    const {classification} = await curl('GET', `http://127.0.0.1:${port}/v1`);
    expect(classification).toMatchObject({observed: 'l7-denied', status: 403});
    expect(classification.body).toBe('Access denied\r\n');
  });

  it('503 "Panic: deathstar exploded" is an error, not a verdict', async () => {
    const {classification} = await curl('PUT', `http://127.0.0.1:${port}/v1/exhaust-port`);
    expect(classification).toMatchObject({observed: 'error', status: 503, curlExit: 0});
    expect(classification.evidence).toContain('HTTP 503');
    expect(classification.evidence).toContain('Panic: deathstar exploded');
  });

  it('a closed port (connection refused, curl exit 7) is an error, never dropped', async () => {
    const {result, classification} = await curl('GET', `http://127.0.0.1:${closedPort}/`);
    expect(result.exitCode).toBe(7);
    expect(classification).toMatchObject({observed: 'error', curlExit: 7, refused: true});
    expect(classification.evidence).toContain('connection refused');
  });

  it('a server that accepts and never answers times out after connecting: error, not dropped', async () => {
    const started = Date.now();
    const {result, classification} = await curl('GET', `http://127.0.0.1:${stuckPort}/`);
    expect(result.exitCode).toBe(28);
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_000); // curl's --max-time 10
    expect(classification).toMatchObject({observed: 'error', curlExit: 28});
    expect(classification.evidence).toContain('not a policy drop');
  }, 25_000);
});

/**
 * A destination whose packets are silently dropped. The namespace owns 10.213.x.2/30 on one end of a
 * veth pair; the host end has .1. Inside the namespace a blackhole route swallows every reply to the
 * host (the "blackhole route" of the issue), so a SYN arrives and nothing ever comes back: curl's
 * connect times out with exit 28, exactly like a Cilium policy drop of the SYN.
 */
describe('classify a real silent drop (network namespace + blackhole route)', () => {
  const id = randomBytes(3).toString('hex');
  const ns = `nlt-${id}`;
  const hostIf = `nlh${id}`; // interface names are limited to 15 characters
  const nsIf = `nln${id}`;
  // 10.213.<n>.0/30, n from the random id: unique per run, private (RFC 1918), and only on this veth.
  const octet = parseInt(id.slice(0, 2), 16);
  const hostAddr = `10.213.${octet}.1`;
  const nsAddr = `10.213.${octet}.2`;
  let created = false;

  async function rxPackets(): Promise<number> {
    const out = await ip('-n', ns, '-s', '-j', 'link', 'show', 'dev', nsIf);
    return JSON.parse(out)[0].stats64.rx.packets as number;
  }

  beforeAll(async () => {
    await ip('netns', 'add', ns);
    created = true;
    await ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    await ip('link', 'set', nsIf, 'netns', ns);
    await ip('addr', 'add', `${hostAddr}/30`, 'dev', hostIf);
    await ip('link', 'set', hostIf, 'up');
    await ip('-n', ns, 'addr', 'add', `${nsAddr}/30`, 'dev', nsIf);
    await ip('-n', ns, 'link', 'set', nsIf, 'up');
    await ip('-n', ns, 'link', 'set', 'lo', 'up');
    await ip('-n', ns, 'route', 'add', 'blackhole', `${hostAddr}/32`);
  });

  afterAll(async () => {
    if (!created) return;
    // Deleting the namespace destroys its veth end, which removes the host end too.
    await execa('ip', ['netns', 'delete', ns], {reject: false, timeout: 10_000});
    await execa('ip', ['link', 'delete', hostIf], {reject: false, timeout: 10_000});
  });

  it('curl times out connecting (exit 28) and the probe is classified dropped', async () => {
    const before = await rxPackets();
    const started = Date.now();
    const {result, classification} = await curl('POST', `http://${nsAddr}:80/v1/request-landing`);
    const elapsed = Date.now() - started;
    expect(result.exitCode).toBe(28);
    expect(result.stderr).toMatch(/timed out|Timeout was reached/i);
    expect(elapsed).toBeGreaterThanOrEqual(1_900); // --connect-timeout 2
    expect(elapsed).toBeLessThan(8_000);
    expect(classification).toMatchObject({observed: 'dropped', curlExit: 28});
    // The SYNs really reached the namespace and were swallowed there: not a local routing error.
    expect(await rxPackets()).toBeGreaterThan(before);
  }, 20_000);
});

/**
 * A name that never resolves: the client's DNS queries reach a nameserver that never answers (as when
 * a policy drops the client's egress to kube-dns). The test creates a network namespace whose
 * resolv.conf (bind-mounted by `ip netns exec` from /etc/netns/<name>/) names 127.0.0.53, the
 * namespace's own loopback, where a UDP socket receives the queries and never replies. curl gives up
 * at its connect timeout with exit 28 ("Resolving timed out"), like a dropped SYN, but nothing was
 * ever sent to the destination: that is `unresolved`, never `dropped`. The same namespace then
 * answers NXDOMAIN for another name: curl exit 6, also `unresolved`.
 */
describe('classify a real name that does not resolve (network namespace + its own nameserver)', () => {
  const id = randomBytes(3).toString('hex');
  const ns = `nld-${id}`;
  const etc = `/etc/netns/${ns}`;
  const nameserver = '127.0.0.53';
  let created = false;
  let listener: ChildProcess | undefined;
  let queries = 0;

  beforeAll(async () => {
    await ip('netns', 'add', ns);
    created = true;
    await ip('-n', ns, 'link', 'set', 'lo', 'up');
    mkdirSync(etc, {recursive: true});
    writeFileSync(join(etc, 'resolv.conf'), `nameserver ${nameserver}\noptions timeout:5 attempts:1\n`);
    // Only files and DNS: no mDNS module short-circuiting names under .local (cluster.local is one).
    writeFileSync(join(etc, 'nsswitch.conf'), 'hosts: files dns\n');
    // The nameserver: receives every query and prints one line per query; it answers none, except
    // that a question whose name starts with "nowhere." gets NXDOMAIN (RFC 1035 section 4.1.1: the
    // header with QR set and RCODE 3, the question copied back, no records).
    const script = `const s = require('node:dgram').createSocket('udp4');
s.on('message', (m, r) => {
  process.stdout.write('query\\n');
  if (m.subarray(13, 20).toString() !== 'nowhere') return;
  const reply = Buffer.from(m);
  reply[2] = 0x81; reply[3] = 0x83;
  reply.writeUInt16BE(0, 6); reply.writeUInt16BE(0, 8); reply.writeUInt16BE(0, 10);
  let end = 12; while (reply[end] !== 0) end += reply[end] + 1;
  s.send(reply.subarray(0, end + 5), r.port, r.address);
});
s.bind(53, '${nameserver}', () => process.stdout.write('listening\\n'));`;
    listener = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script], {stdio: ['ignore', 'pipe', 'pipe']});
    let stderr = '';
    listener.stderr!.on('data', (d) => (stderr += d));
    await new Promise<void>((resolveListening, reject) => {
      listener!.stdout!.on('data', (d: Buffer) => {
        for (const line of String(d).split('\n')) {
          if (line === 'listening') resolveListening();
          if (line === 'query') queries++;
        }
      });
      listener!.on('exit', (code) => reject(new Error(`the silent nameserver exited (${code}): ${stderr.trim()}`)));
    });
  });

  afterAll(async () => {
    listener?.kill('SIGKILL');
    if (!created) return;
    await execa('ip', ['netns', 'delete', ns], {reject: false, timeout: 10_000});
    rmSync(etc, {recursive: true, force: true});
  });

  it('curl exit 28 "Resolving timed out" is unresolved with a kube-dns hint, never dropped', async () => {
    const started = Date.now();
    const args = curlArgs({method: 'POST', url: 'http://deathstar.star-wars.svc.cluster.local/v1/request-landing'});
    const result = await executor.run({file: 'ip', args: ['netns', 'exec', ns, 'curl', ...args], timeoutMs: 20_000});
    recorded.push({what: 'a name whose DNS queries go unanswered', result});
    const elapsed = Date.now() - started;
    expect(result.exitCode).toBe(28);
    expect(result.stderr).toMatch(/Resolving timed out/i);
    expect(elapsed).toBeGreaterThanOrEqual(1_900); // --connect-timeout 2 covers name resolution too
    expect(elapsed).toBeLessThan(8_000);
    // The queries really reached the nameserver and went unanswered: not a missing resolver.
    expect(queries).toBeGreaterThan(0);
    const classification = classify(result);
    expect(classification).toMatchObject({observed: 'unresolved', curlExit: 28});
    expect(classification.evidence).toContain('did not resolve');
    expect(classification.evidence).toContain('egress to kube-dns');
    expect(classification.evidence).toContain('not a policy drop');
  }, 20_000);

  it('curl exit 6 (the nameserver says the name does not exist) is unresolved', async () => {
    const before = queries;
    const args = curlArgs({method: 'GET', url: 'http://nowhere.star-wars.svc.cluster.local/v1'});
    const result = await executor.run({file: 'ip', args: ['netns', 'exec', ns, 'curl', ...args], timeoutMs: 20_000});
    recorded.push({what: 'a name the nameserver says does not exist', result});
    expect(result.exitCode).toBe(6);
    expect(result.stderr).toMatch(/Could not resolve host/i);
    expect(queries).toBeGreaterThan(before);
    const classification = classify(result);
    expect(classification).toMatchObject({observed: 'unresolved', curlExit: 6});
    expect(classification.evidence).toContain('did not resolve');
  }, 20_000);
});

// Runs after the describes above (vitest keeps a file's order), on what they recorded.
describe('the exported zx script classifies the same real outputs as the runner', () => {
  it('static/zx/deathstar.mjs and src/runner/probe.ts agree on every recorded result', async () => {
    const classifyInScript = await scriptClassifier(join(ROOT, 'static/zx/deathstar.mjs'));
    // allowed, l7-denied, 503, refused, stuck, dropped, DNS timeout, NXDOMAIN: every one the tests above saw.
    expect(recorded.length).toBeGreaterThanOrEqual(8);
    for (const {what, result} of recorded) {
      // Only what the script's run() hands to classify(): exit code, output and the timeout flag.
      const run = {exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, timedOut: result.timedOut};
      expect(classifyInScript(run), what).toEqual(classify(run));
    }
  });
});
