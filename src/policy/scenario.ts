/**
 * Scenario files: a cluster, the complete set of policies in force, probes and an
 * optional matrix, in YAML or JSON. Strict: unknown fields are errors, references are checked,
 * and every error carries file:line:col.
 */
import {canonicalIp, parseIp} from './cidr';
import {indexCluster} from './cluster';
import {closest, errorAt} from './errors';
import {servicesOfPeer} from './compile';
import {DNS_LABEL} from './names';
import {labelChecks} from './selector';
import {ProbeResolutionError, resolveProbe} from './evaluate';
import {readObject} from './parse-policies';
import {readDocuments, Val, type Fields} from './reader';
import type {Cluster, Container, DnsEntry, L4Protocol, MatrixSpec, Namespace, Node, Pod, PolicyError, PolicyObject, Probe, ProbeEnd, Scenario, Service} from './types';

const L4: readonly L4Protocol[] = ['TCP', 'UDP', 'SCTP'];

/** Parses and validates a scenario. On any error `scenario` is still returned when the shape allowed it, but callers should not evaluate it. */
export function parseScenario(text: string, file: string): {scenario?: Scenario; errors: PolicyError[]} {
  const errors: PolicyError[] = [];
  const {ctx, docs} = readDocuments(text, file, errors);
  if (errors.length > 0) return {errors};
  // No document (an empty or comment-only file), or one with nothing in it (`---` alone).
  if (docs.length === 0 || (docs.length === 1 && Val.root(ctx, docs[0]).absent)) {
    errors.push({file, line: 1, col: 1, code: 'empty-file', message: 'the scenario file is empty (nothing but blank lines, comments or "---"); a scenario needs cluster (its namespaces and pods), policies and probes'});
    return {errors};
  }
  if (docs.length !== 1) {
    errors.push({file, line: 1, col: 1, code: 'not-one-document', message: `a scenario file holds exactly one document, not ${docs.length}; remove the extra "---" separators`});
    return {errors};
  }
  const root = Val.root(ctx, docs[0]);
  const top = root.fields(['datapath', 'options', 'cluster', 'dnsCache', 'policies', 'probes', 'matrix'], 'a scenario: datapath, options, cluster, dnsCache, policies, probes, matrix');
  if (!top) return {errors};
  const scenario: Scenario = {cluster: {namespaces: [], pods: []}, policies: [], probes: []};
  if (top.present('datapath')) {
    const d = top.get('datapath').oneOf(['cilium', 'kubernetes'] as const, 'datapath');
    if (d) scenario.datapath = d;
  }
  const of = top.present('options') ? top.get('options').fields(['policyEnforcementMode', 'policyAuditMode', 'auditEndpoints', 'nodeSelectorLabels', 'hostFirewall'], 'Cilium agent options') : undefined;
  const mode = of?.get('policyEnforcementMode');
  if (mode && !mode.absent) {
    const m = mode.oneOf(['default', 'always', 'never'] as const, 'policy enforcement mode');
    if (m) scenario.options = {...scenario.options, policyEnforcementMode: m};
  }
  if (of?.present('nodeSelectorLabels')) {
    const labels = of.get('nodeSelectorLabels').bool('nodeSelectorLabels (true: the agent runs with --enable-node-selector-labels)');
    if (labels !== undefined) scenario.options = {...scenario.options, nodeSelectorLabels: labels};
  }
  if (of?.present('hostFirewall')) {
    const firewall = of.get('hostFirewall').bool('hostFirewall (true: the agent runs with --enable-host-firewall, Helm hostFirewall.enabled)');
    if (firewall !== undefined) scenario.options = {...scenario.options, hostFirewall: firewall};
  }
  if (of?.present('policyAuditMode')) {
    const audit = of.get('policyAuditMode').bool('policyAuditMode (true: the agent-wide --policy-audit-mode)');
    if (audit !== undefined) scenario.options = {...scenario.options, policyAuditMode: audit};
  }
  const clusterVal = top.require('cluster', 'namespaces, nodes, pods, services');
  if (clusterVal) scenario.cluster = readCluster(clusterVal);
  if (of?.present('auditEndpoints')) {
    const pods = new Set(scenario.cluster.pods.map((p) => `${p.namespace}/${p.name}`));
    const endpoints: string[] = [];
    for (const item of of.get('auditEndpoints').items('pods in policy audit mode, as namespace/name') ?? []) {
      const key = item.string('a pod as namespace/name');
      if (key === undefined) continue;
      if (!pods.has(key)) item.fail('unknown-reference', `auditEndpoints names pod "${key}", which does not exist; write namespace/name of a pod under cluster.pods`);
      else endpoints.push(key);
    }
    scenario.options = {...scenario.options, auditEndpoints: endpoints};
  }
  for (const d of top.get('dnsCache').items('DNS answers') ?? []) {
    const entry = readDns(d, scenario.cluster);
    if (entry) (scenario.dnsCache ??= []).push(entry);
  }
  // A policy's namespace must be written and listed (without a cluster there is nothing to check against).
  const policyOptions = {
    requireNamespace: true,
    agent: {nodeSelectorLabels: scenario.options?.nodeSelectorLabels === true},
    ...(clusterVal ? {namespaces: scenario.cluster.namespaces.map((n) => n.name)} : {}),
  };
  for (const p of top.get('policies').items('policy objects') ?? []) {
    const r = readObject(p, policyOptions);
    if (r?.other) p.fail('not-a-policy', `${p.path} is a ${r.other.kind}; policies holds only NetworkPolicy, CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy objects (describe pods and namespaces under cluster)`);
    if (r?.policy) scenario.policies.push(r.policy);
  }
  checkDuplicatePolicies(scenario.policies, errors);
  errors.push(...selectorlessServiceErrors(scenario));
  const read: ReadProbe[] = [];
  for (const p of top.get('probes').items('probes') ?? []) {
    const r = readProbe(p, scenario.cluster);
    if (r) read.push(r);
  }
  scenario.probes = read.map((r) => r.probe);
  checkProbesResolve(read, scenario.cluster);
  if (top.present('matrix')) {
    const m = readMatrix(top.get('matrix'));
    const auditing = scenario.options?.policyAuditMode === true || (scenario.options?.auditEndpoints?.length ?? 0) > 0;
    // The matrix counts enforced verdicts; totals that ignored audit mode would be wrong.
    if (m && auditing) top.get('matrix').fail('unsupported', 'the matrix does not model policy audit mode (options.policyAuditMode, options.auditEndpoints); ask with probes, whose results say what audit mode let through');
    else if (m) scenario.matrix = m;
  }
  return {scenario, errors};
}

