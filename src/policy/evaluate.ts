/**
 * Evaluates one probe against a compiled Model: egress at the source, ingress at the destination
 * (the post-DNAT backend for a Service), deny before allow, default deny when isolated, then L7.
 * Sources cited below by short name: K-API kubernetes/api networking/v1/types.go; K-DOC the
 * Kubernetes "Network Policies" concept page; C-TEST cilium/cilium pkg/policy/rule_test.go;
 * C-ENVOY cilium/proxy cilium/network_policy.cc; layer4.rst, layer7.rst, deny.rst are
 * cilium/cilium Documentation/security/policy/*.rst.
 */
import {hasBit} from './bitset';
import {canonicalIp, parseIp} from './cidr';
import type {NodeInfo, PodInfo} from './cluster';
import {inCidr, reservedIdentity, type CompiledRule, type EnforcedOn, type Model, type PeerIdentity} from './compile';
import {closest, errorAt} from './errors';
import {describeRule, describeRules} from './explain';
import {ACCESS_DENIED, describeRequest, effectiveRequest, httpRuleAllows, type EffectiveRequest} from './l7';
import {GRPC_PERMISSION_DENIED, isGrpcRequest} from './grpc-reply';
import {matches} from './selector';
import type {DnsEntry, DnsRule, Entity, Explanation, ExternalAddress, HttpRule, L4, L4Protocol, PolicyError, Probe, ProbeEnd, ProbeResult, RuleRef, SourceRef} from './types';

/** The probe field an unresolved probe is about, for parseScenario to point at. */
export type ProbeField = 'to' | 'port' | 'protocol';

/** A probe whose endpoints or port cannot be resolved in the cluster. */
export class ProbeResolutionError extends Error {
  constructor(
    readonly error: PolicyError,
    /** The field at fault (port means port or portName, whichever is written); none: the probe as a whole. */
    readonly field?: ProbeField,
  ) {
    super(error.message);
    this.name = 'ProbeResolutionError';
  }
}

/** The traffic of a probe after resolution (post-DNAT). */
export interface Traffic {
  protocol: L4Protocol | 'ICMP';
  port: number;
  icmpType: number;
  family: 'IPv4' | 'IPv6';
  /** Named ports of the destination pod, for policies that name ports. */
  dstNamedPorts?: Map<string, {port: number; protocol: L4Protocol}>;
}

/** A resolved probe. */
export interface ResolvedProbe {
  src: PeerIdentity;
  dst: PeerIdentity;
  traffic: Traffic;
  request?: EffectiveRequest;
  /** A DNS lookup the probe makes (probe.dns). */
  query?: {name: string};
  notes: Explanation[];
}

const NO_SOURCE: SourceRef = {file: '<probe>', line: 1, col: 1};

function fail(probe: Probe, message: string, code = 'unknown-reference', field?: ProbeField): never {
  throw new ProbeResolutionError(errorAt(probe.source ?? NO_SOURCE, code, message), field);
}

function endText(end: ProbeEnd): string {
  if ('pod' in end) return `pod ${end.pod}`;
  if ('service' in end) return `service ${end.service}`;
  if ('node' in end) return `node ${end.node}`;
  return `address ${end.ip}`;
}

function podIdentity(pod: PodInfo): PeerIdentity {
  // Host-network pods use the node's address and identity (K-DOC "NetworkPolicy and hostNetwork
  // pods", most common behaviour; Cilium gives them reserved:host / remote-node).
  return pod.hostNetwork ? {kind: 'node', node: pod.node, ip: pod.ip} : {kind: 'pod', pod};
}

function resolveEnd(model: Pick<Model, 'cluster'>, probe: Probe, end: ProbeEnd, role: 'from' | 'to'): PeerIdentity | {service: string} {
  const c = model.cluster;
  if ('pod' in end) {
    const pod = c.podByKey.get(end.pod);
    if (!pod) fail(probe, `probe ${role} names pod "${end.pod}", which does not exist; write namespace/name of a pod under cluster.pods${suggest(end.pod, [...c.podByKey.keys()])}`);
    return podIdentity(pod);
  }
  if ('node' in end) {
    const node = c.nodeByName.get(end.node);
    if (!node) fail(probe, `probe ${role} names node "${end.node}", which does not exist; use one of ${[...c.nodeByName.keys()].join(', ') || '(no nodes)'}`);
    return {kind: 'node', node, ip: node.ip};
  }
  if ('service' in end) {
    if (role === 'from') fail(probe, 'a Service cannot send traffic; probe from a pod, a node or an IP', 'invalid-probe');
    if (!c.serviceByKey.has(end.service)) fail(probe, `probe to names service "${end.service}", which does not exist; write namespace/name of a service under cluster.services${suggest(end.service, [...c.serviceByKey.keys()])}`);
    return {service: end.service};
  }
  const ip = canonicalIp(end.ip);
  if (!ip) fail(probe, `probe ${role} has ip "${end.ip}", which is not an IP address; write e.g. 8.8.8.8`, 'invalid-ip');
  const pod = c.podByIp.get(ip);
  if (pod) return podIdentity(pod);
  const node = c.nodeByIp.get(ip);
  if (node) return {kind: 'node', node, ip};
  const svc = c.serviceByIp.get(ip);
  if (svc) {
    if (role === 'from') fail(probe, `probe from ${ip} is the ClusterIP of service ${svc.key}; a Service cannot send traffic`, 'invalid-probe');
    return {service: svc.key};
  }
  return {kind: 'world', ip};
}

/** A probe's protocol disagrees with the protocol of the port its portName names. */
function portProtocolMessage(portName: string, owner: string, protocol: L4Protocol, given: string): string {
  return `port "${portName}" of ${owner} is ${protocol}; set protocol: ${protocol} or name a ${given} port`;
}

function suggest(name: string, candidates: string[]): string {
  const near = closest(name, candidates);
  return near ? ` (did you mean "${near}"?)` : '';
}

/**
 * Resolves a probe: names to pods, Service to backend and port, defaults filled. Needs only the
 * cluster, so parseScenario runs it too and reports what does not resolve with the probe's
 * position, before anything is evaluated.
 */
