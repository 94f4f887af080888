// The benchmark's measuring steps, run by scripts/bench-run.mjs through tsx, one fresh node
// process per step:
//   write DIR       writes the generated models as scenario files: DIR/model-1k.json and
//                   DIR/model-1k.yaml (1,000 pods, 50 namespaces, 500 mixed policies, a matrix on
//                   two ports), and DIR/model-10k.json (10,000 pods, 100 namespaces, 5,000 policies)
//   phases FILE     where the time goes when one process reads FILE: read + parse, compile,
//                   matrix, with the verdict rates of the matrix alone and of compile + matrix
//   deathstar       the time to recompute the deathstar lab as the playground does on an edit
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {stringify} from 'yaml';
import {clusterFromObjects, compile, evaluateMatrix, evaluateScenario, formatError, parsePolicyDocuments, parseScenario, type Probe} from '../src/policy/index';
import {BENCH_SIZE, benchModel, LARGE_SIZE} from './bench-model';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
/** Verdicts per second of compile + matrix within one process. */
const COMPILE_MATRIX_TARGET = 10_000_000;
/** The deathstar recompute's median, in ms. */
const RECOMPUTE_TARGET_MS = 5;

function write(dir: string): void {
  for (const [name, size, formats] of [['model-1k', BENCH_SIZE, ['json', 'yaml']], ['model-10k', LARGE_SIZE, ['json']]] as const) {
    const model = benchModel(size);
    // JSON as a program writes it (indented, as kubectl -o json does); YAML as a person would.
    const texts = {json: `${JSON.stringify(model, null, 2)}\n`, yaml: stringify(model)};
    const sizes = formats.map((f) => {
      writeFileSync(join(dir, `${name}.${f}`), texts[f]);
      return `${name}.${f} ${fmt(texts[f].length / 1024)} KB`;
    });
    console.log(`${name}: ${model.cluster.pods.length} pods, ${model.cluster.namespaces.length} namespaces, ${model.policies.length} policies; ${sizes.join(', ')}`);
  }
}

function phases(file: string): void {
  const t0 = performance.now();
  const {scenario, errors} = parseScenario(readFileSync(file, 'utf8'), file);
  if (!scenario || errors.length > 0) throw new Error(`the bench model does not parse: ${errors.map(formatError).join('\n')}`);
  const t1 = performance.now();
  const model = compile({cluster: scenario.cluster, policies: scenario.policies});
  const t2 = performance.now();
  const matrix = evaluateMatrix(model, scenario.matrix!.ports);
  const t3 = performance.now();
  const verdicts = matrix.reduce((n, m) => n + m.allowed + m.dropped, 0);
  const rate = verdicts / ((t3 - t1) / 1000);
  const ms = (a: number, b: number) => `${(b - a).toFixed(0)} ms`;
  console.log(
    `  ${file.split('/').pop()}: read + parse ${ms(t0, t1)}, compile ${ms(t1, t2)} (${model.rules.length} rules), matrix ${ms(t2, t3)}; ` +
      `matrix alone ${fmt(verdicts / ((t3 - t2) / 1000))} verdicts/s, compile + matrix ${fmt(rate)} verdicts/s: target ${fmt(COMPILE_MATRIX_TARGET)} ${rate >= COMPILE_MATRIX_TARGET ? 'met' : 'NOT met'}`,
  );
}

function deathstar(): void {
  const lab = join(import.meta.dirname, '../labs/deathstar');
  // The playground holds the texts in memory (the editor's), so they are read once, outside the timing.
  const texts = new Map(['app.yaml', 'deathstar-allow-empire.yaml', 'rule1-l7.yaml'].map((f) => [f, readFileSync(join(lab, f), 'utf8')]));
  const read = (f: string) => texts.get(f)!;
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
  console.log(
    `deathstar recompute (parse + compile + 6 probes), ${RUNS} runs after ${WARMUP} warm-up: median ${quantile(0.5).toFixed(2)} ms, p95 ${quantile(0.95).toFixed(2)} ms: target < ${RECOMPUTE_TARGET_MS} ms ${quantile(0.5) < RECOMPUTE_TARGET_MS ? 'met' : 'NOT met'}`,
  );
}

const [step, arg] = process.argv.slice(2);
if (step === 'write' && arg) write(arg);
else if (step === 'phases' && arg) phases(arg);
else if (step === 'deathstar') deathstar();
else {
  console.error('usage: bench.mjs write DIR | phases FILE | deathstar');
  process.exit(2);
}
