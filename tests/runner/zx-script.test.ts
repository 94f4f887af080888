/**
 * The standalone zx scripts (`netpol-labs export LAB --zx`, kept in static/zx/): in sync with the
 * labs, and run for real with zx against the stand-in cluster, whose `kubectl exec ... curl`
 * answers from the policies in force (the engine). So a script passes only when every outcome it
 * reads is the lab's expectation, and fails naming the probe when one is not.
 */
import {spawn} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import type {Lab} from '../../src/lab/load';
import {listLabDirs, readLabOrThrow} from '../../src/lab/node/read-lab';
import {unsupportedOnCluster} from '../../src/runner/cluster-support';
import {KIND_NODE_IMAGE} from '../../src/runner/constants';
import {zxScript} from '../../src/runner/zx-script';
import {runInMemory} from '../cli-harness';
import {ROOT, standinCluster, type Call, type StandinCluster} from './standin-cluster';

const ZX = join(ROOT, 'node_modules/zx/build/cli.js');
const deathstar = readLabOrThrow(join(ROOT, 'labs/deathstar'));
const temp: string[] = [];
afterAll(() => {
  for (const dir of temp) rmSync(dir, {recursive: true, force: true});
});

/** Runs a script with zx, the stand-ins first on PATH (no real kind, kubectl, cilium or helm). */
function runScript(file: string, args: string[], cluster: StandinCluster, env: Record<string, string> = {}): Promise<{code: number | null; output: string}> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ZX, file, ...args], {
      cwd: tmpdir(),
      env: {...process.env, PATH: `${cluster.bin}:/usr/bin:/bin`, STANDIN_LOG: cluster.log, STANDIN_STATE: cluster.stateDir, FORCE_COLOR: '0', ...env},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({code, output}));
  });
}

const line = (c: Call) => `${c.tool} ${c.args.join(' ')}`;

describe('generated scripts', () => {
  const allLabs = listLabDirs(ROOT).map((dir) => readLabOrThrow(dir));
  const playable = allLabs.filter((lab) => !unsupportedOnCluster(lab, 'export'));

  it.each(playable.map((lab) => lab.id))('static/zx/%s.mjs is what `export --zx` generates from the lab (run npm run zx-scripts when this fails)', async (id) => {
    const lab = readLabOrThrow(join(ROOT, 'labs', id));
    expect(readFileSync(join(ROOT, 'static/zx', `${id}.mjs`), 'utf8')).toBe(await zxScript(lab, ROOT));
  });

  it('offers one script per lab, and none for a lab that is gone', () => {
    // Every lab of the course plays on kind, machines outside the cluster and host policies included.
    expect(playable.map((lab) => lab.id)).toEqual(allLabs.map((lab) => lab.id));
    expect(readdirSync(join(ROOT, 'static/zx')).sort()).toEqual(allLabs.map((lab) => `${lab.id}.mjs`).sort());
  });

  it('`netpol-labs export deathstar --zx` prints that script', async () => {
    const {code, out} = await runInMemory(['export', 'deathstar', '--zx']);
    expect(code).toBe(0);
    expect(`${out.lines.join('\n')}\n`).toBe(readFileSync(join(ROOT, 'static/zx/deathstar.mjs'), 'utf8'));
  });

  it('export without a format, or of a lab that does not exist, says what to write instead', async () => {
    const noFormat = await runInMemory(['export', 'deathstar']);
    expect(noFormat.code).toBe(2);
    expect(noFormat.err.lines.join('\n')).toContain('--zx');
    const noLab = await runInMemory(['export', 'deathstr', '--zx']);
    expect(noLab.code).toBe(1);
    // The message lists every lab; the one meant is among them.
    expect(noLab.err.lines.join('\n')).toMatch(/no lab "deathstr"; labs are [^\n]*\bdeathstar\b/);
  });
});