export function resolveProbe(model: Pick<Model, 'cluster'>, probe: Probe): ResolvedProbe {
  const notes: Explanation[] = [];
  const src = resolveEnd(model, probe, probe.from, 'from') as PeerIdentity;
  let dstEnd = resolveEnd(model, probe, probe.to, 'to');
  // A DNS query goes to port 53 over UDP unless the probe says otherwise.
  const protocol = probe.protocol ?? (probe.dns ? 'UDP' : 'TCP');
  let port = probe.port ?? (probe.dns ? 53 : undefined);
  let l4proto: L4Protocol | 'ICMP' = protocol;
  let defaultHost: string;
  /** The port in the URL the client used, which is what its Host header names. */
  let dialledPort = probe.port;
  if ('service' in dstEnd) {
    const svc = model.cluster.serviceByKey.get(dstEnd.service)!;
    defaultHost = `${svc.service.name}.${svc.service.namespace}.svc.cluster.local`;
    if (protocol === 'ICMP') fail(probe, `ICMP to service ${svc.key}: a ClusterIP only forwards its TCP/UDP/SCTP ports; probe a pod instead`, 'invalid-probe', 'protocol');
    // A portName takes the protocol of the port it names when the probe gives none; a probe that
    // gives another protocol is an error, so the protocol shown is the one evaluated.
    const named = probe.portName !== undefined ? svc.service.ports.find((p) => p.name === probe.portName) : undefined;
    if (named && probe.protocol !== undefined && probe.protocol !== (named.protocol ?? 'TCP')) {
      fail(probe, portProtocolMessage(probe.portName!, `service ${svc.key}`, named.protocol ?? 'TCP', probe.protocol), 'invalid-probe');
    }
    if (named) l4proto = named.protocol ?? 'TCP';
    const sp = named ?? svc.service.ports.find((p) => probe.portName === undefined && p.port === port && (p.protocol ?? 'TCP') === protocol);
    if (!sp) fail(probe, `service ${svc.key} has no ${probe.portName !== undefined ? `port named "${probe.portName}"` : `${protocol} port ${port}`}; its ports are ${svc.service.ports.map((p) => `${p.name ?? p.port} (${p.port}/${p.protocol ?? 'TCP'})`).join(', ')}`, 'unknown-reference', 'port');
    if (svc.backends.length === 0) fail(probe, `service ${svc.key} selects no pods, so it has no backend to evaluate; check its selector against the pods' labels`, 'no-backend', 'to');
    const backend = svc.backends[0];
    const target = sp.targetPort ?? sp.port;
    let targetPort: number;
    if (typeof target === 'number') targetPort = target;
    else {
      const named = backend.namedPorts.get(target);
      if (!named) fail(probe, `service ${svc.key} targets port "${target}", which backend ${backend.key} does not declare in its container ports`, 'unresolved-port', 'to');
      targetPort = named.port;
    }
    // A client puts the port it dialled in Host, the Service port, not the backend's targetPort
    // (RFC 9110 section 7.2: Host carries the authority of the target URI).
    dialledPort = sp.port;
    port = targetPort;
    notes.push({
      side: 'probe',
      effect: 'note',
      reason: 'backend',
      text:
        `service ${svc.key} port ${sp.port}/${l4proto} -> backend ${backend.key} port ${targetPort}` +
        (typeof target === 'string' ? ` (targetPort "${target}" resolved on ${backend.name}'s container ports)` : '') +
        (svc.backends.length > 1
          ? `; ${svc.backends.length} backends (${svc.backends.map((b) => b.name).join(', ')}), policy evaluated against the first by name`
          : '') +
        '; policy applies after service port mapping (layer4.rst)',
    });
    dstEnd = podIdentity(backend);
  } else {
    defaultHost = dstEnd.kind === 'pod' ? dstEnd.pod.ip : dstEnd.ip;
    if (probe.portName !== undefined) {
      if (dstEnd.kind !== 'pod') fail(probe, `portName "${probe.portName}" needs a destination pod with that container port; use port with a number for ${endText(probe.to)}`, 'unresolved-port', 'port');
      const named = dstEnd.pod.namedPorts.get(probe.portName);
      if (!named) fail(probe, `pod ${dstEnd.pod.key} has no container port named "${probe.portName}"; its named ports are ${[...dstEnd.pod.namedPorts.keys()].join(', ') || '(none)'}`, 'unresolved-port', 'port');
      port = named.port;
      dialledPort = named.port;
      // As for a Service port name: the named port's protocol, unless the probe says another.
      if (probe.protocol !== undefined && probe.protocol !== named.protocol) fail(probe, portProtocolMessage(probe.portName, `pod ${dstEnd.pod.key}`, named.protocol, probe.protocol), 'invalid-probe');
      l4proto = named.protocol;
    }
  }
  if (l4proto !== 'ICMP' && port === undefined) fail(probe, 'a probe needs port (a number) or portName, unless protocol is ICMP', 'missing-field');
  const dst = dstEnd as PeerIdentity;
  const dstIp = dst.kind === 'pod' ? dst.pod.ip : dst.ip;
  const traffic: Traffic = {
    protocol: l4proto,
    port: port ?? 0,
    icmpType: probe.icmpType ?? 8,
    family: parseIp(dstIp)?.kind() === 'ipv6' ? 'IPv6' : 'IPv4',
    ...(dst.kind === 'pod' ? {dstNamedPorts: dst.pod.namedPorts} : {}),
  };
  if (dialledPort !== undefined && dialledPort !== 80 && probe.http && !probe.http.host) defaultHost += `:${dialledPort}`;
  return {src, dst, traffic, ...(probe.http ? {request: effectiveRequest(probe.http, defaultHost)} : {}), ...(probe.dns ? {query: probe.dns} : {}), notes};
}

/** Describes a peer: `star-wars/xwing`, `node node-1 (host)`, `8.8.8.8 (world)`. */
export function describePeer(peer: PeerIdentity, subject?: EnforcedOn): string {
  if (peer.kind === 'pod') return peer.pod.key;
  if (peer.kind === 'node') return `node ${peer.node.name} (${subject ? reservedIdentity(peer, subject) : 'node'} ${peer.ip})`;
  return `${peer.ip} (world)`;
}

function describeTraffic(t: Traffic): string {
  return t.protocol === 'ICMP' ? `ICMP type ${t.icmpType}` : `${t.protocol}/${t.port}`;
}

