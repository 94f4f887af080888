/**
 * `netpol-labs run outpost --target kind --dry-run`: the real plan of a lab in two namespaces with
 * every probe kind, a machine outside the cluster and a name outside it (the outpost test lab).
 * PATH is an empty folder, so nothing could run.
 */
import {cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, relative, resolve} from 'node:path';
import {describe, expect, it} from 'vitest';
import {main} from '../../src/cli/main';
import {KIND_CONTEXT} from '../../src/runner/constants';
import {memoryOutput} from '../../src/runner/output';

const ROOT = resolve(__dirname, '../..');
const FIXTURE = join(ROOT, 'tests/fixtures/lab-format/labs/outpost');

/** A repository root whose labs/ holds the outpost lab, optionally without its outside probes. */
function rootWithOutpost(withoutOutside: boolean): string {
  const root = mkdtempSync(join(tmpdir(), 'netpol-labs-outpost-'));
  cpSync(FIXTURE, join(root, 'labs/outpost'), {recursive: true});
  if (withoutOutside) {
    const file = join(root, 'labs/outpost/lab.yaml');
    // Each outside probe is a block from "- from: outside" to its why line.
    writeFileSync(file, readFileSync(file, 'utf8').replace(/ {6}- from: outside\n(?: {8}.*\n)+?(?=\n| {6}- | {2}- |$)/g, ''));
  }
  return root;
}

async function plan(root: string, argv: string[]) {
  const out = memoryOutput();
  const code = await main(argv, {out, env: {PATH: mkdtempSync(join(tmpdir(), 'netpol-labs-nopath-'))}, root});
  return {code, lines: out.lines, commands: out.lines.filter((l) => l.startsWith('$ ')).map((l) => l.slice(2))};
}

const K = `kubectl --context ${KIND_CONTEXT}`;

