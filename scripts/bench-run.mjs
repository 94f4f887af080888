// `npm run bench`: bundles scripts/bench.mts into plain JS (a build step, timed and reported but
// not counted) and runs it in a fresh node process, so the benchmark's "whole process" figure is
// node start to last verdict without a TypeScript loader. Extra arguments go to node.
import {spawnSync} from 'node:child_process';
import {mkdirSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'node_modules/.cache/netpol-bench');
mkdirSync(outdir, {recursive: true});
const outfile = join(outdir, 'bench.mjs');
const started = performance.now();
await build({
  entryPoints: [join(root, 'scripts/bench.mts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  // The yaml package is CommonJS and requires node built-ins.
  banner: {js: "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);"},
});
const buildMs = (performance.now() - started).toFixed(0);
const run = spawnSync(process.execPath, [...process.argv.slice(2), outfile], {stdio: 'inherit', env: {...process.env, NETPOL_BENCH_BUILD_MS: buildMs}});
process.exit(run.status ?? 1);
