import {accessSync, constants, existsSync, mkdirSync, statSync, writeFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {formatLabError, type Lab} from '../lab';
import {listLabDirs, readLab} from '../lab/node/read-lab';
import {unsupportedOnCluster} from './cluster-support';
import {closest} from '../policy/errors';
import {cleanupAfterInterrupt, Interrupted, Refused, resetLab, runLabOnCluster} from './cluster-lab';
import {ClusterNotReusable, down, formatStatus, status, up} from './cluster';
import {describeNeeds, hostFirewallNeeds} from './host-firewall';
import {needsSctp, SCTP_VALUE} from './sctp';
import {NetworkConflict} from './kind-network';
import {labContainers} from './outside';
import {CILIUM_VERSION, KIND_CONTEXT, POLICY_RESOURCES, TIMEOUTS} from './constants';
import {resolveContext, type Target} from './context-guard';
import {CommandFailed, DryRunExecutor, ExecaExecutor, formatCommand, succeeded, type Executor} from './exec';
import {Kubectl} from './kubectl';
import {appImages} from './objects';
import type {Output} from './output';
import {formatPreflight, preflight, type Installer, type Needs} from './preflight';
import {formatSummary, summarize, toJUnit, type LabResult, type RunReport} from './report';
import {runLabOnSim} from './sim';

/**
 * The runner's commands, called by src/cli/lab-commands.ts after it parsed argv. Each returns the exit
 * code: 0 when everything held, 1 when an expectation failed or something broke, 2 for usage
 * errors, 130 after Ctrl-C.
 */

/**
 * The repository root: the nearest folder from the working directory up that has labs/ and
 * package.json. (Not import.meta: tsx loads these files as CommonJS, where it does not exist; the
 * entry script passes the root it knows instead.)
 */
export function findRoot(from = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'labs')) && existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(from);
    dir = parent;
  }
}

/** What every command gets from the entry point. */
export interface CommandContext {
  out: Output;
  /** Raw text to stdout: documents other programs read (`run --json`), never mixed with `out`'s lines there. */
  stdout(text: string): void;
  env: NodeJS.ProcessEnv;
  dryRun: boolean;
  signal?: AbortSignal;
  /** Where labs/ is; defaults to the repository root. */
  root?: string;
  /** Waits for Enter (--interactive). */
  pause?: (prompt: string) => Promise<void>;
}

/** The executor a command runs with: the real one, or the dry-run one that prints each command. */
export function makeExecutor(ctx: CommandContext): Executor {
  if (ctx.dryRun) return new DryRunExecutor((line) => ctx.out.line(`$ ${line}`));
  return new ExecaExecutor({signal: ctx.signal, env: ctx.env});
}

/** Runs clean-up after Ctrl-C: not bound to the signal, each command still with its timeout. */
export function cleanupExecutor(ctx: CommandContext): Executor | undefined {
  return ctx.dryRun ? undefined : new ExecaExecutor({env: ctx.env});
}

/** The CRD whose presence shows a context runs Cilium. */
const CILIUM_POLICY_CRD = POLICY_RESOURCES.CiliumNetworkPolicy;

const KIND_NEEDS: Needs = {tools: ['docker', 'kind', 'kubectl'], ciliumOrHelm: true};

/** Runs preflight; in a dry run missing tools are listed and the plan goes on. */
async function checkTools(executor: Executor, ctx: CommandContext, needs: Needs) {
  const report = await preflight(executor, needs, ctx.env);
  if (!report.ok) {
    if (ctx.dryRun) {
      ctx.out.line(`# ${formatPreflight(report).split('\n').join('\n# ')}`);
      ctx.out.line('# (dry run: a real run would stop here; the plan continues as if the tools were installed)');
    } else {
      ctx.out.line(formatPreflight(report));
    }
  } else if (report.checks.some((c) => c.note)) {
    ctx.out.line(formatPreflight(report));
  }
  return report;
}