describe('run outpost --target kind --dry-run', () => {
  it('checks, cleans and deploys both namespaces, and runs each kind of probe with its tool in the client\'s namespace', async () => {
    const {code, lines, commands} = await plan(rootWithOutpost(true), ['run', 'outpost', '--target', 'kind', '--dry-run']);
    expect(code, lines.join('\n')).toBe(0);
    for (const ns of ['empire', 'rebels']) {
      expect(commands).toContain(`${K} get namespace ${ns} --ignore-not-found --output json`);
      expect(commands.some((c) => c.startsWith(`${K} delete networkpolicies.networking.k8s.io,ciliumnetworkpolicies.cilium.io,ciliumclusterwidenetworkpolicies.cilium.io --namespace ${ns} --selector `))).toBe(true);
    }
    const probes = commands.filter((c) => c.includes(' exec ') && c.includes(' -- ') && !c.includes('cilium-dbg') && !c.includes('hubble'));
    const tool = (c: string) => c.slice(c.indexOf(' -- ') + 4).split(' ')[0];
    expect(new Set(probes.map(tool))).toEqual(new Set(['curl', 'nc', 'dig', 'ping']));
    // The xwing lives in rebels; every name is absolute, so the resolver asks once.
    expect(probes).toContain(`${K} exec --namespace rebels xwing -- nc -z -v -w 2 deathstar.empire.svc.cluster.local. 80`);
    expect(probes.some((c) => c.startsWith(`${K} exec --namespace empire tiefighter -- dig `) && c.includes(' mos-eisley.example. '))).toBe(true);
    // A node as the source: the host-network patrol is exec'd like any pod and connects from the worker's own address.
    expect(probes).toContain(`${K} exec --namespace empire patrol -- nc -z -v -w 2 deathstar.empire.svc.cluster.local. 80`);
    expect(probes.some((c) => c.startsWith(`${K} exec --namespace rebels xwing -- ping `) && c.endsWith(' probes.empire.svc.cluster.local.'))).toBe(true);
    // A gRPC call sends its message on stdin: kubectl exec --stdin, curl over HTTP/2.
    const grpc = probes.find((c) => c.includes('/cloudcity.DoorManager/GetName'))!;
    expect(grpc).toContain(`${K} exec --namespace empire --stdin tiefighter -- curl `);
    expect(grpc).toContain('--http2-prior-knowledge');
    // An HTTP probe sends its headers and the Host as the lab wrote it.
    expect(probes.some((c) => c.includes("--header 'X-Has-Force: true'") && c.includes("--header 'Host: deathstar.empire.svc.cluster.local'"))).toBe(true);
    // Deletions only ever target the lab's namespaces or its own labelled objects.
    for (const c of commands.filter((x) => x.includes(' delete '))) {
      expect(/--namespace (empire|rebels)\b/.test(c) || c.includes('--selector app.kubernetes.io/managed-by=netpol-labs'), c).toBe(true);
    }
  });

  it('puts the outside client and the name\'s server on the cluster\'s network, and sends outside probes with docker exec through the node port', async () => {
    const {code, lines, commands} = await plan(rootWithOutpost(false), ['run', 'outpost', '--target', 'kind', '--dry-run']);
    expect(code, lines.join('\n')).toBe(0);
    const at = (command: string) => {
      const i = commands.indexOf(command);
      expect(i, `${command}\n${commands.join('\n')}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    // The network with its pinned subnet comes before kind, which is told to use it.
    const network = at('docker network create --driver bridge --subnet 172.30.0.0/16 --gateway 172.30.0.1 --opt com.docker.network.bridge.enable_ip_masquerade=true --label app.kubernetes.io/managed-by=netpol-labs netpol-labs');
    const create = commands.findIndex((c) => c.startsWith('KIND_EXPERIMENTAL_DOCKER_NETWORK=netpol-labs kind create cluster --name netpol-labs '));
    expect(create).toBeGreaterThan(network);
    // After the app: containers an earlier run left are removed, then the lab's two start at lab.yaml's addresses.
    const app = commands.findIndex((c) => c.startsWith(`${K} apply --filename - < `) && c.includes('app.yaml'));
    const rm = at('docker rm --force netpol-labs-outside netpol-labs-server-172-30-0-50');
    const outside = at('docker run --detach --name netpol-labs-outside --network netpol-labs --ip 172.30.0.100 --label app.kubernetes.io/managed-by=netpol-labs --label netpol-labs.io/lab=outpost --label netpol-labs.io/role=outside nicolaka/netshoot:v0.16 sleep infinity');
    const server = at('docker run --detach --name netpol-labs-server-172-30-0-50 --network netpol-labs --ip 172.30.0.50 --network-alias mos-eisley.example --label app.kubernetes.io/managed-by=netpol-labs --label netpol-labs.io/lab=outpost --label netpol-labs.io/role=server traefik/whoami:v1.10.4');
    expect(app).toBeLessThan(rm);
    expect(rm).toBeLessThan(outside);
    expect(outside).toBeLessThan(server);
    // Before a step with an outside probe to a Service: its node port and a node with a ready endpoint are read.
    const service = at(`${K} get service deathstar --namespace empire --output json`);
    at(`${K} get endpointslices --namespace empire --selector kubernetes.io/service-name=deathstar --output json`);
    // The probe: the pods' curl argv, run in the outside container, to the node port, the Host as the lab wrote it.
    const probe = at(
      "docker exec netpol-labs-outside curl --silent --show-error --connect-timeout 2 --max-time 10 --request GET --header 'Host: deathstar.empire.svc.cluster.local' --output - " +
        "--write-out '[netpol-labs code=%{http_code} dns=%{time_namelookup} connect=%{time_connect}]' http://NODE_IP:NODE_PORT/v1",
    );
    expect(probe).toBeGreaterThan(service);
    // Both steps with outside probes send them that way, and no outside probe goes through kubectl.
    expect(commands.filter((c) => c.startsWith('docker exec netpol-labs-outside ')).length).toBeGreaterThanOrEqual(2);
  });

  it('refuses the lab on an existing cluster before any command, naming the steps with outside probes', async () => {
    const {code, lines, commands} = await plan(rootWithOutpost(false), ['run', 'outpost', '--target', 'context', '--context', 'dev-cluster', '--dry-run']);
    expect(code).toBe(2);
    expect(lines.join('\n')).toContain('lab outpost has probes from outside the cluster (steps open, l7-ingress); on an existing cluster netpol-labs has no machine outside it that it may use');
    expect(commands).toEqual([]);
  });

  it('refuses a lab whose name servers would be on an existing cluster, even without outside probes', async () => {
    const {code, lines, commands} = await plan(rootWithOutpost(true), ['run', 'outpost', '--target', 'context', '--context', 'dev-cluster', '--dry-run']);
    expect(code).toBe(2);
    expect(lines.join('\n')).toContain('lab outpost names servers outside the cluster (mos-eisley.example), which netpol-labs runs as containers on the kind cluster\'s Docker network only');
    expect(commands).toEqual([]);
  });

  it('refuses on kind an address off the cluster\'s network, at its place in lab.yaml', async () => {
    const root = rootWithOutpost(false);
    const file = join(root, 'labs/outpost/lab.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  ip: 172.30.0.100', '  ip: 172.30.0.7'));
    const {code, lines, commands} = await plan(root, ['run', 'outpost', '--target', 'kind', '--dry-run']);
    expect(code).toBe(2);
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l === '  ip: 172.30.0.7') + 1;
    // Lab files are named relative to the working directory (src/lab/node/read-lab.ts), wherever the clone is.
    expect(lines.join('\n')).toContain(`\n  ${relative(process.cwd(), file)}:${line}:7: outside.ip 172.30.0.7 is in 172.30.0.0/27, kept for the network's gateway (172.30.0.1) and the kind nodes`);
    expect(commands).toEqual([]);
  });

  it('plays every probe of the lab, outside ones included, in the simulator', async () => {
    const {code, lines} = await plan(rootWithOutpost(false), ['verify', '--target', 'sim']);
    expect(code, lines.join('\n')).toBe(0);
    expect(lines.join('\n')).toMatch(/PASS: (\d+)\/\1 probes as expected/);
  });
});

describe('export outpost --zx', () => {
  const run = async (root: string) => {
    let stdout = '';
    let stderr = '';
    const code = await main(['export', 'outpost', '--zx'], {out: memoryOutput(), root, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t)});
    return {code, stdout, stderr};
  };
  // The template and generator come from this repository; the lab from the temporary root.
  const withSources = (root: string) => {
    cpSync(join(ROOT, 'src'), join(root, 'src'), {recursive: true});
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
    return root;
  };

  it('writes a script for the two-namespace lab with every kind, its machines outside the cluster included', async () => {
    const {code, stdout, stderr} = await run(withSources(rootWithOutpost(false)));
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('namespaces: ["empire", "rebels"]');
    for (const kind of ['http', 'grpc', 'tcp', 'dns', 'icmp']) expect(stdout).toContain(`kind: "${kind}"`);
    // The outside client and the name's server, started on the cluster's network as `run --target kind` does.
    expect(stdout).toContain('args: ["run", "--detach", "--name", "netpol-labs-outside", "--network", "netpol-labs", "--ip", "172.30.0.100"');
    expect(stdout).toContain('"--network-alias", "mos-eisley.example"');
    // A probe from outside to a Service: the node port read before the step, then docker exec in the client.
    expect(stdout).toContain('key: "empire/deathstar:80"');
    expect(stdout).toContain('"get", "endpointslices", "--namespace", "empire", "--selector", "kubernetes.io/service-name=deathstar"');
    expect(stdout).toContain('args: ["exec", "netpol-labs-outside", "curl", ');
    expect(stdout).toContain('"Host: deathstar.empire.svc.cluster.local", ');
    expect(stdout).toContain('"http://NODE_IP:NODE_PORT/v1"],');
    expect(stdout).toContain('function parseNodePortRoute(');
  });

  it('refuses a lab whose machine outside the cluster cannot be on the kind network, at its place in lab.yaml', async () => {
    const root = rootWithOutpost(false);
    const file = join(root, 'labs/outpost/lab.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('  ip: 172.30.0.100\n');
    writeFileSync(file, text.replace('  ip: 172.30.0.100\n', '  ip: 10.9.0.100\n'));
    const line = text.slice(0, text.indexOf('  ip: 172.30.0.100')).split('\n').length;
    const {code, stdout, stderr} = await run(withSources(root));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`labs/outpost/lab.yaml:${line}:7: outside.ip 10.9.0.100 is outside the kind cluster's Docker network 172.30.0.0/16; use an address in 172.30.0.32-172.30.255.254`);
  });
});
