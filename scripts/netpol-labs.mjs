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
process.exitCode = await main(process.argv.slice(2));
