// The benchmark's measuring steps, run by scripts/bench-run.mjs as a bundled plain-JS file (no
// TypeScript loader at run time), one fresh node process per step:
//   write DIR       writes the issue 3 model (1,000 pods, 50 namespaces, 500 mixed policies, a
//                   matrix on two ports) as the scenario files DIR/model.json and DIR/model.yaml
//   phases FILE     where the time goes when one process reads FILE: node start, read + parse,
//                   compile, matrix, with the verdict rates of the matrix alone and of compile +
//                   matrix
//   deathstar       the time to recompute the deathstar lab as the playground does on an edit
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {stringify} from 'yaml';
import {clusterFromObjects, compile, evaluateMatrix, evaluateScenario, formatError, parsePolicyDocuments, parseScenario, type Probe} from '../src/policy/index';
import {benchModel} from './bench-model';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function write(dir: string): void {
  const model = benchModel();
  // JSON as a program writes it (indented, as kubectl -o json does); YAML as a person would.
  const json = `${JSON.stringify(model, null, 2)}\n`;
  const yaml = stringify(model);
  writeFileSync(join(dir, 'model.json'), json);
  writeFileSync(join(dir, 'model.yaml'), yaml);
  console.log(`model: ${model.cluster.pods.length} pods, ${model.cluster.namespaces.length} namespaces, ${model.policies.length} policies; model.json ${fmt(json.length / 1024)} KB, model.yaml ${fmt(yaml.length / 1024)} KB`);
}

function phases(file: string): void {
  const startup = process.uptime();
  const t0 = performance.now();
  const {scenario, errors} = parseScenario(readFileSync(file, 'utf8'), file);
  if (!scenario || errors.length > 0) throw new Error(`the bench model does not parse: ${errors.map(formatError).join('\n')}`);
  const t1 = performance.now();
  const model = compile({cluster: scenario.cluster, policies: scenario.policies});
  const t2 = performance.now();
  const matrix = evaluateMatrix(model, scenario.matrix!.ports);
  const t3 = performance.now();
  const verdicts = matrix.reduce((n, m) => n + m.allowed + m.dropped + m['l7-denied'], 0);
  const ms = (a: number, b: number) => `${(b - a).toFixed(0)} ms`;
  console.log(
    `  ${file.split('/').pop()}: node start + module load ${(startup * 1000).toFixed(0)} ms, read + parse ${ms(t0, t1)}, compile ${ms(t1, t2)} (${model.rules.length} rules), matrix ${ms(t2, t3)}; ` +
      `matrix alone ${fmt(verdicts / ((t3 - t2) / 1000))} verdicts/s, compile + matrix ${fmt(verdicts / ((t3 - t1) / 1000))} verdicts/s`,
  );
}

function deathstar(): void {
  // The repository's labs/deathstar, looked up from this file (scripts/, or the bundle's cache dir).
  let lab = join(import.meta.dirname ?? '.', '../labs/deathstar');
  for (let dir = import.meta.dirname ?? '.'; !existsSync(lab) && dirname(dir) !== dir; dir = dirname(dir)) lab = join(dirname(dir), 'labs/deathstar');
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
    `deathstar recompute (parse + compile + 6 probes), ${RUNS} runs after ${WARMUP} warm-up: median ${quantile(0.5).toFixed(2)} ms, p95 ${quantile(0.95).toFixed(2)} ms (target < 5 ms)`,
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