/** Loads one lab by id (labs/<id>) or folder path, with every error located. */
export function loadLab(name: string, root: string): {lab?: Lab; error?: string} {
  const candidates = [join(root, 'labs', name), resolve(name)];
  const dir = candidates.find((d) => existsSync(join(d, 'lab.yaml')));
  if (!dir) {
    const known = listLabDirs(root).map((d) => d.split('/').pop()).join(', ');
    return {error: `no lab "${name}"; labs are ${known || 'none'} (or give a folder containing lab.yaml)`};
  }
  const {lab, errors} = readLab(dir);
  if (!lab) return {error: errors.map(formatLabError).join('\n')};
  return {lab};
}

function loadAllLabs(root: string): {labs: Lab[]; errors: string[]} {
  const labs: Lab[] = [];
  const errors: string[] = [];
  for (const dir of listLabDirs(root)) {
    const {lab, errors: e} = readLab(dir);
    if (lab) labs.push(lab);
    else errors.push(...e.map(formatLabError));
  }
  return {labs, errors};
}

/** Options of `up`. */
export interface UpArgs {
  ciliumVersion?: string;
  workers?: number;
  preload?: boolean;
  /** Which tool installs Cilium; default: the cilium CLI when found, else helm. */
  installer?: Installer;
}

/** `netpol-labs up`. */
export async function upCommand(args: UpArgs, ctx: CommandContext): Promise<number> {
  const executor = makeExecutor(ctx);
  if (ctx.dryRun) ctx.out.line('# DRY RUN: the commands `netpol-labs up` would run, in order; none is run');
  return guard(ctx, async () => {
    const report = await checkTools(executor, ctx, {...KIND_NEEDS, installer: args.installer});
    if (!report.ok && !ctx.dryRun) return 1;
    const labs = loadAllLabs(ctx.root ?? findRoot()).labs;
    await up(executor, ctx.out, {
      ciliumVersion: args.ciliumVersion ?? CILIUM_VERSION,
      workers: args.workers ?? 1,
      preload: args.preload ?? false,
      installer: report.installer ?? args.installer ?? 'cilium-cli',
      appImages: appImages(labs),
      // `up` prepares the cluster for every lab: the host firewall when any lab has a host policy.
      hostFirewall: hostFirewallNeeds(labs),
      cleanup: cleanupExecutor(ctx),
    });
    return 0;
  });
}

/** `netpol-labs down`. */
export async function downCommand(ctx: CommandContext): Promise<number> {
  const executor = makeExecutor(ctx);
  return guard(ctx, async () => {
    const report = await checkTools(executor, ctx, {tools: ['docker', 'kind'], ciliumOrHelm: false});
    if (!report.ok && !ctx.dryRun) return 1;
    await down(executor, ctx.out);
    return 0;
  });
}

/** `netpol-labs status`. */
export async function statusCommand(ctx: CommandContext): Promise<number> {
  const executor = makeExecutor(ctx);
  return guard(ctx, async () => {
    const report = await preflight(executor, KIND_NEEDS, ctx.env);
    ctx.out.line(formatPreflight(report));
    if (!report.checks.find((c) => c.tool === 'kind')?.path || !report.checks.find((c) => c.tool === 'docker' && c.path && !c.problem)) {
      ctx.out.line('kind cluster: unknown (docker and kind are needed to look)');
      return 1;
    }
    ctx.out.line(formatStatus(await status(executor)));
    return 0;
  });
}

/** Options of `run` and `verify`. */
export interface RunArgs {
  target: Target;
  context?: string;
  step?: string;
  interactive?: boolean;
  json?: boolean;
  /** Hubble flows as evidence on --target context (always on for kind). */
  hubble?: boolean;
  /** verify: report files. */
  junit?: string;
  jsonFile?: string;
}

