/**
 * How the stand-in cluster (standin-cluster.ts) answers `kubectl exec POD -- curl ...`: from the
 * policies in force, with the policy engine, so a test of the runner or of an exported script
 * passes on right outcomes and fails on wrong ones. The answer is curl's output as the runner and
 * the scripts read it (probe.ts): a drop is a connect timeout (exit 28, connect time 0), an L7 deny
 * is Envoy's 403 "Access denied", and an allowed request gets what the star-wars app answers
 * (cilium/starwars-docker: POST /v1/request-landing "Ship landed", GET /v1 the ship as JSON).
 * Compiled by esbuild into the stand-in's folder and loaded by the stand-in kubectl.
 */
import {stringify} from 'yaml';
import {CLUSTER_DNS_OBJECTS, CLUSTER_DNS_SERVICE} from '../../src/lab/cluster-dns';
import {clusterFromObjects, evaluateScenario, parsePolicyDocuments, ACCESS_DENIED} from '../../src/policy';

/** What the stand-in kubectl keeps: every object applied and not deleted since, by kind/name. */
export interface StandinState {
  objects?: Record<string, object>;
}

/** curl's output for one request: stdout, stderr and exit code. */
export interface CurlAnswer {
  stdout: string;
  stderr: string;
  code: number;
}

const marker = (code: number, connect: string) => `[netpol-labs code=${String(code).padStart(3, '0')} dns=0.004120 connect=${connect}]`;

/** What the star-wars deathstar answers a request that reaches it. */
function starwars(method: string, path: string): {status: number; body: string} {
  if (method === 'POST' && path === '/v1/request-landing') return {status: 200, body: 'Ship landed\n'};
  if (method === 'PUT' && path === '/v1/exhaust-port') return {status: 503, body: 'Panic: deathstar exploded\n'};
  if (method === 'GET' && (path === '/v1' || path === '/v1/')) return {status: 200, body: '{"name":"Death Star","class":"Deep Space Mobile Battlestation"}\n'};
  return {status: 404, body: '404 page not found\n'};
}

/** The one port the star-wars app listens on (cilium/starwars-docker serves HTTP on port 80). */
const STARWARS_PORT = 80;

/** The pod port a Service port leads to (its targetPort, or the port itself when none is given). */
function targetPort(state: StandinState, service: string, port: number): number | string {
  const object = (state.objects ?? {})[`Service/${service}`] as {spec?: {ports?: {port: number; targetPort?: number | string}[]}} | undefined;
  const entry = object?.spec?.ports?.find((p) => p.port === port);
  return entry?.targetPort ?? port;
}

/** Answers `kubectl exec --namespace NS FROM -- curl ... --request M ... URL` (args after --context). */
export function answerCurl(state: StandinState, args: string[]): CurlAnswer {
  const namespace = args[args.indexOf('--namespace') + 1];
  const from = args[args.indexOf('--') - 1];
  const method = args[args.indexOf('--request') + 1] ?? 'GET';
  const url = new URL(args[args.length - 1]);
  // http://SERVICE.NAMESPACE.svc.cluster.local[.]/path
  const [service, serviceNamespace] = url.hostname.split('.');
  const port = Number(url.port || 80);
  // Everything applied and not deleted: the app's objects and the policies in force.
  const {others, policies, errors} = parsePolicyDocuments(Object.values(state.objects ?? {}).map((o) => stringify(o)).join('---\n'), 'applied.yaml');
  if (errors.length > 0) return {stdout: '', stderr: `stand-in: ${errors.map((e) => e.message).join('; ')}\n`, code: 1};
  const result = evaluateScenario({
    cluster: clusterFromObjects(others, namespace),
    policies,
    probes: [{from: {pod: `${namespace}/${from}`}, to: {service: `${serviceNamespace}/${service}`}, port, http: {method, path: url.pathname, host: url.hostname.replace(/\.$/, '')}}],
  });
  if (result.errors.length > 0) return {stdout: '', stderr: `stand-in: ${result.errors.map((e) => e.message).join('; ')}\n`, code: 1};
  const verdict = result.results[0].verdict;
  if (verdict === 'dropped') {
    return {
      stdout: marker(0, '0.000000'),
      stderr: `curl: (28) Failed to connect to ${url.hostname} port ${port} after 2001 ms: Timeout was reached\ncommand terminated with exit code 28\n`,
      code: 28,
    };
  }
  if (verdict === 'l7-denied') return {stdout: `${ACCESS_DENIED.body}${marker(ACCESS_DENIED.status, '0.004412')}`, stderr: '', code: 0};
  const target = targetPort(state, service, port);
  // A named targetPort is the app's one named port (labs/deathstar/app.yaml names port 80 `http`).
  if (typeof target === 'number' && target !== STARWARS_PORT) {
    // Let through to a port nothing listens on: the pod's kernel answers with a reset.
    return {
      stdout: marker(0, '0.000000'),
      stderr: `curl: (7) Failed to connect to ${url.hostname} port ${port} after 1 ms: Connection refused\ncommand terminated with exit code 7\n`,
      code: 7,
    };
  }
  const {status, body} = starwars(method, url.pathname);
  return {stdout: `${body}${marker(status, '0.004412')}`, stderr: '', code: 0};
}

