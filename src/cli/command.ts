/**
 * The command-line layer every `netpol-labs` command is written in: a command declares its
 * options once (for `node:util` parseArgs and for its --help text), and `runCli` parses argv,
 * answers --help, turns a usage mistake into one line plus the usage (exit code 2), and
 * otherwise calls the command with typed values. A command returns its exit code.
 */
import {parseArgs} from 'node:util';
import type {Output} from '../runner/output';

/** One option: its parseArgs type, and its line in --help. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** What the value looks like in help (`NAME`, `kind|sim|context`); string options only. */
  value?: string;
  /** The help text; further strings are continuation lines. */
  help: string | string[];
}

/** Values of a command's options as parseArgs gives them. */
export type OptionValues = Record<string, string | boolean | undefined>;

/** Where commands write, and what they may read from their surroundings; tests pass their own. */
export interface CliDeps {
  /** Lines for the record (stdout). */
  out: Output;
  /** The same on stderr, for commands whose stdout carries a JSON document (`run --json`). */
  errOut: Output;
  /** Raw text to stdout and stderr (simulate's JSON, error lists). */
  stdout(text: string): void;
  stderr(text: string): void;
  /** Reads a text file (simulate's scenario files). */
  readFile(path: string): string;
  env: NodeJS.ProcessEnv;
  /**
   * The repository root (where labs/ is); when not given, the commands that read labs find it
   * from the working directory (rootOf in ./lab-commands.ts).
   */
  root?: string;
}

/** A command of the `netpol-labs` CLI. */
export interface Command {
  name: string;
  /** One line for the list of commands. */
  summary: string;
  /** `netpol-labs run LAB [--target ...]`. */
  usage: string;
  /** What it does, for --help. */
  about: string;
  options: Record<string, OptionSpec>;
  /** How many positional arguments it takes, and what to say when they are wrong. */
  positionals: {min: number; max: number; missing?: string; name: string};
  /** Extra text after the options in --help (exit codes, examples). */
  epilogue?: string;
  /** Runs the command; resolves to the exit code. */
  run(values: OptionValues, positionals: string[], deps: CliDeps): Promise<number>;
}

/** A usage mistake: `netpol-labs CMD: message`, then the usage line. Exit code 2. */
export class UsageError extends Error {}

const HELP_OPTION: OptionSpec = {type: 'boolean', short: 'h', help: 'show this help'};

/** The --help text of a command. */
export function helpText(command: Command): string {
  const options = Object.entries({...command.options, help: HELP_OPTION}).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.value ? ` ${spec.value}` : ''}`;
    return {flag, help: Array.isArray(spec.help) ? spec.help : [spec.help]};
  });
  const width = Math.max(...options.map((o) => o.flag.length)) + 2;
  const lines = options.flatMap((o) => o.help.map((h, i) => `  ${(i === 0 ? o.flag : '').padEnd(width)}${h}`));
  return [`usage: ${command.usage}`, '', command.about, '', 'options:', ...lines, ...(command.epilogue ? ['', command.epilogue] : [])].join('\n');
}

/** Parses argv for `command` and runs it; resolves to the exit code. */
export async function runCli(command: Command, argv: string[], deps: CliDeps): Promise<number> {
  const usageError = (message: string) => {
    deps.stderr(`netpol-labs ${command.name}: ${message}\nusage: ${command.usage}  (see --help)\n`);
    return 2;
  };
  let values: OptionValues;
  let positionals: string[];
  try {
    const options = Object.fromEntries(Object.entries({...command.options, help: HELP_OPTION}).map(([name, o]) => [name, {type: o.type, ...(o.short ? {short: o.short} : {})}]));
    ({values, positionals} = parseArgs({args: argv, options, allowPositionals: true, strict: true}) as {values: OptionValues; positionals: string[]});
  } catch (error) {
    // parseArgs explains an unknown option or a missing value in its first sentence; keep that.
    return usageError((error instanceof Error ? error.message : String(error)).split('\n')[0].replace(/\. To specify a positional argument.*$/, ''));
  }
  if (values.help) {
    deps.stdout(`${helpText(command)}\n`);
    return 0;
  }
  const {min, max, missing, name} = command.positionals;
  if (positionals.length < min) return usageError(missing ?? `missing ${name}`);
  if (positionals.length > max) {
    return usageError(max === 0 ? `unexpected argument "${positionals[0]}"` : `one ${name} at a time (got ${positionals.join(', ')})`);
  }
  try {
    return await command.run(values, positionals, deps);
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message);
    throw error;
  }
}
