/**
 * The `netpol-labs` command: finds the command named by the first argument and runs it through
 * the one command-line layer (./command.ts). scripts/netpol-labs.mjs calls `main` with argv.
 */
import {readFileSync} from 'node:fs';
import {consoleOutput} from '../runner/output';
import {runCli, type CliDeps, type Command} from './command';

/**
 * The modules of the commands, in the order `netpol-labs --help` lists them, each with the names
 * of its commands. A module is loaded only when one of its commands runs: `simulate` then starts
 * without the runner, the lab schema (zod) and esbuild, which it does not use and which took
 * about a third of its start-up (scripts/build-cli.mjs puts each in its own chunk).
 */
export const COMMAND_MODULES: readonly {names: readonly string[]; load: () => Promise<readonly Command[]>}[] = [
  {names: ['simulate'], load: async () => [(await import('./simulate')).simulate]},
  {names: ['up', 'down', 'status', 'run', 'verify', 'reset'], load: async () => (await import('./lab-commands')).LAB_COMMANDS},
  {names: ['check'], load: async () => [(await import('./check')).check]},
  {names: ['export'], load: async () => [(await import('./export')).exportCommand]},
];

/** Every command, in the order `netpol-labs --help` lists them (loads every command's module). */
export async function allCommands(): Promise<Command[]> {
  return (await Promise.all(COMMAND_MODULES.map((m) => m.load()))).flat();
}

/** The command named `name`, or undefined; loads only its module. */
async function findCommand(name: string): Promise<Command | undefined> {
  const commands = await COMMAND_MODULES.find((m) => m.names.includes(name))?.load();
  return commands?.find((c) => c.name === name);
}

/** The top-level usage: every command with its one-line summary. */
export async function usage(): Promise<string> {
  const commands = await allCommands();
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `usage: netpol-labs COMMAND [options]\n\ncommands:\n${lines.join('\n')}\n\nRun "netpol-labs COMMAND --help" for a command's options.`;
}

/** What a real process gives the commands. */
function processDeps(): CliDeps {
  return {
    out: consoleOutput(),
    errOut: consoleOutput(process.stderr, process.stderr),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    // The bytes, then decoded: the same text, but on Node 20 `readFileSync(path, 'utf8')` took
    // about 1.5 times as long on the 13 MB model of `npm run bench` (measured, fresh processes).
    readFile: (path) => readFileSync(path).toString('utf8'),
    env: process.env,
  };
}

/** Runs `netpol-labs ARGV...`; resolves to the exit code. Tests replace any of the deps. */
export async function main(argv: string[], deps: Partial<CliDeps> = {}): Promise<number> {
  const all: CliDeps = {...processDeps(), ...deps};
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? all.stderr : all.stdout)(`${await usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = await findCommand(name);
  if (!command) {
    all.stderr(`netpol-labs: unknown command "${name}"\n\n${await usage()}\n`);
    return 2;
  }
  return runCli(command, rest, all);
}
