// `npm run bench`: the engine's speed (issue 3 "Speed").
//
// 1. Bundles the measuring steps of scripts/bench.mts (a build step, reported, not counted).
// 2. Writes the generated model (1,000 pods in 50 namespaces, 500 mixed policies, a matrix on two
//    ports: 1,998,000 verdicts) as a JSON and a YAML scenario file, and runs simulate on it once:
//    as after any edit, that run builds simulate's bundle and V8 code cache
//    (scripts/bundled-entry.mjs); it is reported, not counted.
// 3. Whole process: runs `netpol-labs simulate --json FILE` on each file as a fresh process,
//    several times, and times each from spawn to exit (node start, reading, parsing, validating,
//    compiling, the matrix, printing). Checks that every run gives the same totals, in both formats.
// 4. Where the time goes within one process, and the deathstar recompute.
// Extra arguments go to every timed node process (e.g. `npm run bench -- --max-semi-space-size=32`).
import {spawnSync} from 'node:child_process';
import {mkdirSync, statSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import {BUNDLE_OPTIONS, dropCodeCache} from './bundled-entry.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'node_modules/.cache/netpol-bench');
mkdirSync(outdir, {recursive: true});
const nodeArgs = process.argv.slice(2);
const TARGET = 5_000_000;
const command = join(root, 'scripts/netpol-labs.mjs');
const steps = join(outdir, 'bench.mjs');

function node(args, options = {}) {
  const run = spawnSync(process.execPath, [...nodeArgs, ...args], {encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options});
  if (run.status !== 0) {
    process.stderr.write(run.stderr ?? '');
    throw new Error(`node ${args.join(' ')} exited with ${run.status}`);
  }
  return run;
}

const started = performance.now();
await build({
  ...BUNDLE_OPTIONS,
  format: 'esm',
  // The yaml package is CommonJS and requires node built-ins.
  banner: {js: "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);"},
  entryPoints: [join(root, 'scripts/bench.mts')],
  outfile: steps,
});
console.log(`bench steps bundled in ${(performance.now() - started).toFixed(0)} ms (not counted)`);
node([steps, 'write', outdir], {stdio: 'inherit'});

// The first run after an edit builds simulate's bundle and saves V8's code cache, as a user's
// first run does; it is reported, and the runs timed below are the ones after it. The cache is
// dropped first, so that it holds what a run on this model compiles, whatever ran before.
dropCodeCache('scripts/simulate.mts');
const firstStarted = performance.now();
node([command, 'simulate', '--json', join(outdir, 'model.json')]);
console.log(`first run of simulate on model.json (builds its bundle and code cache when missing or stale): ${(performance.now() - firstStarted).toFixed(0)} ms, not counted`);

const fmt = (n) => Math.round(n).toLocaleString('en-US');
/** Times `simulate --json FILE` as whole processes, prints the figures; returns the totals it printed and the verdict count. */
function wholeProcess(file, runs) {
  const times = [];
  let totals;
  let verdicts = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const run = node([command, 'simulate', '--json', file]);
    times.push(performance.now() - t);
    const matrix = JSON.parse(run.stdout).scenarios[0].matrix;
    const these = matrix.map((m) => `${m.protocol}/${m.port}: ${m.allowed} allowed, ${m.dropped} dropped, ${m['l7-denied']} l7-denied`).join('; ');
    if (totals !== undefined && these !== totals) throw new Error(`runs disagree: ${totals} vs ${these}`);
    totals = these;
    verdicts = matrix.reduce((n, m) => n + m.allowed + m.dropped + m['l7-denied'], 0);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const kb = fmt(statSync(file).size / 1024);
  const rate = verdicts / (median / 1000);
  console.log(
    `  ${file.split('/').pop()} (${kb} KB): median ${median.toFixed(0)} ms over ${runs} runs (best ${times[0].toFixed(0)}, worst ${times.at(-1).toFixed(0)}), ` +
      `${fmt(rate)} verdicts/s at the median${file.endsWith('.json') ? `: target ${rate >= TARGET ? 'met' : 'NOT met'}` : ''}`,
  );
  return {totals, verdicts};
}

console.log(`whole process: \`netpol-labs simulate --json FILE\` from spawn to exit (target >= ${fmt(TARGET)} verdicts/s)`);
const json = wholeProcess(join(outdir, 'model.json'), 9);
const yaml = wholeProcess(join(outdir, 'model.yaml'), 3);
if (json.totals !== yaml.totals) throw new Error(`the JSON and YAML files disagree: ${json.totals} vs ${yaml.totals}`);
console.log(`  verdicts: ${fmt(json.verdicts)} (${json.totals})`);
console.log('within one process:');
node([steps, 'phases', join(outdir, 'model.json')], {stdio: 'inherit'});
node([steps, 'phases', join(outdir, 'model.yaml')], {stdio: 'inherit'});
node([steps, 'deathstar'], {stdio: 'inherit'});
