/**
 * The cluster flow against a scripted cluster: the executor answers kubectl the way a cluster with
 * Cilium would (curl output and exit codes as cilium-cli's connectivity checks expect them:
 * cilium/cilium cilium-cli/connectivity/check/result.go), with policies that take effect a
 * few polls after they are applied. It checks the order of decisions, not Cilium itself (the
 * classifier's real-traffic tests and the kind workflow do that).
 */
import {resolve} from 'node:path';
import {parseAllDocuments} from 'yaml';
import {describe, expect, it} from 'vitest';
import {readLabOrThrow} from '../../src/lab/node/read-lab';
import {runLabOnCluster} from '../../src/runner/cluster-lab';
import type {Command, CommandResult, Executor} from '../../src/runner/exec';
import {memoryOutput} from '../../src/runner/output';
import {summarize, toJUnit, type RunReport} from '../../src/runner/report';

const lab = readLabOrThrow(resolve(__dirname, '../../labs/deathstar'));

type Verdict = 'allowed' | 'dropped' | 'l7-denied' | 'exploded';

/** What the deathstar lab's policies do, as Cilium's star-wars guide (Documentation/gettingstarted/demo.rst) shows them enforced. */
function truth(policies: Map<string, string>, from: string, method: string, path: string): Verdict {
  const k8s = policies.has('NetworkPolicy/deathstar-allow-empire');
  const rule1 = policies.get('CiliumNetworkPolicy/rule1');
  const l7 = rule1?.includes('request-landing') ?? false;
  const empire = from === 'tiefighter';
  const landing = method === 'POST' && path === '/v1/request-landing';
  const reach: Verdict = method === 'PUT' && path === '/v1/exhaust-port' ? 'exploded' : 'allowed';
  if (!k8s && !rule1) return reach;
  if (!empire) return 'dropped';
  if (l7 && !k8s) return landing ? 'allowed' : 'l7-denied';
  return reach; // L3/L4 only, or the trap: the L4 allow wildcards L7
}

const ok = (stdout = ''): Partial<CommandResult> => ({exitCode: 0, stdout});

/**
 * A scripted cluster. `lag` polls pass after each change before the new policies take effect,
 * unless the runner waits for the agents' policy revision (`agents: 'realise'`), which, as in
 * Cilium, returns once every endpoint realised the change. `agents: 'unreachable'`: exec into the
 * agents fails.
 */
class FakeCluster implements Executor {
  readonly dryRun = false;
  readonly log: string[] = [];
  private live = new Map<string, string>();
  private effective = new Map<string, string>();
  private sinceChange = 0;
  private revision = 1;
  constructor(private readonly lag: number, private readonly enforce = true, private readonly agents: 'realise' | 'unreachable' = 'realise') {}

