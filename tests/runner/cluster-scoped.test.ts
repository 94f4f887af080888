/**
 * Cluster-scoped objects in a step (a CiliumClusterwideNetworkPolicy): applying one could overwrite
 * an object of the same name that someone else made, anywhere in the cluster. Before applying, the
 * runner looks the object up and refuses the step when it exists without this lab's owner labels.
 * A lab with such a step is written to a temporary folder; the real command runs against the
 * stand-in cluster (tests/runner/standin-cluster.ts).
 */
import {copyFileSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {main} from '../../src/cli/main';
import {memoryOutput} from '../../src/runner/output';
import {isRunning, ROOT, startRunner, standinCluster, type Call, type StandinCluster} from './standin-cluster';

const CCNP = 'ciliumclusterwidenetworkpolicies.cilium.io/empire-only-clusterwide';
const OWNER_LABELS = {'app.kubernetes.io/managed-by': 'netpol-labs', 'netpol-labs.io/lab': 'clusterwide'};

/** A one-step lab whose step is a CiliumClusterwideNetworkPolicy (the deathstar app, L3/L4 intent). */
function clusterwideLab(): string {
  // The folder is named after the lab id, as the loader requires.
  const dir = join(mkdtempSync(join(tmpdir(), 'netpol-labs-ccnp-lab-')), 'clusterwide');
  mkdirSync(dir);
  copyFileSync(join(ROOT, 'labs/deathstar/app.yaml'), join(dir, 'app.yaml'));
  writeFileSync(join(dir, 'empire-only-clusterwide.yaml'), `apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata:
  name: empire-only-clusterwide
spec:
  description: Only the empire reaches the deathstar, written once for the whole cluster.
  endpointSelector:
    matchLabels:
      org: empire
      class: deathstar
      k8s:io.kubernetes.pod.namespace: star-wars
  ingress:
    - fromEndpoints:
        - matchLabels:
            org: empire
            k8s:io.kubernetes.pod.namespace: star-wars
      toPorts:
        - ports:
            - port: "80"
              protocol: TCP
`);
  writeFileSync(join(dir, 'lab.yaml'), `id: clusterwide
title: "A clusterwide policy"
namespace: star-wars
app:
  - app.yaml
steps:
  - id: clusterwide-l3-l4
    title: "CiliumClusterwideNetworkPolicy at L3/L4"
    policies:
      - empire-only-clusterwide.yaml
    probes:
      - from: tiefighter
        method: POST
        url: http://deathstar.star-wars.svc.cluster.local/v1/request-landing
        expect: allowed
        why: The tiefighter carries org=empire.
      - from: xwing
        method: POST
        url: http://deathstar.star-wars.svc.cluster.local/v1/request-landing
        expect: dropped
        why: No rule admits org=alliance.
`);
  return dir;
}

const clusters: StandinCluster[] = [];
afterEach(() => {
  for (const cluster of clusters.splice(0)) for (const c of cluster.calls()) if (isRunning(c.pid)) process.kill(c.pid, 'SIGKILL');
});

const kubectlVerb = (c: Call) => (c.args[0] === '--context' ? c.args[2] : c.args[0]);

async function runAgainst(policies: Record<string, Record<string, string>>, namespaceLabels: Record<string, string> = OWNER_LABELS) {
  const cluster = standinCluster();
  clusters.push(cluster);
  cluster.setState({namespace: {name: 'star-wars', labels: namespaceLabels}, policies});
  const run = startRunner(cluster, ['run', clusterwideLab(), '--target', 'kind']);
  const exit = await run.exited;
  const calls = cluster.calls().filter((c) => c.tool === 'kubectl');
  const check = calls.findIndex((c) => kubectlVerb(c) === 'get' && c.args.includes(CCNP));
  return {cluster, exit, output: run.stdout() + run.stderr(), calls, check};
}

describe('a step with a cluster-scoped policy', () => {
  it('the dry-run plan shows the ownership check before the apply', async () => {
    const out = memoryOutput();
    const code = await main(['run', clusterwideLab(), '--target', 'kind', '--dry-run'], {out, env: {PATH: mkdtempSync(join(tmpdir(), 'netpol-labs-nopath-'))}, root: ROOT});
    expect(code, out.lines.join('\n')).toBe(0);
    const lines = out.lines;
    const check = lines.indexOf(`$ kubectl --context kind-netpol-labs get ${CCNP} --ignore-not-found --output json`);
    const apply = lines.findIndex((l) => l.startsWith('$ kubectl --context kind-netpol-labs apply --filename - < ') && l.includes('empire-only-clusterwide.yaml'));
    expect(check, lines.join('\n')).toBeGreaterThan(0);
    expect(apply).toBeGreaterThan(check);
    expect(lines[check - 1]).toContain('cluster-scoped');
    expect(lines[check - 1]).toContain('refuse');
  });

  it('refuses, names the object and applies nothing of the step when someone else made it', async () => {
    const {cluster, exit, output, calls, check} = await runAgainst({'CiliumClusterwideNetworkPolicy/empire-only-clusterwide': {team: 'blue'}});
    expect(exit.code, output).not.toBe(0);
    expect(output).toContain('CiliumClusterwideNetworkPolicy empire-only-clusterwide already exists in context kind-netpol-labs and belongs to someone else');
    expect(check, 'the runner looked the object up').toBeGreaterThan(0);
    // Nothing after the look-up was applied or deleted, and no probe ran.
    const after = calls.slice(check + 1);
    expect(after.filter((c) => kubectlVerb(c) === 'apply'), JSON.stringify(after)).toEqual([]);
    expect(after.filter((c) => kubectlVerb(c) === 'exec')).toEqual([]);
    expect(cluster.state().policies['CiliumClusterwideNetworkPolicy/empire-only-clusterwide']).toEqual({team: 'blue'});
  }, 30_000);

  it('refuses one that another lab of the runner made', async () => {
    const other = {...OWNER_LABELS, 'netpol-labs.io/lab': 'deathstar'};
    const {exit, output, calls, check} = await runAgainst({'CiliumClusterwideNetworkPolicy/empire-only-clusterwide': other});
    expect(exit.code, output).not.toBe(0);
    expect(output).toContain('belongs to someone else');
    expect(calls.slice(check + 1).filter((c) => kubectlVerb(c) === 'apply')).toEqual([]);
  }, 30_000);

  it('refuses a namespace another lab owns before changing anything: two labs never share one', async () => {
    const {exit, output, calls} = await runAgainst({}, {...OWNER_LABELS, 'netpol-labs.io/lab': 'deathstar'});
    expect(exit.code, output).not.toBe(0);
    expect(output).toContain('namespace star-wars belongs to lab deathstar (label netpol-labs.io/lab), not to clusterwide');
    expect(output).toContain('netpol-labs reset deathstar');
    expect(calls.filter((c) => ['apply', 'delete', 'exec'].includes(kubectlVerb(c)))).toEqual([]);
  }, 30_000);

  // One runner run per case (each is a whole child process): two tests, so each has its own timeout.
  it.each([
    ['it does not exist yet', {}],
    ['this lab made it', {'CiliumClusterwideNetworkPolicy/empire-only-clusterwide': OWNER_LABELS}],
  ] as [string, Record<string, Record<string, string>>][])('applies it when %s', async (_when, policies) => {
    const {cluster, exit, output, calls, check} = await runAgainst(policies);
    expect(exit.code, output).toBe(0);
    expect(check).toBeGreaterThan(0);
    expect(calls.slice(check + 1).some((c) => kubectlVerb(c) === 'apply')).toBe(true);
    expect(cluster.state().policies['CiliumClusterwideNetworkPolicy/empire-only-clusterwide']).toEqual(OWNER_LABELS);
  }, 30_000);
});
