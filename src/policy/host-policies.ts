/**
 * Warnings about host policies (a CiliumClusterwideNetworkPolicy with nodeSelector): what a reader
 * may not expect, never a reason to withhold verdicts.
 *
 * - Without the agent's host firewall a host policy is accepted and enforces nothing
 *   (pkg/policy/repository.go computePolicyEnforcementAndRules).
 * - A nodeSelector that selects no node, often because it names a label Cilium leaves out of the
 *   host endpoint's labels (compile.ts hostEndpointLabels).
 * - With the host firewall on, a host policy that puts nodes in default deny can cut them off from
 *   the API server, the kubelet or the cluster's own traffic. Documentation/security/host-firewall.rst:
 *   "Particular care must be taken to ensure that when host policies are imported, Cilium does not
 *   block access to the nodes or break the cluster's normal behavior (for example by blocking
 *   communication with kube-apiserver)". The traffic checked is the one the docs' own example
 *   lets in (Documentation/security/policy/host.rst, examples/policies/host/lock-down-ingress.yaml:
 *   TCP 6443 kube-apiserver, 4240 health checks, UDP 8472 VXLAN) plus the kubelet's TCP 10250,
 *   which the API server calls for logs, exec and port-forward (Kubernetes "Ports and Protocols").
 */
import {hostsSelected, type Model} from './compile';
import type {NodeInfo} from './cluster';
import {hostEndpointDecision, type Traffic} from './evaluate';
import {errorAt} from './errors';
import {describeRules} from './explain';
import {isIdentityLabel} from './identity-labels';
import {formatSelector, selectorKeys} from './selector';
import type {PolicyObject, PolicyWarning, RuleRef, ScenarioOptions} from './types';
import type {PeerIdentity} from './compile';

/** kubeadm's label on control-plane nodes, where the API server runs (kind uses kubeadm). */
export const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';

/** Every host-policy warning for a compiled scenario, in policy order. */
export function hostPolicyWarnings(model: Model, policies: PolicyObject[], options: ScenarioOptions = {}): PolicyWarning[] {
  const hostPolicies = policies.filter((p) => p.rules.some((r) => r.subject.on === 'host'));
  if (hostPolicies.length === 0) return [];
  const warnings: PolicyWarning[] = [];
  const enforced = model.datapath === 'cilium' && model.hostFirewall && model.mode !== 'never';
  for (const policy of hostPolicies) {
    if (!enforced) warnings.push(notEnforcedWarning(model, policy));
    const empty = selectsNoNode(model, policy);
    if (empty) warnings.push(empty);
  }
  if (enforced) warnings.push(...lockoutWarnings(model, options));
  return warnings;
}

function describeObject(policy: PolicyObject): string {
  return `${policy.kind} ${policy.name}`;
}

/** A host policy the agent will not enforce: host firewall off, enforcement mode never, or the kubernetes datapath. */
function notEnforcedWarning(model: Model, policy: PolicyObject): PolicyWarning {
  const why =
    model.datapath !== 'cilium'
      ? 'the kubernetes datapath has no host firewall, so it enforces nothing here'
      : model.mode === 'never'
        ? 'policyEnforcementMode is never, so Cilium enforces no policy at all'
        : "the agent's host firewall is off, so Cilium accepts it and enforces none of it (pkg/policy/repository.go computePolicyEnforcementAndRules). To enforce it, set options.hostFirewall: true (Helm hostFirewall.enabled=true, agent --enable-host-firewall)";
  return errorAt(policy.source, 'host-policy-not-enforced', `${describeObject(policy)} is a host policy (nodeSelector), and ${why}`);
}

