// Entry point of `netpol-labs up|down|status|run|verify|reset`: parse argv, call src/runner, return
// the exit code. scripts/netpol-labs.mjs calls main([command, ...args]). The logic lives in
// src/runner; this file only knows flags.
import {dirname, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs, type ParseArgsConfig} from 'node:util';
import type {Target} from '../src/runner/context-guard';
import type {CommandContext} from '../src/runner/commands';
import type {Output} from '../src/runner/output';
import type {StepPauser} from '../src/runner/prompt';

// scripts/netpol-labs.mjs registers tsx's ESM and CommonJS hooks before importing this file.
const {CILIUM_VERSION, KIND_CONTEXT} = await import('../src/runner/constants');
const {TARGETS} = await import('../src/runner/context-guard');
const {downCommand, resetCommand, runCommand, statusCommand, upCommand} = await import('../src/runner/commands');
const {consoleOutput} = await import('../src/runner/output');
const {killRunning} = await import('../src/runner/exec');
const {stdinPauser} = await import('../src/runner/prompt');

/** The repository root, from this file's place in it (scripts/). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

type Options = NonNullable<ParseArgsConfig['options']>;

interface Spec {
  usage: string;
  about: string;
  options: Options;
  /** Lines describing each option. */
  help: string[];
  positionals: 0 | 1;
}

const TARGET_HELP = `--target kind|sim|context  kind: the local kind cluster (context ${KIND_CONTEXT}, the default); sim: the policy engine, no cluster (SIMULATED); context: an existing cluster with Cilium, named with --context`;
const CONTEXT_HELP = '--context NAME             the kubeconfig context for --target context (never implied)';
const HUBBLE_HELP = [
  '--hubble                   attach Hubble flows as evidence, read with kubectl exec into every cilium-agent pod in',
  '                           kube-system. Always on for --target kind (the runner\'s own cluster); off for --target context',
  '                           unless given, so on a cluster you named the runner works only in the lab\'s namespace',
];
const DRY_HELP = '--dry-run                  print every command it would run, in order, and run none';

const SPECS: Record<string, Spec> = {
  up: {
    usage: 'netpol-labs up [--cilium-version V] [--workers N] [--preload] [--dry-run]',
    about: `Create (or reuse) the kind cluster netpol-labs without its default CNI, install Cilium ${CILIUM_VERSION} with Hubble, and wait for the agent, the operator and cilium-envoy.`,
    options: {'cilium-version': {type: 'string'}, workers: {type: 'string'}, preload: {type: 'boolean'}, 'dry-run': {type: 'boolean'}, help: {type: 'boolean', short: 'h'}},
    help: [`--cilium-version V         Cilium version to install (default ${CILIUM_VERSION})`, '--workers N                worker nodes besides the control plane (default 1)', '--preload                  pull every image once and load it into the nodes with kind load', DRY_HELP],
    positionals: 0,
  },
  down: {
    usage: 'netpol-labs down [--dry-run]',
    about: 'Delete the kind cluster netpol-labs, and nothing else.',
    options: {'dry-run': {type: 'boolean'}, help: {type: 'boolean', short: 'h'}},
    help: [DRY_HELP],
    positionals: 0,
  },
  status: {
    usage: 'netpol-labs status',
    about: 'Say which tools are installed, whether the cluster exists, and what is ready.',
    options: {help: {type: 'boolean', short: 'h'}},
    help: [],
    positionals: 0,
  },
  run: {
    usage: 'netpol-labs run LAB [--target kind|sim|context] [--context NAME] [--hubble] [--step ID] [--interactive] [--dry-run] [--json]',
    about: "Play one lab: deploy its app, then for each step put exactly the step's policies in force, run the probes and compare every outcome with the expectation.",
    options: {
      target: {type: 'string'}, context: {type: 'string'}, hubble: {type: 'boolean'}, step: {type: 'string'}, interactive: {type: 'boolean'},
      'dry-run': {type: 'boolean'}, json: {type: 'boolean'}, help: {type: 'boolean', short: 'h'},
    },
    help: [TARGET_HELP, CONTEXT_HELP, ...HUBBLE_HELP, '--step ID                  run only this step (its policy set is complete on its own)', '--interactive              pause before each step, show its policies and wait for Enter (workshops; any target).',
      '                           Enter is read from stdin; when stdin ends or is closed (Ctrl-D, a piped script, CI)',
      '                           the run says so and plays the remaining steps without pausing. Ignored with --dry-run', DRY_HELP, '--json                     print the report as JSON on stdout (the table goes to stderr)'],
    positionals: 1,
  },
  verify: {
    usage: 'netpol-labs verify [--target kind|sim|context] [--context NAME] [--hubble] [--junit FILE] [--json FILE] [--dry-run]',
    about: 'Run every lab and check every probe; exit 0 only when every expectation held.',
    options: {target: {type: 'string'}, context: {type: 'string'}, hubble: {type: 'boolean'}, junit: {type: 'string'}, json: {type: 'string'}, 'dry-run': {type: 'boolean'}, help: {type: 'boolean', short: 'h'}},
    help: [TARGET_HELP, CONTEXT_HELP, ...HUBBLE_HELP, '--junit FILE               write a JUnit report (one testcase per probe)', '--json FILE                write the JSON report', DRY_HELP],
    positionals: 0,
  },
  reset: {
    usage: 'netpol-labs reset LAB [--target kind|context] [--context NAME] [--dry-run]',
    about: "Remove the lab's policies and its app (the namespace the runner created).",
    options: {target: {type: 'string'}, context: {type: 'string'}, 'dry-run': {type: 'boolean'}, help: {type: 'boolean', short: 'h'}},
    help: [TARGET_HELP.replace('kind|sim|context', 'kind|context   ').replace(/; sim: [^;]*;/, ';'), CONTEXT_HELP, DRY_HELP],
    positionals: 1,
  },
};

