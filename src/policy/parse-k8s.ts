/**
 * Kubernetes NetworkPolicy (networking.k8s.io/v1) -> normalised rules, with the API server's
 * validation and defaulting. Sources: K-API (kubernetes/api networking/v1/types.go) and K-DOC
 * (the Kubernetes "Network Policies" concept page, kubernetes/website
 * content/en/docs/concepts/services-networking/network-policies.md).
 */
import {readCidrWithExcept} from './read-cidr';
import type {Val} from './reader';
import {isPortName} from './names';
import {EVERYTHING, readSelector} from './selector';
import type {L4, L4Protocol, Peer, PolicyRule, PortMatch, Subject} from './types';

const PROTOCOLS: readonly L4Protocol[] = ['TCP', 'UDP', 'SCTP'];

/** Reads `spec` of a NetworkPolicy in namespace `namespace`. */
export function readNetworkPolicySpec(spec: Val, namespace: string): PolicyRule[] {
  const f = spec.fields(['podSelector', 'policyTypes', 'ingress', 'egress'], 'a NetworkPolicy spec');
  if (!f) return [];
  const podSelector = readSelector(f.get('podSelector'), 'the pods this policy applies to');
  const subject: Subject = {namespace, selector: podSelector ?? EVERYTHING, on: 'pod-labels'};

  const ingressItems = f.get('ingress').items('ingress rules') ?? [];
  const egressItems = f.get('egress').items('egress rules') ?? [];
  const typesVal = f.get('policyTypes');
  const listed = (typesVal.items('policy types') ?? []).map((t) => t.oneOf(['Ingress', 'Egress'] as const, 'policy type')).filter((t) => t !== undefined);
  // API server defaulting, which also applies to an empty list: "if len(spec.PolicyTypes) == 0"
  // (kubernetes pkg/apis/networking/v1/defaults.go SetDefaults_NetworkPolicy): Ingress always,
  // Egress iff there are egress rules. Objects read back from a cluster carry the defaulted list.
  const typesGiven = listed.length > 0;
  const types: ('Ingress' | 'Egress')[] = typesGiven ? listed : ['Ingress', ...(egressItems.length > 0 ? (['Egress'] as const) : [])];

  const rules: PolicyRule[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    const type = direction === 'ingress' ? 'Ingress' : 'Egress';
    if (!types.includes(type)) continue; // rules of a type not in policyTypes have no effect (K-API)
    const items = direction === 'ingress' ? ingressItems : egressItems;
    if (items.length === 0) {
      // "If this field is empty then this NetworkPolicy does not allow any traffic (and serves
      // solely to ensure that the pods it selects are isolated by default)" (K-API).
      const written = f.has(direction);
      rules.push({
        direction,
        action: 'allow',
        label: written ? direction : 'policyTypes',
        source: (written ? f.get(direction) : typesGiven ? typesVal : spec).pos,
        subject,
        defaultDeny: true,
        peers: [],
        l4: null,
      });
      continue;
    }
    items.forEach((item, i) => {
      const peerKey = direction === 'ingress' ? 'from' : 'to';
      const rf = item.fields([peerKey, 'ports'], `a NetworkPolicy ${direction} rule`);
      if (!rf) return;
      const peerItems = rf.get(peerKey).items('peers') ?? [];
      const peers: Peer[] = [];
      for (const p of peerItems) {
        const peer = readPeer(p, namespace);
        if (peer) peers.push(peer);
      }
      const portItems = rf.get('ports').items('ports') ?? [];
      const ports: PortMatch[] = [];
      for (const p of portItems) {
        const port = readPort(p);
        if (port) ports.push(port);
      }
      const l4: L4 | null = portItems.length === 0 ? null : {ports: [{ports, source: rf.get('ports').pos}], icmps: []};
      rules.push({
        direction,
        action: 'allow',
        label: `${direction}[${i}]`,
        source: item.pos,
        subject,
        defaultDeny: true,
        // An empty or missing from/to matches all sources/destinations (K-API).
        peers: peerItems.length === 0 ? 'any' : peers,
        l4,
      });
    });
  }
  return rules;
}