/** What a run was asked to do, checked before any external command: the labs and where. */
export interface RunPlan {
  labs: Lab[];
  /** The kubeconfig context (undefined for sim). */
  context?: string;
  /** `run LAB` or `verify`, as the dry-run header names it. */
  what: string;
  /** Labs `verify` leaves out because the target cannot play them, with why. */
  notPlayed: {lab: string; reason: string}[];
}

/** `netpol-labs run LAB` (labs = [one]) and `netpol-labs verify` (every lab). */
export async function runCommand(labNames: string[] | 'all', args: RunArgs, ctx: CommandContext): Promise<number> {
  const plan = planRun(labNames, args, ctx);
  if (typeof plan === 'number') return plan;
  const started = Date.now();
  const executor = makeExecutor(ctx);
  if (ctx.dryRun) ctx.out.line(`# DRY RUN: the commands \`netpol-labs ${plan.what} --target ${args.target}\` would run, in order; none is run`);
  const results: LabResult[] = [];
  const code = await guard(ctx, async () => {
    if (args.target !== 'sim') {
      const prepared = await prepareTarget(plan, args, executor, ctx);
      if (prepared !== undefined) return prepared;
    }
    return probeLabs(plan, args, executor, ctx, results);
  });
  if (code !== undefined) return code;
  if (ctx.dryRun) return 0;
  return reportRun(plan, args, results, started, ctx);
}

/**
 * Checks a run's request before any external command: the context the target may use, the labs
 * (every error located), a mistyped --step, and report paths that could not be written. Returns
 * the exit code when the request is refused.
 */
function planRun(labNames: string[] | 'all', args: RunArgs, ctx: CommandContext): RunPlan | number {
  const decision = resolveContext(args.target, args.context);
  if (!decision.ok) {
    ctx.out.line(`netpol-labs: ${decision.error}`);
    return 2;
  }
  const root = ctx.root ?? findRoot();
  const labs: Lab[] = [];
  const loadErrors: string[] = [];
  if (labNames === 'all') {
    const all = loadAllLabs(root);
    labs.push(...all.labs);
    loadErrors.push(...all.errors);
  } else {
    for (const name of labNames) {
      const {lab, error} = loadLab(name, root);
      if (lab) labs.push(lab);
      else loadErrors.push(error!);
    }
  }
  if (loadErrors.length > 0) {
    ctx.out.line(loadErrors.join('\n'));
    return 1;
  }
  // A mistyped --step is a usage error, caught before any external command (not after the cluster
  // was built, and not as "FAIL 0/0" on sim).
  const stepError = args.step === undefined ? undefined : unknownStep(labs, args.step);
  if (stepError) {
    ctx.out.line(`netpol-labs run: ${stepError}`);
    return 2;
  }
  // What the target cannot play (outside machines on an existing cluster, addresses off the kind
  // network) is found before anything touches a cluster, dry runs included: `run LAB` refuses it;
  // `verify` plays the labs the target can and names each one it leaves out.
  const notPlayed: RunPlan['notPlayed'] =
    args.target === 'sim'
      ? []
      : labs.flatMap((lab) => {
          const reason = unsupportedOnCluster(lab, args.target === 'kind' ? 'kind' : 'context', args.step);
          return reason === undefined ? [] : [{lab: lab.id, reason}];
        });
  if (notPlayed.length > 0 && (labNames !== 'all' || notPlayed.length === labs.length)) {
    ctx.out.line(`netpol-labs: ${notPlayed.map((r) => r.reason).join('\n')}`);
    return 2;
  }
  for (const r of notPlayed) ctx.out.line(`not played on target ${args.target}: ${r.reason}`);
  const played = labs.filter((lab) => !notPlayed.some((r) => r.lab === lab.id));
  // Report files are checked before the run, so a bad path does not cost a whole run first.
  for (const [flag, file] of reportFiles(args)) {
    const problem = unwritable(file);
    if (problem) {
      ctx.out.line(`netpol-labs verify: cannot write ${flag} ${file}: ${problem}`);
      return 2;
    }
  }
  return {labs: played, context: decision.context, what: labNames === 'all' ? 'verify' : `run ${labNames.join(' ')}`, notPlayed};
}