  async run(command: Command): Promise<CommandResult> {
    const args = command.args;
    const line = [command.file, ...args].join(' ');
    this.log.push(line);
    const base: CommandResult = {exitCode: 0, stdout: '', stderr: '', timedOut: false, canceled: false, notFound: false, durationMs: 5};
    const r = (x: Partial<CommandResult>) => ({...base, ...x});
    expect(args.slice(0, 2)).toEqual(['--context', 'kind-netpol-labs']);
    const verb = args[2];
    if (verb === 'apply') {
      // kubectl apply prints `<resource>.<group>/<name> created|configured|unchanged` per object.
      const printed: string[] = [];
      for (const doc of parseAllDocuments(command.input ?? '')) {
        const o = (doc as {toJS(): {kind: string; metadata: {name: string}}}).toJS();
        if (!['NetworkPolicy', 'CiliumNetworkPolicy'].includes(o.kind)) continue;
        const key = `${o.kind}/${o.metadata.name}`;
        const before = this.live.get(key);
        const text = String(doc);
        printed.push(`${o.kind === 'NetworkPolicy' ? 'networkpolicy.networking.k8s.io' : 'ciliumnetworkpolicy.cilium.io'}/${o.metadata.name} ${before === undefined ? 'created' : before === text ? 'unchanged' : 'configured'}`);
        if (before !== text) this.revision++;
        this.live.set(key, text);
      }
      this.sinceChange = 0;
      return r(ok(`${printed.join('\n')}\n`));
    }
    if (verb === 'delete' && args[3].includes('/')) {
      const [resource, name] = args[3].split('/');
      this.live.delete(`${resource.startsWith('networkpolicies') ? 'NetworkPolicy' : 'CiliumNetworkPolicy'}/${name}`);
      this.revision++;
      this.sinceChange = 0;
      return r(ok());
    }
    if (verb === 'exec' && args.includes('cilium-dbg')) {
      if (this.agents === 'unreachable') return r({exitCode: 1, stderr: 'error: unable to upgrade connection: container not found ("cilium-agent")'});
      const sub = args.slice(args.indexOf('cilium-dbg') + 1);
      // cilium-dbg policy get -o jsonpath='{.revision}' prints the value inside the quotes.
      if (sub[0] === 'policy' && sub[1] === 'get') return r(ok(`'${this.revision}'`));
      if (sub[0] === 'policy' && sub[1] === 'wait') {
        if (Number(sub[2]) > this.revision || !this.enforce) return r({exitCode: 1, stderr: 'timeout waiting for revision'});
        this.effective = new Map(this.live); // every endpoint realised it
        return r(ok());
      }
    }
    if (verb === 'get' && args.includes('json') && args[3].startsWith('networkpolicies')) {
      // As kubectl prints namespaced objects: with their namespace (the lab's only one here).
      const items = [...this.live.keys()].map((k) => ({kind: k.split('/')[0], metadata: {name: k.split('/')[1], namespace: 'star-wars'}}));
      return r(ok(JSON.stringify({items})));
    }
    if (verb === 'exec' && args.includes('curl')) {
      if (this.sinceChange++ >= this.lag && this.enforce) this.effective = new Map(this.live);
      const from = args[5];
      const method = args[args.indexOf('--request') + 1];
      const path = new URL(args[args.length - 1]).pathname;
      const v = truth(this.effective, from, method, path);
      if (v === 'dropped') {
        return r({exitCode: 28, stdout: '[netpol-labs code=000 dns=0.004120 connect=0.000000]', stderr: 'curl: (28) Failed to connect to deathstar.star-wars.svc.cluster.local port 80 after 2001 ms: Timeout was reached\ncommand terminated with exit code 28'});
      }
      if (v === 'l7-denied') return r(ok('Access denied\r\n[netpol-labs code=403 dns=0.004120 connect=0.004412]'));
      if (v === 'exploded') return r(ok('Panic: deathstar exploded\n[netpol-labs code=503 dns=0.004120 connect=0.004412]'));
      return r(ok(`${path === '/v1' ? '{"name":"Death Star"}' : 'Ship landed\n'}[netpol-labs code=200 dns=0.004120 connect=0.004412]`));
    }
    if (verb === 'get' && args.includes('k8s-app=cilium')) return r(ok('cilium-abc12 cilium-def34'));
    if (verb === 'exec' && args.includes('hubble')) {
      const flow = {flow: {time: '2026-11-24T10:00:00Z', verdict: 'DROPPED', drop_reason_desc: 'POLICY_DENIED', source: {namespace: 'star-wars', pod_name: 'xwing'}, destination: {namespace: 'star-wars', pod_name: 'deathstar-7c9d'}, l4: {TCP: {destination_port: 80, flags: {SYN: true}}}}};
      return r(ok(`${JSON.stringify(flow)}\n`));
    }
    return r(ok());
  }
}

function report(results: Awaited<ReturnType<typeof runLabOnCluster>>[]): RunReport {
  const {passed, totals} = summarize(results);
  return {target: 'kind', simulated: false, context: 'kind-netpol-labs', startedAt: '2026-11-24T10:00:00.000Z', durationMs: 1000, labs: results, passed, totals};
}

const options = (executor: Executor): Parameters<typeof runLabOnCluster>[1] => ({
  executor,
  out: memoryOutput(),
  context: 'kind-netpol-labs',
  removeAtEnd: false,
  hubble: true,
  convergeDeadlineMs: 60_000,
  pollIntervalMs: 1,
  sleep: async () => {},
});

