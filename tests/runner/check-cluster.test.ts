/**
 * `netpol-labs check LAB/CHALLENGE FILE... --target kind|context`: the real command, started as a
 * child process against the stand-in cluster (standin-cluster.ts), whose probe answers come from
 * the policies in force, through the policy engine (standin-oracle.ts). The challenge is
 * deathstar/empire-only-l3-l4 (labs/deathstar/challenges/empire-only-l3-l4/challenge.yaml: 7 probes,
 * 4 of them hidden; its pods tie-interceptor and ywing in star-wars, shuttle in coruscant).
 *
 * What must hold: the reference solution passes (exit 0) and a near miss fails with the message the
 * challenge names (exit 1); files the challenge does not allow are refused (exit 2, file:line:col)
 * before any tool runs; the learner's policies are applied only in the lab's namespaces and removed
 * afterwards, after a pass, a failure and Ctrl-C; a policy a user made stays.
 */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {parseAllDocuments} from 'yaml';
import {submissionManifests} from '../../src/runner/check-cluster';
import {manifestStream} from '../../src/runner/objects';
import {isRunning, ROOT, startRunner, standinCluster as makeCluster, waitFor, type Call, type StandinCluster} from './standin-cluster';

const started: {cluster: StandinCluster; runners: ReturnType<typeof startRunner>[]}[] = [];
function standinCluster(): StandinCluster {
  const cluster = makeCluster();
  started.push({cluster, runners: []});
  return cluster;
}
function start(cluster: StandinCluster, args: string[], env: Record<string, string> = {}) {
  const run = startRunner(cluster, args, env);
  started.find((s) => s.cluster === cluster)!.runners.push(run);
  return run;
}
// A failing test must not leave the runner or stand-ins behind: end them by pid.
afterEach(() => {
  for (const {cluster, runners} of started.splice(0)) {
    for (const r of runners) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    for (const c of cluster.calls()) if (isRunning(c.pid)) process.kill(c.pid, 'SIGKILL');
  }
});

const CHALLENGE = 'deathstar/empire-only-l3-l4';
const DIR = join(ROOT, 'labs/deathstar/challenges/empire-only-l3-l4');
const OWNER_LABELS = {'app.kubernetes.io/managed-by': 'netpol-labs', 'netpol-labs.io/lab': 'deathstar'};
/** The lab's namespace and the one the challenge adds: the only ones the check may change. */
const LAB_NAMESPACES = ['star-wars', 'coruscant'];
const LEARNER_POLICY = 'NetworkPolicy/deathstar-allow-empire';

const kubectlArgs = (c: Call) => (c.args[0] === '--context' ? c.args.slice(2) : c.args);
const verb = (c: Call) => kubectlArgs(c)[0];
const isProbe = (c: Call) => c.tool === 'kubectl' && verb(c) === 'exec' && (c.args.includes('curl') || c.args.includes('nc'));
const namespaceOf = (c: Call) => (c.args.includes('--namespace') ? c.args[c.args.indexOf('--namespace') + 1] : undefined);

/** The objects the stand-in holds (what a real API server would), by kind/name. */
function objects(cluster: StandinCluster): Record<string, {metadata: {namespace?: string}}> {
  return JSON.parse(readFileSync(join(cluster.stateDir, 'state.json'), 'utf8')).objects ?? {};
}

/** A user's own policy, in a namespace of their own (rebel-base), that no check may touch. */
function seedUsersPolicy(cluster: StandinCluster) {
  const policy = {apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: {name: 'users-own', namespace: 'rebel-base', labels: {team: 'blue'}}, spec: {podSelector: {}}};
  const state = {namespace: null, policies: {'NetworkPolicy/users-own': {team: 'blue'}}, objects: {'NetworkPolicy/users-own': policy}, currentContext: 'dev-cluster', created: false};
  writeFileSync(join(cluster.stateDir, 'state.json'), JSON.stringify(state));
}

/**
 * What every check must leave and must not do: the learner's policy was applied with the runner's
 * labels into star-wars, probes ran after it, nothing was applied or deleted outside the lab's
 * namespaces, the learner's policy is gone at the end and the user's policy is still there.
 */