describe('the deathstar script run with zx against the stand-in cluster', () => {
  it('on a machine without the cluster: creates it, installs Cilium, and every probe of every step holds', async () => {
    const cluster = standinCluster();
    const {code, output} = await runScript(join(ROOT, 'static/zx/deathstar.mjs'), [], cluster, {STANDIN_KIND: 'no-cluster', STANDIN_NO_AGENT: '1'});
    const total = deathstar.steps.reduce((n, s) => n + s.probes.length, 0);
    expect(code, output).toBe(0);
    expect(output).toContain(`PASS: ${total}/${total} probes as expected`);
    for (const step of deathstar.steps) {
      for (const probe of step.probes) expect(output).toMatch(new RegExp(`PASS  ${probe.from} ${probe.method} ${probe.target.path!.replace(/\//g, '\\/')} +expected ${probe.expect} +observed ${probe.expect} `));
    }
    const lines = cluster.calls().map(line);
    // The Docker network as `netpol-labs up` makes it (the default bridge's MTU), before the nodes go on it.
    const network = lines.findIndex((l) => l.startsWith('docker network create '));
    expect(lines[network]).toBe('docker network create --opt com.docker.network.driver.mtu=1500 --driver bridge --subnet 172.30.0.0/16 --gateway 172.30.0.1 --opt com.docker.network.bridge.enable_ip_masquerade=true --label app.kubernetes.io/managed-by=netpol-labs netpol-labs');
    expect(cluster.state().kindNetwork).toBe('netpol-labs');
    // The cluster as `netpol-labs up` makes it, the config on stdin; the user's context put back.
    const create = lines.findIndex((l) => l.startsWith('kind create cluster'));
    expect(network).toBeLessThan(create);
    expect(lines[create]).toBe(`kind create cluster --name netpol-labs --image ${KIND_NODE_IMAGE} --config=-`);
    expect(lines[create + 1]).toBe('kubectl config use-context dev-cluster');
    expect(cluster.state().currentContext).toBe('dev-cluster');
    expect(lines.some((l) => l.startsWith('cilium install --context kind-netpol-labs --version '))).toBe(true);
    // Every kubectl call names the kind context; nothing else is touched.
    for (const l of lines.filter((x) => x.startsWith('kubectl ') && !x.startsWith('kubectl config '))) expect(l).toMatch(/^kubectl --context kind-netpol-labs /);
    // The last step's policy is the one left in force, labelled as the lab's.
    expect(Object.keys(cluster.state().policies)).toEqual(['CiliumNetworkPolicy/rule1']);
  }, 120_000);

  it('with one expected outcome changed, it exits 1 and names the probe that did not hold', async () => {
    const lab: Lab = structuredClone(deathstar);
    const step = lab.steps.find((s) => s.id === 'cilium-l7')!;
    const probe = step.probes.find((p) => p.method === 'PUT' && p.target.path === '/v1/exhaust-port')!;
    expect(probe.expect).toBe('l7-denied');
    probe.expect = 'allowed';
    const dir = mkdtempSync(join(tmpdir(), 'netpol-labs-zx-'));
    temp.push(dir);
    const file = join(dir, 'deathstar.mjs');
    writeFileSync(file, await zxScript(lab, ROOT));
    const cluster = standinCluster();
    const {code, output} = await runScript(file, ['--step', 'cilium-l7'], cluster);
    expect(code, output).toBe(1);
    expect(output).toContain('FAIL: 3/4 probes as expected; these did not hold:');
    expect(output).toContain('cilium-l7: tiefighter PUT /v1/exhaust-port: expected allowed, observed l7-denied');
  }, 120_000);

  it('a lab with a machine outside the cluster: starts it on the network, reads the node port, and the probes hold', async () => {
    const ipblock = readLabOrThrow(join(ROOT, 'labs/netpol-ipblock'));
    // The step where the outside machine gets in and a pod does not (one step keeps the test quick).
    const step = ipblock.steps.find((s) => s.id === 'ipblock-outside')!;
    expect(step.probes.map((p) => [p.from, p.expect])).toEqual([['outside', 'allowed'], ['frontend', 'dropped']]);
    const cluster = standinCluster();
    const {code, output} = await runScript(join(ROOT, 'static/zx/netpol-ipblock.mjs'), ['--step', step.id], cluster, {STANDIN_KIND: 'no-cluster', STANDIN_NO_AGENT: '1'});
    const total = step.probes.length;
    expect(code, output).toBe(0);
    expect(output).toContain(`PASS: ${total}/${total} probes as expected`);
    // The outside client at the lab's address, labelled as the runner's, after the app is deployed.
    expect(cluster.state().containers).toEqual({
      'netpol-labs-outside': {ip: ipblock.outside!.ip, labels: {'app.kubernetes.io/managed-by': 'netpol-labs', 'netpol-labs.io/lab': 'netpol-ipblock', 'netpol-labs.io/role': 'outside'}},
    });
    const lines = cluster.calls().map(line);
    expect(lines.findIndex((l) => l.startsWith('docker run '))).toBeGreaterThan(lines.findIndex((l) => l.includes(' apply ')));
    // Its probes go to the db Service's node port (the stand-in's 30000 + 6379 % 2768) on the node with the endpoint.
    expect(output).toContain('outside -> hoth/db:6379 goes to node netpol-labs-worker (172.30.0.3), node port 30843');
    const outside = lines.filter((l) => l.startsWith('docker exec '));
    // Each outside probe at least once (a step repeats its probes until the policies are in force).
    expect(outside.length).toBeGreaterThanOrEqual(1);
    for (const l of outside) expect(l).toBe('docker exec netpol-labs-outside nc -z -v -w 2 172.30.0.3 30843');
    expect(output).toContain(`The lab's machines outside the cluster stay too; remove them with: docker rm --force netpol-labs-outside`);
  }, 120_000);

  it('refuses to reuse a kind cluster that is not on its Docker network, before touching the cluster', async () => {
    const cluster = standinCluster();
    const {code, output} = await runScript(join(ROOT, 'static/zx/deathstar.mjs'), [], cluster, {STANDIN_NODE_NETWORK: 'kind'});
    expect(code).toBe(2);
    expect(output).toContain('refused: the kind cluster netpol-labs is not on Docker network netpol-labs (its nodes are on kind)');
    expect(cluster.calls().map(line).filter((l) => l.startsWith('kubectl ') || / (create|run) /.test(l))).toEqual([]);
  }, 60_000);

  it('a step that does not exist is refused before anything is touched', async () => {
    const cluster = standinCluster();
    const {code, output} = await runScript(join(ROOT, 'static/zx/deathstar.mjs'), ['--step', 'cilium-l8'], cluster);
    expect(code).toBe(2);
    expect(output).toContain('lab deathstar has no step "cilium-l8"; its steps are no-policy, k8s-allow-empire, cilium-l3-l4, cilium-l7, l4-wildcards-l7, ingress-entity');
    expect(cluster.calls()).toEqual([]);
  }, 60_000);

  it('refuses a lab namespace that netpol-labs did not create', async () => {
    const cluster = standinCluster();
    cluster.setState({namespace: {name: 'star-wars', labels: {team: 'someone-else'}}});
    const {code, output} = await runScript(join(ROOT, 'static/zx/deathstar.mjs'), [], cluster);
    expect(code).toBe(2);
    expect(output).toContain('refused: namespace star-wars exists in kind-netpol-labs and was not created by netpol-labs');
    expect(cluster.calls().map(line).filter((l) => / (apply|delete) /.test(l))).toEqual([]);
  }, 60_000);

  it('refuses a lab namespace another lab of netpol-labs owns: two labs never share one', async () => {
    const cluster = standinCluster();
    cluster.setState({namespace: {name: 'star-wars', labels: {'app.kubernetes.io/managed-by': 'netpol-labs', 'netpol-labs.io/lab': 'outpost'}}});
    const {code, output} = await runScript(join(ROOT, 'static/zx/deathstar.mjs'), [], cluster);
    expect(code).toBe(2);
    expect(output).toContain('refused: namespace star-wars belongs to lab outpost, not to deathstar');
    expect(cluster.calls().map(line).filter((l) => / (apply|delete) /.test(l))).toEqual([]);
  }, 60_000);
});
