/**
 * Compiles a cluster and a set of policies into a Model: for every rule, which pods it applies to
 * and which pods it admits as peers, as bit sets computed once. Evaluating a probe or a matrix then
 * never re-matches labels per pair (the speed target of issue 3).
 */
import {bitset, setBit, type Bitset} from './bitset';
import {cidrContains, parseCidr, parseIp, type Cidr} from './cidr';
import {indexCluster, type ClusterIndex, type NodeInfo, type PodInfo} from './cluster';
import {matches} from './selector';
import type {Cluster, Datapath, DnsEntry, EnforcementMode, Peer, PolicyObject, PolicyRule, RuleRef, Scenario} from './types';

/** A rule with its precomputed matches. */
export interface CompiledRule {
  rule: PolicyRule;
  policy: PolicyObject;
  ref: RuleRef;
  /** Pods the rule applies to (host-network pods are never Cilium endpoints, so never here). */
  subjects: Bitset;
  /** Pods its L3 peers admit (host-network pods excluded: they carry their node's identity). */
  peerPods: Bitset;
  /** Parsed CIDRs of cidr peers, same order as rule.peers. */
  cidrs: Map<Peer, {cidr: Cidr; except: Cidr[]}>;
}

/** The compiled form of a cluster plus policies. */
export interface Model {
  datapath: Datapath;
  mode: EnforcementMode;
  cluster: ClusterIndex;
  rules: CompiledRule[];
  /** Per pod index: indices into `rules` of the rules that select it, by direction. */
  ingressRules: number[][];
  egressRules: number[][];
  dnsCache: DnsEntry[];
}

/** What compile() needs: a whole scenario, or just a cluster and policies. */
export type CompileInput = Pick<Scenario, 'cluster' | 'policies'> & Partial<Pick<Scenario, 'dnsCache' | 'options' | 'datapath'>>;

/**
 * Compiles a scenario (or a cluster plus policies). `datapath` overrides the scenario's own;
 * the default is `cilium`, what the labs run on.
 */
export function compile(input: CompileInput, datapath?: Datapath): Model {
  const cluster = indexCluster(input.cluster as Cluster);
  const dp = datapath ?? input.datapath ?? 'cilium';
  const n = cluster.pods.length;
  const rules: CompiledRule[] = [];
  const ingressRules: number[][] = cluster.pods.map(() => []);
  const egressRules: number[][] = cluster.pods.map(() => []);
  const subjectCache = new Map<string, Bitset>();
  const peerCache = new Map<string, Bitset>();
  for (const policy of input.policies) {
    for (const rule of policy.rules) {
      // Rules of one policy share their subject, and many policies repeat selectors: match each
      // distinct selector against the pods once.
      const s = rule.subject;
      const subjectKey = `${s.on}|${s.namespace ?? '*'}|${JSON.stringify(s.selector)}`;
      let subjects = subjectCache.get(subjectKey);
      if (!subjects) {
        subjects = bitset(n);
        for (const pod of cluster.pods) {
          if (pod.hostNetwork) continue;
          if (s.namespace !== undefined && pod.namespace !== s.namespace) continue;
          if (matches(s.selector, s.on === 'identity' ? pod.identity : pod.labels)) setBit(subjects, pod.index);
        }
        subjectCache.set(subjectKey, subjects);
      }
      const cidrs = new Map<Peer, {cidr: Cidr; except: Cidr[]}>();
      if (rule.peers !== 'any') {
        for (const peer of rule.peers) {
          if (peer.kind !== 'cidr') continue;
          const cidr = parseCidr(peer.cidr, true);
          if (cidr) cidrs.set(peer, {cidr, except: peer.except.map((e) => parseCidr(e, true)).filter((e) => e !== undefined)});
        }
      }
      const compiled: CompiledRule = {
        rule,
        policy,
        ref: {
          kind: policy.kind,
          ...(policy.namespace !== undefined ? {namespace: policy.namespace} : {}),
          name: policy.name,
          rule: rule.label,
          file: rule.source.file,
          line: rule.source.line,
          col: rule.source.col,
        },
        subjects,
        peerPods: bitset(n),
        cidrs,
      };
      const peerKey = rule.peers === 'any' || rule.peers.every((p) => p.kind !== 'cidr' && p.kind !== 'service') ? `${JSON.stringify(rule.peers, (k, v) => (k === 'source' ? undefined : v))}` : undefined;
      const cached = peerKey === undefined ? undefined : peerCache.get(peerKey);
      if (cached) compiled.peerPods = cached;
      else {
        for (const pod of cluster.pods) {
          if (!pod.hostNetwork && peerMatchesPod(compiled, pod, cluster, dp)) setBit(compiled.peerPods, pod.index);
        }
        if (peerKey !== undefined) peerCache.set(peerKey, compiled.peerPods);
      }
      const index = rules.length;
      rules.push(compiled);
      const byPod = rule.direction === 'ingress' ? ingressRules : egressRules;
      for (const pod of cluster.pods) if ((subjects[pod.index >>> 5] & (1 << (pod.index & 31))) !== 0) byPod[pod.index].push(index);
    }
  }
  return {datapath: dp, mode: input.options?.policyEnforcementMode ?? 'default', cluster, rules, ingressRules, egressRules, dnsCache: input.dnsCache ?? []};
}

