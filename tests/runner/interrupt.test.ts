/**
 * Ctrl-C on the real command: `node scripts/netpol-labs.mjs run deathstar ...` runs as a child
 * process against stand-in docker/kind/kubectl/cilium (tests/runner/standin-cluster.ts), gets
 * SIGINT while a step's probes are in flight, and must exit 130 promptly, say it was interrupted,
 * leave no child running, delete only what it labelled, and let the next run start clean.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {isRunning, startRunner, standinCluster as makeCluster, waitFor, type Call, type StandinCluster} from './standin-cluster';

// A failing test must not leave stand-ins or the runner behind: end them by pid afterwards.
const started: {cluster: StandinCluster; runners: ReturnType<typeof startRunner>[]}[] = [];
function standinCluster(): StandinCluster {
  const cluster = makeCluster();
  started.push({cluster, runners: []});
  return cluster;
}
function start(...args: Parameters<typeof startRunner>) {
  const run = startRunner(...args);
  started.find((s) => s.cluster === args[0])!.runners.push(run);
  return run;
}
afterEach(() => {
  for (const {cluster, runners} of started.splice(0)) {
    for (const r of runners) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    for (const c of cluster.calls()) if (isRunning(c.pid)) process.kill(c.pid, 'SIGKILL');
  }
});

const OWNER = 'app.kubernetes.io/managed-by=netpol-labs,netpol-labs.io/lab=deathstar';
const POLICY_LIST = 'networkpolicies.networking.k8s.io,ciliumnetworkpolicies.cilium.io,ciliumclusterwidenetworkpolicies.cilium.io';
const OWNER_LABELS = {'app.kubernetes.io/managed-by': 'netpol-labs', 'netpol-labs.io/lab': 'deathstar'};

const isCurl = (c: Call) => c.tool === 'kubectl' && c.args.includes('exec') && c.args.includes('curl');
const kubectlVerb = (c: Call) => (c.args[0] === '--context' ? c.args[2] : c.args[0]);
/** The namespace exists from an earlier run, with a policy a user made by hand in it (not labelled). */
function seed(cluster: StandinCluster) {
  cluster.setState({namespace: {name: 'star-wars', labels: OWNER_LABELS}, policies: {'NetworkPolicy/users-own': {team: 'blue'}}});
}

const TARGETS = [
  {name: 'kind', args: ['--target', 'kind'], context: 'kind-netpol-labs'},
  {name: 'context', args: ['--target', 'context', '--context', 'workshop-cluster'], context: 'workshop-cluster'},
];

describe.each(TARGETS)('Ctrl-C during a step (--target $name)', ({args, context}) => {
  it('exits 130 within seconds, says so, kills its probes, and deletes only the policies it labelled', async () => {
    const cluster = standinCluster();
    seed(cluster);
    const run = start(cluster, ['run', 'deathstar', ...args, '--step', 'k8s-allow-empire'], {STANDIN_CURL: 'hang'});
    // Mid-step: the step's policy is applied and both probes (run in parallel) are hanging.
    await waitFor(() => cluster.calls().filter(isCurl).length >= 2, 'both probes of the step to start');
    expect(Object.keys(cluster.state().policies).sort()).toEqual(['NetworkPolicy/deathstar-allow-empire', 'NetworkPolicy/users-own']);
    const curls = cluster.calls().filter(isCurl);
    expect(curls.every((c) => isRunning(c.pid)), 'the stand-in probes are hanging when Ctrl-C comes').toBe(true);

    const sentAt = Date.now();
    run.child.kill('SIGINT');
    const exit = await run.exited;

    expect(exit.code, run.stdout() + run.stderr()).toBe(130);
    // The probes ignore SIGTERM; the runner SIGKILLs them 2 s later, then cleans up.
    expect(exit.at - sentAt).toBeLessThan(6_000);
    expect(run.stdout()).toContain('Ctrl-C: interrupted; stopping the running commands');
    expect(run.stdout()).toContain('interrupted: removing the policies of lab deathstar so the next run starts clean');
    expect(run.stdout()).toContain('cleaned up; the next run starts from a clean state');
    expect(run.stderr()).not.toMatch(/Error|at .*\.ts:\d+/);

    const calls = cluster.calls();
    const stillRunning = calls.filter((c) => isRunning(c.pid));
    expect(stillRunning, 'no stand-in process is left running').toEqual([]);

    // Deletes: the clean start and the clean-up after Ctrl-C, both by the runner's owner labels.
    const deletes = calls.filter((c) => c.tool === 'kubectl' && kubectlVerb(c) === 'delete');
    expect(deletes.map((c) => c.args)).toEqual([
      ['--context', context, 'delete', POLICY_LIST, '--namespace', 'star-wars', '--selector', OWNER, '--ignore-not-found'],
      ['--context', context, 'delete', POLICY_LIST, '--namespace', 'star-wars', '--selector', OWNER, '--ignore-not-found'],
    ]);
    expect(calls.indexOf(deletes[1])).toBeGreaterThan(calls.indexOf(curls[1]));
    expect(calls.filter((c) => c.tool === 'kind' && c.args[0] !== 'version' && !(c.args[0] === 'get'))).toEqual([]);
    // Every kubectl call names the context; none relies on the current one.
    for (const c of calls.filter((c) => c.tool === 'kubectl' && !c.args.includes('version'))) expect(c.args.slice(0, 2)).toEqual(['--context', context]);
    // What is left: the user's own policy and the namespace; the step's policy is gone.
    expect(cluster.state()).toMatchObject({namespace: {name: 'star-wars', labels: OWNER_LABELS}, policies: {'NetworkPolicy/users-own': {team: 'blue'}}, currentContext: 'dev-cluster'});
    expect(Object.keys(cluster.state().policies)).toEqual(['NetworkPolicy/users-own']);
  });
});