/** A host policy whose nodeSelector selects no node of the scenario, with the likely reason. */
function selectsNoNode(model: Model, policy: PolicyObject): PolicyWarning | undefined {
  const selector = policy.rules.find((r) => r.subject.on === 'host')!.subject.selector;
  if (hostsSelected(selector, model.cluster.nodes).length > 0) return undefined;
  const filtered = selectorKeys(selector).filter((k) => !k.startsWith('reserved:') && !isIdentityLabel(k));
  const because =
    filtered.length > 0
      ? `; it names ${filtered.join(', ')}, which Cilium leaves out of the host endpoint's labels (default identity label filter, pkg/labelsfilter), so no node ever matches it: select on a label of your own, e.g. kubectl label node <name> node-access=ssh`
      : '; check the nodes\' labels under cluster.nodes';
  return errorAt(policy.source, 'host-policy-selects-no-node', `${describeObject(policy)} has nodeSelector ${formatSelector(selector)}, which selects no node of this scenario${because}`);
}

/** One piece of traffic a node needs: to or from whom, on what, and what it is for. */
interface NeededFlow {
  dir: 'ingress' | 'egress';
  peer: PeerIdentity;
  /** The peer as a warning names it, and the rule that would admit it. */
  who: string;
  entity: 'kube-apiserver' | 'remote-node';
  traffic: Traffic;
  what: string;
}

const OTHER_NODES = 'the other nodes (remote-node)';

const tcp = (port: number): Traffic => ({protocol: 'TCP', port, icmpType: 8, family: 'IPv4'});
const udp = (port: number): Traffic => ({protocol: 'UDP', port, icmpType: 8, family: 'IPv4'});

/**
 * Where the API server listens: the addresses cluster.external gives the kube-apiserver identity
 * (outside the cluster or a node's own), or else the nodes labelled as control plane (the API server runs there in host network). With
 * neither, the scenario does not say, and no API server traffic is checked.
 */
function apiServers(model: Model): {peer: PeerIdentity; who: string; node?: NodeInfo}[] {
  const listed: {peer: PeerIdentity; who: string; node?: NodeInfo}[] = [];
  for (const [ip, identity] of model.cluster.externalByIp) {
    if (identity !== 'kube-apiserver') continue;
    // Listed at a node's address: the API server runs in that node's network.
    const node = model.cluster.nodeByIp.get(ip);
    listed.push(node ? {peer: {kind: 'node', node, ip}, who: `the API server on node ${node.name} (remote-node, kube-apiserver)`, node} : {peer: {kind: 'world', ip}, who: `the API server (${ip}, kube-apiserver)`});
  }
  // A listed API server is where the nodes go; only without one is it taken to run on the
  // control-plane nodes.
  if (listed.length > 0) return listed;
  return model.cluster.nodes
    .filter((node) => Object.prototype.hasOwnProperty.call(node.labels, CONTROL_PLANE_LABEL))
    .map((node) => ({peer: {kind: 'node', node, ip: node.ip}, who: `the API server on node ${node.name} (remote-node)`, node}));
}

/** The traffic node `node` needs with the API server and the other nodes. */
function neededFlows(model: Model, node: NodeInfo): NeededFlow[] {
  const flows: NeededFlow[] = [];
  const apis = apiServers(model);
  for (const api of apis) {
    // The API server on this very node reaches its kubelet through the host itself: always allowed.
    if (api.node === node) continue;
    const entity = api.node ? 'remote-node' : 'kube-apiserver';
    flows.push({dir: 'egress', peer: api.peer, who: api.who, entity, traffic: tcp(6443), what: "the node's calls to the API server (kubelet, Cilium agent)"});
    flows.push({dir: 'ingress', peer: api.peer, who: api.who, entity, traffic: tcp(10250), what: "the API server's calls to the kubelet (kubectl logs, exec, port-forward)"});
  }
  const others = model.cluster.nodes.filter((n) => n !== node);
  if (apis.some((api) => api.node === node)) {
    for (const other of others) {
      flows.push({dir: 'ingress', peer: {kind: 'node', node: other, ip: other.ip}, who: OTHER_NODES, entity: 'remote-node', traffic: tcp(6443), what: "the other nodes' calls to the API server on this node"});
    }
  }
  for (const other of others) {
    const peer: PeerIdentity = {kind: 'node', node: other, ip: other.ip};
    for (const dir of ['ingress', 'egress'] as const) {
      flows.push({dir, peer, who: OTHER_NODES, entity: 'remote-node', traffic: tcp(4240), what: "Cilium's health checks between nodes"});
      flows.push({dir, peer, who: OTHER_NODES, entity: 'remote-node', traffic: udp(8472), what: "pod traffic between nodes (Cilium's default VXLAN tunnel)"});
    }
  }
  return flows;
}