/**
 * Resolves every probe against the cluster as evaluation will (Service port, backend, named
 * port), so that a file with a probe that cannot be evaluated is reported here, with the probe's
 * path and position, and nothing of it is evaluated or printed.
 */
function checkProbesResolve(read: ReadProbe[], cluster: Cluster): void {
  if (read.length === 0) return;
  const index = {cluster: indexCluster(cluster)};
  for (const {probe, at, f} of read) {
    try {
      const resolved = resolveProbe(index, probe);
      // A portName takes the protocol of the port it names when the probe gives none: record it,
      // so that what is shown (TCP/dns or UDP/dns) is what is evaluated.
      if (probe.portName !== undefined && probe.protocol === undefined) probe.protocol = resolved.traffic.protocol;
    } catch (e) {
      if (!(e instanceof ProbeResolutionError)) throw e;
      const field = e.field === 'port' ? (f.has('portName') ? 'portName' : 'port') : e.field;
      const where = field && f.has(field) ? f.get(field) : at;
      where.fail(e.error.code, `${at.path}: ${e.error.message}`);
    }
  }
}

/**
 * toServices of a Service without a selector: Cilium allows the addresses of its EndpointSlices as
 * CIDRs (Documentation/security/policy/layer3.rst "Services based"; pkg/policy/k8s/service.go
 * appendEndpoints), and a scenario does not describe EndpointSlices, so such a rule is refused
 * rather than evaluated as matching nothing. Scenario files and labs (src/lab/to-scenario.ts) both check.
 */
