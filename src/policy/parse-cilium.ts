/**
 * CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy (cilium.io/v2) -> normalised rules, with
 * Cilium's validation and namespace scoping. Sources, all in cilium/cilium: C-UTIL
 * (pkg/k8s/apis/cilium.io/utils/utils.go), C-ENTRY (pkg/policy/utils/utils.go), C-DOC
 * (Documentation/security/policy/*.rst), C-TEST (pkg/policy/rule_test.go), C-XDS
 * (pkg/envoy/server.go), and for what Cilium refuses pkg/policy/api/rule_validation.go.
 */
import {RE2JS} from 're2js';
import {parseCidr} from './cidr';
import {readCidrWithExcept} from './read-cidr';
import {listNames} from './errors';
import {isPortName} from './names';
import type {Fields, Val} from './reader';
import {EVERYTHING, NAMESPACE_LABELS_PREFIX, normaliseCiliumSelector, readSelector, selectorKeys} from './selector';
import {ENTITIES, type DnsRule, type HttpRule, type L4, type L4Protocol, type Peer, type PolicyRule, type PortGroup, type PortMatch, type Selector, type Subject} from './types';

const NS_KEY = 'io.kubernetes.pod.namespace';

type Direction = 'ingress' | 'egress';
type Section = 'ingress' | 'egress' | 'ingressDeny' | 'egressDeny';

const RULE_FIELDS = ['endpointSelector', 'nodeSelector', 'ingress', 'ingressDeny', 'egress', 'egressDeny', 'labels', 'description', 'enableDefaultDeny', 'log'];

const SECTION_FIELDS: Record<Section, string[]> = {
  ingress: ['fromEndpoints', 'fromRequires', 'fromCIDR', 'fromCIDRSet', 'fromEntities', 'fromGroups', 'fromNodes', 'toPorts', 'icmps', 'authentication'],
  ingressDeny: ['fromEndpoints', 'fromRequires', 'fromCIDR', 'fromCIDRSet', 'fromEntities', 'fromGroups', 'fromNodes', 'toPorts', 'icmps'],
  egress: ['toEndpoints', 'toRequires', 'toCIDR', 'toCIDRSet', 'toEntities', 'toServices', 'toFQDNs', 'toGroups', 'toNodes', 'toPorts', 'icmps', 'authentication'],
  egressDeny: ['toEndpoints', 'toRequires', 'toCIDR', 'toCIDRSet', 'toEntities', 'toServices', 'toGroups', 'toNodes', 'toPorts', 'icmps'],
};

/** Fields that Cilium knows but this engine does not model: refused rather than silently ignored. */
const UNSUPPORTED: Record<string, string> = {
  fromGroups: 'fromGroups (cloud provider groups) is not modelled by this simulator; use fromCIDRSet with the addresses',
  toGroups: 'toGroups (cloud provider groups) is not modelled by this simulator; use toCIDRSet with the addresses',
  authentication: 'mutual authentication is not modelled by this simulator; remove the authentication field',
};

/** The Cilium release whose rules the engine reproduces (its validation, its CRD fields). */
export const CILIUM_VERSION = '1.20';

/** Fields removed from the CiliumNetworkPolicy CRD: when, where it is said, what the rule turns into, what to write. */
const REMOVED: Record<string, {version: string; source: string; becomes: string; instead: string}> = {
  fromRequires: {
    version: '1.19',
    source: 'deprecated in 1.17, Documentation/security/policy/layer3.rst',
    becomes: 'the requirement disappears and the rule admits its other peers without it',
    instead: 'write the required labels into every fromEndpoints selector of the policies that select these endpoints',
  },
  toRequires: {
    version: '1.19',
    source: 'deprecated in 1.17, Documentation/security/policy/layer3.rst',
    becomes: 'the requirement disappears and the rule admits its other peers without it',
    instead: 'write the required labels into every toEndpoints selector of the policies that select these endpoints',
  },
  kafka: {
    version: '1.20',
    source: 'Kafka-aware L7 policy and proxylib removed, cilium/cilium PR #43557 and PR #44610',
    becomes: 'the port keeps no L7 rules, which silently turns this L7 rule into an L4 allow of every request on the port',
    instead: 'allow the port at L4 and enforce topic access in the Kafka brokers (ACLs), or remove the rule',
  },
  l7proto: {
    version: '1.20',
    source: 'proxylib L7 parsers removed, cilium/cilium PR #43557 and PR #44610',
    becomes: 'the port keeps no L7 rules, which silently turns this L7 rule into an L4 allow of every request on the port',
    instead: 'use http rules if the protocol is HTTP, or allow the port at L4 and filter in the application',
  },
  l7: {
    version: '1.20',
    source: 'proxylib L7 parsers removed, cilium/cilium PR #43557 and PR #44610',
    becomes: 'the port keeps no L7 rules, which silently turns this L7 rule into an L4 allow of every request on the port',
    instead: 'use http rules if the protocol is HTTP, or allow the port at L4 and filter in the application',
  },
};

