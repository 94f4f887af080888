import ipaddr from 'ipaddr.js';
import type {Outcome} from './outcome';
import {fileRequest, requestLabel, serviceOfHost, splitHostPort, type ProbeKind, type ProbeRequest} from './probe-request';
import {requestPath} from './request-path';
import {API_SERVER_PORT, API_SERVER_SERVICE, API_SERVER_SERVICE_PORT, isApiServerName} from './api-server';
import {isKindNode, KIND_CONTROL_PLANE, KIND_NODES} from './kind-nodes';
import type {ProbeFile} from './schema';

/**
 * A lab.yaml probe checked against the app and resolved: who sends it, what it sends, and where
 * that goes. Pure; the loader reports what `fail` is given at the probe's field.
 */

/** Where a probe comes from. */
export type ProbeSource =
  /** A Pod, or the first replica of a Deployment, of the app. A hostNetwork Pod probes from its node. */
  | {kind: 'pod'; namespace: string; name: string; workload: 'Pod' | 'Deployment'; hostNetwork: boolean; clusterDns: boolean}
  /** A machine outside the cluster, at the lab's `outside.ip`. */
  | {kind: 'outside'; ip: string};

/** Where a probe goes. */
export interface ProbeTarget {
  /** The host as the probe names it (URL host, TCP or ICMP host, or the name a DNS probe looks up). */
  host: string;
  /** The Service the host names, when it names one of the app. */
  service?: string;
  namespace?: string;
  /** The port dialled (HTTP, gRPC and TCP probes): the Service's port for a Service. */
  port?: number;
  /** Path and query exactly as curl sends them (HTTP and gRPC probes). */
  path?: string;
  /** The addresses of a name under the lab's `names`, or the one address the probe names itself. */
  ips?: string[];
  /** The kind node the host names (src/lab/kind-nodes.ts): a probe from outside to the node itself. */
  node?: string;
  /**
   * The host names the API server's Service, `kubernetes.default` (src/lab/api-server.ts); then
   * `service` and `namespace` are that Service's, which the app does not define.
   */
  apiServer?: true;
  /** True when the host is a name the client resolves before sending (not an address literal). */
  resolvesName: boolean;
}

/** A probe of a step, validated and resolved. */
export interface Probe extends Omit<ProbeFile, 'method'> {
  kind: ProbeKind;
  /** The HTTP method of an HTTP or gRPC probe (gRPC is always POST); empty for the other kinds. */
  method: string;
  expect: Outcome;
  source: ProbeSource;
  request: ProbeRequest;
  target: ProbeTarget;
  /** What it sends, in a few words: `POST /v1/request-landing`, `TCP redis:6379`, `DNS api.github.com`. */
  label: string;
}

/** A Service of the app, as probes need it. */
export interface ServiceInfo {
  /** Each port with its protocol, and its targetPort when the Service sets one (a number or a port name). */
  ports: {port: number; protocol: string; targetPort?: number | string}[];
  /** `clusterIP: None`: its name resolves to the pods' addresses, so it can be pinged. */
  headless: boolean;
  /** NodePort or LoadBalancer with `externalTrafficPolicy: Local`: reachable from outside with the client's address kept. */
  reachableFromOutside: boolean;
}

/** What the app and lab.yaml define that probes may name. */
export interface AppIndex {
  /** The lab's namespaces; the first is the default. */
  namespaces: string[];
  /** `namespace/name` of each Pod and Deployment. */
  clients: Map<string, {workload: 'Pod' | 'Deployment'; hostNetwork: boolean; /** Resolves through the cluster DNS (every pod but a hostNetwork one without ClusterFirstWithHostNet). */ clusterDns: boolean}>;
  /** `namespace/name` of each Service. */
  services: Map<string, ServiceInfo>;
  /** Names outside the cluster (lab.yaml `names`), lower case without a final dot. */
  names: Map<string, string[]>;
  /** lab.yaml `outside.ip`. */
  outsideIp?: string;
}

/** Reports a problem at one field of the probe. */
export type ProbeFail = (field: keyof ProbeFile, code: string, message: string) => void;