function helpText(command: string): string {
  const spec = SPECS[command];
  const options = [...spec.help, '--help                     show this help'].map((l) => `  ${l}`).join('\n');
  return `usage: ${spec.usage}\n\n${spec.about}\n\noptions:\n${options}`;
}

/** A usage error: one line, then the command's usage. Exit code 2. */
function usageError(out: Output, command: string, message: string): number {
  out.line(`netpol-labs ${command}: ${message}`);
  out.line(`usage: ${SPECS[command]?.usage ?? 'netpol-labs COMMAND [options]'}  (see --help)`);
  return 2;
}

/** Dependencies the tests replace. */
export interface MainDeps {
  out?: Output;
  env?: NodeJS.ProcessEnv;
  root?: string;
}

/** Parses argv (`[command, ...args]`) and runs the command; resolves to the exit code. */
export async function main(argv: string[], deps: MainDeps = {}): Promise<number> {
  const [command, ...rest] = argv;
  const jsonToStdout = command === 'run' && rest.includes('--json');
  // With run --json, stdout carries only the JSON report; the human table goes to stderr.
  const out = deps.out ?? (jsonToStdout ? consoleOutput(process.stderr, process.stderr) : consoleOutput());
  const spec = command ? SPECS[command] : undefined;
  if (!spec) return usageError(out, command ?? '', `unknown command "${command ?? ''}"; expected one of ${Object.keys(SPECS).join(', ')}`);

  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({values, positionals} = parseArgs({args: rest, options: spec.options, allowPositionals: true, strict: true}) as {
      values: Record<string, string | boolean | undefined>;
      positionals: string[];
    });
  } catch (error) {
    // parseArgs explains unknown options and missing values in one sentence; keep only that.
    return usageError(out, command, (error instanceof Error ? error.message : String(error)).split('\n')[0].replace(/\. To specify a positional argument.*$/, ''));
  }
  if (values.help) {
    out.line(helpText(command));
    return 0;
  }
  if (positionals.length !== spec.positionals) {
    return usageError(out, command, spec.positionals === 1 ? (positionals.length === 0 ? 'which lab? give its id, e.g. deathstar' : `one lab at a time (got ${positionals.join(', ')})`) : `unexpected argument "${positionals[0]}"`);
  }
  const target = (values.target as string | undefined) ?? 'kind';
  if (!(TARGETS as readonly string[]).includes(target)) return usageError(out, command, `unknown --target "${target}"; expected kind, sim or context`);

  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) {
      // A second Ctrl-C: leave at once, but not leave children behind (their timeouts die with us).
      killRunning('SIGKILL');
      out.line('Ctrl-C again: quitting now, without cleaning up; the next run starts by removing the policies this one left');
      process.exit(130);
    }
    out.line('\nCtrl-C: interrupted; stopping the running commands (press again to quit immediately)');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  // --interactive reads Enter from stdin (see src/runner/prompt.ts); created only when asked for,
  // so no other command ever reads stdin.
  let pauser: StepPauser | undefined;
  const pause = (prompt: string) => (pauser ??= stdinPauser(process.stdin, process.stderr, controller.signal)).pause(prompt);
  const ctx: CommandContext = {out, env: deps.env ?? process.env, dryRun: values['dry-run'] === true, signal: controller.signal, root: deps.root ?? ROOT, pause};
  try {
    switch (command) {
      case 'up': {
        const workers = values.workers === undefined ? 1 : Number(values.workers);
        if (!Number.isInteger(workers) || workers < 0 || workers > 5) return usageError(out, command, `--workers must be a whole number from 0 to 5 (got "${values.workers}")`);
        const version = values['cilium-version'] as string | undefined;
        if (version !== undefined && !/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/.test(version)) {
          return usageError(out, command, `--cilium-version must look like ${CILIUM_VERSION} (got "${version}")`);
        }
        return await upCommand({ciliumVersion: version?.replace(/^v/, ''), workers, preload: values.preload === true}, ctx);
      }
      case 'down':
        return await downCommand(ctx);
      case 'status':
        return await statusCommand(ctx);
      case 'run':
        return await runCommand([positionals[0]], {target: target as Target, context: values.context as string | undefined, hubble: values.hubble === true, step: values.step as string | undefined, interactive: values.interactive === true, json: values.json === true}, ctx);
      case 'verify':
        return await runCommand('all', {target: target as Target, context: values.context as string | undefined, hubble: values.hubble === true, junit: values.junit as string | undefined, jsonFile: values.json as string | undefined}, ctx);
      case 'reset':
        return await resetCommand(positionals[0], {target: target as Target, context: values.context as string | undefined}, ctx);
      default:
        return usageError(out, command, 'unknown command');
    }
  } finally {
    pauser?.close();
    process.off('SIGINT', onSigint);
  }
}
