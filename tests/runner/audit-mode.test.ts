/**
 * A step with `policyAuditMode: true` on a scripted kind cluster: the runner puts each of the lab's
 * pods in policy audit mode the way Documentation/security/policy-creation.rst "Enable Policy Audit
 * Mode (Specific Endpoint)" (cilium/cilium) does it (the endpoint id from the pod's CiliumEndpoint
 * `.status.id`, then `cilium endpoint config ID PolicyAuditMode=Enabled` in the cilium-agent
 * container of the agent on the pod's node; `Disabled` undoes it), and switches it off again before
 * the next step, after a failure and after Ctrl-C. The scripted cluster answers curl with the policy
 * engine for the policies applied and the endpoints in audit mode at that moment, so a probe that
 * holds shows the setting was in force (or not) when it was sent.
 */
import {resolve} from 'node:path';
import {describe, expect, it} from 'vitest';
import type {Lab, Step} from '../../src/lab/load';
import {readLabOrThrow} from '../../src/lab/node/read-lab';
import {stepScenario} from '../../src/lab/to-scenario';
import {evaluateScenario, parsePolicyDocuments, type PolicyObject} from '../../src/policy';
import {cleanupAfterInterrupt, Refused, runLabOnCluster} from '../../src/runner/cluster-lab';
import type {Command, CommandResult, Executor} from '../../src/runner/exec';
import {memoryOutput} from '../../src/runner/output';

const archive = readLabOrThrow(resolve(__dirname, '../../labs/imperial-archive'));
const byId = (id: string): Step => archive.steps.find((s) => s.id === id)!;
/** Enforced, audited, enforced again: the same policy in all three. */
const lab: Lab = {...archive, steps: [byId('rules-per-peer'), byId('audit-mode'), {...byId('rules-per-peer'), id: 'enforced-again'}]};

/** The scarif pods as the engine names them, the node each runs on, and their endpoint ids. */
const PODS = [
  {pod: 'archive-0', node: 'netpol-labs-control-plane', id: '101'},
  {pod: 'tiefighter', node: 'netpol-labs-worker', id: '102'},
  {pod: 'archivist', node: 'netpol-labs-worker', id: '103'},
  {pod: 'uwing', node: 'netpol-labs-worker', id: '104'},
];
const AGENTS = {'netpol-labs-control-plane': 'cilium-cp', 'netpol-labs-worker': 'cilium-w'} as const;

class AuditCluster implements Executor {
  readonly dryRun = false;
  readonly log: string[] = [];
  /** Endpoint ids in policy audit mode now. */
  readonly audited = new Set<string>();
  private policies = new Map<string, PolicyObject>();
  constructor(private readonly failEnableOf?: string) {}

