/**
 * CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy (cilium.io/v2) -> normalised rules, with
 * Cilium's validation and namespace scoping. Sources (shared/notes/policy-semantics.md 1b):
 * C-UTIL (pkg/k8s/apis/cilium.io/utils/utils.go), C-ENTRY (pkg/policy/utils), C-DOC
 * (Documentation/security/policy/*.rst), C-TEST (pkg/policy/rule_test.go).
 */
import {RE2JS} from 're2js';
import {parseCidr} from './cidr';
import {readCidrWithExcept} from './read-cidr';
import {listNames} from './errors';
import {isPortName} from './names';
import type {Fields, Val} from './reader';
import {normaliseCiliumSelector, readSelector, selectorKeys} from './selector';
import {ENTITIES, type DnsRule, type Entity, type HttpRule, type L4, type L4Protocol, type Peer, type PolicyRule, type PortGroup, type PortMatch, type Selector, type Subject} from './types';

const NS_KEY = 'io.kubernetes.pod.namespace';
const NS_LABELS_PREFIX = 'io.cilium.k8s.namespace.labels.';

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
  fromRequires: 'fromRequires was deprecated in Cilium 1.17 and removed in 1.19 (layer3.rst); express the requirement in fromEndpoints',
  toRequires: 'toRequires was deprecated in Cilium 1.17 and removed in 1.19 (layer3.rst); express the requirement in toEndpoints',
  fromGroups: 'fromGroups (cloud provider groups) is not modelled by this simulator; use fromCIDRSet with the addresses',
  toGroups: 'toGroups (cloud provider groups) is not modelled by this simulator; use toCIDRSet with the addresses',
  authentication: 'mutual authentication is not modelled by this simulator; remove the authentication field',
};

/** Reads the rule(s) of a Cilium policy: `spec` and/or `specs`. */
export function readCiliumPolicy(top: Fields, clusterwide: boolean, namespace: string | undefined): PolicyRule[] {
  const rules: PolicyRule[] = [];
  const l7Types = new Map<string, {type: string; at: Val}>();
  let any = false;
  if (top.present('spec')) {
    any = true;
    rules.push(...readRule(top.get('spec'), '', clusterwide, namespace, l7Types));
  }
  if (top.present('specs')) {
    any = true;
    (top.get('specs').items('rules') ?? []).forEach((s, i) => rules.push(...readRule(s, `specs[${i}].`, clusterwide, namespace, l7Types)));
  }
  if (!any) top.owner.fail('missing-field', `this ${clusterwide ? 'CiliumClusterwideNetworkPolicy' : 'CiliumNetworkPolicy'} has neither spec nor specs; add a spec with an endpointSelector`);
  return rules;
}