/** Reports a field Cilium removed, with what a cluster does with it. */
function refuseRemoved(v: Val, field: string): void {
  const r = REMOVED[field];
  v.fail(
    'removed-field',
    `${v.path}: ${field} was removed from CiliumNetworkPolicy in Cilium ${r.version} (${r.source}), and this simulator models Cilium ${CILIUM_VERSION}. ` +
      `On such a cluster kubectl apply (strict field validation) rejects the whole object; a client without strict validation gets the unknown field pruned with only a warning, so ${r.becomes}. ` +
      `Instead, ${r.instead}`,
  );
}

/**
 * The L3 peer fields of a section, as Cilium counts them (rule_validation.go l3Members): a rule
 * may use one kind only.
 */
const L3_FIELDS: Record<Section, string[]> = {
  ingress: ['fromEndpoints', 'fromCIDR', 'fromCIDRSet', 'fromEntities', 'fromNodes', 'fromGroups'],
  ingressDeny: ['fromEndpoints', 'fromCIDR', 'fromCIDRSet', 'fromEntities', 'fromNodes', 'fromGroups'],
  egress: ['toCIDR', 'toCIDRSet', 'toEndpoints', 'toEntities', 'toServices', 'toGroups', 'toNodes', 'toFQDNs'],
  egressDeny: ['toCIDR', 'toCIDRSet', 'toEndpoints', 'toEntities', 'toServices', 'toGroups', 'toNodes'],
};

const CILIUM_PROTOCOLS = ['TCP', 'UDP', 'SCTP', 'ANY'] as const;

/** Cilium's limits on one toPorts entry and one icmps entry (rule_validation.go maxPorts, maxICMPFields). */
const MAX_PORTS = 40;
const MAX_ICMP_FIELDS = 40;

const WHY = "Cilium refuses the whole policy (pkg/policy/api/rule_validation.go), so it would be in force nowhere";

/** Agent options that change which policies Cilium accepts. */
export interface AgentOptions {
  /** `--enable-node-selector-labels` (Helm nodeSelectorLabels): fromNodes/toNodes take effect. */
  nodeSelectorLabels?: boolean;
}

/** Reads the rule(s) of a Cilium policy: `spec` and/or `specs`. */
export function readCiliumPolicy(top: Fields, clusterwide: boolean, namespace: string | undefined, agent: AgentOptions = {}): PolicyRule[] {
  const rules: PolicyRule[] = [];
  const l7Types = new Map<string, {type: string; at: Val}>();
  let any = false;
  if (top.present('spec')) {
    any = true;
    rules.push(...readRule(top.get('spec'), '', clusterwide, namespace, l7Types, agent));
  }
  if (top.present('specs')) {
    any = true;
    (top.get('specs').items('rules') ?? []).forEach((s, i) => rules.push(...readRule(s, `specs[${i}].`, clusterwide, namespace, l7Types, agent)));
  }
  if (!any) top.owner.fail('missing-field', `this ${clusterwide ? 'CiliumClusterwideNetworkPolicy' : 'CiliumNetworkPolicy'} has neither spec nor specs; add a spec with an endpointSelector`);
  return rules;
}

const SECTIONS = ['ingress', 'ingressDeny', 'egress', 'egressDeny'] as const;

function readRule(v: Val, prefix: string, clusterwide: boolean, namespace: string | undefined, l7Types: Map<string, {type: string; at: Val}>, agent: AgentOptions): PolicyRule[] {
  const f = v.fields(RULE_FIELDS, 'a Cilium policy rule');
  if (!f) return [];
  const where = v.path || 'the rule';
  const hasEndpoints = f.present('endpointSelector');
  const hasNodes = f.present('nodeSelector');
  if (hasEndpoints && hasNodes) {
    f.get('nodeSelector').fail('selector-conflict', `${where} has both endpointSelector and nodeSelector; ${WHY} ("rule cannot have both EndpointSelector and NodeSelector"). Keep endpointSelector to select pods, or nodeSelector alone for a host policy`);
    return [];
  }
  if (!hasEndpoints && !hasNodes) {
    f.owner.fail('missing-field', `${where} needs an "endpointSelector" field (which endpoints the rule applies to, e.g. {matchLabels: {app: web}}); ${WHY} ("rule must have one of EndpointSelector or NodeSelector")`);
    return [];
  }
  // "rule must have at least one of Ingress, IngressDeny, Egress, EgressDeny" (Rule.Validate):
  // empty lists count as absent, so `ingress: []` alone is refused too.
  const sectionItems = Object.fromEntries(SECTIONS.map((section) => [section, f.get(section).items(`${section} rules`) ?? []])) as Record<Section, Val[]>;
  if (SECTIONS.every((section) => sectionItems[section].length === 0)) {
    f.owner.fail(
      'no-rules',
      `${where} has no rules: ingress, ingressDeny, egress and egressDeny are all missing or empty, and ${WHY} ("rule must have at least one of Ingress, IngressDeny, Egress, EgressDeny"). ` +
        'For a default deny write one empty rule, e.g. "ingress: [{}]"',
    );
    return [];
  }
  const hostPolicy = hasNodes;
  if (hostPolicy && !clusterwide) refuseNamespacedHostPolicy(f.get('nodeSelector'));
  const subjectVal = hasNodes ? f.get('nodeSelector') : f.get('endpointSelector');
  const selector = readSelector(subjectVal, hasNodes ? 'the nodes this host policy applies to' : 'the endpoints this rule applies to', 'cilium');
  f.get('description').string('a description');
  f.get('labels').items('rule labels');
  // A nodeSelector selects host endpoints only, and an endpointSelector never selects one
  // (pkg/policy/repository.go rule.matchesSubject: "the rule's selector type (node vs. endpoint)").
  const subject: Subject = hostPolicy
    ? {selector: normaliseCiliumSelector(selector ?? EVERYTHING), on: 'host'}
    : {namespace: clusterwide ? undefined : namespace, selector: normaliseCiliumSelector(selector ?? EVERYTHING), on: 'identity'};

  const ddf = f.get('enableDefaultDeny').absent ? undefined : f.get('enableDefaultDeny').fields(['ingress', 'egress'], 'per-direction default deny switches');
  const defaultDeny = {
    ingress: ddf?.get('ingress').bool('whether ingress rules put the endpoint in default deny') ?? true,
    egress: ddf?.get('egress').bool('whether egress rules put the endpoint in default deny') ?? true,
  };

  const out: PolicyRule[] = [];
  for (const section of SECTIONS) {
    const direction: Direction = section.startsWith('ingress') ? 'ingress' : 'egress';
    sectionItems[section].forEach((item, i) => {
      const rule = readSectionRule(item, section, clusterwide, namespace, l7Types, hostPolicy, agent);
      if (!rule) return;
      out.push({
        direction,
        action: section.endsWith('Deny') ? 'deny' : 'allow',
        label: `${prefix}${section}[${i}]`,
        source: item.pos,
        subject,
        // enableDefaultDeny defaults to true for each direction with rules (C-ENTRY utils.go).
        defaultDeny: defaultDeny[direction],
        peers: rule.peers,
        l4: rule.l4,
      });
    });
  }
  return selector ? out : [];
}