  async run(command: Command): Promise<CommandResult> {
    const args = command.args;
    this.log.push([command.file, ...args].join(' '));
    const result = (x: Partial<CommandResult> = {}): CommandResult => ({exitCode: 0, stdout: '', stderr: '', timedOut: false, canceled: false, notFound: false, durationMs: 5, ...x});
    const verb = args[2];
    if (verb === 'apply') {
      const {policies} = parsePolicyDocuments(command.input ?? '', 'applied.yaml', {defaultNamespace: 'scarif'});
      for (const p of policies) this.policies.set(`${p.kind}/${p.name}`, p);
      return result();
    }
    if (verb === 'delete' && args[3]?.includes('/')) {
      this.policies.delete(`CiliumNetworkPolicy/${args[3].split('/')[1]}`);
      return result();
    }
    if (verb === 'get' && args.includes('json') && args[3]?.startsWith('networkpolicies')) {
      const items = [...this.policies.values()].map((p) => ({kind: p.kind, metadata: {name: p.name, namespace: 'scarif'}}));
      return result({stdout: JSON.stringify({items})});
    }
    if (verb === 'get' && args[3] === 'pods' && args.includes('k8s-app=cilium') && args.some((a) => a.includes('nodeName'))) {
      return result({stdout: Object.entries(AGENTS).map(([node, pod]) => `${pod}\t${node}\n`).join('')});
    }
    if (verb === 'get' && args[3] === 'pods' && args.includes('k8s-app=cilium')) return result({stdout: Object.values(AGENTS).join(' ')});
    if (verb === 'get' && args[3] === 'pods' && args[5] === 'scarif') {
      // A hostNetwork pod is the node's endpoint, not one of its own: the runner leaves it alone.
      return result({stdout: [...PODS.map((p) => `${p.pod}\t${p.node}\t\n`), 'node-exporter\tnetpol-labs-worker\ttrue\n'].join('')});
    }
    if (verb === 'get' && args[3] === 'ciliumendpoint') {
      const pod = PODS.find((p) => p.pod === args[6]);
      return pod ? result({stdout: pod.id}) : result({exitCode: 1, stderr: `Error from server (NotFound): ciliumendpoints.cilium.io "${args[6]}" not found`});
    }
    if (verb === 'exec' && args.includes('cilium-dbg') && args.includes('endpoint')) {
      const agent = args[5];
      const [id, setting] = args.slice(-2);
      const pod = PODS.find((p) => p.id === id)!;
      // Only the agent on the endpoint's node knows it.
      if (AGENTS[pod.node as keyof typeof AGENTS] !== agent) return result({exitCode: 1, stderr: `Error: cannot get endpoint ${id}: not found`});
      if (setting === 'PolicyAuditMode=Enabled' && id === this.failEnableOf) return result({exitCode: 1, stderr: 'Error: endpoint is being regenerated'});
      if (setting === 'PolicyAuditMode=Enabled') this.audited.add(id);
      else if (setting === 'PolicyAuditMode=Disabled') this.audited.delete(id);
      else throw new Error(`unexpected setting ${setting}`);
      return result({stdout: `Endpoint ${id} configuration updated successfully\n`});
    }
    if (verb === 'exec' && args.includes('cilium-dbg')) return result({stdout: "'7'"});
    if (verb === 'exec' && args.includes('curl')) return this.curl(args);
    return result();
  }

  /** What curl sees: the engine's verdict for the policies applied and the endpoints in audit mode now. */
  private curl(args: string[]): CommandResult {
    const from = args[5];
    const method = args[args.indexOf('--request') + 1];
    const path = new URL(args[args.length - 1]).pathname;
    const probe = archive.steps.flatMap((s) => s.probes).find((p) => p.from === from && p.method === method && p.target.path === path)!;
    const {scenario} = stepScenario(lab, {...lab.steps[0], probes: [probe]}, {policies: [...this.policies.values()]});
    const auditEndpoints = PODS.filter((p) => this.audited.has(p.id)).map((p) => `scarif/${p.pod}`);
    const verdict = evaluateScenario({...scenario, options: {auditEndpoints}}).results[0].verdict;
    const base = {timedOut: false, canceled: false, notFound: false, durationMs: 5};
    if (verdict === 'dropped') return {...base, exitCode: 28, stdout: '[netpol-labs code=000 dns=0.004120 connect=0.000000]', stderr: 'curl: (28) Failed to connect to archive.scarif.svc.cluster.local port 80 after 2001 ms: Timeout was reached\ncommand terminated with exit code 28'};
    if (verdict === 'l7-denied') return {...base, exitCode: 0, stdout: 'Access denied\r\n[netpol-labs code=403 dns=0.004120 connect=0.004412]', stderr: ''};
    return {...base, exitCode: 0, stdout: `${method} ${path} HTTP/1.1\n[netpol-labs code=200 dns=0.004120 connect=0.004412]`, stderr: ''};
  }
}

const options = (executor: Executor, ownCluster = true): Parameters<typeof runLabOnCluster>[1] => ({
  executor,
  out: memoryOutput(),
  context: 'kind-netpol-labs',
  removeAtEnd: false,
  hubble: true,
  ownCluster,
  convergeDeadlineMs: 60_000,
  pollIntervalMs: 1,
  sleep: async () => {},
});

const setting = (agent: string, id: string, state: 'Enabled' | 'Disabled') =>
  `kubectl --context kind-netpol-labs exec --namespace kube-system ${agent} --container cilium-agent -- cilium-dbg endpoint config ${id} PolicyAuditMode=${state}`;