/** Whether a rule's L3 part admits the peer. */
export function peerMatches(model: Model, r: CompiledRule, peer: PeerIdentity, subject: EnforcedOn): boolean {
  const peers = r.rule.peers;
  if (peers === 'any') return true;
  if (peer.kind === 'pod') return hasBit(r.peerPods, peer.pod.index);
  const reserved = reservedIdentity(peer, subject);
  const ip = parseIp(peer.ip);
  const special = externalIdentity(model, peer);
  for (const p of peers) {
    switch (p.kind) {
      case 'endpoints': {
        if (matches(p.selector, reservedLabels(reserved, special, ip?.kind() === 'ipv6'))) return true;
        break;
      }
      case 'entity':
        if (entityAdmits(p.entity, peer, reserved, ip?.kind() === 'ipv6', special)) return true;
        break;
      case 'cidr': {
        const c = r.cidrs.get(p);
        // Cilium's ingress proxy has a reserved identity of its own, no CIDR identity.
        if (!c || !ip || special === 'ingress') break;
        // World peers match CIDRs; node addresses only for ipBlock on the kubernetes datapath (K-DOC
        // hostNetwork: "treated as node IP traffic, which can be matched by ipBlock").
        if (peer.kind === 'world' || (model.datapath === 'kubernetes' && p.origin === 'ipBlock')) {
          if (inCidr(c, ip)) return true;
        }
        break;
      }
      case 'fqdn':
        if (peer.kind === 'world' && special !== 'ingress' && fqdnAllows(model, p, peer.ip, subject)) return true;
        break;
      case 'nodes':
        // "every cilium-agent allocates a different local security identity for all other nodes"
        // from their labels (layer3.rst "Node based"); the local node keeps the host identity.
        if (peer.kind === 'node' && reserved === 'remote-node' && matches(p.selector, peer.node.labels)) return true;
        break;
      case 'pods':
      case 'service':
        break;
    }
  }
  return false;
}

/**
 * The reserved identity of an outside address the scenario lists under cluster.external, on the
 * cilium datapath (NetworkPolicy knows no identities: there it is an address like any other).
 */
function externalIdentity(model: Model, peer: PeerIdentity): ExternalAddress['identity'] | undefined {
  if (model.datapath !== 'cilium') return undefined;
  if (peer.kind === 'world') return model.cluster.externalByIp.get(peer.ip);
  // An API server in a node's own network (kubeadm's, kind's) is a backend of default/kubernetes:
  // Cilium gives its address reserved:kube-apiserver besides the node's host or remote-node label
  // (pkg/ipcache registerAPIServerBackendWatcher; Hubble's metrics docs list the label pairs
  // reserved:kube-apiserver with reserved:host and with reserved:remote-node). Identity is per
  // address, so every port of that node carries it.
  if (peer.kind === 'node' && model.cluster.externalByIp.get(peer.ip) === 'kube-apiserver') return 'kube-apiserver';
  return undefined;
}

/**
 * The reserved labels of a peer that is not a pod. An API server outside the cluster keeps the
 * world's labels and gains reserved:kube-apiserver, one on a node keeps the node's; Cilium's ingress proxy is reserved:ingress
 * alone (pkg/labels reserved identities; layer3.rst "Entities based").
 */
function reservedLabels(reserved: string, special: ExternalAddress['identity'] | undefined, ipv6: boolean): Record<string, string> {
  if (special === 'ingress') return {'reserved:ingress': ''};
  const labels: Record<string, string> = {[`reserved:${reserved}`]: ''};
  if (reserved === 'world') labels[`reserved:world-${ipv6 ? 'ipv6' : 'ipv4'}`] = '';
  if (special === 'kube-apiserver') labels['reserved:kube-apiserver'] = '';
  return labels;
}

/**
 * Whether an entity admits a node or an outside address (pods are settled in compile). world is
 * world-ipv4 and world-ipv6 together; cluster is the nodes, the API server and the ingress proxy
 * besides the pods (pkg/policy/api/entity.go InitEntities); kube-apiserver and ingress are the
 * addresses cluster.external gives those identities. No modelled peer carries health, init or
 * unmanaged: a scenario has no health endpoint, initialising or unmanaged endpoint. none selects
 * nothing.
 */
function entityAdmits(entity: Entity, peer: PeerIdentity, reserved: string, ipv6: boolean, special?: ExternalAddress['identity']): boolean {
  switch (entity) {
    case 'all':
      return true;
    case 'world':
      return reserved === 'world' && special !== 'ingress';
    case 'host':
    case 'remote-node':
      return entity === reserved;
    case 'world-ipv4':
      return reserved === 'world' && special !== 'ingress' && !ipv6;
    case 'world-ipv6':
      return reserved === 'world' && special !== 'ingress' && ipv6;
    case 'cluster':
      return peer.kind === 'node' || special !== undefined;
    case 'kube-apiserver':
    case 'ingress':
      return special === entity;
    default:
      return false;
  }
}

/**
 * The DNS answer that lets `subject` reach `ip` under one toFQDNs selector, if any. Cilium learns
 * toFQDNs addresses from the answers its DNS proxy passed on, and shares them per agent: "For a given
 * domain name, IPs from responses to all pods managed by a Cilium instance are allowed by policy"
 * (Documentation/security/policy/layer7.rst, "DNS Proxy"). So an answer counts for every pod on
 * the node of the pod that looked the name up, and for no pod on another node.
 */
export function fqdnAnswer(model: Model, p: {matchName?: string; matchPattern?: string}, ip: string, subject: EnforcedOn): DnsEntry | undefined {
  const selector = p.matchName !== undefined ? fqdnName(p.matchName) : fqdnPattern(p.matchPattern ?? '');
  return model.dnsCache.find((entry) => {
    if (model.cluster.podByKey.get(entry.observedBy)?.node.name !== subject.node.name) return false;
    if (!entry.ips.some((x) => canonicalIp(x) === ip)) return false;
    return selector.test(toFqdn(entry.name));
  });
}

function fqdnAllows(model: Model, p: {matchName?: string; matchPattern?: string}, ip: string, subject: EnforcedOn): boolean {
  return fqdnAnswer(model, p, ip, subject) !== undefined;
}

