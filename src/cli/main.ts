/**
 * The `netpol-labs` command: finds the command named by the first argument and runs it through
 * the one command-line layer (./command.ts). scripts/netpol-labs.mjs calls `main` with argv.
 */
import {readFileSync} from 'node:fs';
import {consoleOutput} from '../runner/output';
import {findRoot} from '../runner/commands';
import {runCli, type CliDeps, type Command} from './command';
import {check} from './check';
import {exportCommand} from './export';
import {LAB_COMMANDS} from './lab-commands';
import {simulate} from './simulate';

/** Every command, in the order `netpol-labs --help` lists them. */
export const COMMANDS: readonly Command[] = [simulate, ...LAB_COMMANDS, check, exportCommand];

/** The top-level usage: every command with its one-line summary. */
export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `usage: netpol-labs COMMAND [options]\n\ncommands:\n${lines.join('\n')}\n\nRun "netpol-labs COMMAND --help" for a command's options.`;
}

/** What a real process gives the commands. */
function processDeps(): CliDeps {
  return {
    out: consoleOutput(),
    errOut: consoleOutput(process.stderr, process.stderr),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readFile: (path) => readFileSync(path, 'utf8'),
    env: process.env,
    root: findRoot(),
  };
}

/** Runs `netpol-labs ARGV...`; resolves to the exit code. Tests replace any of the deps. */
export async function main(argv: string[], deps: Partial<CliDeps> = {}): Promise<number> {
  const all: CliDeps = {...processDeps(), ...deps};
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? all.stderr : all.stdout)(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    all.stderr(`netpol-labs: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  return runCli(command, rest, all);
}