export function selectorlessServiceErrors(scenario: Scenario): PolicyError[] {
  const errors: PolicyError[] = [];
  let index: ReturnType<typeof indexCluster> | undefined;
  for (const policy of scenario.policies) {
    for (const rule of policy.rules) {
      if (rule.peers === 'any') continue;
      for (const peer of rule.peers) {
        if (peer.kind !== 'service') continue;
        index ??= indexCluster(scenario.cluster);
        for (const s of servicesOfPeer(peer, index)) {
          if (Object.keys(s.service.selector ?? {}).length > 0) continue;
          errors.push(
            errorAt(
              peer.source,
              'unsupported',
              `this toServices entry selects Service ${s.key}, which has no selector; Cilium then allows the addresses of its EndpointSlices as CIDRs (layer3.rst "Services based"), and a scenario cannot list EndpointSlices. Give the Service a selector, or write toCIDR with the addresses of its endpoints`,
            ),
          );
        }
      }
    }
  }
  return errors;
}

function checkDuplicatePolicies(policies: PolicyObject[], errors: PolicyError[]): void {
  const seen = new Map<string, PolicyObject>();
  for (const p of policies) {
    const key = `${p.kind}/${p.namespace ?? ''}/${p.name}`;
    const first = seen.get(key);
    if (first) {
      errors.push({...p.source, code: 'duplicate-policy', message: `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name} is defined twice (first at line ${first.source.line}); the API server keeps one object per name, so rename or remove one`});
    } else seen.set(key, p);
  }
}

function readName(v: Val, what: string, pattern = DNS_LABEL): string | undefined {
  const s = v.string(what);
  if (s !== undefined && !pattern.test(s)) return v.fail('invalid-name', `${v.path} "${s}" is not a valid ${what}; use lower-case letters, digits and "-"`);
  return s;
}

function readIpField(v: Val, what: string): string | undefined {
  const s = v.string(what);
  if (s === undefined) return undefined;
  if (!parseIp(s)) return v.fail('invalid-ip', `${v.path} "${s}" is not an IP address; write e.g. 10.244.1.10`);
  return s;
}

