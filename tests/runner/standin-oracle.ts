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
  const {status, body} = starwars(method, url.pathname);
  return {stdout: `${body}${marker(status, '0.004412')}`, stderr: '', code: 0};
}