/** The keys that say what a probe sends; exactly one per probe. */
const WHAT_KEYS = ['url', 'tcp', 'sctp', 'dns', 'icmp'] as const;
/** Keys that only an HTTP (`url`) probe may carry. */
const HTTP_ONLY = ['method', 'headers', 'host', 'grpc', 'body', 'destructive'] as const;

/** The source a probe's `from` names, or undefined after reporting why it names none. */
function resolveSource(probe: ProbeFile, index: AppIndex, fail: ProbeFail): ProbeSource | undefined {
  if (probe.from === 'outside') {
    if (index.outsideIp === undefined) {
      fail('from', 'no-outside', 'a probe from outside needs the address it comes from: add `outside: {ip: 172.30.0.250}` (an address outside the cluster) to lab.yaml');
      return undefined;
    }
    return {kind: 'outside', ip: index.outsideIp};
  }
  const [namespace, name] = probe.from.includes('/') ? probe.from.split('/', 2) : [index.namespaces[0], probe.from];
  const client = index.clients.get(`${namespace}/${name}`);
  if (!client) {
    const known = [...index.clients.keys()].map((k) => (k.startsWith(`${index.namespaces[0]}/`) ? k.slice(index.namespaces[0].length + 1) : k));
    const expected = known.length > 0 ? `expected one of ${known.join(', ')}` : 'expected none (add a Pod or a Deployment to the app)';
    fail('from', 'unknown-pod', `probe from "${probe.from}": the app defines no pod or deployment of that name; ${expected}${index.outsideIp !== undefined ? ', or outside' : ''}`);
    return undefined;
  }
  return {kind: 'pod', namespace, name, ...client};
}

/** A host resolved against kind's nodes, the app's Services, the lab's names and address literals. */
type ResolvedHost = {service: string; namespace: string; info: ServiceInfo} | {ips: string[]} | {node: string} | {apiServer: true} | {error: string; code: string};

function resolveHost(host: string, index: AppIndex, clientNamespace: string | undefined): ResolvedHost {
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) return {ips: [host]};
  if (ipaddr.isValid(host)) return {error: `${host} is an IPv6 address; the labs run on IPv4 only (kind's default), so use an IPv4 address`, code: 'ipv6'};
  const external = index.names.get(host.toLowerCase().replace(/\.$/, ''));
  if (external) return {ips: external};
  if (isKindNode(host)) return {node: host.toLowerCase().replace(/\.$/, '')};
  if (isApiServerName(host)) return {apiServer: true};
  const named = serviceOfHost(host, clientNamespace);
  if (named && index.namespaces.includes(named.namespace)) {
    const info = index.services.get(`${named.namespace}/${named.service}`);
    if (info) return {...named, info};
    const elsewhere = index.namespaces.find((ns) => index.services.has(`${ns}/${named.service}`));
    const known = [...index.services.keys()].filter((k) => k.startsWith(`${named.namespace}/`)).map((k) => k.split('/')[1]);
    const expected = elsewhere
      ? `it is in namespace ${elsewhere}: write ${named.service}.${elsewhere}.svc.cluster.local`
      : known.length > 0
        ? `expected one of ${known.join(', ')}`
        : 'add a Service to the app';
    return {code: 'unknown-service', error: `names Service "${named.service}" in namespace ${named.namespace}, which the app does not define; ${expected}`};
  }
  const example = `SERVICE.${clientNamespace ?? index.namespaces[0]}.svc.cluster.local`;
  return {
    code: 'unknown-host',
    error: `host "${host}" is neither a Service of this lab (${example}, in namespace ${index.namespaces.join(' or ')}) nor a name under \`names\` in lab.yaml nor a node of kind's cluster (${KIND_NODES.map((n) => n.name).join(', ')}); add it under \`names\` with its addresses, or use an IPv4 address`,
  };
}

/** The one key that says what the probe sends, or undefined after reporting none or several. */
function whatKey(probe: ProbeFile, fail: ProbeFail): (typeof WHAT_KEYS)[number] | undefined {
  const present = WHAT_KEYS.filter((k) => probe[k] !== undefined);
  if (present.length === 1) return present[0];
  if (present.length === 0) {
    fail('from', 'no-request', 'a probe says what it sends with one of url (HTTP or gRPC), tcp (HOST:PORT), sctp (HOST:PORT), dns (a name) or icmp (a host); it has none');
  } else {
    fail(present[1], 'several-requests', `a probe sends one thing, but this one has ${present.join(' and ')}; split it into ${present.length} probes`);
  }
  return undefined;
}