describe('a second Ctrl-C, then the next run', () => {
  it('quits at once without leaving children; the next run starts by removing the leftover labelled policies', async () => {
    const cluster = standinCluster();
    seed(cluster);
    const first = start(cluster, ['run', 'deathstar', '--target', 'kind', '--step', 'k8s-allow-empire'], {STANDIN_CURL: 'hang'});
    await waitFor(() => cluster.calls().filter(isCurl).length >= 2, 'both probes of the step to start');
    first.child.kill('SIGINT');
    await waitFor(() => first.stdout().includes('Ctrl-C: interrupted'), 'the first Ctrl-C to be acknowledged', 5_000);
    const secondAt = Date.now();
    first.child.kill('SIGINT');
    const exit = await first.exited;
    expect(exit.code, first.stdout() + first.stderr()).toBe(130);
    expect(exit.at - secondAt).toBeLessThan(1_500);
    expect(first.stdout()).toContain('Ctrl-C again: quitting now, without cleaning up');
    const afterFirst = cluster.calls();
    expect(afterFirst.filter((c) => isRunning(c.pid)), 'no stand-in process is left running').toEqual([]);
    // No clean-up ran: the step's policy is still in force, as after a crash or a kill -9.
    expect(Object.keys(cluster.state().policies).sort()).toEqual(['NetworkPolicy/deathstar-allow-empire', 'NetworkPolicy/users-own']);

    // The next run, on another step, with probes that answer.
    const second = start(cluster, ['run', 'deathstar', '--target', 'kind', '--step', 'cilium-l3-l4']);
    const done = await second.exited;
    expect(done.code, second.stdout() + second.stderr()).toBe(0);
    const calls = cluster.calls().slice(afterFirst.length);
    const mutations = calls.filter((c) => c.tool === 'kubectl' && ['apply', 'delete'].includes(kubectlVerb(c)));
    // First thing it changes: the leftover labelled policies go, before the app and the step are applied.
    expect(mutations[0].args).toEqual(['--context', 'kind-netpol-labs', 'delete', POLICY_LIST, '--namespace', 'star-wars', '--selector', OWNER, '--ignore-not-found']);
    expect(mutations.slice(1).map(kubectlVerb)).toEqual(['apply', 'apply']);
    expect(second.stdout()).toContain('# deathstar: starting from a clean state (removing policies a previous run left)');
    expect(Object.keys(cluster.state().policies).sort()).toEqual(['CiliumNetworkPolicy/rule1', 'NetworkPolicy/users-own']);
    expect(second.stdout()).toContain('PASS: 3/3 probes as expected across 1 lab(s) (target kind, context kind-netpol-labs)');
  });
});

describe('Ctrl-C while kind creates the cluster', () => {
  it('deletes the half-created netpol-labs cluster (which this run was creating) and nothing else, then exits 130', async () => {
    const cluster = standinCluster();
    const run = start(cluster, ['run', 'deathstar', '--target', 'kind'], {STANDIN_KIND: 'no-cluster-hang-create'});
    await waitFor(() => cluster.calls().some((c) => c.tool === 'kind' && c.args[0] === 'create'), 'kind create cluster to start');
    const sentAt = Date.now();
    run.child.kill('SIGINT');
    const exit = await run.exited;
    expect(exit.code, run.stdout() + run.stderr()).toBe(130);
    expect(exit.at - sentAt).toBeLessThan(6_000);
    expect(run.stdout()).toContain('kind create cluster did not finish: deleting the partly created cluster netpol-labs');
    expect(run.stdout()).toMatch(/\ninterrupted\n/);
    const calls = cluster.calls();
    expect(calls.filter((c) => isRunning(c.pid)), 'no stand-in process is left running').toEqual([]);
    const kind = calls.filter((c) => c.tool === 'kind' && c.args[0] !== 'version').map((c) => c.args.slice(0, 4).join(' '));
    expect(kind).toEqual(['get clusters', 'create cluster --name netpol-labs', 'delete cluster --name netpol-labs']);
    // Nothing after that: no kubectl call (only the read of the current context before the create,
    // which is put back only after a create that finished), no Cilium install.
    expect(calls.filter((c) => c.tool === 'kubectl' && c.args[0] !== 'version').map((c) => c.args.join(' '))).toEqual(['config current-context']);
    expect(cluster.state().currentContext, "the user's context is untouched").toBe('dev-cluster');
    expect(calls.filter((c) => c.tool === 'cilium' && c.args[0] !== 'version')).toEqual([]);
  });
});
