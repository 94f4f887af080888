/**
 * The kind side of outside machines and the host firewall, as a learner runs it, against the
 * stand-in cluster (tests/runner/standin-cluster.ts): `down` and `reset` remove the runner's
 * containers and network and nothing else; the reuse check of an existing cluster looks at the
 * nodes' network and at the host firewall when a lab has a host policy; a plan shows the firewall.
 */
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {main} from '../../src/cli/main';
import {memoryOutput} from '../../src/runner/output';
import {isRunning, startRunner, standinCluster, type StandinCluster} from './standin-cluster';

const clusters: StandinCluster[] = [];
afterEach(() => {
  for (const cluster of clusters.splice(0)) for (const c of cluster.calls()) if (isRunning(c.pid)) process.kill(c.pid, 'SIGKILL');
});

const OWNED = {'app.kubernetes.io/managed-by': 'netpol-labs'};
const BASTION = 'tests/fixtures/lab-format/labs/bastion';
const OUTPOST = 'tests/fixtures/lab-format/labs/outpost';

/** A stand-in whose Docker holds the runner's network, two labs' containers and one of someone else's. */
function dockerWithLabs(): StandinCluster {
  const cluster = standinCluster();
  clusters.push(cluster);
  cluster.setState({
    networks: {'netpol-labs': {subnet: '172.30.0.0/16', gateway: '172.30.0.1', labels: OWNED}},
    containers: {
      'netpol-labs-outside': {labels: {...OWNED, 'netpol-labs.io/lab': 'outpost', 'netpol-labs.io/role': 'outside'}},
      'netpol-labs-server-172-30-0-50': {labels: {...OWNED, 'netpol-labs.io/lab': 'outpost', 'netpol-labs.io/role': 'server'}},
      'netpol-labs-server-172-30-0-60': {labels: {...OWNED, 'netpol-labs.io/lab': 'other', 'netpol-labs.io/role': 'server'}},
      'someones-db': {labels: {}},
    },
  });
  return cluster;
}

async function run(cluster: StandinCluster, args: string[], env: Record<string, string> = {}) {
  const runner = startRunner(cluster, args, env);
  const exit = await runner.exited;
  return {code: exit.code, output: runner.stdout() + runner.stderr()};
}

describe('down and reset on kind', () => {
  it('down deletes the cluster, then every container the runner labelled, then its network; a container of someone else stays', async () => {
    const cluster = dockerWithLabs();
    const {code, output} = await run(cluster, ['down']);
    expect(code, output).toBe(0);
    const state = cluster.state();
    expect(Object.keys(state.containers ?? {})).toEqual(['someones-db']);
    expect(state.networks).toEqual({});
    const docker = cluster.calls().filter((c) => c.tool === 'docker').map((c) => c.args.join(' '));
    expect(docker.findIndex((c) => c.startsWith('rm --force'))).toBeLessThan(docker.indexOf('network rm netpol-labs'));
    expect(output).toContain('removed Docker network netpol-labs');
  }, 30_000);

  it('reset of a lab removes its containers outside the cluster, and no other lab\'s', async () => {
    const cluster = dockerWithLabs();
    const {code, output} = await run(cluster, ['reset', OUTPOST, '--target', 'kind']);
    expect(code, output).toBe(0);
    expect(Object.keys(cluster.state().containers ?? {}).sort()).toEqual(['netpol-labs-server-172-30-0-60', 'someones-db']);
    expect(cluster.state().networks).toHaveProperty('netpol-labs');
    expect(output).toContain('and its containers outside the cluster');
  }, 30_000);
});

describe('the cluster\'s Docker network on a fresh machine', () => {
  it('is created with the pinned subnet and the runner\'s label before kind creates the nodes on it', async () => {
    const cluster = standinCluster();
    clusters.push(cluster);
    const {code, output} = await run(cluster, ['up'], {STANDIN_KIND: 'no-cluster'});
    expect(code, output).toBe(0);
    expect(cluster.state().networks).toEqual({'netpol-labs': {subnet: '172.30.0.0/16', gateway: '172.30.0.1', labels: OWNED}});
    const calls = cluster.calls().map((c) => `${c.tool} ${c.args.join(' ')}`);
    const create = calls.findIndex((c) => c.startsWith('docker network create '));
    expect(calls[create]).toContain('--opt com.docker.network.driver.mtu=1500');
    expect(create).toBeLessThan(calls.findIndex((c) => c.startsWith('kind create cluster')));
  }, 30_000);

  it('is refused when a network of that name has another subnet: the runner changes no network it did not make', async () => {
    const cluster = standinCluster();
    clusters.push(cluster);
    cluster.setState({networks: {'netpol-labs': {subnet: '172.19.0.0/16', gateway: '172.19.0.1', labels: {}}}});
    const {code, output} = await run(cluster, ['up'], {STANDIN_KIND: 'no-cluster'});
    expect(code, output).toBe(1);
    expect(output).toContain('Docker network netpol-labs exists with subnet 172.19.0.0/16, not 172.30.0.0/16');
    expect(cluster.calls().some((c) => c.tool === 'kind' && c.args[0] === 'create')).toBe(false);
  }, 30_000);
});