/**
 * Makes the target ready: the tools, then for kind the cluster (created or reused only when
 * complete), for a named context a check that it runs Cilium. Returns an exit code to stop.
 */
export async function prepareTarget(plan: RunPlan, args: Pick<RunArgs, 'target'>, executor: Executor, ctx: CommandContext): Promise<number | undefined> {
  const report = await checkTools(executor, ctx, args.target === 'kind' ? KIND_NEEDS : {tools: ['kubectl'], ciliumOrHelm: false});
  if (!report.ok && !ctx.dryRun) return 1;
  if (args.target === 'kind') {
    const played = new Set(plan.labs.map((l) => l.id));
    const others = loadAllLabs(ctx.root ?? findRoot()).labs.filter((l) => !played.has(l.id));
    await up(executor, ctx.out, {
      ciliumVersion: CILIUM_VERSION,
      workers: 1,
      preload: false,
      installer: report.installer ?? 'cilium-cli',
      appImages: appImages(plan.labs),
      hostFirewall: hostFirewallNeeds(plan.labs),
      hostFirewallOthers: hostFirewallNeeds(others),
      cleanup: cleanupExecutor(ctx),
    });
    return undefined;
  }
  // Host policies work only with Cilium's host firewall, which the runner cannot see on a user's
  // cluster without reading its kube-system: say so, and let the probes tell.
  const needs = hostFirewallNeeds(plan.labs);
  if (needs.length > 0) {
    ctx.out.line(`note: ${describeNeeds(needs)}; Cilium enforces it only with the host firewall on (Helm value hostFirewall.enabled=true). ` +
      `netpol-labs does not read kube-system on context ${plan.context} to check: if it is off, the host policy's probes fail`);
  }
  // The same holds for SCTP support: off, Cilium drops every SCTP packet (sctp.ts), and every SCTP
  // probe would read as dropped.
  const sctpLabs = plan.labs.filter(needsSctp).map((l) => l.id);
  if (sctpLabs.length > 0) {
    ctx.out.line(`note: lab ${sctpLabs.join(', ')} probes SCTP, which Cilium carries only with its SCTP support on (Helm value ${SCTP_VALUE}) and drops otherwise, ` +
      `like a policy would. netpol-labs does not read kube-system on context ${plan.context} to check: the first step's SCTP probes, which expect allowed, fail if it is off`);
  }
  // An existing cluster: it must run Cilium (the labs' policies are CiliumNetworkPolicies too).
  // Checked through Cilium's policy CRD, which is cluster-scoped, so nothing is read in the
  // cluster's kube-system (the runner works only in the lab's namespace there).
  const kubectl = new Kubectl(plan.context!);
  const cilium = await executor.run(kubectl.command(['get', 'customresourcedefinition', CILIUM_POLICY_CRD, '--output', 'name'], {timeoutMs: TIMEOUTS.quick}));
  if (!succeeded(cilium) && !ctx.dryRun) {
    ctx.out.line(`netpol-labs: context ${plan.context} has no Cilium (no CustomResourceDefinition ${CILIUM_POLICY_CRD}): ${cilium.stderr.trim() || `exit ${cilium.exitCode}`}`);
    return 1;
  }
  return undefined;
}

/**
 * Plays every lab on the target, collecting results. Returns an exit code when the run stops
 * early (Ctrl-C: 130, after removing the interrupted lab's policies), undefined when it finished.
 */