function expectCleanCheck(cluster: StandinCluster, context: string) {
  const calls = cluster.calls();
  const applies = cluster.applied();
  const learner = applies.findIndex((a) => a.objects.some((o) => `${o.kind}/${o.name}` === LEARNER_POLICY));
  expect(learner, 'the learner\'s policy was applied').toBeGreaterThanOrEqual(0);
  for (const o of applies.flatMap((a) => a.objects)) {
    if (o.kind === 'Namespace') expect(LAB_NAMESPACES).toContain(o.name);
    else expect(LAB_NAMESPACES, `${o.kind}/${o.name}`).toContain(o.namespace);
    expect(o.labels).toMatchObject(OWNER_LABELS);
  }
  const applyCall = calls.filter((c) => c.tool === 'kubectl' && verb(c) === 'apply')[learner];
  const firstProbe = calls.findIndex(isProbe);
  expect(firstProbe, 'probes ran').toBeGreaterThan(calls.indexOf(applyCall));
  // Every delete names the runner's labels and a namespace of the lab.
  const deletes = calls.filter((c) => c.tool === 'kubectl' && verb(c) === 'delete');
  expect(deletes.length).toBeGreaterThan(0);
  for (const d of deletes) {
    expect(d.args).toContain('app.kubernetes.io/managed-by=netpol-labs,netpol-labs.io/lab=deathstar');
    const namespace = namespaceOf(d) ?? d.args.find((a) => a.startsWith('metadata.name='))?.slice('metadata.name='.length);
    expect(LAB_NAMESPACES).toContain(namespace);
  }
  // The last delete of policies comes after the last probe: the clean-up.
  const lastProbe = calls.map(isProbe).lastIndexOf(true);
  const policyDeletes = calls.map((c) => c.tool === 'kubectl' && verb(c) === 'delete' && kubectlArgs(c)[1].includes('networkpolicies'));
  expect(policyDeletes.lastIndexOf(true)).toBeGreaterThan(lastProbe);
  for (const c of calls.filter((c) => c.tool === 'kubectl' && c.args[0] !== 'version')) expect(c.args.slice(0, 2)).toEqual(['--context', context]);
  expect(Object.keys(cluster.state().policies)).toEqual(['NetworkPolicy/users-own']);
  expect(cluster.state().currentContext, "the user's context is untouched").toBe('dev-cluster');
}

/** A file in a temporary folder. */
function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'netpol-labs-check-')), name);
  writeFileSync(path, text);
  return path;
}