describe('reusing an existing kind cluster', () => {
  it('refuses one whose nodes are on kind\'s default network, where the labs cannot put their outside machines', async () => {
    const cluster = standinCluster();
    clusters.push(cluster);
    const {code, output} = await run(cluster, ['up'], {STANDIN_NODE_NETWORK: 'kind'});
    expect(code, output).toBe(1);
    expect(output).toContain('  - its nodes are on Docker network kind, not netpol-labs (172.30.0.0/16)');
    expect(output).toContain('Delete it and start again: netpol-labs down && netpol-labs up');
  }, 30_000);

  it('refuses one without the host firewall for a lab with a host policy, naming the policy', async () => {
    const cluster = standinCluster();
    clusters.push(cluster);
    const {code, output} = await run(cluster, ['run', BASTION, '--target', 'kind'], {STANDIN_HOST_FIREWALL: 'false'});
    expect(code, output).toBe(1);
    expect(output).toContain(
      '  - the host firewall is off (cilium-config enable-host-firewall is "false"), and lab bastion has a host policy (workers-lockdown.yaml: CiliumClusterwideNetworkPolicy workers-lockdown with nodeSelector)',
    );
    expect(cluster.calls().some((c) => c.tool === 'kubectl' && c.args.includes('apply'))).toBe(false);
  }, 30_000);

  it('reuses one with the host firewall on for that lab', async () => {
    const cluster = standinCluster();
    clusters.push(cluster);
    // A namespace of that name the runner did not create stops the run right after the reuse check.
    cluster.setState({namespace: {name: 'bastion', labels: {}}});
    const {output} = await run(cluster, ['run', BASTION, '--target', 'kind'], {STANDIN_HOST_FIREWALL: 'true'});
    expect(output).toContain('reusing it: Cilium 1.20.2 is deployed with the labs\' settings, the host firewall on and SCTP support on, and every workload is ready');
    expect(output).toContain('namespace bastion exists in context kind-netpol-labs and was not created by netpol-labs');
  }, 30_000);

  it('does not ask about the host firewall for a lab without a host policy', async () => {
    const cluster = standinCluster();
    clusters.push(cluster);
    cluster.setState({namespace: {name: 'empire', labels: {}}});
    const {output} = await run(cluster, ['run', OUTPOST, '--target', 'kind'], {STANDIN_HOST_FIREWALL: 'false'});
    expect(output).toContain('reusing it: Cilium 1.20.2 is deployed with the labs\' settings and SCTP support on, and every workload is ready');
    expect(cluster.calls().some((c) => c.args.some((a) => a.includes('enable-host-firewall')))).toBe(false);
  }, 30_000);
});

describe('a plan for a lab with a host policy', () => {
  it('installs Cilium with the host firewall on, and says which lab needs it', async () => {
    const out = memoryOutput();
    const code = await main(['run', BASTION, '--target', 'kind', '--dry-run'], {out, env: {PATH: mkdtempSync(join(tmpdir(), 'netpol-labs-nopath-'))}, root: process.cwd()});
    expect(code, out.lines.join('\n')).toBe(0);
    const install = out.lines.find((l) => l.startsWith('$ cilium install --context kind-netpol-labs --version 1.20.2 '))!;
    expect(install.endsWith('--set hubble.relay.image.useDigest=false --set hostFirewall.enabled=true --set sctp.enabled=true')).toBe(true);
    // `up` looks at every lab it may run: this one first, then the course's (labs/cilium-host-policies has one too).
    expect(out.lines).toContain('installing Cilium 1.20.2 with the cilium CLI (Hubble on, SCTP support on, host firewall on: lab bastion has a host policy (workers-lockdown.yaml: CiliumClusterwideNetworkPolicy workers-lockdown with nodeSelector) and 1 more)');
  });
});