function readCluster(v: Val): Cluster {
  const cluster: Cluster = {namespaces: [], pods: []};
  const f = v.fields(['name', 'namespaces', 'nodes', 'pods', 'services', 'external'], 'the simulated cluster');
  if (!f) return cluster;
  const name = f.get('name').string('a cluster name');
  if (name !== undefined) cluster.name = name;
  const ips = new Map<string, string>();
  const claimIp = (val: Val, ip: string | undefined, owner: string) => {
    if (ip === undefined) return;
    const c = canonicalIp(ip)!;
    const other = ips.get(c);
    if (other) val.fail('duplicate-ip', `${val.path} ${ip} is already the address of ${other}; give every pod, node and service its own address`);
    else ips.set(c, owner);
  };
  for (const n of f.get('namespaces').items('namespaces') ?? []) {
    const nf = n.fields(['name', 'labels'], 'a namespace');
    const nsName = nf?.require('name', 'the namespace name') && readName(nf.get('name'), 'namespace name');
    if (nsName === undefined || !nf) continue;
    if (cluster.namespaces.some((x) => x.name === nsName)) {
      nf.get('name').fail('duplicate-name', `namespace "${nsName}" is listed twice; list each namespace once`);
      continue;
    }
    const ns: Namespace = {name: nsName};
    const labels = nf.get('labels').stringMap('namespace labels', labelChecks());
    if (labels) ns.labels = labels;
    cluster.namespaces.push(ns);
  }
  for (const n of f.get('nodes').items('nodes') ?? []) {
    const nf = n.fields(['name', 'ip', 'labels'], 'a node');
    const nodeName = nf?.require('name', 'the node name')?.string('a node name');
    if (nodeName === undefined || !nf) continue;
    if ((cluster.nodes ?? []).some((x) => x.name === nodeName)) {
      nf.get('name').fail('duplicate-name', `node "${nodeName}" is listed twice; list each node once`);
      continue;
    }
    const node: Node = {name: nodeName};
    const ip = readIpField(nf.get('ip'), 'node address');
    if (ip) {
      node.ip = ip;
      claimIp(nf.get('ip'), ip, `node ${nodeName}`);
    }
    const labels = nf.get('labels').stringMap('node labels', labelChecks());
    if (labels) node.labels = labels;
    (cluster.nodes ??= []).push(node);
  }
  const nsNames = cluster.namespaces.map((n) => n.name);
  const nsNameSet = new Set(nsNames);
  const checkNamespace = (val: Val, ns: string): boolean => {
    if (nsNameSet.has(ns)) return true;
    const hint = closest(ns, nsNames);
    val.fail('unknown-namespace', `namespace "${ns}" is not listed under cluster.namespaces; ${hint ? `did you mean "${hint}"?` : `add {name: ${ns}} there`}`);
    return false;
  };
  // Pods listed so far, by namespace/name: a set, since a cluster may list thousands.
  const podKeys = new Set<string>();
  for (const p of f.get('pods').items('pods') ?? []) {
    const pf = p.fields(['namespace', 'name', 'labels', 'ip', 'node', 'serviceAccount', 'hostNetwork', 'containers'], 'a pod');
    if (!pf) continue;
    const ns = pf.require('namespace', 'the pod namespace') && readName(pf.get('namespace'), 'namespace name');
    const podName = pf.require('name', 'the pod name') && readName(pf.get('name'), 'pod name', /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
    if (ns === undefined || podName === undefined) continue;
    if (!checkNamespace(pf.get('namespace'), ns)) continue;
    if (podKeys.has(`${ns}/${podName}`)) {
      pf.get('name').fail('duplicate-name', `pod ${ns}/${podName} is listed twice; pod names are unique per namespace`);
      continue;
    }
    podKeys.add(`${ns}/${podName}`);
    const pod: Pod = {namespace: ns, name: podName};
    const labels = pf.get('labels').stringMap('pod labels', labelChecks());
    if (labels) pod.labels = labels;
    const hostNetwork = pf.get('hostNetwork').bool('whether the pod uses the node network');
    if (hostNetwork !== undefined) pod.hostNetwork = hostNetwork;
    const ip = readIpField(pf.get('ip'), 'pod address');
    if (ip) {
      if (hostNetwork) pf.get('ip').fail('invalid-ip', `${pf.get('ip').path}: a host-network pod uses its node's address; remove ip`);
      else {
        pod.ip = ip;
        claimIp(pf.get('ip'), ip, `pod ${ns}/${podName}`);
      }
    }
    const nodeVal = pf.get('node');
    const node = nodeVal.string('a node name');
    if (node !== undefined) {
      const nodes = (cluster.nodes ?? []).map((x) => x.name);
      if (!nodes.includes(node)) {
        nodeVal.fail('unknown-node', `node "${node}" is not listed under cluster.nodes; ${nodes.length ? `use one of ${nodes.join(', ')}` : `add {name: ${node}} there`}`);
      } else pod.node = node;
    }
    const sa = pf.get('serviceAccount').string('a service account name');
    if (sa !== undefined) pod.serviceAccount = sa;
    const containers = readContainers(pf);
    if (containers) pod.containers = containers;
    cluster.pods.push(pod);
  }
  for (const s of f.get('services').items('services') ?? []) {
    const sf = s.fields(['namespace', 'name', 'labels', 'clusterIP', 'selector', 'ports'], 'a service');
    if (!sf) continue;
    const ns = sf.require('namespace', 'the service namespace') && readName(sf.get('namespace'), 'namespace name');
    const svcName = sf.require('name', 'the service name') && readName(sf.get('name'), 'service name');
    if (ns === undefined || svcName === undefined || !checkNamespace(sf.get('namespace'), ns)) continue;
    const svc: Service = {namespace: ns, name: svcName, ports: []};
    const svcLabels = sf.get('labels').stringMap('the Service\'s own labels (metadata.labels)', labelChecks());
    if (svcLabels) svc.labels = svcLabels;
    const ip = readIpField(sf.get('clusterIP'), 'ClusterIP');
    if (ip) {
      svc.clusterIP = ip;
      claimIp(sf.get('clusterIP'), ip, `service ${ns}/${svcName}`);
    }
    const selector = sf.get('selector').stringMap('the labels of backend pods', labelChecks());
    if (selector) svc.selector = selector;
    for (const p of sf.require('ports', 'at least one port')?.items('service ports') ?? []) {
      const pf = p.fields(['name', 'port', 'targetPort', 'protocol'], 'a service port');
      if (!pf) continue;
      const port = pf.require('port', 'the port clients dial')?.int('a port', 1, 65535);
      if (port === undefined) continue;
      const sp: Service['ports'][number] = {port};
      const pn = pf.get('name').string('a port name');
      if (pn !== undefined) sp.name = pn;
      const tv = pf.get('targetPort');
      const raw = tv.scalar();
      if (typeof raw === 'string') sp.targetPort = raw;
      else if (!tv.absent) {
        const t = tv.int('a container port number or name', 1, 65535);
        if (t !== undefined) sp.targetPort = t;
      }
      if (pf.present('protocol')) {
        const proto = pf.get('protocol').oneOf(L4, 'protocol');
        if (proto) sp.protocol = proto;
      }
      svc.ports.push(sp);
    }
    cluster.services = [...(cluster.services ?? []), svc];
  }
  for (const x of f.get('external').items('addresses with a reserved identity') ?? []) {
    const xf = x.fields(['ip', 'identity'], 'an address with its identity: {ip: 172.18.0.10, identity: kube-apiserver}');
    if (!xf) continue;
    const ipVal = xf.require('ip', 'the address');
    const ip = ipVal && readIpField(ipVal, 'address');
    // Only identities an address can have besides world; an outside address is the world already.
    const identity = xf.require('identity', 'kube-apiserver or ingress')?.oneOf(['kube-apiserver', 'ingress'] as const, 'identity of an outside address');
    if (ipVal === undefined || ip === undefined || identity === undefined) continue;
    // The API server may run in a node's own network (kubeadm, kind): that address keeps the
    // node's identity and gains kube-apiserver. Nothing else shares an address with a node or a pod.
    const same = (used: string | undefined) => used !== undefined && canonicalIp(used) === canonicalIp(ip);
    const onNode = (cluster.nodes ?? []).some((n) => same(n.ip));
    if (cluster.pods.some((p) => same(p.ip)) || (onNode && identity !== 'kube-apiserver')) {
      ipVal.fail('invalid-cluster', `${ipVal.path} ${ip} is the address of a ${onNode ? 'node' : 'pod'}, which has its own identity; external lists addresses outside them${onNode ? ' (only kube-apiserver may be a node\'s address: an API server in the node\'s network)' : ''}`);
      continue;
    }
    cluster.external = [...(cluster.external ?? []), {ip, identity}];
  }
  return cluster;
}

function readContainers(pf: Fields): Container[] | undefined {
  const list = pf.get('containers').items('containers');
  if (!list) return undefined;
  const out: Container[] = [];
  for (const c of list) {
    const cf = c.fields(['name', 'ports'], 'a container');
    const name = cf?.require('name', 'the container name')?.string('a container name');
    if (!cf || name === undefined) continue;
    const container: Container = {name, ports: []};
    for (const p of cf.get('ports').items('container ports') ?? []) {
      const f = p.fields(['name', 'containerPort', 'protocol'], 'a container port');
      const port = f?.require('containerPort', 'the port number')?.int('a port', 1, 65535);
      if (!f || port === undefined) continue;
      const cp: NonNullable<Container['ports']>[number] = {containerPort: port};
      const n = f.get('name').string('a port name');
      if (n !== undefined) cp.name = n;
      if (f.present('protocol')) {
        const proto = f.get('protocol').oneOf(L4, 'protocol');
        if (proto) cp.protocol = proto;
      }
      container.ports!.push(cp);
    }
    out.push(container);
  }
  return out;
}

function readDns(v: Val, cluster: Cluster): DnsEntry | undefined {
  const f = v.fields(['name', 'ips', 'observedBy'], 'a DNS answer');
  const name = f?.require('name', 'the DNS name')?.string('a DNS name');
  if (!f || name === undefined) return undefined;
  const ips = (f.require('ips', 'the addresses in the answer')?.items('addresses') ?? []).map((x) => readIpField(x, 'address')).filter((x) => x !== undefined);
  // Required: the cache that holds an answer is the agent's of the node where the lookup was made.
  const by = f.require('observedBy', 'the namespace/pod that made the lookup (its node\'s Cilium agent learnt the answer)');
  const observedBy = by?.string('namespace/pod that made the lookup');
  if (by === undefined || observedBy === undefined) return undefined;
  if (!cluster.pods.some((p) => `${p.namespace}/${p.name}` === observedBy)) {
    by.fail('unknown-reference', `observedBy names pod "${observedBy}", which does not exist; write namespace/name of a pod under cluster.pods`);
    return undefined;
  }
  return {name, ips, observedBy};
}

function readEnd(v: Val, role: 'from' | 'to', cluster: Cluster): ProbeEnd | undefined {
  const kinds = role === 'from' ? ['pod', 'node', 'ip'] : ['pod', 'service', 'node', 'ip'];
  const f = v.fields(kinds, `the probe ${role === 'from' ? 'source' : 'destination'}: ${kinds.join(', ')}`);
  if (!f) return undefined;
  const given = kinds.filter((k) => f.has(k));
  if (given.length !== 1) return v.fail('invalid-probe', `${v.path} needs exactly one of ${kinds.join(', ')}${given.length ? `, not ${given.join(' and ')}` : ''}`);
  const kind = given[0];
  const val = f.get(kind);
  const s = val.string(kind === 'ip' ? 'an IP address' : kind === 'node' ? 'a node name' : 'namespace/name');
  if (s === undefined) return undefined;
  if (kind === 'pod' || kind === 'service') {
    const names = kind === 'pod' ? cluster.pods.map((p) => `${p.namespace}/${p.name}`) : (cluster.services ?? []).map((x) => `${x.namespace}/${x.name}`);
    if (!names.includes(s)) {
      const hint = closest(s, names);
      return val.fail('unknown-reference', `${v.path}.${kind} names ${kind} "${s}", which does not exist; ${hint ? `did you mean "${hint}"?` : `write namespace/name of a ${kind} under cluster.${kind}s`}`);
    }
  }
  if (kind === 'node') {
    const names = (cluster.nodes ?? []).map((n) => n.name);
    if (!names.includes(s)) return val.fail('unknown-reference', `${v.path}.node names node "${s}", which is not listed under cluster.nodes${names.length ? `; use one of ${names.join(', ')}` : ''}`);
  }
  if (kind === 'ip' && !parseIp(s)) return val.fail('invalid-ip', `${v.path}.ip "${s}" is not an IP address; write e.g. 8.8.8.8`);
  return {[kind]: s} as ProbeEnd;
}

/** A probe as read, with where it was written. */
interface ReadProbe {
  probe: Probe;
  at: Val;
  f: Fields;
}

function readProbe(v: Val, cluster: Cluster): ReadProbe | undefined {
  const f = v.fields(['from', 'to', 'port', 'portName', 'protocol', 'icmpType', 'http', 'dns'], 'a probe');
  if (!f) return undefined;
  const fromVal = f.require('from', '{pod: ns/name}, {node: name} or {ip: address}');
  const toVal = f.require('to', '{pod: ns/name}, {service: ns/name}, {node: name} or {ip: address}');
  const from = fromVal && readEnd(fromVal, 'from', cluster);
  const to = toVal && readEnd(toVal, 'to', cluster);
  const probe: Probe = {from: from!, to: to!, source: v.pos};
  let ok = from !== undefined && to !== undefined;
  const protocol = f.present('protocol') ? f.get('protocol').oneOf(['TCP', 'UDP', 'SCTP', 'ICMP'] as const, 'protocol') : undefined;
  if (protocol) probe.protocol = protocol;
  if (f.present('port') && f.present('portName')) {
    f.get('portName').fail('invalid-probe', `${v.path} gives both port and portName; keep one`);
    ok = false;
  }
  const port = f.get('port').int('a port', 1, 65535);
  if (port !== undefined) probe.port = port;
  const portName = f.get('portName').string('a port name');
  if (portName !== undefined) probe.portName = portName;
  // `port:` with nothing after it is no port (an explicit null), like a missing one. A DNS query
  // defaults to port 53.
  if (protocol !== 'ICMP' && port === undefined && portName === undefined && !f.present('port') && !f.present('dns')) {
    v.fail('missing-field', `${v.path} needs port (a number) or portName, unless protocol is ICMP`);
    ok = false;
  }
  if (f.present('dns')) {
    const df = f.get('dns').fields(['name'], 'a DNS query: {name: api.github.com}');
    const name = df?.require('name', 'the name to look up')?.string('a DNS name');
    if (name !== undefined) probe.dns = {name};
    if (f.present('http')) {
      f.get('dns').fail('invalid-probe', `${v.path} gives both http and dns; a probe makes one request: keep one`);
      ok = false;
    }
    if (protocol === 'ICMP') {
      f.get('protocol').fail('invalid-probe', `${v.path}.protocol is ICMP, but a DNS query goes over UDP or TCP (the default is UDP, port 53)`);
      ok = false;
    }
  }
  if (f.present('icmpType')) {
    if (protocol !== 'ICMP') f.get('icmpType').fail('invalid-probe', `${v.path}.icmpType needs protocol: ICMP`);
    const t = f.get('icmpType').int('an ICMP type', 0, 255);
    if (t !== undefined) probe.icmpType = t;
  }
  if (f.present('http')) {
    const hf = f.get('http').fields(['method', 'path', 'host', 'headers'], 'an HTTP request');
    if (hf) {
      const method = hf.get('method').string('an HTTP method');
      const path = hf.get('path').string('a request path');
      const host = hf.get('host').string('a Host header');
      const headers = hf.get('headers').stringMap('request headers');
      if (path !== undefined && !path.startsWith('/')) hf.get('path').fail('invalid-probe', `${v.path}.http.path "${path}" must start with "/"`);
      probe.http = {...(method !== undefined ? {method} : {}), ...(path !== undefined ? {path} : {}), ...(host !== undefined ? {host} : {}), ...(headers ? {headers} : {})};
    }
  }
  return ok ? {probe, at: v, f} : undefined;
}

function readMatrix(v: Val): MatrixSpec | undefined {
  const f = v.fields(['ports'], 'the matrix ports');
  if (!f) return undefined;
  const ports: MatrixSpec['ports'] = [];
  for (const p of f.require('ports', 'e.g. [{port: 80, protocol: TCP}]')?.items('ports') ?? []) {
    const pf = p.fields(['port', 'protocol'], 'a port and protocol');
    const port = pf?.require('port', 'a port number')?.int('a port', 1, 65535);
    if (!pf || port === undefined) continue;
    const protocol = pf.present('protocol') ? pf.get('protocol').oneOf(L4, 'protocol') : 'TCP';
    if (protocol) ports.push({port, protocol});
  }
  return {ports};
}