describe('check --target kind', () => {
  it('passes the reference solution (exit 0), then removes it and keeps the lab\'s app for the next check', async () => {
    const cluster = standinCluster();
    seedUsersPolicy(cluster);
    const run = start(cluster, ['check', CHALLENGE, join(DIR, 'solution.yaml'), '--target', 'kind']);
    const exit = await run.exited;
    const out = run.stdout();
    expect(exit.code, out + run.stderr()).toBe(0);
    expect(out).toContain('Only the Empire lands, with a Kubernetes NetworkPolicy (deathstar/empire-only-l3-l4, on the cluster: context kind-netpol-labs)');
    expect(out).toContain('PASS  xwing POST /v1/request-landing -> deathstar: expected dropped, observed dropped');
    expect(out).toContain('hidden probes: all 4 pass');
    expect(out).toContain('empire-only-l3-l4: solved, all 7 probes pass');
    expect(out).toContain('removed your policies');
    expectCleanCheck(cluster, 'kind-netpol-labs');
    // The lab's app stays (as after `run --target kind`); the namespace only the challenge uses goes.
    const left = objects(cluster);
    expect(left['Deployment/deathstar']?.metadata.namespace).toBe('star-wars');
    expect(left['Pod/tie-interceptor']?.metadata.namespace).toBe('star-wars');
    expect(left['Namespace/coruscant']).toBeUndefined();
    expect(left['Pod/shuttle']).toBeUndefined();
    expect(out).toContain("The lab's app stays in namespace star-wars for the next check; remove it with: netpol-labs reset deathstar");
  }, 420_000);

  it('fails a near miss (exit 1) with the hidden count and the hint the challenge names, and removes it', async () => {
    const cluster = standinCluster();
    seedUsersPolicy(cluster);
    const run = start(cluster, ['check', CHALLENGE, join(DIR, 'near-miss-every-port.yaml'), '--target', 'kind']);
    const exit = await run.exited;
    const out = run.stdout();
    expect(exit.code, out + run.stderr()).toBe(1);
    // challenge.yaml: near-miss-every-port fails only tiefighter-other-port, hidden, whose hint says why.
    expect(out).toContain('hidden probes: 1 of 4 fail');
    expect(out).toContain('  hint: Only TCP port 80 may be reached: a rule without ports admits every port.');
    expect(out).toContain('empire-only-l3-l4: not yet, 1 of 7 probes fail');
    // The failing probe reaches port 8080, where the deathstar does not listen: the engine predicts
    // "allowed", the cluster answers with a refused connection. That still shows the policy in force,
    // so the check does not wait out its 90 s deadline for an "allowed" it can never see.
    expect(out).not.toContain('did not all show their expected outcome');
    expect(out).not.toContain('FAIL ');
    expect(out).not.toContain('deathstar-ops');
    expectCleanCheck(cluster, 'kind-netpol-labs');
  }, 420_000);

  it('says which visible probe failed, with the statement\'s reason and what the cluster answered', async () => {
    const cluster = standinCluster();
    // Admits every pod of star-wars on port 80: the xwing lands, which the statement forbids.
    const everyone = file('everyone.yaml', `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deathstar-allow-empire
spec:
  podSelector:
    matchLabels: {org: empire, class: deathstar}
  policyTypes: [Ingress]
  ingress:
    - from: [{podSelector: {}}]
      ports: [{protocol: TCP, port: 80}]
`);
    const run = start(cluster, ['check', CHALLENGE, everyone, '--target', 'kind']);
    const exit = await run.exited;
    const out = run.stdout();
    expect(exit.code, out + run.stderr()).toBe(1);
    expect(out).toContain('FAIL  xwing POST /v1/request-landing -> deathstar: expected dropped, observed allowed');
    expect(out).toContain('      wanted: dropped at L3/L4 (no answer: the packets were dropped). The policy isolates the deathstar and no rule admits org=alliance, so its packets are dropped.');
    expect(out).toMatch(/\n {6}cluster: .*200/);
    expect(out).toContain('      reproduce: kubectl --context kind-netpol-labs exec --namespace star-wars xwing -- curl');
    // The ywing (hidden) lands too.
    expect(out).toContain('hidden probes: 1 of 4 fail');
    expect(out).toContain('  hint: Another Alliance ship must be dropped too: admit the Empire, nobody else.');
    expect(Object.keys(cluster.state().policies)).toEqual([]);
  }, 420_000);

  it('refuses other kinds, other namespaces and cluster-wide policies with file:line:col (exit 2) before running anything', async () => {
    const cluster = standinCluster();
    const configMap = file('config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: orders\n  namespace: star-wars\ndata: {}\n');
    const otherNamespace = file('coruscant.yaml', `# The right policy, in the challenge's other namespace.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deathstar-allow-empire
  namespace: coruscant
spec:
  podSelector: {}
  policyTypes: [Ingress]
`);
    const clusterwide = file('clusterwide.yaml', `apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata:
  name: empire-everywhere
spec:
  endpointSelector: {}
  ingress:
    - fromEndpoints: [{matchLabels: {org: empire}}]
`);
    const cilium = join(DIR, 'near-miss-cilium-policy.yaml');
    const run = start(cluster, ['check', CHALLENGE, configMap, otherNamespace, clusterwide, cilium, '--target', 'kind']);
    const exit = await run.exited;
    const err = run.stderr();
    expect(exit.code, run.stdout() + err).toBe(2);
    // src/lab/challenge-submission.ts words each refusal; the positions are where each object starts.
    expect(err).toContain(`${configMap}:1:1: this is a ConfigMap; a solution contains only NetworkPolicy objects (the pods and Services are the lab's)`);
    expect(err).toContain(`${otherNamespace}:2:1: NetworkPolicy deathstar-allow-empire is in namespace "coruscant"; this challenge's policies go in "star-wars"`);
    expect(err).toContain(`${clusterwide}:1:1: CiliumClusterwideNetworkPolicy empire-everywhere: this challenge is solved with NetworkPolicy objects only, and a cluster-wide policy would reach beyond the lab`);
    expect(err).toContain(`${cilium}:2:1: CiliumNetworkPolicy deathstar-allow-empire: this challenge is solved with NetworkPolicy objects only`);
    expect(err).not.toMatch(/at .*\.ts:\d+/);
    // Nothing ran: no kubectl apply, no tool at all.
    expect(cluster.calls()).toEqual([]);
    expect(cluster.applied()).toEqual([]);
  }, 60_000);

  it('removes the learner\'s policy after Ctrl-C while the probes are in flight (exit 130) and leaves nothing running', async () => {
    const cluster = standinCluster();
    seedUsersPolicy(cluster);
    const run = start(cluster, ['check', CHALLENGE, join(DIR, 'solution.yaml'), '--target', 'kind'], {STANDIN_CURL: 'hang'});
    await waitFor(() => cluster.calls().filter((c) => isProbe(c) && c.args.includes('curl')).length >= 2, 'the probes to start', 120_000);
    expect(Object.keys(cluster.state().policies).sort()).toEqual([LEARNER_POLICY, 'NetworkPolicy/users-own']);
    run.child.kill('SIGINT');
    const exit = await run.exited;
    const out = run.stdout();
    expect(exit.code, out + run.stderr()).toBe(130);
    expect(out).toContain('Ctrl-C: interrupted; stopping the running commands');
    expect(out).toContain('interrupted: removing your policies from star-wars, coruscant so nothing half-applied stays in force');
    expect(out).toContain('removed your policies');
    expect(run.stderr()).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(cluster.calls().filter((c) => isRunning(c.pid)), 'no stand-in process is left running').toEqual([]);
    expectCleanCheck(cluster, 'kind-netpol-labs');
  }, 420_000);
});

