#!/usr/bin/env node
// The `netpol-labs` command. A thin dispatcher: the TypeScript entry points in scripts/ are run
// through tsx so that `npx netpol-labs ...` works straight from a checkout with no build step.
// `simulate` runs from a bundle instead (scripts/bundled-entry.mjs), built on first use and after
// any edit: its runs are short, and tsx's per-module loading was about half of each.
import {importBundled} from './bundled-entry.mjs';

/** Each command's entry module exports `main(argv: string[]): Promise<number>`. */
const COMMANDS = {
  simulate: {module: './simulate.mts', bundle: 'scripts/simulate.mts', summary: 'predict probe verdicts for scenario files, without a cluster'},
  up: {module: './runner.mts', summary: 'create (or reuse) the kind cluster netpol-labs with Cilium and Hubble'},
  down: {module: './runner.mts', summary: 'delete the kind cluster netpol-labs (and nothing else)'},
  status: {module: './runner.mts', summary: 'say what exists and what is ready'},
  run: {module: './runner.mts', summary: 'play one lab step by step and check every probe'},
  verify: {module: './runner.mts', summary: 'run every lab and write JUnit and JSON reports'},
  reset: {module: './runner.mts', summary: "remove a lab's policies and app"},
};

function usage() {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: netpol-labs COMMAND [options]\n\ncommands:\n${lines.join('\n')}\n\nRun "netpol-labs COMMAND --help" for a command's options.`;
}

const [command, ...rest] = process.argv.slice(2);
if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
  console.log(usage());
  process.exit(command === undefined ? 2 : 0);
}
const entry = COMMANDS[command];
if (!entry) {
  console.error(`netpol-labs: unknown command "${command}"\n\n${usage()}`);
  process.exit(2);
}
const loaded = (entry.bundle && (await importBundled(entry.bundle))) || (await importWithTsx(entry.module));
// simulate takes only its own arguments; the runner's entry also needs to know which command ran.
const argv = entry.module === './runner.mts' ? [command, ...rest] : rest;
process.exitCode = await loaded.main(argv);
loaded.saveCodeCache?.();

/** Imports a TypeScript entry through tsx's loader hooks. */
async function importWithTsx(module) {
  const [{register: registerEsm}, {register: registerCommonJs}] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
  // Both hooks: the entries are ES modules (.mts), but the package is not "type": "module" (the
  // site's build needs that), so the src/**/*.ts files they import load as CommonJS.
  registerEsm();
  registerCommonJs();
  return import(module);
}
