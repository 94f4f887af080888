/**
 * A scripted kind cluster for a step in policy audit mode (tests/runner/audit-mode.test.ts and
 * zx-audit.test.ts): kubectl answers as a cluster with Cilium would for the lab's pods, their
 * CiliumEndpoints and the agents on their nodes, records `cilium-dbg endpoint config ID
 * PolicyAuditMode=...` per endpoint (only the agent on the endpoint's node knows it), and answers curl
 * with the policy engine for the policies applied and the endpoints in audit mode at that moment.
 */
import {resolve} from 'node:path';
import type {Lab, Step} from '../../src/lab/load';
import {readLabOrThrow} from '../../src/lab/node/read-lab';
import {stepScenario} from '../../src/lab/to-scenario';
import {evaluateScenario, parsePolicyDocuments, type PolicyObject} from '../../src/policy';
import type {Command, CommandResult, Executor} from '../../src/runner/exec';

export const ROOT = resolve(__dirname, '../..');
export const archive = readLabOrThrow(resolve(__dirname, '../../labs/imperial-archive'));
const byId = (id: string): Step => archive.steps.find((s) => s.id === id)!;
/** Enforced, audited, enforced again: the same policy in all three. */
export const lab: Lab = {...archive, steps: [byId('rules-per-peer'), byId('audit-mode'), {...byId('rules-per-peer'), id: 'enforced-again'}]};

/** The scarif pods as the engine names them, the node each runs on, and their endpoint ids. */
export const PODS = [
  {pod: 'archive-0', node: 'netpol-labs-control-plane', id: '101'},
  {pod: 'tiefighter', node: 'netpol-labs-worker', id: '102'},
  {pod: 'archivist', node: 'netpol-labs-worker', id: '103'},
  {pod: 'uwing', node: 'netpol-labs-worker', id: '104'},
];
export const AGENTS = {'netpol-labs-control-plane': 'cilium-cp', 'netpol-labs-worker': 'cilium-w'} as const;

export class AuditCluster implements Executor {
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
    // The zx script reuses the kind cluster: it exists, on the runner's Docker network, with Cilium.
    if (command.file === 'kind' && args[0] === 'get' && args[1] === 'clusters') return result({stdout: 'netpol-labs\n'});
    if (command.file === 'docker' && args[0] === 'inspect') return result({stdout: JSON.stringify({'netpol-labs': {}})});
    if (command.file === 'kubectl' && args[2] === 'get' && args[3] === 'daemonset' && args[4] === 'cilium') return result({stdout: 'daemonset.apps/cilium\n'});
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
    if (verb === 'exec' && args.includes('hubble')) {
      // A policy verdict in audit mode (api/v1/flow/flow.proto: verdict AUDIT), from the uwing.
      const flow = {flow: {time: '2026-11-29T12:00:00Z', verdict: 'AUDIT', Summary: 'policy-verdict:none INGRESS AUDITED', source: {namespace: 'scarif', pod_name: 'uwing'}, destination: {namespace: 'scarif', pod_name: 'archive-0'}, l4: {TCP: {destination_port: 80, flags: {SYN: true}}}}};
      return result({stdout: `${JSON.stringify(flow)}\n`});
    }
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

