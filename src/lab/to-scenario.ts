import {clusterFromObjects, parsePolicyDocuments, selectorlessServiceErrors, type OtherObject, type PolicyError, type PolicyObject, type Probe as EngineProbe, type ProbeEnd, type Scenario} from '../policy';
import {API_SERVER_PORT} from './api-server';
import {CLUSTER_DNS_OBJECTS, CLUSTER_DNS_SERVICE} from './cluster-dns';
import {needsHostFirewall} from './host-firewall-needs';
import {KIND_CONTROL_PLANE, KIND_CONTROL_PLANE_IP, KIND_NODES} from './kind-nodes';
import type {Lab, Probe, ProbeSource, Step} from './load';
import type {KubeObject} from './manifests';

/** Options of stepScenario. */
export interface StepScenarioOptions {
  /**
   * The policies in force instead of the step's files: the playground's edited text, which it has
   * already parsed (and reported the errors of) itself.
   */
  policies?: PolicyObject[];
  /**
   * What the app's objects look like once applied. The runner adds its owner labels to everything
   * it creates, and labels are identity, so its simulator models the objects as labelled.
   */
  transformApp?: (object: KubeObject) => KubeObject;
}

/**
 * A lab step as a policy-engine scenario: the app's manifests plus the cluster DNS (which every
 * cluster has and no lab creates) become the cluster (a Deployment becomes its replicas
 * `<name>-0`, `<name>-1`, ...), the step's policy files the complete set in force, and each lab
 * probe the engine probe of its connection (what happens once any name resolved; name lookups
 * are added by simulateStep). Pure: the simulator target of the runner and the site's playground
 * both use it, so they cannot disagree.
 *
 * The cluster is the one `netpol-labs up` makes for the lab. A lab with a host policy runs with
 * Cilium's host firewall on (`up` turns it on for such a lab: src/runner/host-firewall.ts), and its
 * nodes are kind's, with their real labels, so a nodeSelector selects what it selects on kind; so
 * are the nodes of a lab whose probes name a node or the API server. Other labs keep the engine's
 * default nodes (the ones their pods name): without a host policy neither the firewall nor node
 * labels change a verdict.
 *
 * A lab that probes the API server (`kubernetes.default`) gets it where kind runs it: in the
 * control-plane node's own network, so that node's address is listed as the API server
 * (cluster.external) and carries the kube-apiserver identity besides its own, on every port
 * (src/lab/api-server.ts).
 */
export function stepScenario(lab: Lab, step: Step, options: StepScenarioOptions = {}): {scenario: Scenario; errors: PolicyError[]} {
  const errors: PolicyError[] = [];
  const transform = options.transformApp ?? ((object: KubeObject) => object);
  const appObjects: OtherObject[] = lab.app.flatMap((manifest) =>
    manifest.objects.map(({object, file, position}) => otherObject(transform(object), {file, line: position.line, col: position.col})),
  );
  const dnsObjects = CLUSTER_DNS_OBJECTS.map((object) => otherObject(object, {file: 'the cluster DNS (kube-system/kube-dns)', line: 1, col: 1}));
  const policies =
    options.policies ??
    step.policies.flatMap(({file, text}) => {
      const parsed = parsePolicyDocuments(text, file, {defaultNamespace: lab.namespace});
      errors.push(...parsed.errors);
      return parsed.policies;
    });
  const hostFirewall = needsHostFirewall(lab);
  const cluster = clusterFromObjects([...appObjects, ...dnsObjects], lab.namespace);
  const apiServer = probesApiServer(lab);
  if (hostFirewall || namesNodes(lab) || apiServer) cluster.nodes = KIND_NODES.map((n) => ({...n, labels: {...n.labels}}));
  if (apiServer) cluster.external = [...(cluster.external ?? []), {ip: KIND_CONTROL_PLANE_IP, identity: 'kube-apiserver'}];
  const scenarioOptions = {
    ...(hostFirewall ? {hostFirewall: true} : {}),
    ...(step.policyAuditMode ? {auditEndpoints: auditedPods(lab, cluster)} : {}),
  };
  const scenario: Scenario = {
    datapath: 'cilium',
    cluster,
    policies,
    probes: step.probes.map((probe) => connectionProbe(lab, probe, scenarioPods(appObjects))),
    ...(Object.keys(scenarioOptions).length > 0 ? {options: scenarioOptions} : {}),
  };
  errors.push(...selectorlessServiceErrors(scenario));
  return {scenario, errors};
}

/**
 * The endpoints a step with `policyAuditMode: true` puts in policy audit mode: every pod of the
 * lab's namespaces that is a Cilium endpoint of its own, which is what the runner switches one by
 * one (`cilium-dbg endpoint config ID PolicyAuditMode=Enabled`, Documentation/security/policy-creation.rst
 * "Enable Policy Audit Mode (Specific Endpoint)"). A hostNetwork pod has no endpoint of its own (it
 * is the node's), and the cluster DNS is not the lab's: both keep enforcing.
 */
function auditedPods(lab: Lab, cluster: Scenario['cluster']): string[] {
  return cluster.pods.filter((p) => lab.namespaces.includes(p.namespace) && p.hostNetwork !== true).map((p) => `${p.namespace}/${p.name}`);
}