function readRule(v: Val, prefix: string, clusterwide: boolean, namespace: string | undefined, l7Types: Map<string, {type: string; at: Val}>): PolicyRule[] {
  const f = v.fields(RULE_FIELDS, 'a Cilium policy rule');
  if (!f) return [];
  if (f.present('nodeSelector')) {
    f.get('nodeSelector').fail('unsupported', `${f.get('nodeSelector').path}: host policies (nodeSelector) are not modelled by this simulator; use an endpointSelector`);
    return [];
  }
  const sel = f.require('endpointSelector', 'which endpoints the rule applies to, e.g. {matchLabels: {app: web}}');
  if (!sel) return [];
  const selector = readSelector(sel, 'the endpoints this rule applies to', 'cilium');
  if (!selector) return [];
  f.get('description').string('a description');
  f.get('labels').items('rule labels');
  const subject: Subject = {namespace: clusterwide ? undefined : namespace, selector: normaliseCiliumSelector(selector), on: 'identity'};

  const ddf = f.get('enableDefaultDeny').absent ? undefined : f.get('enableDefaultDeny').fields(['ingress', 'egress'], 'per-direction default deny switches');
  const defaultDeny = {
    ingress: ddf?.get('ingress').bool('whether ingress rules put the endpoint in default deny') ?? true,
    egress: ddf?.get('egress').bool('whether egress rules put the endpoint in default deny') ?? true,
  };

  const out: PolicyRule[] = [];
  for (const section of ['ingress', 'ingressDeny', 'egress', 'egressDeny'] as const) {
    const direction: Direction = section.startsWith('ingress') ? 'ingress' : 'egress';
    // `ingress: []` yields no entries at all, so it does not isolate [inferred from C-ENTRY
    // RulesToPolicyEntries, which loops over the rules; api.Rule doc: "If omitted or empty, this
    // rule does not apply at ingress"].
    (f.get(section).items(`${section} rules`) ?? []).forEach((item, i) => {
      const rule = readSectionRule(item, section, clusterwide, namespace, l7Types);
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
  return out;
}

function readSectionRule(
  item: Val,
  section: Section,
  clusterwide: boolean,
  namespace: string | undefined,
  l7Types: Map<string, {type: string; at: Val}>,
): {peers: Peer[] | 'any'; l4: L4 | null} | undefined {
  const f = item.fields(SECTION_FIELDS[section], `a CiliumNetworkPolicy ${section} rule`);
  if (!f) return undefined;
  for (const [field, why] of Object.entries(UNSUPPORTED)) {
    if (f.has(field)) f.get(field).fail('unsupported', `${f.get(field).path}: ${why}`);
  }
  const from = section.startsWith('ingress') ? 'from' : 'to';
  const l3Fields = [`${from}Endpoints`, `${from}CIDR`, `${from}CIDRSet`, `${from}Entities`, `${from}Nodes`, 'toServices', 'toFQDNs'].filter((k) => SECTION_FIELDS[section].includes(k));
  const written = l3Fields.filter((k) => f.has(k));
  if (f.has('toFQDNs') && written.length > 1) {
    f.get('toFQDNs').fail('fqdn-combined', `${f.get('toFQDNs').path} cannot be combined with ${listNames(written.filter((k) => k !== 'toFQDNs'))} in one rule (layer3.rst); put toFQDNs in an egress rule of its own`);
  }
  const peers: Peer[] = [];
  for (const e of f.get(`${from}Endpoints`).items('endpoint selectors') ?? []) {
    const s = readSelector(e, 'the peer endpoints', 'cilium');
    if (s) peers.push({kind: 'endpoints', selector: scopePeerSelector(normaliseCiliumSelector(s), clusterwide, namespace), source: e.pos});
  }
  for (const e of f.get(`${from}Entities`).items('entities') ?? []) {
    const name = e.oneOf(ENTITIES, 'entity', 'unknown-entity');
    if (name) peers.push({kind: 'entity', entity: name as Entity, source: e.pos});
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
  if (SECTION_FIELDS[section].includes('toFQDNs')) {
    for (const e of f.get('toFQDNs').items('DNS names') ?? []) {
      const ff = e.fields(['matchName', 'matchPattern'], 'a DNS name or pattern');
      if (!ff) continue;
      const matchName = ff.get('matchName').string('a DNS name');
      const matchPattern = ff.get('matchPattern').string('a DNS pattern');
      if ((matchName === undefined) === (matchPattern === undefined)) {
        e.fail('invalid-fqdn', `${e.path} needs exactly one of matchName and matchPattern`);
        continue;
      }
      peers.push({kind: 'fqdn', matchName: matchName?.toLowerCase(), matchPattern: matchPattern?.toLowerCase(), source: e.pos});
    }
  }

  const deny = section.endsWith('Deny');
  const groups: PortGroup[] = [];
  const toPorts = f.get('toPorts').items('port rules') ?? [];
  for (const p of toPorts) {
    const g = readPortRule(p, deny, section, l7Types);
    if (g) groups.push(g);
  }
  const icmps: L4['icmps'] = [];
  for (const ic of f.get('icmps').items('ICMP rules') ?? []) readIcmp(ic, icmps);
  const hasL4 = toPorts.length > 0 || f.present('icmps');
  const l4: L4 | null = hasL4 ? {ports: groups, icmps} : null;
  // "Non-nil but empty L3 is implicitly treated as a wildcard selector if any L4 PortRules are
  // also specified" (types/policyentry.go): a rule with only toPorts/icmps admits every peer,
  // while an empty rule `{}` admits nothing but still isolates (egress-default-deny example).
  if (written.length === 0) return {peers: hasL4 ? 'any' : [], l4};
  return {peers, l4};
}

/**
 * Namespace scoping of fromEndpoints/toEndpoints (C-UTIL ParseToCiliumRule): without a namespace
 * key or namespace-label key, a CNP adds its own namespace and a CCNP requires some namespace
 * (so `{}` never selects reserved identities there). Selectors on reserved: keys stay as written.
 */
function scopePeerSelector(s: Selector, clusterwide: boolean, namespace: string | undefined): Selector {
  const keys = selectorKeys(s);
  if (keys.some((k) => k === NS_KEY || k.startsWith(NS_LABELS_PREFIX) || k.startsWith('reserved:'))) return s;
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
    const ns = sf.get('namespace').string('a namespace') ?? namespace ?? 'default';
    return name === undefined ? undefined : {kind: 'service', name, namespace: ns, source: e.pos};
  }
  const sf = f.get('k8sServiceSelector').fields(['selector', 'namespace'], 'a service selector and namespace');
  if (!sf) return undefined;
  const selector = readSelector(sf.require('selector', 'a label selector on Services') ?? sf.get('selector'), 'Services', 'cilium');
  const ns = sf.get('namespace').string('a namespace') ?? namespace;
  return selector ? {kind: 'service', selector, namespace: ns, source: e.pos} : undefined;
}

const CILIUM_PROTOCOLS = ['TCP', 'UDP', 'SCTP', 'ANY'] as const;

function readPortRule(p: Val, deny: boolean, section: Section, l7Types: Map<string, {type: string; at: Val}>): PortGroup | undefined {
  const allowed = deny ? ['ports'] : ['ports', 'rules', 'serverNames', 'terminatingTLS', 'originatingTLS', 'listener'];
  const f = p.fields(allowed, deny ? 'a deny port rule (ports only: deny rules carry no L7 rules)' : 'a port rule');
  if (!f) return undefined;
  for (const k of ['serverNames', 'terminatingTLS', 'originatingTLS', 'listener']) {
    if (f.has(k)) f.get(k).fail('unsupported', `${f.get(k).path}: TLS interception, SNI and custom listeners are not modelled by this simulator`);
  }
  const ports: PortMatch[] = [];
  for (const pp of f.get('ports').items('ports') ?? []) {
    const m = readCiliumPort(pp);
    if (m) ports.push(m);
  }
  const group: PortGroup = {ports, source: p.pos};
  if (f.present('rules')) {
    const rv = f.get('rules');
    const rf = rv.fields(['http', 'dns', 'kafka', 'l7proto', 'l7'], 'L7 rules (http or dns)');
    if (!rf) return undefined;
    const kinds = ['http', 'dns', 'kafka', 'l7proto', 'l7'].filter((k) => rf.has(k));
    if (kinds.filter((k) => k !== 'l7').length > 1) {
      return rv.fail('l7-conflict', `${rv.path} names ${kinds.join(' and ')}; a port can carry only one L7 protocol, so Cilium rejects this rule. Split it into separate toPorts entries on different ports`);
    }
    for (const k of ['kafka', 'l7proto', 'l7']) {
      if (rf.has(k)) rf.get(k).fail('unsupported', `${rf.get(k).path}: ${k} L7 rules are not modelled by this simulator (it models http and dns)`);
    }
    if (rf.has('http')) group.http = (rf.get('http').items('HTTP rules') ?? []).map(readHttpRule).filter((r) => r !== undefined);
    if (rf.has('dns')) group.dns = (rf.get('dns').items('DNS rules') ?? []).map(readDnsRule).filter((r) => r !== undefined);
    const type = rf.has('http') ? 'http' : rf.has('dns') ? 'dns' : undefined;
    if (type) {
      // Rules with identical port/protocol are merged per port; different L7 types on the same
      // port make Cilium reject the policy (layer7.rst). Checked within this policy object.
      for (const m of ports) {
        for (const proto of m.protocols) {
          const key = `${section.startsWith('ingress') ? 'in' : 'out'}/${m.port ?? m.name ?? 0}/${proto}`;
          const seen = l7Types.get(key);
          if (seen && seen.type !== type) {
            rv.fail('l7-conflict', `${rv.path} puts ${type} rules on port ${m.port ?? m.name}/${proto}, which ${seen.at.path} already gives ${seen.type} rules; one port can carry only one L7 protocol`);
          } else if (!seen) {
            l7Types.set(key, {type, at: rv});
          }
        }
      }
    }
  }
  return group;
}

function readCiliumPort(v: Val): PortMatch | undefined {
  const f = v.fields(['port', 'endPort', 'protocol'], 'a port and protocol');
  if (!f) return undefined;
  const pv = f.get('port');
  const raw = pv.scalar();
  let port: number | undefined;
  let name: string | undefined;
  if (typeof raw === 'number') {
    // The CRD types port as a string; the API server rejects an integer here.
    return pv.fail('wrong-type', `${pv.path} must be text in a Cilium policy, not the number ${raw}; quote it: "${raw}"`);
  } else if (typeof raw === 'string') {
    if (/^\d+$/.test(raw)) {
      const n = Number(raw);
      if (n > 65535) return pv.fail('invalid-port', `${pv.path} is "${raw}"; a port number must be from 0 to 65535 ("0" means every port)`);
      port = n === 0 ? undefined : n; // "0" = all ports (what Cilium generates for a K8s port without number)
    } else if (isPortName(raw)) {
      name = raw;
    } else {
      return pv.fail('invalid-port', `${pv.path} is "${raw}", which is neither a port number nor a valid port name`);
    }
  } else if (!pv.absent) {
    return pv.fail('wrong-type', `${pv.path} must be a port number or name in quotes, not ${pv.describe()}`);
  }
  const proto = f.present('protocol') ? f.get('protocol').oneOf(CILIUM_PROTOCOLS, 'protocol') : 'ANY';
  if (proto === undefined) return undefined;
  const protocols: L4Protocol[] = proto === 'ANY' ? ['TCP', 'UDP', 'SCTP'] : [proto];
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
  return m;
}

/** ICMP type names Cilium accepts (CamelCase, layer4.rst), IPv4 then IPv6 numbering. */
const ICMP_NAMES: Record<'IPv4' | 'IPv6', Record<string, number>> = {
  IPv4: {EchoReply: 0, DestinationUnreachable: 3, Redirect: 5, EchoRequest: 8, RouterAdvertisement: 9, RouterSelection: 10, TimeExceeded: 11, ParameterProblem: 12, Timestamp: 13, TimestampReply: 14},
  IPv6: {DestinationUnreachable: 1, PacketTooBig: 2, TimeExceeded: 3, ParameterProblem: 4, EchoRequest: 128, EchoReply: 129, RouterSolicitation: 133, RouterAdvertisement: 134, NeighborSolicitation: 135, NeighborAdvertisement: 136},
};

function readIcmp(v: Val, out: L4['icmps']): void {
  const f = v.fields(['fields'], 'ICMP fields');
  for (const fv of f?.get('fields').items('ICMP type matches') ?? []) {
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
    const name = hf.require('name', 'the header name')?.string('a header name');
    const value = hf.get('value').string('a header value');
    const mismatch = hf.present('mismatch') ? hf.get('mismatch').oneOf(['LOG', 'ADD', 'DELETE', 'REPLACE'] as const, 'mismatch action') : undefined;
    if (name !== undefined) rule.headerMatches.push({name, ...(value !== undefined ? {value} : {}), ...(mismatch ? {mismatch} : {})});
  }
  return rule;
}

function readDnsRule(v: Val): DnsRule | undefined {
  const f = v.fields(['matchName', 'matchPattern'], 'a DNS rule');
  if (!f) return undefined;
  const matchName = f.get('matchName').string('a DNS name');
  const matchPattern = f.get('matchPattern').string('a DNS pattern');
  return {...(matchName !== undefined ? {matchName} : {}), ...(matchPattern !== undefined ? {matchPattern} : {})};
}