/** A name as Cilium compares it: lower case, with the trailing dot of a fully qualified name (pkg/fqdn/dns FQDN). */
function toFqdn(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** matchName: the literal name, case-insensitive (FQDNSelector.ToRegex: dns.FQDN of the name). */
function fqdnName(name: string): RegExp {
  return new RegExp(`^${toFqdn(name).replace(/[.]/g, '[.]')}$`);
}

/** Characters of one DNS label, as Cilium's patterns allow them (pkg/fqdn/matchpattern allowedDNSCharsREGroup; names are lower-cased). */
const DNS_CHAR = '[-a-z0-9_]';

/**
 * matchPattern as cilium/cilium pkg/fqdn/matchpattern/matchpattern.go ToAnchoredRegexp reads it:
 * a pattern of stars alone (`*`, `**.`) matches every name; a leading `**.` (two or more stars, then a
 * dot) matches one or more whole labels; any other run of stars matches zero or more characters of
 * one label, never a dot, so `*.cilium.io` matches `docs.cilium.io` but neither `cilium.io` nor
 * `a.b.cilium.io`.
 */
export function fqdnPattern(pattern: string): RegExp {
  const lower = pattern.trim().toLowerCase();
  const stars = lower.endsWith('.') ? lower.slice(0, -1) : lower;
  if (stars !== '' && /^\*+$/.test(stars)) return new RegExp(`^(${DNS_CHAR}+[.])+$|^[.]$`);
  const fqdn = toFqdn(lower);
  let src = '';
  let i = 0;
  const leading = /^\*+/.exec(fqdn)?.[0].length ?? 0;
  if (leading >= 2 && fqdn[leading] === '.') {
    src = `(${DNS_CHAR}+([.]${DNS_CHAR}+)*)[.]`;
    i = leading + 1;
  }
  for (; i < fqdn.length; i++) {
    const c = fqdn[i];
    if (c === '.') src += '[.]';
    else if (c === '*') {
      while (fqdn[i + 1] === '*') i++;
      src += `${DNS_CHAR}*`;
    } else src += c;
  }
  return new RegExp(`^${src}$`);
}

function groupMatches(ports: L4['ports'][number]['ports'], t: Traffic): boolean {
  // A toPorts entry with no ports covers every port [inferred: an empty PortProtocol list
  // leaves L4 unrestricted for that entry].
  if (ports.length === 0) return t.protocol !== 'ICMP';
  if (t.protocol === 'ICMP') return false;
  for (const m of ports) {
    if (!m.protocols.includes(t.protocol)) continue;
    if (m.name !== undefined) {
      // Named ports resolve on the destination pod, for ingress and egress alike (K-E2E named-port tests).
      const named = t.dstNamedPorts?.get(m.name);
      if (named && named.port === t.port && named.protocol === t.protocol) return true;
      continue;
    }
    if (m.port === undefined) return true;
    if (t.port >= m.port && t.port <= (m.endPort ?? m.port)) return true;
  }
  return false;
}

/** Whether a rule's L4 part admits the traffic. */
export function l4Matches(l4: L4 | null, t: Traffic): boolean {
  if (l4 === null) return true;
  if (t.protocol === 'ICMP') {
    // Once L4 rules apply, ICMP needs an icmps rule (layer4.rst).
    return l4.icmps.some((i) => i.family === t.family && i.type === t.icmpType);
  }
  return l4.ports.some((g) => groupMatches(g.ports, t));
}

/**
 * The L7 rules of one side for one peer and port, by parser: the allow rules whose port entry has
 * HTTP rules, those with DNS rules, and those without L7 rules at all.
 */
interface L7Rules {
  http: {rule: HttpRule; ref: RuleRef}[];
  dns: {rule: DnsRule; ref: RuleRef}[];
  /** Port entries without rules of the parser asked about admit every request (layer7.rst). */
  plain: RuleRef[];
  httpGroups: RuleRef[];
  dnsGroups: RuleRef[];
}

/** What one parser makes of a side: nothing to check, everything allowed by an L4-only rule, or rules. */
type L7 =
  | {kind: 'none'}
  | {kind: 'wildcard'; by: RuleRef[]}
  | {kind: 'http'; rules: {rule: HttpRule; ref: RuleRef}[]}
  | {kind: 'dns'; rules: {rule: DnsRule; ref: RuleRef}[]};

const NO_L7: L7Rules = {http: [], dns: [], plain: [], httpGroups: [], dnsGroups: []};

/**
 * The L7 policy for one parser. An allow that reaches the port without rules of that parser (no
 * L7 rules, or rules of the other parser) makes it allow-all for the peer (C-TEST TestL3L4L7Merge,
 * layer7.rst), so it wildcards the other rules.
 */
function l7For(rules: L7Rules, parser: 'http' | 'dns'): L7 {
  if (parser === 'http') {
    if (rules.http.length === 0) return {kind: 'none'};
    const by = [...rules.plain, ...rules.dnsGroups];
    return by.length > 0 ? {kind: 'wildcard', by} : {kind: 'http', rules: rules.http};
  }
  if (rules.dns.length === 0) return {kind: 'none'};
  const by = [...rules.plain, ...rules.httpGroups];
  return by.length > 0 ? {kind: 'wildcard', by} : {kind: 'dns', rules: rules.dns};
}

/** The outcome of one direction. */
interface Side {
  decision: 'allowed' | 'dropped';
  explanation: Explanation;
  l7: L7Rules;
}

/** A side decided at L3/L4, with no L7 policy to apply: its decision is the explanation's effect. */
function decided(explanation: Explanation & {effect: 'allowed' | 'dropped'}): Side {
  return {decision: explanation.effect, l7: NO_L7, explanation};
}

/**
 * Whose rules a side checks: a pod endpoint, or a node's host endpoint (host policies). `key`
 * names it in explanations; `ids` are its rules for the side's direction.
 */
interface SideSubject extends EnforcedOn {
  key: string;
  ids: number[];
}

/** A pod as the subject of its own ingress or egress rules. */
function podSubject(model: Model, dir: 'ingress' | 'egress', pod: PodInfo): SideSubject {
  return {key: pod.key, node: pod.node, ids: dir === 'ingress' ? model.ingressRules[pod.index] : model.egressRules[pod.index]};
}

/** A node's host endpoint as the subject of the host-policy rules that select it. */
function hostSubject(model: Model, dir: 'ingress' | 'egress', node: NodeInfo): SideSubject {
  const byNode = dir === 'ingress' ? model.hostIngressRules : model.hostEgressRules;
  return {key: `node ${node.name} (host)`, node, ids: byNode.get(node.name) ?? []};
}

function evalSide(model: Model, dir: 'ingress' | 'egress', subject: SideSubject, peer: PeerIdentity, t: Traffic): Side {
  const ids = subject.ids;
  const where = dir === 'ingress' ? `ingress to ${subject.key}` : `egress from ${subject.key}`;
  const special = externalIdentity(model, peer);
  const who =
    special && peer.kind === 'node'
      ? `${describePeer(peer, subject).replace(/\)$/, '')}, kube-apiserver)`
      : special
        ? `${peer.kind === 'world' ? peer.ip : ''} (${special === 'ingress' ? 'ingress' : 'world, kube-apiserver'})`
        : describePeer(peer, subject);
  const always = model.datapath === 'cilium' && model.mode === 'always';
  const isolators: RuleRef[] = [];
  const denies: CompiledRule[] = [];
  const allows: CompiledRule[] = [];
  const ignoredCidrs: RuleRef[] = [];
  for (const i of ids) {
    const r = model.rules[i];
    if (r.rule.defaultDeny) isolators.push(r.ref);
    if (!peerMatches(model, r, peer, subject)) {
      if (peer.kind !== 'world' && model.datapath === 'cilium' && r.rule.action === 'allow' && cidrCoversPeer(r, peer)) ignoredCidrs.push(r.ref);
      continue;
    }
    if (!l4Matches(r.rule.l4, t)) continue;
    (r.rule.action === 'deny' ? denies : allows).push(r);
  }
  if (denies.length > 0) {
    return decided({
      side: dir,
      effect: 'dropped',
      reason: 'deny-rule',
      rules: denies.map((r) => r.ref),
      text: `${where}: ${who} on ${describeTraffic(t)} matches deny rule ${describeRules(denies.map((r) => r.ref))}; deny rules take precedence over every allow, NetworkPolicy included (deny.rst)`,
    });
  }
  if (allows.length > 0) {
    return {
      decision: 'allowed',
      l7: collectL7(allows, t),
      explanation: {
        side: dir,
        effect: 'allowed',
        reason: 'rule',
        rules: allows.map((r) => r.ref),
        text: `${where}: ${who} on ${describeTraffic(t)} is admitted by ${describeRules(allows.map((r) => r.ref))}${fqdnEvidence(model, allows, peer, subject)}`,
      },
    };
  }
  if (isolators.length > 0 || always) {
    const why = isolators.length > 0 ? `isolated for ${dir} by ${describeRules(isolators, true)}` : `isolated for ${dir} by policyEnforcementMode always`;
    return decided({
      side: dir,
      effect: 'dropped',
      reason: 'default-deny',
      rules: isolators,
      text:
        `${where}: ${subject.key} is ${why}, and no rule admits ${who} on ${describeTraffic(t)}` +
        (ignoredCidrs.length > 0
          ? `; the CIDR in ${describeRules(ignoredCidrs)} covers ${who}'s address, but Cilium does not match CIDR rules against pods or nodes (its default policy-cidr-match-mode; the kubernetes datapath would)`
          : '') +
        fqdnMisses(model, ids, peer, subject) +
        absentEntities(model, ids),
    });
  }
  return {
    decision: 'allowed',
    l7: NO_L7,
    explanation: {side: dir, effect: 'allowed', reason: 'not-isolated', text: `${where}: no policy isolates ${subject.key} for ${dir}, so everything is allowed`},
  };
}

type FqdnPeer = {kind: 'fqdn'; matchName?: string; matchPattern?: string};

const fqdnPeersOf = (r: CompiledRule): FqdnPeer[] => (r.rule.peers === 'any' ? [] : r.rule.peers.filter((p): p is FqdnPeer & typeof p => p.kind === 'fqdn'));
const describeFqdn = (p: FqdnPeer) => (p.matchName !== undefined ? `matchName ${p.matchName}` : `matchPattern ${JSON.stringify(p.matchPattern)}`);
const describeAnswer = (model: Model, e: DnsEntry) =>
  `${e.name} -> ${e.ips.join(', ')}, looked up by ${e.observedBy} on ${model.cluster.podByKey.get(e.observedBy)?.node.name ?? '?'}`;

/** For an outside address admitted by toFQDNs: the DNS answer that admitted it. */
function fqdnEvidence(model: Model, allows: CompiledRule[], peer: PeerIdentity, subject: EnforcedOn): string {
  if (peer.kind !== 'world') return '';
  for (const r of allows) {
    for (const p of fqdnPeersOf(r)) {
      const answer = fqdnAnswer(model, p, peer.ip, subject);
      if (answer) return ` (toFQDNs ${describeFqdn(p)}: the DNS answer ${describeAnswer(model, answer)}, in the DNS cache of that node's Cilium agent)`;
    }
  }
  return '';
}

/** For an outside address a toFQDNs rule did not admit: why no DNS answer applies. */
function fqdnMisses(model: Model, ids: number[], peer: PeerIdentity, subject: EnforcedOn): string {
  if (peer.kind !== 'world') return '';
  const selectors = ids.flatMap((i) => fqdnPeersOf(model.rules[i]));
  if (selectors.length === 0) return '';
  const ip = peer.ip;
  const elsewhere = model.dnsCache.filter((e) => e.ips.some((x) => canonicalIp(x) === ip) && model.cluster.podByKey.get(e.observedBy)?.node.name !== subject.node.name);
  return (
    `; toFQDNs (${selectors.map(describeFqdn).join(', ')}) admits ${peer.ip} only if the DNS cache of ${subject.node.name}'s Cilium agent holds it for a matching name, ` +
    `and no pod on ${subject.node.name} looked one up` +
    (elsewhere.length > 0 ? ` (${elsewhere.map((e) => describeAnswer(model, e)).join('; ')}: another node's agent, another cache)` : '')
  );
}

/** Entities that no peer of a scenario carries (see entityAdmits), with who would. */
const ABSENT_ENTITIES: Partial<Record<Entity, string>> = {
  health: "Cilium's health endpoints",
  init: 'endpoints whose identity is not resolved yet',
  unmanaged: 'endpoints Cilium does not manage',
  none: 'nothing at all',
};

/**
 * Says so when an allow rule of the side names an entity no probe of a scenario can carry, or one
 * (kube-apiserver, ingress) that this scenario gives to no address.
 */
function absentEntities(model: Model, ids: number[]): string {
  const notes: string[] = [];
  for (const i of ids) {
    const r = model.rules[i];
    if (r.rule.action !== 'allow' || r.rule.peers === 'any') continue;
    for (const p of r.rule.peers) {
      if (p.kind !== 'entity') continue;
      const who = ABSENT_ENTITIES[p.entity];
      if (who) notes.push(`the ${p.entity} entity in ${describeRule(r.ref)} admits only ${who}, and no probe of a scenario comes from there`);
      if ((p.entity === 'kube-apiserver' || p.entity === 'ingress') && ![...model.cluster.externalByIp.values()].includes(p.entity)) {
        notes.push(`the ${p.entity} entity in ${describeRule(r.ref)} matches the addresses cluster.external gives that identity, and this scenario lists none`);
      }
    }
  }
  return notes.length > 0 ? `; ${notes.join('; ')}` : '';
}

function cidrCoversPeer(r: CompiledRule, peer: PeerIdentity): boolean {
  const ip = parseIp(peer.kind === 'pod' ? peer.pod.ip : peer.ip);
  if (!ip || r.rule.peers === 'any') return false;
  for (const c of r.cidrs.values()) if (inCidr(c, ip)) return true;
  return false;
}

/**
 * The L7 rules for a peer and port, from the allow rules that admitted it. Envoy allows a request
 * if any rule whose selector covers the peer allows it, and a rule without http_rules allows
 * everything (C-ENVOY PortNetworkPolicyRule::getVerdict): so an L4-only allow for the same peer and
 * port wildcards L7 (C-TEST TestL3L4L7Merge, layer7.rst). l7For picks the rules of one parser.
 */
function collectL7(allows: CompiledRule[], t: Traffic): L7Rules {
  const rules: L7Rules = {http: [], dns: [], plain: [], httpGroups: [], dnsGroups: []};
  for (const r of allows) {
    const l4 = r.rule.l4;
    if (l4 === null) {
      rules.plain.push(r.ref);
      continue;
    }
    for (const g of l4.ports) {
      if (!groupMatches(g.ports, t)) continue;
      if (g.http !== undefined) {
        rules.httpGroups.push(r.ref);
        for (const h of g.http) rules.http.push({rule: h, ref: r.ref});
      } else if (g.dns !== undefined) {
        rules.dnsGroups.push(r.ref);
        for (const d of g.dns) rules.dns.push({rule: d, ref: r.ref});
      } else rules.plain.push(r.ref);
    }
  }
  return rules;
}

/** One L7 step of an explanation: what a proxy decided, by which rules, and why. */
function l7Step(effect: Explanation['effect'], reason: string, rules: RuleRef[], text: string, inferred?: string): Explanation {
  return {side: 'l7', effect, reason, rules, text, ...(inferred ? {inferred} : {})};
}

/**
 * Policy audit mode: "Cilium [allows] all traffic while logging all connections that would
 * otherwise be dropped by network policies", agent-wide or per endpoint, and it "supports auditing
 * network policies implemented at networks layers 3 and 4" (Documentation/security/policy-creation.rst).
 * When every side that drops belongs to an endpoint in audit mode, the drop is reported instead of
 * enforced; one side enforcing still drops. L7: the docs say no more than "layers 3 and 4"; the
 * agent gives Envoy an endpoint's HTTP rules from its policy alone (cilium/cilium pkg/envoy/xds_server.go,
 * UpdateNetworkPolicy: the "policy enforced" flags are the selector policy's IngressPolicyEnabled and
 * EgressPolicyEnabled, not the endpoint's audit option), so a connection L3/L4 admitted to the proxy
 * still meets its HTTP rules, and one no rule admitted is never redirected there. The kind run of
 * labs/imperial-archive step audit-mode checks both.
 */
function auditedDrops(audit: AuditOptions, sides: [dir: 'egress' | 'ingress', side: Side, end: PeerIdentity][]): Explanation | undefined {
  const dropped = sides.filter(([, side]) => side.decision === 'dropped');
  if (dropped.length === 0) return undefined;
  // The host is an endpoint too ("The host is represented as a special endpoint", host-firewall.rst),
  // so the agent-wide mode covers it; auditEndpoints names pods only.
  const inAudit = (end: PeerIdentity) =>
    (end.kind === 'pod' && (audit.policyAuditMode === true || (audit.auditEndpoints ?? []).includes(end.pod.key))) || (end.kind === 'node' && audit.policyAuditMode === true);
  if (!dropped.every(([, , end]) => inAudit(end))) return undefined;
  const who = dropped.map(([dir, , end]) => `${dir} of ${end.kind === 'pod' ? end.pod.key : end.kind === 'node' ? `node ${end.node.name} (host)` : '?'}`).join(' and ');
  const why = audit.policyAuditMode ? 'the agent runs in policy audit mode' : 'that endpoint is in policy audit mode';
  return {
    side: 'probe',
    effect: 'allowed',
    reason: 'audit',
    text: `policy audit mode: the ${who} would drop this, but ${why}, so Cilium lets it through and reports it (Hubble verdict AUDIT); without audit mode it would be dropped`,
    inferred: 'audit mode covers L3/L4 policy only (policy-creation.rst); L7 rules of an allow that matched still apply',
  };
}

/**
 * A DNS query that L3/L4 let through: the egress DNS rules of the client decide (DNS rules are
 * egress only: rule_validation.go). Cilium's DNS proxy answers a name no rule allows with REFUSED,
 * the default of the Helm chart's cilium-config (`tofqdns-dns-reject-response-code: refused`;
 * Documentation/security/dns.rst: NXDOMAIN instead only with `--tofqdns-dns-reject-response-code=nameError`);
 * a name a rule allows goes on to the server, whose answer the engine does not model.
 */
function dnsVerdict(result: ProbeResult, egress: Side, query: {name: string}, explanation: Explanation[]): ProbeResult {
  const l7 = l7For(egress.l7, 'dns');
  result.dns = {rcode: null};
  if (l7.kind === 'none') return result;
  if (l7.kind === 'wildcard') {
    explanation.push(l7Step('allowed', 'l7-wildcard', l7.by, `egress DNS proxy: ${describeRules(l7.by)} admits this peer on this port without DNS rules, which lets every name through (an L4-only allow wildcards L7, layer7.rst)`));
    return result;
  }
  if (l7.kind !== 'dns') return result;
  const name = toFqdn(query.name);
  const match = l7.rules.find(({rule}) => (rule.matchName !== undefined && fqdnName(rule.matchName).test(name)) || (rule.matchPattern !== undefined && fqdnPattern(rule.matchPattern).test(name)));
  if (!match) {
    const refs = uniqueRefs(l7.rules.map((r) => r.ref));
    result.verdict = 'l7-denied';
    result.dns = {rcode: 'REFUSED'};
    explanation.push(l7Step('l7-denied', 'l7-no-match', refs, `egress DNS proxy: the lookup of ${query.name} matches none of the DNS rules of ${describeRules(refs)} (${l7.rules.map(({rule}) => describeFqdn({kind: 'fqdn', ...rule})).join(', ')}); Cilium's DNS proxy answers REFUSED`));
    return result;
  }
  explanation.push(l7Step('allowed', 'l7-rule', [match.ref], `egress DNS proxy: the lookup of ${query.name} matches ${describeFqdn({kind: 'fqdn', ...match.rule})} of ${describeRule(match.ref)}, so the proxy forwards it to the DNS server (and records the answer for toFQDNs)`));
  return result;
}

/**
 * One side of a node's own traffic (a host or host-network process to an address of the same
 * node): it stays in the node's network namespace and never passes a device where the host
 * firewall sits [inferred: bpf_host hooks the node's network devices, Documentation/security/host-firewall.rst
 * "devices"]; Cilium also allows the local host into every endpoint by default (allow-localhost,
 * pkg/policy/mapstate.go determineAllowLocalhostIngress).
 */
function ownAddress(dir: 'ingress' | 'egress', node: NodeInfo): Side {
  return decided({
    side: dir,
    effect: 'allowed',
    reason: 'local-node',
    text: `${dir}: node ${node.name} reaching its own address stays inside the node, where no policy applies (the local host is always allowed)`,
    inferred: 'traffic of a node to itself never reaches the devices where the host firewall is attached',
  });
}

/**
 * The host endpoint's side of a probe to or from a node (or a host-network pod, which is the
 * node). Host policies apply only with the agent's host firewall on: "Check if policy enforcement
 * should be enabled at the daemon level" returns no enforcement for the host identity without
 * EnableHostFirewall (pkg/policy/repository.go computePolicyEnforcementAndRules), while the API
 * server and the agent accept the policy. With it on, the host endpoint is a subject like a pod:
 * default deny in each direction its host policies have rules for, deny before allow, and
 * enforcement mode always or never as for pods (same function). It applies to traffic from and to
 * pods on the same node too (cilium-cli connectivity tests host-firewall-ingress: a client pod's
 * ping to every node, its own included, is dropped; host-firewall-egress: host to pod).
 */
function hostSide(model: Model, dir: 'ingress' | 'egress', node: NodeInfo, peer: PeerIdentity, t: Traffic): Side {
  const subject = hostSubject(model, dir, node);
  if (model.datapath === 'cilium' && model.hostFirewall) return evalSide(model, dir, subject, peer, t);
  const where = dir === 'ingress' ? `ingress to node ${node.name}` : `egress from node ${node.name}`;
  if (subject.ids.length > 0) {
    const refs = subject.ids.map((i) => model.rules[i].ref);
    const why = model.datapath === 'cilium' ? "the agent's host firewall is off (options.hostFirewall; Helm hostFirewall.enabled)" : 'the kubernetes datapath has no host firewall';
    return decided({
      side: dir,
      effect: 'allowed',
      reason: 'host-firewall-off',
      rules: refs,
      text: `${where}: host policy ${describeRules(refs, true)} selects this node, but ${why}, so the host policy does not apply and nothing is enforced here (pkg/policy/repository.go computePolicyEnforcementAndRules)`,
    });
  }
  const off = model.datapath === 'cilium' && !model.hostFirewall ? "the agent's host firewall is off (options.hostFirewall)" : 'no host policy selects it';
  return notEnforced(dir, {kind: 'node', node, ip: node.ip}, `${where}: node ${node.name} (${node.ip}) is no pod endpoint and ${off}, so no ${dir} policy applies here`);
}

/**
 * What a node's host endpoint decides on one side for a peer and traffic, as a probe would see it
 * (host-policies.ts asks it about the traffic a node needs).
 */
export function hostEndpointDecision(model: Model, dir: 'ingress' | 'egress', node: NodeInfo, peer: PeerIdentity, t: Traffic): {decision: 'allowed' | 'dropped'; explanation: Explanation} {
  const {decision, explanation} = hostSide(model, dir, node, peer, t);
  return {decision, explanation};
}

function notEnforced(dir: 'ingress' | 'egress', end: PeerIdentity, text?: string): Side {
  const what = end.kind === 'world' ? `${end.ip} is outside the cluster` : end.kind === 'node' ? `node ${end.node.name} (${end.ip}) is no pod endpoint` : '';
  return {
    decision: 'allowed',
    l7: NO_L7,
    explanation: {side: dir, effect: 'allowed', reason: 'not-enforced', text: text ?? `${dir}: ${what}, so no ${dir} policy applies here`},
  };
}

/**
 * Ingress from the pod's own node. Kubernetes: always allowed (networking/v1 types.go ingress
 * doc: "OR if the traffic source is the pod's local node"). Cilium allows the local host by
 * default (allow-localhost), but an ingressDeny that matches the host still drops it: the agent
 * inserts the local-host allow with the deny entries preferred (pkg/policy/mapstate.go
 * DetermineAllowLocalhostIngress, DenyPreferredInsert), because "if the user explicitly writes a
 * policy that says deny from host ... Cilium really should drop such traffic" (cilium/cilium
 * PR #12716, which added deny policies).
 */
function localNodeIngress(model: Model, pod: PodInfo, node: PeerIdentity & {kind: 'node'}, t: Traffic): Side {
  const where = `ingress to ${pod.key}`;
  if (model.datapath === 'cilium') {
    const denies = model.ingressRules[pod.index].map((i) => model.rules[i]).filter((r) => r.rule.action === 'deny' && peerMatches(model, r, node, pod) && l4Matches(r.rule.l4, t));
    if (denies.length > 0) {
      const refs = denies.map((r) => r.ref);
      return decided({
        side: 'ingress',
        effect: 'dropped',
        reason: 'deny-rule',
        rules: refs,
        text: `${where}: its own node ${node.node.name} (host) on ${describeTraffic(t)} matches deny rule ${describeRules(refs)}; Cilium allows the local host by default, but a deny rule that matches the host overrides that allowance (mapstate.go DenyPreferredInsert)`,
      });
    }
  }
  return decided({
    side: 'ingress',
    effect: 'allowed',
    reason: 'local-node',
    text: `${where}: traffic from its own node ${node.node.name} is always allowed (K-API ingress doc; Cilium allows local host by default, and no deny rule matches the host)`,
  });
}

/** Evaluates one probe. Throws ProbeResolutionError when a name or port does not resolve. */
/** Which endpoints are in policy audit mode (ScenarioOptions policyAuditMode, auditEndpoints). */
export interface AuditOptions {
  policyAuditMode?: boolean;
  auditEndpoints?: string[];
}

export function evaluateProbe(model: Model, probe: Probe, index = 0, audit: AuditOptions = {}): ProbeResult {
  const {src, dst, traffic, request, query, notes} = resolveProbe(model, probe);
  const explanation: Explanation[] = [...notes];
  const never = model.datapath === 'cilium' && model.mode === 'never';
  let egress: Side;
  let ingress: Side;
  if (never) {
    egress = notEnforced('egress', src, 'egress: policyEnforcementMode is never, so Cilium enforces no policy');
    ingress = notEnforced('ingress', dst, 'ingress: policyEnforcementMode is never, so Cilium enforces no policy');
  } else {
    const sameHost = src.kind === 'node' && dst.kind === 'node' && src.node.name === dst.node.name;
    if (sameHost) {
      egress = ownAddress('egress', src.node);
      ingress = ownAddress('ingress', src.node);
    } else {
      egress = src.kind === 'pod' ? evalSide(model, 'egress', podSubject(model, 'egress', src.pod), dst, traffic) : src.kind === 'node' ? hostSide(model, 'egress', src.node, dst, traffic) : notEnforced('egress', src);
      if (dst.kind === 'node') ingress = hostSide(model, 'ingress', dst.node, src, traffic);
      else if (dst.kind !== 'pod') ingress = notEnforced('ingress', dst);
      else if (src.kind === 'node' && src.node.name === dst.pod.node.name) ingress = localNodeIngress(model, dst.pod, src, traffic);
      else ingress = evalSide(model, 'ingress', podSubject(model, 'ingress', dst.pod), src, traffic);
    }
  }
  if (model.datapath === 'cilium') explanation.push(...nonIdentityNotes(model, [src, dst]));
  if (src.kind === 'pod' && dst.kind === 'pod' && src.pod === dst.pod) {
    explanation.push({side: 'probe', effect: 'note', reason: 'inferred', text: 'a pod reaching itself is implementation-defined', inferred: 'evaluated like any other pair; the upstream e2e suite ignores loopback (kubernetes#95879)'});
  }
  explanation.push(egress.explanation, ingress.explanation);
  const result: ProbeResult = {probe: index, verdict: 'allowed', ingress: ingress.decision, egress: egress.decision, explanation};
  const audited = auditedDrops(audit, [['egress', egress, src], ['ingress', ingress, dst]]);
  if (audited) {
    result.audit = 'dropped';
    explanation.push(audited);
  } else if (egress.decision === 'dropped' || ingress.decision === 'dropped') {
    result.verdict = 'dropped';
    if (request) result.http = {status: null, body: null};
    if (query) result.dns = {rcode: null};
    return result;
  }
  if (query) return dnsVerdict(result, egress, query, explanation);
  // The egress proxy sees the request first, then the ingress proxy.
  for (const [dir, side] of [['egress', egress], ['ingress', ingress]] as const) {
    const l7 = l7For(side.l7, 'http');
    if (l7.kind === 'none' || l7.kind === 'dns') continue;
    if (l7.kind === 'wildcard') {
      explanation.push(l7Step('allowed', 'l7-wildcard', l7.by, `${dir} proxy: ${describeRules(l7.by)} admits this peer on this port without HTTP rules, which makes L7 allow-all for it (an L4-only allow wildcards L7, layer7.rst)`));
      continue;
    }
    if (!request) {
      explanation.push({side: 'l7', effect: 'note', reason: 'inferred', text: `${dir} proxy: HTTP rules apply on this port but the probe carries no HTTP request; only L3/L4 was decided`, rules: l7.rules.map((r) => r.ref)});
      continue;
    }
    const match = l7.rules.find((r) => httpRuleAllows(r.rule, request));
    if (!match) {
      result.verdict = 'l7-denied';
      const grpc = isGrpcRequest(request);
      const refs = uniqueRefs(l7.rules.map((r) => r.ref));
      const queryNote = /[?]/.test(request.path) ? 'the path rule is matched against the whole :path, query string included' : undefined;
      if (grpc) {
        const d = GRPC_PERMISSION_DENIED;
        result.http = {status: d.status, body: ''};
        result.grpc = {status: d.grpcStatus, message: d.grpcMessage};
        explanation.push(l7Step('l7-denied', 'l7-no-match', refs, `${dir} proxy: the gRPC call ${describeRequest(request)} (host ${request.host}) matches none of the HTTP rules of ${describeRules(refs)}; Envoy refuses it itself with gRPC status ${d.grpcStatus} ${d.grpcStatusName}, message "Access denied", in an HTTP 200 trailers-only reply (not the 403 an HTTP client gets)`, queryNote));
        return result;
      }
      result.http = {status: ACCESS_DENIED.status, body: ACCESS_DENIED.body};
      explanation.push(l7Step('l7-denied', 'l7-no-match', refs, `${dir} proxy: ${describeRequest(request)} (host ${request.host}) matches none of the HTTP rules of ${describeRules(refs)}; Envoy answers 403 "Access denied"`, queryNote));
      return result;
    }
    explanation.push(l7Step('allowed', 'l7-rule', [match.ref], `${dir} proxy: ${describeRequest(request)} matches the HTTP rule at ${match.rule.source.file}:${match.rule.source.line} of ${describeRule(match.ref)}`));
  }
  if (request) result.http = {status: null, body: null};
  return result;
}

/**
 * Notes for the probe's pods that carry a label some Cilium selector names but Cilium leaves out
 * of identities (pkg/labelsfilter defaults): the selector cannot see it on the cilium datapath.
 */
function nonIdentityNotes(model: Model, ends: PeerIdentity[]): Explanation[] {
  const notes: Explanation[] = [];
  for (const {ref, key} of model.nonIdentityKeys) {
    const carriers = ends.filter((e): e is PeerIdentity & {kind: 'pod'} => e.kind === 'pod' && Object.prototype.hasOwnProperty.call(e.pod.labels, key));
    for (const e of new Set(carriers.map((c) => c.pod))) {
      notes.push({
        side: 'probe',
        effect: 'note',
        reason: 'not-identity-label',
        rules: [ref],
        text: `${describeRule(ref)} selects on label ${key}, which ${e.key} carries but Cilium leaves out of security identities (default identity-relevant labels, pkg/labelsfilter), so on the cilium datapath that selector never sees it`,
      });
    }
  }
  return notes;
}

function uniqueRefs(refs: RuleRef[]): RuleRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const k = `${r.file}:${r.line}:${r.col}:${r.rule}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
