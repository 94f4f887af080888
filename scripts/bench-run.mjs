// `npm run bench`: the speed and size figures of the engine and of `netpol-labs simulate`, each
// printed with its target and whether this run met it. Figures, not tests: the machine is shared.
//
// 1. Builds the CLI (as `npm run build:cli` does) and writes the generated models (scripts/bench.mts).
// 2. Whole process: runs `netpol-labs simulate --json FILE` as fresh processes, from spawn to exit
//    (node start, reading, parsing, validating, compiling, the matrix, printing), with each
//    run's peak memory. Every run of a model must print the same totals, in every format.
// 3. Within one process: where the time goes (read + parse, compile, matrix), and the deathstar
//    recompute the playground does on every edit.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {buildCli} from './build-cli.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Models go to a fresh temporary folder: never into a checkout (worktrees share node_modules).
const dir = mkdtempSync(join(tmpdir(), 'netpol-bench-'));
const command = join(root, 'scripts/netpol-labs.mjs');
const peakRss = join(root, 'scripts/bench-peak-rss.mjs');
const steps = ['--import', 'tsx', join(root, 'scripts/bench.mts')];

/** Whole-process targets: the median time, and for the large model the peak memory. */
const TARGETS = {
  'model-1k.json': {ms: 1000},
  'model-10k.json': {ms: 2000, mb: 256},
};

function node(args, options = {}) {
  const run = spawnSync(process.execPath, args, {encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options});
  if (run.status !== 0) {
    process.stderr.write(run.stderr ?? '');
    throw new Error(`node ${args.join(' ')} exited with ${run.status}`);
  }
  return run;
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const verdict = (met) => (met ? 'met' : 'NOT met');

/** Times `simulate --json FILE` as whole processes and prints the figures; returns the totals printed. */
function wholeProcess(file, runs) {
  const times = [];
  const peaks = [];
  let totals;
  let verdicts = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const run = node(['--import', peakRss, command, 'simulate', '--json', join(dir, file)]);
    times.push(performance.now() - t);
    peaks.push(Number(/peak-rss-kb (\d+)/.exec(run.stderr)[1]) / 1024);
    const matrix = JSON.parse(run.stdout).scenarios[0].matrix;
    const these = matrix.map((m) => `${m.protocol}/${m.port}: ${fmt(m.allowed)} allowed, ${fmt(m.dropped)} dropped`).join('; ');
    if (totals !== undefined && these !== totals) throw new Error(`runs disagree: ${totals} vs ${these}`);
    totals = these;
    verdicts = matrix.reduce((n, m) => n + m.allowed + m.dropped, 0);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const peak = Math.max(...peaks);
  const target = TARGETS[file];
  const judged = [
    target?.ms !== undefined ? `time target <= ${fmt(target.ms)} ms ${verdict(median <= target.ms)}` : undefined,
    target?.mb !== undefined ? `memory target <= ${target.mb} MB ${verdict(peak <= target.mb)}` : undefined,
  ].filter(Boolean);
  console.log(
    `  ${file} (${fmt(statSync(join(dir, file)).size / 1024)} KB, ${fmt(verdicts)} verdicts): median ${fmt(median)} ms over ${runs} runs ` +
      `(best ${fmt(times[0])}, worst ${fmt(times.at(-1))}), ${fmt(verdicts / (median / 1000))} verdicts/s; peak memory ${fmt(peak)} MB` +
      (judged.length ? `; ${judged.join(', ')}` : ''),
  );
  return totals;
}

const started = performance.now();
await buildCli();
console.log(`CLI built in ${fmt(performance.now() - started)} ms (not counted)`);
node([...steps, 'write', dir], {stdio: 'inherit'});

console.log('whole process: `netpol-labs simulate --json FILE`, from spawn to exit');
const json = wholeProcess('model-1k.json', 9);
const yaml = wholeProcess('model-1k.yaml', 3);
if (json !== yaml) throw new Error(`the JSON and YAML files disagree: ${json} vs ${yaml}`);
console.log(`    totals: ${json}`);
console.log(`    totals: ${wholeProcess('model-10k.json', 5)}`);
console.log('within one process:');
for (const file of ['model-1k.json', 'model-10k.json']) node([...steps, 'phases', join(dir, file)], {stdio: 'inherit'});
node([...steps, 'deathstar'], {stdio: 'inherit'});
rmSync(dir, {recursive: true, force: true});