/** The node port the stand-in gives a Service port: fixed, so a test can predict it. */
export const standinNodePort = (port: number) => 30000 + (port % 2768);

/** The stand-in's kind nodes: the control plane and one worker, on the runner's Docker network. */
export const STANDIN_NODES = [
  {name: 'netpol-labs-control-plane', ip: '172.30.0.2'},
  {name: 'netpol-labs-worker', ip: '172.30.0.3'},
];

/** Everything applied and not deleted, as the policy engine reads it, with the cluster DNS kubeadm makes. */
function applied(state: StandinState) {
  const texts = [...Object.values(state.objects ?? {}), ...CLUSTER_DNS_OBJECTS].map((o) => stringify(o));
  return parsePolicyDocuments(texts.join('---\n'), 'applied.yaml');
}

/** `kubectl get service NAME -o json` as the API server answers: the applied Service, node ports filled in. */
export function serviceJson(state: StandinState, name: string): string | undefined {
  const service = (state.objects ?? {})[`Service/${name}`] as {spec?: {type?: string; ports?: {port: number}[]}} | undefined;
  if (!service) return undefined;
  const nodePorts = service.spec?.type === 'NodePort';
  return JSON.stringify({...service, spec: {...service.spec, ports: (service.spec?.ports ?? []).map((p) => ({...p, ...(nodePorts ? {nodePort: standinNodePort(p.port)} : {})}))}});
}

/**
 * Answers `nc -z -v -w 2 HOST PORT` (netcat-openbsd's wording, as probe-tcp.ts reads it) from a pod
 * (`kubectl exec`: `podKey` namespace/name) or from the outside client (`docker exec`: its address).
 * A pod resolves a Service's name through the cluster DNS first, under its egress policy; from outside,
 * HOST is a node's address and PORT a Service's node port.
 */
export function answerNc(state: StandinState, from: {pod: string} | {ip: string}, host: string, port: number): CurlAnswer {
  const {others, policies, errors} = applied(state);
  if (errors.length > 0) return {stdout: '', stderr: `stand-in: ${errors.map((e) => e.message).join('; ')}\n`, code: 1};
  const cluster = clusterFromObjects(others);
  const terminated = 'pod' in from ? 'command terminated with exit code 1\n' : '';
  let to: {service: string};
  let servicePort = port;
  if ('pod' in from) {
    const [service, namespace] = host.replace(/\.$/, '').split('.');
    to = {service: `${namespace}/${service}`};
    const lookup = evaluateScenario({cluster, policies, probes: [{from, to: {service: CLUSTER_DNS_SERVICE}, port: 53, protocol: 'UDP', dns: {name: host.replace(/\.$/, '')}}]});
    if (lookup.errors.length > 0 || lookup.results[0].verdict !== 'allowed') {
      return {stdout: '', stderr: `nc: getaddrinfo for host "${host}" port ${port}: Try again\n${terminated}`, code: 1};
    }
  } else {
    const match = Object.values(state.objects ?? {})
      .map((o) => o as {kind?: string; metadata: {name: string; namespace?: string}; spec?: {type?: string; ports?: {port: number}[]}})
      .flatMap((o) => (o.kind === 'Service' && o.spec?.type === 'NodePort' ? (o.spec.ports ?? []).map((p) => ({o, port: p.port})) : []))
      .find((entry) => standinNodePort(entry.port) === port && STANDIN_NODES.some((n) => n.ip === host));
    if (!match) return {stdout: '', stderr: `nc: connect to ${host} port ${port} (tcp) failed: Connection refused\n`, code: 1};
    to = {service: `${match.o.metadata.namespace}/${match.o.metadata.name}`};
    servicePort = match.port;
  }
  const result = evaluateScenario({cluster, policies, probes: [{from, to, port: servicePort, protocol: 'TCP'}]});
  if (result.errors.length > 0) return {stdout: '', stderr: `stand-in: ${result.errors.map((e) => e.message).join('; ')}\n`, code: 1};
  if (result.results[0].verdict === 'allowed') return {stdout: '', stderr: `Connection to ${host} ${port} port [tcp/*] succeeded!\n`, code: 0};
  return {stdout: '', stderr: `nc: connect to ${host} port ${port} (tcp) timed out: Operation now in progress\n${terminated}`, code: 1};
}