async function probeLabs(plan: RunPlan, args: RunArgs, executor: Executor, ctx: CommandContext, results: LabResult[]): Promise<number | undefined> {
  if (args.target === 'sim') {
    ctx.out.line('SIMULATED: verdicts come from the policy engine (src/policy), not from a cluster; no packets are sent');
    if (ctx.dryRun) {
      ctx.out.line('# the sim target runs no external command');
      return 0;
    }
    const pause = args.interactive ? ctx.pause : undefined;
    for (const lab of plan.labs) {
      results.push(await runLabOnSim(lab, ctx.out, {stepId: args.step, pause, signal: ctx.signal}));
      if (pause && ctx.signal?.aborted) {
        ctx.out.line('interrupted');
        return 130;
      }
    }
    return undefined;
  }
  const context = plan.context!;
  for (const lab of plan.labs) {
    try {
      results.push(
        await runLabOnCluster(lab, {
          executor,
          out: ctx.out,
          context,
          removeAtEnd: args.target === 'context',
          // Machines outside the cluster exist on kind only (refused elsewhere in planning).
          outside: args.target === 'kind',
          // kind is the runner's own cluster; on a user's cluster, exec into its agents only when asked.
          hubble: args.target === 'kind' || args.hubble === true,
          // Endpoint configuration (policy audit mode) only on the runner's own cluster.
          ownCluster: args.target === 'kind',
          stepId: args.step,
          // A dry run prints the plan in one go: nothing is applied, so there is nothing to pause before.
          pause: args.interactive && !ctx.dryRun ? ctx.pause : undefined,
          signal: ctx.signal,
        }),
      );
    } catch (error) {
      if (!(error instanceof Interrupted)) throw error;
      ctx.out.line(`\ninterrupted: removing the policies of lab ${lab.id} so the next run starts clean`);
      const cleaned = await cleanupAfterInterrupt(cleanupExecutor(ctx)!, context, lab, {out: ctx.out, ownCluster: args.target === 'kind'});
      ctx.out.line(cleaned ? 'cleaned up; the next run starts from a clean state' : `could not clean up; run: netpol-labs reset ${lab.id}${args.target === 'context' ? ` --target context --context ${context}` : ''}`);
      return 130;
    }
  }
  return undefined;
}

/**
 * Prints the summary, writes the JUnit and JSON files verify was asked for and, with `run --json`,
 * the report on stdout. Exit 0 only when every expectation held and every file was written.
 */
function reportRun(plan: RunPlan, args: RunArgs, results: LabResult[], started: number, ctx: CommandContext): number {
  const {passed, totals} = summarize(results);
  const report: RunReport = {
    target: args.target,
    simulated: args.target === 'sim',
    ...(plan.context ? {context: plan.context} : {}),
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    labs: results,
    passed,
    totals,
    ...(plan.notPlayed.length > 0 ? {notPlayed: plan.notPlayed} : {}),
  };
  ctx.out.line('');
  ctx.out.line(formatSummary(report));
  let writeFailed = false;
  for (const [flag, file] of reportFiles(args)) {
    const failure = reportWriteError(flag, file, flag === '--junit' ? toJUnit(report) : `${JSON.stringify(report, null, 2)}\n`);
    if (failure) {
      ctx.out.line(failure);
      writeFailed = true;
    }
  }
  if (args.json) ctx.stdout(`${JSON.stringify(report, null, 2)}\n`);
  if (writeFailed) return 2;
  return passed ? 0 : 1;
}

/** Why `--step ID` names no step of one of the labs, or undefined when every lab has it. */
function unknownStep(labs: Lab[], stepId: string): string | undefined {
  for (const lab of labs) {
    const ids = lab.steps.map((s) => s.id);
    if (ids.includes(stepId)) continue;
    const near = closest(stepId, ids);
    return `lab ${lab.id} has no step "${stepId}"${near ? ` (did you mean ${near}?)` : ''}; its steps are ${ids.join(', ')}`;
  }
  return undefined;
}