/**
 * Checks one probe and resolves it. Every problem is reported through `fail`; undefined when any
 * was found.
 */
export function resolveProbe(probe: ProbeFile, index: AppIndex, fail: ProbeFail): Probe | undefined {
  let ok = true;
  const report: ProbeFail = (field, code, message) => {
    ok = false;
    fail(field, code, message);
  };
  const source = resolveSource(probe, index, report);
  const key = whatKey(probe, report);
  if (!key) return undefined;
  if (key !== 'url') {
    for (const field of HTTP_ONLY) {
      if (probe[field] !== undefined) report(field, 'http-only', `${field} applies to HTTP probes (url) only; a ${key} probe sends no HTTP request`);
    }
  }
  const clientNamespace = source?.kind === 'pod' ? source.namespace : undefined;
  const resolved = (() => {
    switch (key) {
      case 'url':
        return resolveUrlProbe(probe, index, clientNamespace, report);
      case 'tcp':
        return resolveTcpProbe(probe.tcp!, index, clientNamespace, report);
      case 'sctp':
        return resolveSctpProbe(probe.sctp!, index, clientNamespace, report);
      case 'dns':
        return resolveDnsProbe(probe, index, clientNamespace, report);
      case 'icmp':
        return resolveIcmpProbe(probe.icmp!, index, clientNamespace, report);
    }
  })();
  if (!resolved || !source) return undefined;
  checkExpectation(probe, resolved, report);
  checkSource(probe, source, resolved, report);
  if (!ok) return undefined;
  const {request, target} = resolved;
  return {
    ...probe,
    kind: request.kind,
    method: request.kind === 'http' ? request.method : request.kind === 'grpc' ? 'POST' : '',
    expect: probe.expect,
    source,
    request,
    target,
    label: requestLabel(request),
  };
}

interface Resolved {
  request: ProbeRequest;
  target: ProbeTarget;
  /** The Service the host names, for the checks that depend on its kind. */
  service?: ServiceInfo;
}

/**
 * The target of a host and port, or undefined after reporting why there is none. A Service must
 * serve the port over `protocol` (TCP for every kind but sctp).
 */
function targetOf(host: string, port: number | undefined, field: keyof ProbeFile, index: AppIndex, clientNamespace: string | undefined, fail: ProbeFail, protocol: 'TCP' | 'SCTP' = 'TCP'): {target: ProbeTarget; service?: ServiceInfo} | undefined {
  const resolved = resolveHost(host, index, clientNamespace);
  if ('error' in resolved) {
    fail(field, resolved.code, `probe ${field === 'url' ? 'URL ' : ''}${resolved.error}`);
    return undefined;
  }
  const resolvesName = !ipaddr.isValid(host);
  if ('ips' in resolved) return {target: {host, ...(port !== undefined ? {port} : {}), ips: resolved.ips, resolvesName}};
  if ('node' in resolved) return {target: {host, ...(port !== undefined ? {port} : {}), node: resolved.node, resolvesName}};
  if ('apiServer' in resolved) return apiServerTarget(host, port, field, fail);
  if (port !== undefined && !resolved.info.ports.some((p) => p.port === port && p.protocol === protocol)) {
    const known = resolved.info.ports.map((p) => `${p.port}/${p.protocol}`).join(', ') || 'none';
    fail(field, 'unknown-port', `Service "${resolved.service}" has no ${protocol} port ${port}; its ports are ${known}`);
    return undefined;
  }
  return {target: {host, service: resolved.service, namespace: resolved.namespace, ...(port !== undefined ? {port} : {}), resolvesName}, service: resolved.info};
}

/**
 * The target of a probe to the API server's Service, or undefined after reporting why the probe
 * cannot work: a url probe sends plain HTTP, which the API server (HTTPS only) answers with no
 * verdict; a ping gets no answer from a ClusterIP; the Service has one port, 443, over TCP only.
 */