/** A needed flow that a node's host policies drop. */
interface Lockout {
  flow: NeededFlow;
  node: NodeInfo;
  /** The rules that decided: the deny rule, or the policies that isolated the node. */
  rules: RuleRef[];
  /** The rule whose policy the warning points at. */
  at: RuleRef;
  reason: string;
}

/**
 * Lockout warnings, one per (deciding policies, direction, port, peer kind, purpose), naming
 * every node it concerns, at the first deciding policy.
 */
function lockoutWarnings(model: Model, options: ScenarioOptions): PolicyWarning[] {
  const groups = new Map<string, Lockout[]>();
  for (const node of model.cluster.nodes) {
    // Only nodes a host policy selects: the warning is about a policy the reader can change.
    const own = [...(model.hostIngressRules.get(node.name) ?? []), ...(model.hostEgressRules.get(node.name) ?? [])];
    if (own.length === 0) continue;
    for (const flow of neededFlows(model, node)) {
      const {decision, explanation} = hostEndpointDecision(model, flow.dir, node, flow.peer, flow.traffic);
      if (decision !== 'dropped') continue;
      // Isolated by enforcement mode always alone: point at the node's first host policy.
      const rules = explanation.rules?.length ? explanation.rules : [];
      const at = rules[0] ?? model.rules[own[0]].ref;
      const key = [rules.map((r) => `${r.file}:${r.line}:${r.col}`).join(','), flow.dir, flow.traffic.protocol, flow.traffic.port, flow.who, flow.what].join('|');
      let group = groups.get(key);
      if (!group) groups.set(key, (group = []));
      group.push({flow, node, rules, at, reason: explanation.reason});
    }
  }
  return [...groups.values()].map((group) => lockoutWarning(model, group, options));
}

function lockoutWarning(model: Model, group: Lockout[], options: ScenarioOptions): PolicyWarning {
  const {flow, rules, reason} = group[0];
  const nodes = [...new Set(group.map((l) => l.node.name))];
  const peers = [...new Set(group.map((l) => l.flow.who))];
  const port = `${flow.traffic.protocol}/${flow.traffic.port}`;
  const by = rules.length > 0 ? describeRules(rules, reason !== 'deny-rule') : 'policyEnforcementMode always';
  const policies = new Set(rules.map((r) => `${r.kind}/${r.name}`)).size;
  const onNodes = `node${nodes.length === 1 ? '' : 's'} ${nodes.join(', ')}`;
  const cause =
    reason === 'deny-rule'
      ? `deny rule ${by} drops ${peers.join(', ')} on ${port} at ${flow.dir} of ${onNodes}`
      : `${by} put${policies > 1 ? '' : 's'} ${onNodes} in default deny for ${flow.dir}, and no rule admits ${peers.join(', ')} on ${port}`;
  const from = flow.dir === 'ingress' ? 'fromEntities' : 'toEntities';
  const fix =
    reason === 'deny-rule'
      ? `narrow the deny rule so that it leaves ${port} of ${flow.entity} alone`
      : `add to ${flow.dir}: {${from}: [${flow.entity}], toPorts: [{ports: [{port: "${flow.traffic.port}", protocol: ${flow.traffic.protocol}}]}]}`;
  const audit = options.policyAuditMode ? ' (policy audit mode lets it through for now; it is dropped once audit mode is off)' : '';
  const message = `host policy lockout: ${cause}, which breaks ${flow.what}${audit}. To allow it, ${fix} (Documentation/security/host-firewall.rst: do not block communication with kube-apiserver or the cluster's normal behaviour)`;
  return errorAt(policySource(model, group[0].at), 'host-policy-lockout', message);
}

/** The position of the policy object a rule belongs to (the warning is about the policy). */
function policySource(model: Model, ref: RuleRef) {
  return model.rules.find((r) => r.ref === ref)?.policy.source ?? {file: ref.file, line: ref.line, col: ref.col};
}