/** True when a probe of the lab goes to a node of kind's cluster. */
function namesNodes(lab: Lab): boolean {
  return lab.steps.some((s) => s.probes.some((p) => p.target.node !== undefined));
}

/** True when a probe of the lab goes to the API server's Service. */
function probesApiServer(lab: Lab): boolean {
  return lab.steps.some((s) => s.probes.some((p) => p.target.apiServer === true));
}

function otherObject(object: KubeObject, source: OtherObject['source']): OtherObject {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata.name,
    namespace: object.metadata.namespace,
    object: object as unknown as Record<string, unknown>,
    source,
  };
}

/** The pods the app's objects make, with their labels, to find a headless Service's pods. */
function scenarioPods(objects: OtherObject[]): {key: string; labels: Record<string, string>}[] {
  return clusterFromObjects(objects).pods.map((p) => ({key: `${p.namespace}/${p.name}`, labels: p.labels ?? {}}));
}

/** The pod a probe runs in: the Pod of that name, or the first replica of a Deployment. */
export function clientPod(source: Extract<ProbeSource, {kind: 'pod'}>): string {
  return `${source.namespace}/${source.workload === 'Deployment' ? `${source.name}-0` : source.name}`;
}

/** Where a probe comes from, as an engine probe end. */
export function sourceEnd(source: ProbeSource): ProbeEnd {
  return source.kind === 'outside' ? {ip: source.ip} : {pod: clientPod(source)};
}

/**
 * The connection a lab probe makes once its name resolved, as an engine probe: to the Service
 * port (HTTP, gRPC, TCP), to the first pod of a headless Service (ICMP, SCTP), or to the first address
 * of a name under `names` or the address the probe names. A DNS probe is the lookup itself.
 */
export function connectionProbe(lab: Lab, probe: Probe, pods: {key: string; labels: Record<string, string>}[] = []): EngineProbe {
  const from = sourceEnd(probe.source);
  const {request, target} = probe;
  if (request.kind === 'dns') return lookupProbe(from, request.name);
  // The API server's Service forwards to the API server on the control-plane node; Cilium's
  // policy sees that address and port once the Service's address is translated.
  if (target.apiServer) return {from, to: {node: KIND_CONTROL_PLANE}, port: API_SERVER_PORT, protocol: 'TCP'};
  const to: ProbeEnd =
    target.node !== undefined
      ? {node: target.node}
      : target.service !== undefined
      ? request.kind === 'icmp' || request.kind === 'sctp'
        ? {pod: headlessBackend(lab, target.namespace!, target.service, pods)}
        : {service: `${target.namespace}/${target.service}`}
        : {ip: target.ips![0]};
  if (request.kind === 'icmp') return {from, to, protocol: 'ICMP', icmpType: 8};
  // SCTP goes pod to pod (the loader accepts only a headless Service or an address): the engine
  // matches it against rules for SCTP only, as a rule for TCP never allows SCTP and the reverse.
  if (request.kind === 'sctp') return {from, to, port: target.port!, protocol: 'SCTP'};
  const base = {from, to, port: target.port!, protocol: 'TCP' as const};
  if (request.kind === 'tcp') return base;
  // The Host (HTTP/2: :authority) a client sends is the URL's host with its port unless it is the
  // scheme's default (RFC 9110 section 7.2), and Cilium's `host` rule is matched against all of it.
  const authority = new URL(request.url).host;
  if (request.kind === 'grpc') {
    // What curl sends for a gRPC call (the runner's probe): an HTTP/2 POST of the method's path
    // with gRPC's content type (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md).
    return {...base, http: {method: 'POST', path: target.path, host: authority, headers: {'content-type': 'application/grpc', te: 'trailers'}}};
  }
  return {...base, http: {method: request.method, path: target.path, host: request.host ?? authority, ...(request.headers ? {headers: request.headers} : {})}};
}

/** A lookup of `name` from `from` through the cluster DNS (UDP 53 of kube-system/kube-dns). */
export function lookupProbe(from: ProbeEnd, name: string): EngineProbe {
  return {from, to: {service: CLUSTER_DNS_SERVICE}, port: 53, protocol: 'UDP', dns: {name}};
}

/**
 * The pod a ping or an SCTP association to a headless Service reaches: its name resolves to every
 * ready pod's address, and the client takes the first; the lab's first matching pod stands for it.
 */
export function headlessBackend(lab: Lab, namespace: string, service: string, pods: {key: string; labels: Record<string, string>}[]): string {
  const object = lab.app.flatMap((m) => m.objects).find(({object: o}) => o.kind === 'Service' && o.metadata.name === service && (o.metadata.namespace ?? lab.namespace) === namespace);
  const selector = ((object?.object.spec ?? {}) as {selector?: Record<string, string>}).selector ?? {};
  const match = pods.find((p) => p.key.startsWith(`${namespace}/`) && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => p.labels[k] === v));
  // A headless Service without a pod resolves to nothing; the engine then reports the unknown pod.
  return match?.key ?? `${namespace}/${service}-has-no-pods`;
}