function apiServerTarget(host: string, port: number | undefined, field: keyof ProbeFile, fail: ProbeFail): {target: ProbeTarget} | undefined {
  const hostPort = `${host.replace(/\.$/, '')}:${API_SERVER_SERVICE_PORT}`;
  const tcp = `tcp: ${hostPort}`;
  const fix = `probe the connection with ${tcp}`;
  const what = `the API server's Service (${API_SERVER_SERVICE.service} in namespace ${API_SERVER_SERVICE.namespace})`;
  if (field === 'url') {
    fail('url', 'api-server-url', `probe URL host ${host} is ${what}, which speaks only HTTPS, and a url probe sends plain HTTP; ${fix}`);
    return undefined;
  }
  if (field === 'icmp') {
    fail('icmp', 'ping-api-server', `${host} is ${what}, a ClusterIP, which answers no ping; ${fix}`);
    return undefined;
  }
  if (field === 'sctp') {
    fail('sctp', 'sctp-api-server', `${host} is ${what}, which serves only TCP port ${API_SERVER_SERVICE_PORT}; probe it with ${tcp}`);
    return undefined;
  }
  if (port !== undefined && port !== API_SERVER_SERVICE_PORT) {
    fail(field, 'api-server-port', `probe ${host}:${port}: ${what} has only TCP port ${API_SERVER_SERVICE_PORT} (https); write ${hostPort}`);
    return undefined;
  }
  return {target: {host, service: API_SERVER_SERVICE.service, namespace: API_SERVER_SERVICE.namespace, ...(port !== undefined ? {port} : {}), apiServer: true, resolvesName: true}};
}

function resolveUrlProbe(probe: ProbeFile, index: AppIndex, clientNamespace: string | undefined, fail: ProbeFail): Resolved | undefined {
  const url = new URL(probe.url!);
  const port = url.port === '' ? 80 : Number(url.port);
  const found = targetOf(url.hostname, port, 'url', index, clientNamespace, fail);
  if (!found) return undefined;
  const target = {...found.target, path: requestPath(url)};
  if (probe.grpc) {
    if (probe.method !== undefined) fail('method', 'grpc-method', 'a gRPC call is always an HTTP/2 POST; remove method');
    if (probe.headers !== undefined || probe.host !== undefined) fail(probe.headers !== undefined ? 'headers' : 'host', 'grpc-headers', 'a gRPC probe sends no extra headers and no other Host; remove them');
    if (probe.body !== undefined) fail('body', 'grpc-body', 'a gRPC probe is judged on its gRPC status, not on a body; remove body');
    if (!/^\/[A-Za-z_][\w.]*\.[A-Za-z_]\w*\/[A-Za-z_]\w*$/.test(url.pathname) || url.search !== '') {
      fail('url', 'grpc-path', `a gRPC method is http://HOST:PORT/<package>.<Service>/<Method>, like /cloudcity.DoorManager/GetName; this path is ${url.pathname}${url.search}`);
      return undefined;
    }
  }
  return {request: fileRequest(probe), target, service: found.service};
}

/**
 * The host and port of a `HOST:PORT` probe (the schema's pattern has checked its shape); undefined,
 * with the error reported, when the port is out of range.
 */
function hostAndPort(hostPort: string, kind: 'tcp' | 'sctp', fail: ProbeFail): {host: string; port: number} | undefined {
  const split = splitHostPort(hostPort);
  if (split.port < 1 || split.port > 65535) {
    fail(kind, 'invalid-port', `port ${split.port} is out of range; ${kind === 'tcp' ? 'a TCP' : 'an SCTP'} port is 1-65535`);
    return undefined;
  }
  return split;
}

function resolveTcpProbe(hostPort: string, index: AppIndex, clientNamespace: string | undefined, fail: ProbeFail): Resolved | undefined {
  const split = hostAndPort(hostPort, 'tcp', fail);
  if (!split) return undefined;
  const {host, port} = split;
  const found = targetOf(host, port, 'tcp', index, clientNamespace, fail);
  return found && {request: fileRequest({tcp: hostPort}), ...found};
}