/** The report files `verify` was asked to write, with the flag that named each. */
function reportFiles(args: RunArgs): [flag: '--junit' | '--json', file: string][] {
  return [
    ...(args.junit !== undefined ? [['--junit', args.junit] as ['--junit', string]] : []),
    ...(args.jsonFile !== undefined ? [['--json', args.jsonFile] as ['--json', string]] : []),
  ];
}

/**
 * Why a report could not be written to `file`, checked without writing anything: the path is a
 * directory, or its nearest existing ancestor is not a directory or not writable (missing parent
 * folders are fine: they are created). Undefined when it looks writable.
 */
function unwritable(file: string): string | undefined {
  const path = resolve(file);
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) return 'it is a directory';
    try {
      accessSync(path, constants.W_OK);
    } catch {
      return 'permission denied';
    }
    return undefined;
  }
  let dir = dirname(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  if (!statSync(dir).isDirectory()) return `${dir} is not a directory`;
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    return `permission denied in ${dir}`;
  }
  return undefined;
}

/**
 * Writes one report (creating missing parent folders). Returns the one-line message when it could
 * not, so a failed write is reported like any usage error and never as a stack trace.
 */
export function reportWriteError(flag: string, file: string, text: string): string | undefined {
  try {
    mkdirSync(dirname(resolve(file)), {recursive: true});
    writeFileSync(file, text);
    return undefined;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const reason =
      e.code === 'EISDIR' ? 'it is a directory'
      : e.code === 'ENOTDIR' || e.code === 'EEXIST' ? `${e.path ?? 'a parent'} is not a directory`
      : e.code === 'EACCES' || e.code === 'EPERM' ? `permission denied${e.path ? ` (${e.path})` : ''}`
      : e.code === 'ENOSPC' ? 'no space left on the device'
      : e.message;
    return `netpol-labs verify: cannot write ${flag} ${file}: ${reason}`;
  }
}

/** `netpol-labs reset LAB`. */
export async function resetCommand(labName: string, args: {target: Target; context?: string}, ctx: CommandContext): Promise<number> {
  if (args.target === 'sim') {
    ctx.out.line('netpol-labs: reset works on a cluster (--target kind or --target context); the simulator keeps no state');
    return 2;
  }
  const decision = resolveContext(args.target, args.context);
  if (!decision.ok) {
    ctx.out.line(`netpol-labs: ${decision.error}`);
    return 2;
  }
  const {lab, error} = loadLab(labName, ctx.root ?? findRoot());
  if (!lab) {
    ctx.out.line(error!);
    return 1;
  }
  const executor = makeExecutor(ctx);
  return guard(ctx, async () => {
    // On kind the lab's containers outside the cluster go too, with docker.
    const report = await checkTools(executor, ctx, {tools: args.target === 'kind' && labContainers(lab).length > 0 ? ['docker', 'kubectl'] : ['kubectl'], ciliumOrHelm: false});
    if (!report.ok && !ctx.dryRun) return 1;
    await resetLab(executor, new Kubectl(decision.context ?? KIND_CONTEXT), lab, ctx.out, args.target === 'kind');
    return 0;
  });
}

/** Turns expected failures into a message and an exit code; never a stack trace for them. */
export async function guard<T extends number | undefined>(ctx: CommandContext, body: () => Promise<T>): Promise<T | number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof Interrupted || ctx.signal?.aborted) {
      ctx.out.line('interrupted');
      return 130;
    }
    if (error instanceof Refused) {
      ctx.out.line(`netpol-labs: refused: ${error.message}`);
      return 1;
    }
    if (error instanceof ClusterNotReusable || error instanceof NetworkConflict) {
      ctx.out.line(`netpol-labs: ${error.message}`);
      return 1;
    }
    if (error instanceof CommandFailed) {
      ctx.out.line(`netpol-labs: a command failed: ${error.message}`);
      ctx.out.line(`  reproduce: ${formatCommand(error.command)}`);
      return 1;
    }
    throw error;
  }
}
