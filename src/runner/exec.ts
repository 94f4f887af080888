/**
 * execa is ESM-only; tsx loads src/ as CommonJS (the package is not "type": "module"), where a
 * static import would become require(). A dynamic import works in both module systems.
 */
let execaModule: Promise<typeof import('execa')> | undefined;
const loadExeca = () => (execaModule ??= import('execa'));

/**
 * One external command: a program and its argument array. Never a shell string: file contents
 * only ever travel on stdin (`input`), so nothing in a lab can be interpreted by a shell.
 */
export interface Command {
  file: string;
  args: string[];
  /** Hard limit; the process is killed when it is reached. Required: every command has a timeout. */
  timeoutMs: number;
  /** Text written to stdin (a manifest for `kubectl apply -f -`, a kind config). */
  input?: string;
  /** How to show stdin in plans and reproduce lines, e.g. `labs/deathstar/app.yaml (labelled)`. */
  inputLabel?: string;
  /** Environment additions (never secrets; shown in plans). */
  env?: Record<string, string>;
}

/** What happened when a command ran. Failures are data, not exceptions. */
export interface CommandResult {
  /** Exit code; undefined when the program could not start or was killed. */
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** Our timeout killed it. */
  timedOut: boolean;
  /** Cancelled by Ctrl-C. */
  canceled: boolean;
  /** The program was not found or could not start. */
  notFound: boolean;
  durationMs: number;
}

/** Runs commands. The real one uses execa; the dry-run one records and runs nothing. */
export interface Executor {
  readonly dryRun: boolean;
  run(command: Command): Promise<CommandResult>;
}

/** True when the command ran and exited 0. */
export function succeeded(result: CommandResult): boolean {
  return result.exitCode === 0 && !result.timedOut && !result.canceled;
}

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word for a POSIX shell, only when needed, so printed commands can be pasted. */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command as a user would type it (for plans, logs and "reproduce with" lines). */
export function formatCommand(command: Command): string {
  const env = Object.entries(command.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)} `).join('');
  const line = env + [command.file, ...command.args].map(shellQuote).join(' ');
  return command.inputLabel ? `${line} < ${command.inputLabel}` : line;
}

/** Explains a failed result in one or two lines: exit code, timeout, and the tail of stderr. */
export function describeFailure(command: Command, result: CommandResult): string {
  const what = formatCommand(command);
  if (result.notFound) return `${command.file} is not installed or not on PATH (running: ${what})`;
  if (result.timedOut) return `timed out after ${Math.round(command.timeoutMs / 1000)} s: ${what}`;
  if (result.canceled) return `interrupted: ${what}`;
  const tail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-5).join('\n');
  return `exit code ${result.exitCode}: ${what}${tail ? `\n${tail}` : ''}`;
}

/** Thrown by `must` when a command that has to succeed did not. */
export class CommandFailed extends Error {
  constructor(readonly command: Command, readonly result: CommandResult) {
    super(describeFailure(command, result));
    this.name = 'CommandFailed';
  }
}

/** Runs a command that has to succeed; throws CommandFailed with its evidence otherwise. */
export async function must(executor: Executor, command: Command): Promise<CommandResult> {
  const result = await executor.run(command);
  if (!succeeded(result)) throw new CommandFailed(command, result);
  return result;
}

/** Options of the real executor. */
export interface ExecaExecutorOptions {
  /** Aborting it kills running commands (Ctrl-C). */
  signal?: AbortSignal;
  /** Called before each command starts, e.g. to print it in --verbose mode. */
  onCommand?: (command: Command) => void;
  /** PATH and other environment for the children; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Processes the real executor has started and that have not exited yet, whoever started them. */
const running = new Set<{kill(signal?: NodeJS.Signals): boolean}>();

/**
 * Kills every external command still running (SIGKILL by default) and returns how many there were.
 * For a second Ctrl-C: the runner leaves at once, and a child left behind would outlive the timeout
 * that only this process enforces.
 */
export function killRunning(signal: NodeJS.Signals = 'SIGKILL'): number {
  const count = running.size;
  for (const child of running) child.kill(signal);
  return count;
}

/** Runs commands for real with execa: argument arrays, a timeout each, no shell, never throws. */
export class ExecaExecutor implements Executor {
  readonly dryRun = false;
  constructor(private readonly options: ExecaExecutorOptions = {}) {}

  async run(command: Command): Promise<CommandResult> {
    this.options.onCommand?.(command);
    const started = Date.now();
    const {execa} = await loadExeca();
    const subprocess = execa(command.file, command.args, {
      timeout: command.timeoutMs,
      input: command.input,
      // stdin must not be inherited: a child waiting on the terminal would hang the runner.
      stdin: command.input === undefined ? 'ignore' : undefined,
      reject: false,
      shell: false,
      stripFinalNewline: false,
      cancelSignal: this.options.signal,
      env: {...(this.options.env ?? process.env), ...command.env},
      extendEnv: false,
      // Give a killed child a moment to exit, then SIGKILL (execa's forceKillAfterDelay).
      forceKillAfterDelay: 2_000,
    });
    running.add(subprocess);
    const result = await subprocess.finally(() => running.delete(subprocess));
    const notFound = (result as {code?: string}).code === 'ENOENT' || /ENOENT/.test(String(result.message ?? ''));
    return {
      exitCode: typeof result.exitCode === 'number' ? result.exitCode : undefined,
      stdout: typeof result.stdout === 'string' ? result.stdout : '',
      stderr: typeof result.stderr === 'string' ? result.stderr : '',
      timedOut: result.timedOut === true,
      canceled: result.isCanceled === true,
      notFound: notFound && result.exitCode === undefined,
      durationMs: Date.now() - started,
    };
  }
}

/** Canned answer of the dry-run executor for a command, when the plan depends on it. */
export type DryRunResponder = (command: Command) => Partial<CommandResult> | undefined;

/**
 * Records every command in order and runs none. Each command answers exit 0 with empty output
 * unless `respond` says otherwise, which is what "assume a fresh machine" means for the plan.
 */
export class DryRunExecutor implements Executor {
  readonly dryRun = true;
  readonly commands: Command[] = [];
  constructor(
    private readonly print: (line: string) => void = () => {},
    private readonly respond: DryRunResponder = () => undefined,
  ) {}

  async run(command: Command): Promise<CommandResult> {
    this.commands.push(command);
    this.print(formatCommand(command));
    return {exitCode: 0, stdout: '', stderr: '', timedOut: false, canceled: false, notFound: false, durationMs: 0, ...this.respond(command)};
  }
}