/**
 * An SCTP probe goes from a pod to a pod: Cilium's SCTP support (beta) has no policy for pod-to-VIP
 * traffic and does not rewrite SCTP ports (cilium/cilium Documentation/configuration/sctp.rst,
 * "Limitations"), so the host is a headless Service, whose name resolves to its pods' addresses, or
 * an address. The source is checked in checkSource (never outside), the outcome in checkExpectation.
 */
function resolveSctpProbe(hostPort: string, index: AppIndex, clientNamespace: string | undefined, fail: ProbeFail): Resolved | undefined {
  const split = hostAndPort(hostPort, 'sctp', fail);
  if (!split) return undefined;
  const {host, port} = split;
  const found = targetOf(host, port, 'sctp', index, clientNamespace, fail, 'SCTP');
  if (!found) return undefined;
  if (found.service && !found.service.headless) {
    fail('sctp', 'sctp-cluster-ip', `Service "${found.target.service}" has a ClusterIP, and Cilium enforces no policy on SCTP to a Service's virtual IP (sctp.rst: "Policies for pod-to-VIP" is not supported); make it headless (clusterIP: None), so its name resolves to its pods' addresses`);
    return undefined;
  }
  const servicePort = found.service?.ports.find((p) => p.port === port && p.protocol === 'SCTP');
  if (typeof servicePort?.targetPort === 'number' && servicePort.targetPort !== port) {
    fail('sctp', 'sctp-target-port', `Service "${found.target.service}" is headless, so the client connects to port ${port} of the pod itself, but this port names targetPort ${servicePort.targetPort}; write targetPort: ${port} or leave it out (Cilium does not rewrite SCTP ports either)`);
    return undefined;
  }
  return {request: fileRequest({sctp: hostPort}), ...found};
}

function resolveDnsProbe(probe: ProbeFile, index: AppIndex, clientNamespace: string | undefined, fail: ProbeFail): Resolved | undefined {
  const name = probe.dns!;
  if (ipaddr.isValid(name)) {
    fail('dns', 'dns-address', `a DNS probe looks up a name; ${name} is an address`);
    return undefined;
  }
  // The name must exist (a Service of the lab or a name under `names`): a lookup the policy lets
  // through is then answered, and an unknown name's NXDOMAIN would be no policy verdict at all. An
  // outside name's addresses are what the DNS proxy records for toFQDNs.
  const found = targetOf(name, undefined, 'dns', index, clientNamespace, fail);
  return found && {request: {kind: 'dns', name}, target: {...found.target, resolvesName: true}, service: found.service};
}

function resolveIcmpProbe(host: string, index: AppIndex, clientNamespace: string | undefined, fail: ProbeFail): Resolved | undefined {
  const found = targetOf(host, undefined, 'icmp', index, clientNamespace, fail);
  if (!found) return undefined;
  if (found.service && !found.service.headless) {
    // A ClusterIP is a load-balancer address that only forwards the Service's ports; Cilium's
    // kube-proxy replacement does not answer ICMP echo on it (Documentation/network/kubernetes/kubeproxy-free.rst).
    fail('icmp', 'ping-cluster-ip', `Service "${found.target.service}" has a ClusterIP, which answers no ping; ping a headless Service (clusterIP: None), whose name resolves to its pods' addresses`);
    return undefined;
  }
  return {request: {kind: 'icmp', host}, ...found};
}

/** The kinds that send nothing an L7 proxy could refuse, and the loader's words for why. */
const NO_L7_REQUEST: Partial<Record<ProbeKind, string>> = {
  tcp: 'a TCP connect carries no request an L7 rule could refuse',
  icmp: 'a ping carries no request an L7 rule could refuse',
  // Cilium refuses L7 rules on anything but TCP (pkg/policy/api/rule_validation.go: "L7 rules can only apply to TCP").
  sctp: "an SCTP association carries no request an L7 rule could refuse (Cilium's L7 rules apply to TCP only)",
};