function readPeer(p: Val, namespace: string): Peer | undefined {
  const f = p.fields(['podSelector', 'namespaceSelector', 'ipBlock'], 'a NetworkPolicy peer');
  if (!f) return undefined;
  // The three are pointers in the API (networking/v1 NetworkPolicyPeer): a key written with nothing
  // after its colon is null, which the API server reads as absent, not as an empty selector. So
  // `namespaceSelector:` alone names no peer, and beside a podSelector it keeps the policy's namespace.
  const hasPods = f.present('podSelector');
  const hasNamespaces = f.present('namespaceSelector');
  if (f.present('ipBlock')) {
    if (hasPods || hasNamespaces) {
      return p.fail('invalid-peer', `${p.path} combines ipBlock with a selector, which the API server rejects; put the ipBlock in a peer of its own`);
    }
    const bf = f.get('ipBlock').fields(['cidr', 'except'], 'an IP block');
    if (!bf) return undefined;
    const read = readCidrWithExcept(bf, {example: '192.168.0.0/16', cidrName: 'ipBlock.cidr', strictSubset: true});
    if (!read) return undefined;
    return {kind: 'cidr', cidr: read.cidr, except: read.except, origin: 'ipBlock', source: p.pos};
  }
  if (!hasPods && !hasNamespaces) {
    const nulls = (['podSelector', 'namespaceSelector', 'ipBlock'] as const).filter((k) => f.has(k));
    const why = nulls.length > 0 ? ` (${nulls.join(' and ')} ${nulls.length > 1 ? 'are' : 'is'} written with nothing after the colon: null, which counts as absent)` : '';
    return p.fail('invalid-peer', `${p.path} is an empty peer${why}, which the API server rejects ("must specify a peer"); give it a podSelector, a namespaceSelector or an ipBlock`);
  }
  const podSelector = readSelector(f.get('podSelector'), 'the peer pods');
  const nsSelector = hasNamespaces ? readSelector(f.get('namespaceSelector'), 'the peer namespaces') : undefined;
  if (!podSelector || (hasNamespaces && !nsSelector)) return undefined;
  return {
    kind: 'pods',
    podSelector,
    // A podSelector alone selects pods of the policy's own namespace (K-DOC "Behavior of to and from selectors").
    namespaces: nsSelector ? {selector: nsSelector} : {name: namespace},
    source: p.pos,
  };
}


function readPort(p: Val): PortMatch | undefined {
  const f = p.fields(['protocol', 'port', 'endPort'], 'a NetworkPolicy port');
  if (!f) return undefined;
  const protocol = f.present('protocol') ? f.get('protocol').oneOf(PROTOCOLS, 'protocol') : 'TCP'; // default TCP (K-API)
  if (protocol === undefined) return undefined;
  const portVal = f.get('port');
  const endVal = f.get('endPort');
  const port = readPortValue(portVal);
  if (port === null) return undefined;
  const match: PortMatch = {protocols: [protocol]};
  if (typeof port === 'number') match.port = port;
  if (typeof port === 'string') match.name = port;
  if (!endVal.absent) {
    const endPort = endVal.int('the last port of the range', 1, 65535);
    if (endPort === undefined) return undefined;
    if (typeof port !== 'number') {
      return endVal.fail('endport-needs-number', `${endVal.path} needs a numeric port; endPort cannot be used with ${port === undefined ? 'no port' : `the named port "${port}"`}`);
    }
    if (endPort < port) {
      return endVal.fail('endport-below-port', `${endVal.path} is ${endPort}, below port ${port}; endPort must be greater than or equal to port`);
    }
    match.endPort = endPort;
  }
  return match;
}

/** A port number, a port name, undefined when absent, or null after an error. */
export function readPortValue(v: Val): number | string | undefined | null {
  if (v.absent) return undefined;
  const raw = v.scalar();
  if (typeof raw === 'number') {
    if (Number.isInteger(raw) && raw >= 1 && raw <= 65535) return raw;
    v.fail('invalid-port', `${v.path} is ${String(raw)}; a port number must be from 1 to 65535`);
    return null;
  }
  if (typeof raw === 'string') {
    if (isPortName(raw)) return raw;
    v.fail('invalid-port', `${v.path} is "${raw}", which is neither a port number nor a valid port name (lower-case letters, digits and "-", at most 15 characters, at least one letter)`);
    return null;
  }
  v.fail('wrong-type', `${v.path} must be a port number or name, not ${v.describe()}`);
  return null;
}