describe('a step in policy audit mode on kind', () => {
  it('switches it on per endpoint after the step\'s policies, in the agent on each pod\'s node, and off before the next step', async () => {
    const cluster = new AuditCluster();
    const result = await runLabOnCluster(lab, options(cluster));
    expect(result.error).toBeUndefined();
    // The uwing is dropped, let through in audit mode, dropped again once it is off: every probe held.
    expect(result.steps.map((s) => s.probes.filter((p) => !p.passed).map((p) => `${p.from} ${p.request}: ${p.observed}`))).toEqual([[], [], []]);
    expect(result.steps[1].probes.map((p) => p.observed)).toEqual(['allowed', 'allowed', 'allowed', 'l7-denied']);
    const log = cluster.log;
    const enabled = PODS.map((p) => log.indexOf(setting(AGENTS[p.node as keyof typeof AGENTS], p.id, 'Enabled')));
    expect(enabled.every((i) => i > 0), log.join('\n')).toBe(true);
    // After the audit step's policy went in, and before its first probe.
    const applies = log.map((l, i) => (l.includes(' apply ') ? i : -1)).filter((i) => i >= 0);
    expect(Math.min(...enabled)).toBeGreaterThan(applies[2]); // app, rules-per-peer, audit-mode
    expect(log.slice(applies[2], Math.max(...enabled)).filter((l) => l.includes(' -- curl '))).toEqual([]);
    // Off for every endpoint before the third step's policies, and nothing left on at the end.
    const disabled = PODS.map((p) => log.lastIndexOf(setting(AGENTS[p.node as keyof typeof AGENTS], p.id, 'Disabled')));
    expect(Math.min(...disabled)).toBeGreaterThan(Math.max(...enabled));
    expect(Math.max(...disabled)).toBeLessThan(applies[3]);
    expect(cluster.audited.size).toBe(0);
    expect(log.some((l) => l.includes('ciliumendpoint --namespace scarif node-exporter'))).toBe(false);
  });

  it('after a failure while switching it on, reports the step as failed and switches every endpoint off again', async () => {
    const cluster = new AuditCluster('103');
    const result = await runLabOnCluster(lab, options(cluster));
    expect(result.error).toMatch(/^step audit-mode: could not set PolicyAuditMode on endpoint 103 \(pod scarif\/archivist\): .*endpoint is being regenerated/s);
    // Stopped at the audit step, and what it had switched on is off again.
    expect(result.steps.map((s) => s.id)).toEqual(['rules-per-peer']);
    expect(cluster.log.filter((l) => l.endsWith('PolicyAuditMode=Enabled'))).toHaveLength(3);
    expect(cluster.audited.size).toBe(0);
    for (const p of PODS) expect(cluster.log).toContain(setting(AGENTS[p.node as keyof typeof AGENTS], p.id, 'Disabled'));
  });

  it('after Ctrl-C, the clean-up switches it off for the lab\'s pods on the runner\'s cluster, and never reaches kube-system elsewhere', async () => {
    const cluster = new AuditCluster();
    cluster.audited.add('101').add('104');
    expect(await cleanupAfterInterrupt(cluster, 'kind-netpol-labs', lab, {ownCluster: true})).toBe(true);
    expect(cluster.audited.size).toBe(0);
    const elsewhere = new AuditCluster();
    await cleanupAfterInterrupt(elsewhere, 'dev-cluster', lab, {ownCluster: false});
    expect(elsewhere.log.filter((l) => l.includes('kube-system') || l.includes('ciliumendpoint'))).toEqual([]);
  });

  it('refuses the step on a cluster that is not the runner\'s own before anything is applied', async () => {
    const cluster = new AuditCluster();
    await expect(runLabOnCluster(lab, options(cluster, false))).rejects.toThrow(Refused);
    await expect(runLabOnCluster(lab, options(cluster, false))).rejects.toThrow(/step audit-mode of imperial-archive puts the lab's pods in policy audit mode, .*only on its own kind cluster \(--target kind\). Nothing was applied/);
    expect(cluster.log).toEqual([]);
  });
});