/** Outcomes a probe kind can have: a connect or a ping carries nothing an L7 proxy could refuse. */
function checkExpectation(probe: ProbeFile, resolved: Resolved, fail: ProbeFail): void {
  const {request, target} = resolved;
  const noRequest = NO_L7_REQUEST[request.kind];
  if (probe.expect === 'l7-denied' && noRequest) {
    fail('expect', 'impossible-outcome', `${noRequest}, so it cannot be l7-denied; expect allowed or dropped`);
  }
  if (probe.expect === 'unresolved' && request.kind === 'dns') {
    fail('expect', 'impossible-outcome', 'a DNS probe is the lookup itself: a lookup that fails is dropped (no answer) or l7-denied (REFUSED by the DNS proxy); expect one of those');
  }
  if (probe.expect === 'unresolved' && !target.resolvesName) {
    fail('expect', 'impossible-outcome', `${target.host} is an address, which is never looked up, so the probe cannot be unresolved`);
  }
}

/**
 * What each source can do: a hostNetwork pod resolves cluster names only with
 * `dnsPolicy: ClusterFirstWithHostNet` (otherwise it uses its node's resolver, which knows no
 * Service: https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy);
 * a probe from outside looks nothing up and reaches a Service only through a node port that
 * keeps its address.
 */
function checkSource(probe: ProbeFile, source: ProbeSource, resolved: Resolved, fail: ProbeFail): void {
  const field: keyof ProbeFile = resolved.request.kind === 'http' || resolved.request.kind === 'grpc' ? 'url' : resolved.request.kind;
  if (source.kind === 'outside' && resolved.request.kind === 'sctp') {
    // From outside, a pod is reached through a node port, that is through a Service's virtual
    // address: Cilium has no policy for SCTP to a VIP (sctp.rst), and SCTP through a NodePort is not
    // served by it either (cilium/cilium issue 32412).
    fail('sctp', 'outside-sctp', 'a machine outside the cluster reaches pods only through a node port, and Cilium supports SCTP with policy from pod to pod only (no policy for SCTP to a Service\'s virtual address); probe SCTP from a pod of the app');
    return;
  }
  if (source.kind === 'pod') {
    if (resolved.target.node !== undefined) {
      // A pod's resolver would take the single-label name for a Service of its namespace (search
      // list), and the cluster DNS knows no node names: a pod reaches a node through a Service of a
      // hostNetwork pod there.
      fail(field, 'node-from-pod', `${resolved.target.host} is a node of kind's cluster, which only a machine outside the cluster (from: outside) can name; from a pod, probe a Service whose backend is a hostNetwork pod on that node`);
      return;
    }
    if (source.hostNetwork && !source.clusterDns && resolved.target.service !== undefined) {
      fail(field, 'host-network-dns', `${source.name} runs in its node's network and resolves with the node's resolver, which knows no Service; give it dnsPolicy: ClusterFirstWithHostNet`);
    }
    return;
  }
  if (probe.expect === 'unresolved') {
    fail('expect', 'impossible-outcome', 'a probe from outside names its target without the cluster DNS, so it cannot be unresolved');
  }
  if (resolved.target.apiServer && resolved.request.kind !== 'dns') {
    // Only the cluster DNS knows the name; the API server listens on the control-plane node.
    fail(field, 'outside-api-server', `a machine outside the cluster cannot resolve ${resolved.target.host}, a name of the cluster DNS; from outside, name the API server's node and port: tcp: ${KIND_CONTROL_PLANE}:${API_SERVER_PORT}`);
    return;
  }
  if (resolved.request.kind === 'dns') {
    fail('dns', 'outside-dns', 'a machine outside the cluster does not use the cluster DNS; probe DNS from a pod');
    return;
  }
  if (resolved.target.service !== undefined && resolved.request.kind === 'icmp') {
    fail('icmp', 'outside-ping', "a machine outside the cluster cannot reach a pod's address to ping it; ping a node's or an outside address instead");
    return;
  }
  if (resolved.service && !resolved.service.reachableFromOutside) {
    // A node port with the default externalTrafficPolicy (Cluster) may forward to another node
    // with the source address replaced by the node's, so policies would see the node, not the
    // client (https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip).
    fail(field, 'outside-service', `Service "${resolved.target.service}" is not reachable from outside with the client's address kept; make it type: NodePort with externalTrafficPolicy: Local`);
  }
}