/**
 * A namespaced CiliumNetworkPolicy cannot be a host policy: the agent refuses it as a whole
 * ("rule cannot have NodeSelector", pkg/k8s/apis/cilium.io/v2/cnp_types.go CiliumNetworkPolicy.Parse,
 * for spec and specs alike: operator test TestCNPNodeSelectorMarkedInvalid).
 */
function refuseNamespacedHostPolicy(at: Val): void {
  at.fail(
    'nodeselector-in-cnp',
    `${at.path}: a CiliumNetworkPolicy is namespaced and cannot have a nodeSelector; Cilium refuses the whole policy (pkg/k8s/apis/cilium.io/v2/cnp_types.go: "rule cannot have NodeSelector"), so it would be in force nowhere. ` +
      'A host policy is a CiliumClusterwideNetworkPolicy with a nodeSelector: change the kind and remove metadata.namespace, or select pods with an endpointSelector',
  );
}

function readSectionRule(
  item: Val,
  section: Section,
  clusterwide: boolean,
  namespace: string | undefined,
  l7Types: Map<string, {type: string; at: Val}>,
  hostPolicy: boolean,
  agent: AgentOptions,
): {peers: Peer[] | 'any'; l4: L4 | null} | undefined {
  const f = item.fields(SECTION_FIELDS[section], `a CiliumNetworkPolicy ${section} rule`);
  if (!f) return undefined;
  for (const [field, why] of Object.entries(UNSUPPORTED)) {
    if (f.has(field)) f.get(field).fail('unsupported', `${f.get(field).path}: ${why}`);
  }
  for (const field of ['fromRequires', 'toRequires']) if (f.has(field)) refuseRemoved(f.get(field), field);
  const from = section.startsWith('ingress') ? 'from' : 'to';
  // Only non-empty lists count, as in Cilium (len(...) > 0).
  const written = L3_FIELDS[section].filter((k) => (f.get(k).isSeq ? (f.get(k).items('peers') ?? []).length > 0 : f.present(k)));
  if (written.length > 1) {
    const [first, second] = written;
    f.get(second).fail(
      'l3-conflict',
      `${item.path} combines ${first} and ${second} in one rule; ${WHY} ("combining ${first} and ${second} is not supported yet"). ` +
        `Put each kind of peer in a rule of its own in ${section}: rules are ORed, so two rules admit what you meant`,
    );
  }
  const toPortsWritten = (f.get('toPorts').isSeq ? (f.get('toPorts').items('port rules') ?? []) : []).length > 0;
  if (toPortsWritten && f.get('icmps').isSeq && (f.get('icmps').items('ICMP rules') ?? []).length > 0) {
    f.get('icmps').fail('icmps-with-toports', `${item.path} has both icmps and toPorts; ${WHY} ("the ICMPs block may only be present without ToPorts"). Put icmps in a rule of its own, with the same peers`);
  }
  for (const k of [`${from}Nodes`]) {
    if (f.present(k) && !agent.nodeSelectorLabels) {
      f.get(k).fail(
        'unsupported',
        `${f.get(k).path}: ${k} takes effect only when the agent runs with enable-node-selector-labels (Helm nodeSelectorLabels: true); a default Cilium ${CILIUM_VERSION} agent refuses the rule ("FromNodes/ToNodes rules can only be applied when the flag is set", rule_validation.go). Use ${from}Entities: [remote-node] or [host], or say the agent has the flag: options: {nodeSelectorLabels: true}`,
      );
    }
  }
  const peers: Peer[] = [];
  for (const e of f.get(`${from}Endpoints`).items('endpoint selectors') ?? []) {
    const s = readSelector(e, 'the peer endpoints', 'cilium');
    if (s) peers.push({kind: 'endpoints', selector: scopePeerSelector(normaliseCiliumSelector(s), clusterwide, namespace), source: e.pos});
  }
  for (const e of f.get(`${from}Entities`).items('entities') ?? []) {
    const name = e.oneOf(ENTITIES, 'entity', 'unknown-entity');
    if (name) peers.push({kind: 'entity', entity: name, source: e.pos});
  }
  for (const e of f.get(`${from}CIDR`).items('CIDRs') ?? []) {
    const text = e.string('a CIDR');
    if (text === undefined) continue;
    // fromCIDR accepts a bare IP as a single address [inferred from TestL3Policy accepting "192.168.2.0"].
    if (!parseCidr(text, true)) e.fail('invalid-cidr', `${e.path} is "${text}", which is not a CIDR or IP address; write e.g. "10.0.0.0/24"`);
    else peers.push({kind: 'cidr', cidr: text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`, except: [], origin: 'cilium', source: e.pos});
  }
  for (const e of f.get(`${from}CIDRSet`).items('CIDR sets') ?? []) {
    const peer = readCidrSet(e);
    if (peer) peers.push(peer);
  }
  for (const e of f.get(`${from}Nodes`).items('node selectors') ?? []) {
    const s = readSelector(e, 'the peer nodes', 'cilium');
    if (s) peers.push({kind: 'nodes', selector: s, source: e.pos});
  }
  if (SECTION_FIELDS[section].includes('toServices')) {
    for (const e of f.get('toServices').items('services') ?? []) {
      const peer = readService(e, namespace);
      if (peer) peers.push(peer);
    }
  }
  if (hostPolicy && f.present('toFQDNs')) refuseHostDns(f.get('toFQDNs'), 'toFQDNs');
  if (SECTION_FIELDS[section].includes('toFQDNs')) {
    for (const e of f.get('toFQDNs').items('DNS names') ?? []) {
      const ff = e.fields(['matchName', 'matchPattern'], 'a DNS name or pattern');
      if (!ff) continue;
      const matchName = ff.get('matchName').string('a DNS name');
      const matchPattern = ff.get('matchPattern').string('a DNS pattern');
      if (matchName !== undefined && matchPattern !== undefined) {
        ff.get('matchPattern').fail('fqdn-both', `${e.path} has both matchName and matchPattern; ${FQDN_WHY} ("only one of MatchName or MatchPattern is allowed in an FQDNSelector"). Write two entries in toFQDNs, one with each`);
        continue;
      }
      if (matchName === undefined && matchPattern === undefined) {
        e.fail('invalid-fqdn', `${e.path} needs exactly one of matchName and matchPattern`);
        continue;
      }
      if (!dnsSelectorValid(ff, matchName, matchPattern)) continue;
      peers.push({kind: 'fqdn', matchName: matchName?.toLowerCase(), matchPattern: matchPattern?.toLowerCase(), source: e.pos});
    }
  }

  const deny = section.endsWith('Deny');
  const groups: PortGroup[] = [];
  const toPorts = f.get('toPorts').items('port rules') ?? [];
  for (const p of toPorts) {
    const g = readPortRule(p, deny, section, l7Types, hostPolicy);
    if (g) groups.push(g);
  }
  const icmps: L4['icmps'] = [];
  for (const ic of f.get('icmps').items('ICMP rules') ?? []) readIcmp(ic, icmps);
  const hasL4 = toPorts.length > 0 || f.present('icmps');
  const l4: L4 | null = hasL4 ? {ports: groups, icmps} : null;
  // "Non-nil but empty L3 is implicitly treated as a wildcard selector if any L4 PortRules are
  // also specified" (types/policyentry.go): a rule with only toPorts/icmps admits every peer,
  // while an empty rule `{}` admits nothing but still isolates (egress-default-deny example).
  if (!L3_FIELDS[section].some((k) => f.has(k))) return {peers: hasL4 ? 'any' : [], l4};
  return {peers, l4};
}

/**
 * Namespace scoping of fromEndpoints/toEndpoints (C-UTIL ParseToCiliumRule): without a namespace
 * key or namespace-label key, a CNP adds its own namespace and a CCNP requires some namespace
 * (so `{}` never selects reserved identities there). Selectors on reserved: keys stay as written.
 */
function scopePeerSelector(s: Selector, clusterwide: boolean, namespace: string | undefined): Selector {
  const keys = selectorKeys(s);
  if (keys.some((k) => k === NS_KEY || k.startsWith(NAMESPACE_LABELS_PREFIX) || k.startsWith('reserved:'))) return s;
  if (clusterwide || namespace === undefined) {
    return {matchLabels: s.matchLabels, matchExpressions: [...s.matchExpressions, {key: NS_KEY, operator: 'Exists', values: []}]};
  }
  return {matchLabels: {...s.matchLabels, [NS_KEY]: namespace}, matchExpressions: s.matchExpressions};
}

function readCidrSet(e: Val): Peer | undefined {
  const f = e.fields(['cidr', 'except', 'cidrGroupRef', 'cidrGroupSelector'], 'a CIDR with exceptions');
  if (!f) return undefined;
  if (f.has('cidrGroupRef') || f.has('cidrGroupSelector')) {
    return e.fail('unsupported', `${e.path}: CiliumCIDRGroup references are not modelled by this simulator; write the cidr itself`);
  }
  const read = readCidrWithExcept(f, {example: '10.0.0.0/8', cidrName: 'cidr', strictSubset: false});
  if (!read) return undefined;
  // A bare IP is not a valid cidr in a CIDRSet (TestL3Policy): parseCidr requires a prefix length.
  return {kind: 'cidr', cidr: read.cidr, except: read.except, origin: 'cilium', source: e.pos};
}

function readService(e: Val, namespace: string | undefined): Peer | undefined {
  const f = e.fields(['k8sService', 'k8sServiceSelector'], 'a service reference');
  if (!f) return undefined;
  if (f.has('k8sService') === f.has('k8sServiceSelector')) return e.fail('invalid-service', `${e.path} needs exactly one of k8sService and k8sServiceSelector`);
  if (f.has('k8sService')) {
    const sf = f.get('k8sService').fields(['serviceName', 'namespace'], 'a service name and namespace');
    if (!sf) return undefined;
    const name = sf.require('serviceName', 'the Service name')?.string('a Service name');
    // No namespace: the policy's own for a CNP; for a CCNP every namespace, as
    // pkg/policy/k8s/service.go serviceRefMatches treats an empty namespace.
    const ns = sf.get('namespace').string('a namespace') ?? namespace;
    return name === undefined ? undefined : {kind: 'service', name, namespace: ns, source: e.pos};
  }
  const sf = f.get('k8sServiceSelector').fields(['selector', 'namespace'], 'a service selector and namespace');
  if (!sf) return undefined;
  const selector = readSelector(sf.require('selector', 'a label selector on Services') ?? sf.get('selector'), 'Services', 'cilium');
  const ns = sf.get('namespace').string('a namespace') ?? namespace;
  return selector ? {kind: 'service', selector, namespace: ns, source: e.pos} : undefined;
}


function readPortRule(p: Val, deny: boolean, section: Section, l7Types: Map<string, {type: string; at: Val}>, hostPolicy: boolean): PortGroup | undefined {
  const allowed = deny ? ['ports'] : ['ports', 'rules', 'serverNames', 'terminatingTLS', 'originatingTLS', 'listener'];
  const f = p.fields(allowed, deny ? 'a deny port rule (ports only: deny rules carry no L7 rules)' : 'a port rule');
  if (!f) return undefined;
  for (const k of ['serverNames', 'terminatingTLS', 'originatingTLS', 'listener']) {
    if (f.has(k)) f.get(k).fail('unsupported', `${f.get(k).path}: TLS interception, SNI and custom listeners are not modelled by this simulator`);
  }
  const portItems = f.get('ports').items('ports') ?? [];
  if (portItems.length > MAX_PORTS) f.get('ports').fail('too-many-ports', `${f.get('ports').path} lists ${portItems.length} ports; ${WHY} ("too many ports, the max is ${MAX_PORTS}"). Split them over several toPorts entries`);
  const read = portItems.map(readCiliumPort).filter((r) => r !== undefined);
  const ports = read.map((r) => r.match);
  const group: PortGroup = {ports, source: p.pos};
  if (!f.present('rules')) return group;
  const rv = f.get('rules');
  const rf = rv.fields(['http', 'dns', 'kafka', 'l7proto', 'l7'], 'L7 rules (http or dns)');
  if (!rf) return undefined;
  for (const k of ['kafka', 'l7proto', 'l7']) if (rf.has(k)) refuseRemoved(rf.get(k), k);
  const kinds = ['http', 'dns'].filter((k) => rf.has(k));
  // Cilium's L7Rules.IsEmpty looks at whether a list is written, not at its length.
  if (kinds.length === 0) return group;
  if (kinds.length > 1) {
    return rv.fail('l7-conflict', `${rv.path} names ${kinds.join(' and ')}; a port can carry only one L7 protocol, and ${WHY} ("multiple L7 protocol rule types specified in single rule"). Split it into separate toPorts entries on different ports`);
  }
  const type = kinds[0] as 'http' | 'dns';
  const l7 = rf.get(type);
  const ingress = section.startsWith('ingress');
  if (hostPolicy) {
    refuseHostL7(l7, type, ingress);
    return undefined;
  }
  if (type === 'dns' && ingress) {
    l7.fail('dns-on-ingress', `${l7.path}: DNS rules filter the lookups a pod makes, so they belong in egress; ${WHY} ("DNS rules are not allowed on ingress"). Move the rule to egress with toPorts port "53" to the DNS server`);
  }
  let problem = false;
  for (const r of read) {
    // "DNS L7 rules can be TCP, UDP or ANY, all others are TCP only" (PortRule.Validate); an
    // omitted protocol is ANY.
    if (type === 'http' && r.protocol !== 'TCP') {
      problem = true;
      const at = r.f.present('protocol') ? r.f.get('protocol') : r.val;
      at.fail('l7-not-tcp', `${r.val.path} is ${r.f.present('protocol') ? `protocol ${r.protocol}` : 'written without a protocol, which is ANY (TCP, UDP and SCTP)'}, and HTTP rules apply only to TCP; ${WHY} ("L7 rules can only apply to TCP (not ${r.protocol}) except for DNS rules"). Write protocol: TCP`);
    }
    if (r.zero) {
      problem = true;
      r.f.get('port').fail('l7-port-zero', `${r.f.get('port').path} is "0" (every port), and L7 rules need a definite port to send to the proxy; ${WHY} ("L7 rules can not be used when a port is 0"). Name the port the ${type.toUpperCase()} traffic uses, e.g. "${type === 'dns' ? '53' : '80'}"`);
    }
    if (type === 'dns' && r.match.endPort !== undefined && r.match.port !== undefined && r.match.endPort > r.match.port) {
      problem = true;
      r.f.get('endPort').fail('dns-port-range', `${r.f.get('endPort').path}: DNS rules need a single port, not a range; ${WHY} ("DNS rules do not support port ranges"). Remove endPort and use port "53"`);
    }
  }
  if (type === 'dns' && portItems.length === 0) {
    problem = true;
    l7.fail('dns-needs-port', `${l7.path}: DNS rules need the DNS port listed in ports; ${WHY} ("port 53 must be specified for DNS rules"). Add ports: [{port: "53", protocol: ANY}]`);
  }
  if (problem) return undefined;
  if (type === 'http') group.http = (l7.items('HTTP rules') ?? []).map(readHttpRule).filter((r) => r !== undefined);
  else group.dns = (l7.items('DNS rules') ?? []).map(readDnsRule).filter((r) => r !== undefined);
  // Rules with identical port/protocol are merged per port; different L7 types on the same
  // port make Cilium reject the policy (layer7.rst). Checked within this policy object.
  for (const m of ports) {
    for (const proto of m.protocols) {
      const key = `${ingress ? 'in' : 'out'}/${m.port ?? m.name ?? 0}/${proto}`;
      const seen = l7Types.get(key);
      if (seen && seen.type !== type) {
        rv.fail('l7-conflict', `${rv.path} puts ${type} rules on port ${m.port ?? m.name}/${proto}, which ${seen.at.path} already gives ${seen.type} rules; one port can carry only one L7 protocol`);
      } else if (!seen) {
        l7Types.set(key, {type, at: rv});
      }
    }
  }
  return group;
}

/**
 * L7 rules in a host policy. Cilium refuses every L7 rule on host ingress and HTTP rules on host
 * egress (pkg/policy/api/rule_validation.go IngressRule.Validate, EgressRule.Validate; unit test
 * TestL7RulesWithNodeSelector). DNS rules on host egress it accepts (a beta feature,
 * Documentation/security/policy/host.rst), but this simulator does not model the host's DNS proxy,
 * so it refuses them as not modelled rather than evaluate them wrongly.
 */
function refuseHostL7(l7: Val, type: 'http' | 'dns', ingress: boolean): void {
  if (ingress) {
    l7.fail('l7-in-host-policy', `${l7.path}: a host policy (nodeSelector) cannot carry L7 rules on ingress; ${WHY} ("L7 policy is not supported on host ingress yet"). Allow the port at L4 in the host policy, and put L7 rules in a policy with an endpointSelector`);
  } else if (type === 'http') {
    l7.fail('l7-in-host-policy', `${l7.path}: a host policy (nodeSelector) cannot carry HTTP rules; ${WHY} ("L7 protocol HTTP is not supported on host egress yet"). Allow the port at L4 in the host policy, and put HTTP rules in a policy with an endpointSelector`);
  } else {
    refuseHostDns(l7, 'DNS rules');
  }
}

/** DNS-based host policy (DNS rules, toFQDNs): accepted by Cilium, not modelled here. */
function refuseHostDns(at: Val, what: string): void {
  at.fail(
    'unsupported',
    `${at.path}: ${what} in a host policy make the node's own DNS lookups go through the Cilium agent's DNS proxy (Documentation/security/policy/host.rst, a beta feature that Cilium ${CILIUM_VERSION} accepts), and this simulator does not model the host's DNS proxy or its DNS cache. ` +
      'Allow the DNS server and the addresses at L3/L4 in the host policy (toEndpoints, toCIDRSet, toEntities), or ask about pods, whose DNS-aware egress is modelled',
  );
}

/** A port entry as read: the match, and what the L7 checks need to know of it. */
interface ReadPort {
  match: PortMatch;
  /** Port "0": every port. */
  zero: boolean;
  /** As written, ANY when omitted (Cilium ParseL4Proto of ""). */
  protocol: (typeof CILIUM_PROTOCOLS)[number];
  val: Val;
  f: Fields;
}

function readCiliumPort(v: Val): ReadPort | undefined {
  const f = v.fields(['port', 'endPort', 'protocol'], 'a port and protocol');
  if (!f) return undefined;
  const pv = f.get('port');
  const raw = pv.scalar();
  let port: number | undefined;
  let name: string | undefined;
  let zero = false;
  if (typeof raw === 'number') {
    // The CRD types port as a string; the API server rejects an integer here.
    return pv.fail('wrong-type', `${pv.path} must be text in a Cilium policy, not the number ${raw}; quote it: "${raw}"`);
  } else if (typeof raw === 'string' && raw !== '') {
    if (/^\d+$/.test(raw)) {
      const n = Number(raw);
      if (n > 65535) return pv.fail('invalid-port', `${pv.path} is "${raw}"; a port number must be from 0 to 65535 ("0" means every port)`);
      zero = n === 0;
      port = zero ? undefined : n; // "0" = all ports (what Cilium generates for a K8s port without number)
    } else if (isPortName(raw)) {
      name = raw;
    } else {
      return pv.fail('invalid-port', `${pv.path} is "${raw}", which is neither a port number nor a valid port name`);
    }
  } else if (pv.absent || raw === '') {
    // PortProtocol.Validate: "port must be specified" (unless the agent enables extended IP
    // protocols, which is off by default).
    return v.fail('missing-port', `${v.path || 'this port entry'} has no port; ${WHY} ("port must be specified"). Write port: "0" for every port of the protocol, or the port number`);
  } else {
    return pv.fail('wrong-type', `${pv.path} must be a port number or name in quotes, not ${pv.describe()}`);
  }
  const protocol = f.present('protocol') ? f.get('protocol').oneOf(CILIUM_PROTOCOLS, 'protocol') : 'ANY';
  if (protocol === undefined) return undefined;
  const protocols: L4Protocol[] = protocol === 'ANY' ? ['TCP', 'UDP', 'SCTP'] : [protocol];
  const m: PortMatch = {protocols};
  if (port !== undefined) m.port = port;
  if (name !== undefined) m.name = name;
  const ev = f.get('endPort');
  if (!ev.absent) {
    const endPort = ev.int('the last port of the range', 0, 65535);
    if (endPort === undefined) return undefined;
    if (name !== undefined) return ev.fail('endport-needs-number', `${ev.path} needs a numeric port; endPort cannot be used with the named port "${name}"`);
    if (port !== undefined && endPort < port) return ev.fail('endport-below-port', `${ev.path} is ${endPort}, below port ${port}; endPort must be greater than or equal to port`);
    if (port !== undefined) m.endPort = endPort;
  }
  return {match: m, zero, protocol, val: v, f};
}

/** ICMP type names Cilium accepts (CamelCase, layer4.rst), IPv4 then IPv6 numbering. */
const ICMP_NAMES: Record<'IPv4' | 'IPv6', Record<string, number>> = {
  IPv4: {EchoReply: 0, DestinationUnreachable: 3, Redirect: 5, EchoRequest: 8, RouterAdvertisement: 9, RouterSelection: 10, TimeExceeded: 11, ParameterProblem: 12, Timestamp: 13, TimestampReply: 14},
  IPv6: {DestinationUnreachable: 1, PacketTooBig: 2, TimeExceeded: 3, ParameterProblem: 4, EchoRequest: 128, EchoReply: 129, RouterSolicitation: 133, RouterAdvertisement: 134, NeighborSolicitation: 135, NeighborAdvertisement: 136},
};

function readIcmp(v: Val, out: L4['icmps']): void {
  const f = v.fields(['fields'], 'ICMP fields');
  const fields = f?.get('fields').items('ICMP type matches') ?? [];
  if (fields.length > MAX_ICMP_FIELDS) f!.get('fields').fail('too-many-icmp-types', `${f!.get('fields').path} lists ${fields.length} ICMP types; ${WHY} ("too many types, the max is ${MAX_ICMP_FIELDS}"). Split them over several icmps entries`);
  for (const fv of fields) {
    const ff = fv.fields(['family', 'type'], 'an ICMP family and type');
    if (!ff) continue;
    const family = ff.present('family') ? ff.get('family').oneOf(['IPv4', 'IPv6'] as const, 'ICMP family') : 'IPv4';
    if (!family) continue;
    const tv = ff.require('type', 'an ICMP type number or name, e.g. 8 or EchoRequest');
    if (!tv) continue;
    const raw = tv.scalar();
    if (typeof raw === 'number') {
      const t = tv.int('an ICMP type', 0, 255);
      if (t !== undefined) out.push({family, type: t});
    } else if (typeof raw === 'string' && raw in ICMP_NAMES[family]) {
      out.push({family, type: ICMP_NAMES[family][raw]});
    } else {
      tv.fail('invalid-icmp-type', `${tv.path} is ${tv.describe()}, not an ${family} ICMP type; use a number 0-255 or one of ${listNames(Object.keys(ICMP_NAMES[family]))}`);
    }
  }
}

/** Patterns already known to compile (policies repeat the same few). */
const validRegexes = new Set<string>();

function readRegex(v: Val, what: string): string | undefined {
  const s = v.string(what);
  if (s === undefined) return undefined;
  if (validRegexes.has(s)) return s;
  try {
    RE2JS.compile(s);
    validRegexes.add(s);
    return s;
  } catch (e) {
    return v.fail('invalid-regex', `${v.path} "${s}" is not a valid RE2 regular expression (${(e as Error).message}); Envoy would refuse it`);
  }
}

function readHttpRule(v: Val): HttpRule | undefined {
  const f = v.fields(['method', 'path', 'host', 'headers', 'headerMatches'], 'an HTTP rule');
  if (!f) return undefined;
  const rule: HttpRule = {headers: [], headerMatches: [], source: v.pos};
  const method = readRegex(f.get('method'), 'a method regular expression');
  const path = readRegex(f.get('path'), 'a path regular expression');
  const host = readRegex(f.get('host'), 'a host regular expression');
  if (method !== undefined) rule.method = method;
  if (path !== undefined) rule.path = path;
  if (host !== undefined) rule.host = host;
  for (const h of f.get('headers').items('header requirements') ?? []) {
    const s = h.string('"Name: value" or "Name"');
    if (s === undefined) continue;
    // getHTTPRule: split on the first space, trailing ':' trimmed from the name (C-XDS).
    const space = s.indexOf(' ');
    if (space < 0) rule.headers.push({name: s.replace(/:$/, '')});
    else rule.headers.push({name: s.slice(0, space).replace(/:$/, ''), value: s.slice(space + 1)});
  }
  for (const h of f.get('headerMatches').items('header matches') ?? []) {
    const hf = h.fields(['name', 'value', 'secret', 'mismatch'], 'a header match');
    if (!hf) continue;
    if (hf.has('secret')) {
      hf.get('secret').fail('unsupported', `${hf.get('secret').path}: header values from Secrets are not modelled by this simulator; write the value`);
      continue;
    }
    let name = hf.require('name', 'the header name')?.string('a header name');
    // PortRuleHTTP.Sanitize (pkg/policy/api/http.go): "Header name missing".
    if (name === '') name = hf.get('name').fail('missing-field', `${hf.get('name').path} is empty; Cilium refuses a header match without a header name ("Header name missing"). Write the header's name`);
    const value = hf.get('value').string('a header value');
    const mismatch = hf.present('mismatch') ? hf.get('mismatch').oneOf(['LOG', 'ADD', 'DELETE', 'REPLACE'] as const, 'mismatch action') : undefined;
    if (name !== undefined) rule.headerMatches.push({name, ...(value !== undefined ? {value} : {}), ...(mismatch ? {mismatch} : {})});
  }
  return rule;
}

/**
 * The characters Cilium allows in a DNS name and in a DNS pattern, in toFQDNs and in DNS rules
 * alike (cilium/cilium pkg/policy/api/fqdn.go: allowedMatchNameChars, allowedPatternChars, checked
 * by FQDNSelector.sanitize and PortRuleDNS.Sanitize).
 */
const MATCH_NAME_CHARS = /^[-a-zA-Z0-9_.]+$/;
const MATCH_PATTERN_CHARS = /^[-a-zA-Z0-9_.*]+$/;

/** Why a bad DNS selector matters: the same refusal as any other, from fqdn.go. */
const FQDN_WHY = 'Cilium refuses the whole policy (pkg/policy/api/fqdn.go), so it would be in force nowhere';

/** Fails at matchName or matchPattern when it holds a character Cilium refuses; true when both are fine. */
function dnsSelectorValid(f: Fields, matchName: string | undefined, matchPattern: string | undefined): boolean {
  if (matchName !== undefined && !MATCH_NAME_CHARS.test(matchName)) {
    const field = f.get('matchName');
    field.fail('fqdn-name-chars', `${field.path} is ${JSON.stringify(matchName)}, which has characters Cilium does not allow in a DNS name; ${FQDN_WHY} ("Invalid characters in MatchName"). Use only letters, digits, "-", "_" and "."; for a wildcard, write matchPattern`);
    return false;
  }
  if (matchPattern !== undefined && !MATCH_PATTERN_CHARS.test(matchPattern)) {
    const field = f.get('matchPattern');
    field.fail('fqdn-pattern-chars', `${field.path} is ${JSON.stringify(matchPattern)}, which has characters Cilium does not allow in a DNS pattern; ${FQDN_WHY} ("Invalid characters in MatchPattern"). Use only letters, digits, "-", "_", "." and "*" (the only wildcard: not a regular expression)`);
    return false;
  }
  return true;
}

function readDnsRule(v: Val): DnsRule | undefined {
  const f = v.fields(['matchName', 'matchPattern'], 'a DNS rule');
  if (!f) return undefined;
  const matchName = f.get('matchName').string('a DNS name');
  const matchPattern = f.get('matchPattern').string('a DNS pattern');
  if (!dnsSelectorValid(f, matchName, matchPattern)) return undefined;
  return {...(matchName !== undefined ? {matchName} : {}), ...(matchPattern !== undefined ? {matchPattern} : {})};
}
