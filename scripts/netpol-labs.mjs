#!/usr/bin/env node
// The `netpol-labs` command (the package's bin). It runs the CLI compiled from src/cli by
// `npm run build:cli` (scripts/build-cli.mjs), which `npm ci` runs as the `prepare` script.
import {existsSync} from 'node:fs';

const compiled = new URL('../dist/netpol-labs.mjs', import.meta.url);
if (!existsSync(compiled)) {
  console.error('netpol-labs: the command is not built yet; run `npm run build:cli` (npm ci does it for you)');
  process.exit(2);
}
const {main} = await import(compiled.href);
const code = await main(process.argv.slice(2));
// Leave as soon as the output is written. Left to end by itself, Node first tears the heap down
// object by object, which took ~50 ms after simulating the 10,000-pod model of `npm run bench`.
// The write callbacks run once stdout and stderr have taken everything written before them
// (pipes are asynchronous on macOS: https://nodejs.org/api/process.html#a-note-on-process-io).
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