function peerMatchesPod(r: CompiledRule, pod: PodInfo, cluster: ClusterIndex, datapath: Datapath): boolean {
  const peers = r.rule.peers;
  if (peers === 'any') return true;
  for (const peer of peers) {
    switch (peer.kind) {
      case 'pods': {
        const ns = peer.namespaces;
        const nsOk = ns === 'all' || ('name' in ns ? pod.namespace === ns.name : matches(ns.selector, cluster.namespaces.get(pod.namespace) ?? {}));
        if (nsOk && matches(peer.podSelector, pod.labels)) return true;
        break;
      }
      case 'endpoints':
        if (matches(peer.selector, pod.identity)) return true;
        break;
      case 'entity':
        // Pods belong to `cluster` and `all`; they are never host, world, ingress... (layer3.rst).
        if (peer.entity === 'all' || peer.entity === 'cluster') return true;
        break;
      case 'cidr': {
        // Cilium: CIDR rules never match Cilium-managed endpoints (layer3.rst; kubernetes-test.sh
        // skips the upstream ipBlock-on-pod-IP tests). Upstream e2e: ipBlock matches pod IPs.
        if (datapath !== 'kubernetes' || peer.origin !== 'ipBlock') break;
        const c = r.cidrs.get(peer);
        const ip = parseIp(pod.ip);
        if (c && ip && inCidr(c, ip)) return true;
        break;
      }
      case 'service': {
        const services = cluster.services.filter(
          (s) =>
            (peer.namespace === undefined || s.service.namespace === peer.namespace) &&
            (peer.name !== undefined ? s.service.name === peer.name : matches(peer.selector!, s.service.selector ?? {})),
        );
        if (services.some((s) => s.backends.includes(pod))) return true;
        break;
      }
      case 'fqdn':
      case 'nodes':
        break;
    }
  }
  return false;
}

/** Inside the CIDR and outside every except. */
export function inCidr(c: {cidr: Cidr; except: Cidr[]}, ip: ReturnType<typeof parseIp> & object): boolean {
  return cidrContains(c.cidr, ip) && !c.except.some((e) => cidrContains(e, ip));
}

/** The peer of a connection as policy sees it. */
export type PeerIdentity =
  | {kind: 'pod'; pod: PodInfo}
  /** A node, or a host-network pod, which carries its node's identity. */
  | {kind: 'node'; node: NodeInfo; ip: string}
  | {kind: 'world'; ip: string};

/** The Cilium reserved identity of a non-pod peer, relative to the subject pod's node. */
export function reservedIdentity(peer: PeerIdentity, subject: PodInfo): string {
  if (peer.kind === 'world') return 'world';
  if (peer.kind === 'node') return peer.node.name === subject.node.name ? 'host' : 'remote-node';
  return '';
}
