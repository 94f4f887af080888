// `npm run bench`: the engine's speed on the issue 3 model (1,000 pods, 50 namespaces, 500
// mixed policies, full matrix on two ports) and the time to recompute the deathstar lab.
// Verdicts per second are reported for the whole process (from process start, parsing and
// compiling included) and for the matrix alone. scripts/bench-run.mjs bundles this file and runs
// it as plain JS (no TypeScript loader at run time); `tsx scripts/bench.mts` runs it as well.
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {clusterFromObjects, compile, evaluateMatrix, evaluateScenario, parsePolicyDocuments, type Probe} from '../src/policy/index';
import {benchModel} from '../src/policy/bench-model';

const startup = process.uptime();
const t0 = performance.now();
const {cluster, policyYaml} = benchModel();
const parsed = parsePolicyDocuments(policyYaml, 'bench-policies.yaml');
if (parsed.errors.length > 0) throw new Error(`bench model does not parse: ${parsed.errors[0].message}`);
const t1 = performance.now();
const model = compile({cluster, policies: parsed.policies});
const t2 = performance.now();
const matrix = evaluateMatrix(model, [{port: 80, protocol: 'TCP'}, {port: 9090, protocol: 'TCP'}]);
const t3 = performance.now();
const verdicts = matrix.reduce((n, m) => n + m.allowed + m.dropped + m['l7-denied'], 0);
const wholeSeconds = process.uptime();

// The repository's labs/deathstar, looked up from this file (scripts/, or the bundle's cache dir).
let lab = join(import.meta.dirname ?? '.', '../labs/deathstar');
for (let dir = import.meta.dirname ?? '.'; !existsSync(lab) && dirname(dir) !== dir; dir = dirname(dir)) lab = join(dirname(dir), 'labs/deathstar');
const read = (f: string) => readFileSync(join(lab, f), 'utf8');
const probes: Probe[] = (['tiefighter', 'xwing'] as const).flatMap((ship) =>
  [['POST', '/v1/request-landing'], ['PUT', '/v1/exhaust-port'], ['GET', '/v1']].map(([method, path]) => ({
    from: {pod: `star-wars/${ship}`},
    to: {service: 'star-wars/deathstar'},
    port: 80,
    http: {method, path, host: 'deathstar.star-wars.svc.cluster.local'},
  })),
);
// A recompute as the playground does it on an edit: parse app and policies, compile, evaluate.
const recompute = () => {
  const app = parsePolicyDocuments(read('app.yaml'), 'app.yaml');
  const policies = ['deathstar-allow-empire.yaml', 'rule1-l7.yaml'].flatMap((f) => parsePolicyDocuments(read(f), f).policies);
  return evaluateScenario({cluster: clusterFromObjects(app.others), policies, probes});
};
const WARMUP = 100;
const RUNS = 1000;
for (let i = 0; i < WARMUP; i++) recompute();
const times: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const s = performance.now();
  recompute();
  times.push(performance.now() - s);
}
times.sort((a, b) => a - b);
const quantile = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`model: ${cluster.pods.length} pods, ${cluster.namespaces.length} namespaces, ${parsed.policies.length} policies (${model.rules.length} rules)`);
console.log(
  `node start + module load ${(startup * 1000).toFixed(0)} ms, generate + parse ${(t1 - t0).toFixed(0)} ms, compile ${(t2 - t1).toFixed(0)} ms, matrix ${(t3 - t2).toFixed(0)} ms on 2 ports`,
);
console.log(`verdicts: ${fmt(verdicts)} (${matrix.map((m) => `${m.protocol}/${m.port}: ${m.allowed} allowed, ${m.dropped} dropped`).join('; ')})`);
console.log(`matrix only: ${fmt(verdicts / ((t3 - t2) / 1000))} verdicts/s`);
console.log(`compile + matrix (policies already parsed): ${fmt(verdicts / ((t3 - t1) / 1000))} verdicts/s`);
console.log(
  `whole process: ${fmt(verdicts / wholeSeconds)} verdicts/s (${(wholeSeconds * 1000).toFixed(0)} ms from process start to the last verdict; target >= 5,000,000)` +
    (process.env.NETPOL_BENCH_BUILD_MS ? `\n  (run as a bundled JS file; bundling it took ${process.env.NETPOL_BENCH_BUILD_MS} ms before, a build step not counted)` : ''),
);
console.log(
  `deathstar recompute (parse + compile + 6 probes), ${RUNS} runs after ${WARMUP} warm-up: median ${quantile(0.5).toFixed(2)} ms, p95 ${quantile(0.95).toFixed(2)} ms (target < 5 ms)`,
);