describe('a lab on a (scripted) cluster', () => {
  it('waits for each step to take effect, asserts once, and every expectation holds', async () => {
    const cluster = new FakeCluster(3);
    const result = await runLabOnCluster(lab, options(cluster));
    expect(result.error).toBeUndefined();
    const r = report([result]);
    expect(r.totals).toEqual({probes: 18, passed: 18, failed: 0});
    expect(r.passed).toBe(true);
    expect(result.steps.every((s) => s.converged)).toBe(true);
    // Both signals proved convergence on the runner's own cluster: the agents' revision, then behaviour.
    // The first step removes nothing and applies nothing: no new revision to wait for.
    expect(result.steps[0].convergedBy).toMatch(/^no policy changed, so no new revision to wait for, and behaviour: /);
    for (const step of result.steps.slice(1)) {
      expect(step.convergedBy, step.id).toMatch(/^policy revision realised by every Cilium agent's endpoints \(cilium-abc12 >= \d+, cilium-def34 >= \d+\), and behaviour: every harmless probe as expected on 2 consecutive rounds/);
    }
    // Step k8s-allow-empire: revision read before the apply, waited for after it, before any probe.
    // (The first apply is the app; the second, step k8s-allow-empire's NetworkPolicy.)
    const apply = cluster.log.map((l, i) => (l.includes(' apply ') ? i : -1)).filter((i) => i >= 0)[1];
    const get = cluster.log.slice(0, apply).map((l) => l.includes('cilium-dbg policy get')).lastIndexOf(true);
    const wait = cluster.log.findIndex((l, i) => i > apply && l.includes('cilium-dbg policy wait'));
    const probe = cluster.log.findIndex((l, i) => i > apply && l.includes(' -- curl '));
    expect(get).toBeGreaterThan(0);
    expect(wait).toBeGreaterThan(apply);
    expect(wait).toBeLessThan(probe);
    // Waiting for the revision made the policies effective at once: no poll saw the old behaviour.
    expect(cluster.log.filter((l) => l.includes(' -- curl ')).length).toBeLessThan(18 * 3);
    // The exhaust-port request is never part of the polling: it is sent once per step that has it.
    expect(cluster.log.filter((l) => l.includes('--request PUT')).length).toBe(2);
    // The xwing's drop carries Hubble's evidence.
    const xwing = result.steps[1].probes.find((p) => p.from === 'xwing')!;
    expect(xwing.flows?.[0]).toBe('2026-11-24T10:00:00Z star-wars/xwing -> star-wars/deathstar-7c9d DROPPED POLICY_DENIED (TCP Flags: SYN)');

    const junit = toJUnit(r);
    expect(junit.match(/<testcase /g)).toHaveLength(18);
    expect(junit).toContain('<testsuite name="deathstar" tests="18" failures="0" errors="0"');
    expect(junit).toContain('classname="deathstar.cilium-l7" name="tiefighter PUT /v1/exhaust-port -&gt; l7-denied"');
  });

  it('never sends the exhaust-port request when the step is not shown in force, and reports how to reproduce', async () => {
    const cluster = new FakeCluster(0, false); // policies never take effect: everything lands
    const opts = {...options(cluster), convergeDeadlineMs: 50};
    // Real time passes between polls here so the 50 ms deadline is reached.
    opts.sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 5)));
    const result = await runLabOnCluster(lab, opts);
    const l7 = result.steps.find((s) => s.id === 'cilium-l7')!;
    expect(l7.converged).toBe(false);
    const put = l7.probes.find((p) => p.method === 'PUT')!;
    expect(put.observed).toBe('not-run');
    expect(put.evidence).toContain('crashes the app');
    expect(cluster.log.some((l) => l.includes('--request PUT'))).toBe(false);
    // Neither signal showed the step in force, and the note says both.
    expect(l7.note).toContain('Cilium agent cilium-abc12 did not realise policy revision');
    const xwing = l7.probes.find((p) => p.from === 'xwing')!;
    expect(xwing).toMatchObject({passed: false, expected: 'dropped', observed: 'allowed'});
    expect(xwing.reproduce).toBe(
      "kubectl --context kind-netpol-labs exec --namespace star-wars xwing -- curl --silent --show-error --connect-timeout 2 --max-time 10 --request POST --header 'Host: deathstar.star-wars.svc.cluster.local' --output - --write-out '[netpol-labs code=%{http_code} dns=%{time_namelookup} connect=%{time_connect}]' http://deathstar.star-wars.svc.cluster.local./v1/request-landing",
    );
    const r = report([result]);
    expect(r.passed).toBe(false);
    const junit = toJUnit(r);
    expect(junit).toContain('<failure message="expected dropped, observed allowed: HTTP 200 &quot;Ship landed&quot;" type="allowed">');
    expect(junit).toContain('reproduce: kubectl --context kind-netpol-labs exec --namespace star-wars xwing -- curl');
  });

  it('waits for the deathstar to recover after the exhaust-port request got through', async () => {
    // The trap taught the wrong way round: a lab that expects the PUT to be denied while the L4 allow wildcards it.
    const trap = {...lab, steps: [{...lab.steps[4], probes: [...lab.steps[4].probes, {...lab.steps[3].probes[1]}]}]};
    const cluster = new FakeCluster(0);
    const result = await runLabOnCluster(trap, options(cluster));
    const put = result.steps[0].probes.find((p) => p.method === 'PUT')!;
    expect(put).toMatchObject({observed: 'error', passed: false});
    expect(put.evidence).toContain('HTTP 503');
    const after = cluster.log.slice(cluster.log.findIndex((l) => l.includes('--request PUT')) + 1);
    expect(after[0]).toBe('kubectl --context kind-netpol-labs rollout status deployment/deathstar --namespace star-wars --timeout=180s');
    expect(after[1]).toBe('kubectl --context kind-netpol-labs wait --for=condition=Ready pod --selector org=empire,class=deathstar --namespace star-wars --timeout=180s');
  });

  it('says so when the agents cannot be reached: behaviour alone proved convergence', async () => {
    const cluster = new FakeCluster(2, true, 'unreachable');
    const result = await runLabOnCluster(lab, options(cluster));
    expect(report([result]).totals).toEqual({probes: 18, passed: 18, failed: 0});
    expect(result.steps[1].convergedBy).toMatch(
      /^behaviour: every harmless probe as expected on 2 consecutive rounds \(round \d+\) only; policy revision not readable: could not read the policy revision of cilium-abc12: error: unable to upgrade connection: container not found \("cilium-agent"\)$/,
    );
  });

  it('on a named context without --hubble, nothing runs in kube-system: behaviour only, and it says why', async () => {
    const cluster = new FakeCluster(0);
    const result = await runLabOnCluster(lab, {...options(cluster), hubble: false});
    expect(cluster.log.filter((l) => l.includes('kube-system'))).toEqual([]);
    expect(result.steps[2].convergedBy).toContain('only; policy revision not read (--target context without --hubble: nothing is run in kube-system)');
  });
});