describe('check --target context', () => {
  it('passes the reference solution on the named context and removes everything it made there', async () => {
    const cluster = standinCluster();
    seedUsersPolicy(cluster);
    const run = start(cluster, ['check', CHALLENGE, join(DIR, 'solution.yaml'), '--target', 'context', '--context', 'workshop-cluster']);
    const exit = await run.exited;
    const out = run.stdout();
    expect(exit.code, out + run.stderr()).toBe(0);
    expect(out).toContain('empire-only-l3-l4: solved, all 7 probes pass');
    expectCleanCheck(cluster, 'workshop-cluster');
    // On a cluster the user named: nothing in kube-system, nothing left of the lab.
    expect(cluster.calls().filter((c) => c.tool === 'kubectl' && namespaceOf(c) === 'kube-system')).toEqual([]);
    expect(Object.keys(objects(cluster))).toEqual(['NetworkPolicy/users-own']);
    expect(out).toContain('removed the app and namespaces star-wars, coruscant');
  }, 420_000);

  it('is refused without --context, and --context is refused with the simulator', async () => {
    const cluster = standinCluster();
    const missing = start(cluster, ['check', CHALLENGE, join(DIR, 'solution.yaml'), '--target', 'context']);
    expect((await missing.exited).code).toBe(2);
    expect(missing.stderr()).toContain('--target context needs --context NAME');
    const sim = start(cluster, ['check', CHALLENGE, join(DIR, 'solution.yaml'), '--context', 'workshop-cluster']);
    expect((await sim.exited).code).toBe(2);
    expect(sim.stderr()).toContain('--context has no meaning with --target sim');
    expect(cluster.calls()).toEqual([]);
  }, 60_000);
});

describe('the objects a check applies', () => {
  it('are the items of a List one by one, a typed list\'s items taking its kind, so each gets the runner\'s labels', () => {
    // `kubectl get networkpolicies -o yaml` prints a kind: List; the API's NetworkPolicyList leaves kind out of its items.
    const list = `apiVersion: v1
kind: List
items:
  - {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: a}, spec: {podSelector: {}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicyList
items:
  - {metadata: {name: b, namespace: star-wars}, spec: {podSelector: {}}}
`;
    const [manifest] = submissionManifests([{file: 'mine.yaml', text: list}]);
    expect(manifest.objects.map((o) => [o.object.kind, o.object.apiVersion, o.object.metadata.name])).toEqual([
      ['NetworkPolicy', 'networking.k8s.io/v1', 'a'],
      ['NetworkPolicy', 'networking.k8s.io/v1', 'b'],
    ]);
    // What `kubectl apply -f -` is given: two objects, each with the owner labels and a namespace.
    const applied = parseAllDocuments(manifestStream([manifest], 'deathstar', 'star-wars')).map((d) => d.toJS());
    expect(applied.map((o) => [o.kind, o.metadata.name, o.metadata.namespace, o.metadata.labels])).toEqual([
      ['NetworkPolicy', 'a', 'star-wars', OWNER_LABELS],
      ['NetworkPolicy', 'b', 'star-wars', OWNER_LABELS],
    ]);
  });
});
