/**
 * `netpol-labs up|down|status|run|verify|reset`: their options and help. Each parses its flags
 * here and calls src/runner, which does the work; this file only knows flags.
 */
import {CILIUM_VERSION, KIND_CONTEXT} from '../runner/constants';
import {TARGETS, type Target} from '../runner/context-guard';
import {downCommand, findRoot, resetCommand, runCommand, statusCommand, upCommand, type CommandContext} from '../runner/commands';
import {killRunning} from '../runner/exec';
import {INSTALLERS, type Installer} from '../runner/preflight';
import {stdinPauser, type StepPauser} from '../runner/prompt';
import {UsageError, type CliDeps, type Command, type OptionSpec, type OptionValues} from './command';

/** --target of the commands that play a lab. */
export const TARGET: OptionSpec = {
  type: 'string',
  value: 'kind|sim|context',
  help: [
    `kind: the local kind cluster (context ${KIND_CONTEXT}, the default); sim: the policy engine, no cluster`,
    '(SIMULATED); context: an existing cluster with Cilium, named with --context',
  ],
};
/** --context NAME, for --target context. */
export const CONTEXT: OptionSpec = {type: 'string', value: 'NAME', help: 'the kubeconfig context for --target context (never implied)'};
const HUBBLE: OptionSpec = {
  type: 'boolean',
  help: [
    'attach Hubble flows as evidence, read with kubectl exec into every cilium-agent pod in kube-system.',
    "Always on for --target kind (the runner's own cluster); off for --target context unless given, so on",
    "a cluster you named the runner works only in the lab's namespace",
  ],
};
const DRY_RUN: OptionSpec = {type: 'boolean', help: 'print every command it would run, in order, and run none'};
const NO_POSITIONALS = {min: 0, max: 0, name: 'argument'};
const ONE_LAB = {min: 1, max: 1, name: 'lab', missing: 'which lab? give its id, e.g. deathstar'};

/** The --target value, checked. */
function target(values: OptionValues, allowed: readonly Target[] = TARGETS): Target {
  const t = (values.target as string | undefined) ?? 'kind';
  if (!(allowed as readonly string[]).includes(t)) throw new UsageError(`unknown --target "${t}"; expected ${allowed.join(', ').replace(/, ([^,]*)$/, ' or $1')}`);
  return t as Target;
}

/** The repository root (where labs/ is): the one the caller gave, else found from the working directory. */
export function rootOf(deps: CliDeps): string {
  return deps.root ?? findRoot();
}

/**
 * Runs a runner command with what it needs from the process: Ctrl-C aborts the running commands
 * (a second one quits at once), and --interactive reads Enter from stdin, only when asked for.
 */
export async function withContext(deps: CliDeps, dryRun: boolean, body: (ctx: CommandContext) => Promise<number>): Promise<number> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) {
      // A second Ctrl-C: leave at once, but not leave children behind (their timeouts die with us).
      killRunning('SIGKILL');
      deps.out.line('Ctrl-C again: quitting now, without cleaning up; the next run starts by removing the policies this one left');
      process.exit(130);
    }
    deps.out.line('\nCtrl-C: interrupted; stopping the running commands (press again to quit immediately)');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  let pauser: StepPauser | undefined;
  const pause = (prompt: string) => (pauser ??= stdinPauser(process.stdin, process.stderr, controller.signal)).pause(prompt);
  try {
    return await body({out: deps.out, stdout: deps.stdout, env: deps.env, dryRun, signal: controller.signal, root: rootOf(deps), pause});
  } finally {
    pauser?.close();
    process.off('SIGINT', onSigint);
  }
}

const up: Command = {
  name: 'up',
  summary: 'create (or reuse) the kind cluster netpol-labs with Cilium and Hubble',
  usage: 'netpol-labs up [--cilium-version V] [--workers N] [--installer cilium-cli|helm] [--preload] [--dry-run]',
  about:
    `Create the kind cluster netpol-labs without its default CNI (or reuse it when it is complete), install Cilium ${CILIUM_VERSION} with Hubble, ` +
    'and wait for the agent, the operator, Envoy and Hubble relay. Your current kubectl context is left as it was. ' +
    'The nodes go on the Docker network netpol-labs (172.30.0.0/16, created first), where the labs put their machines outside ' +
    'the cluster; the host firewall is turned on when a lab has a host policy.',
  options: {
    'cilium-version': {type: 'string', value: 'V', help: `Cilium version to install (default ${CILIUM_VERSION})`},
    workers: {type: 'string', value: 'N', help: 'worker nodes besides the control plane (default 1)'},
    installer: {type: 'string', value: 'cilium-cli|helm', help: 'which tool installs Cilium (default: the cilium CLI when found, else helm)'},
    preload: {
      type: 'boolean',
      help: [
        'pull every image once and load it into the nodes (for the containerd image store of Docker 28+:',
        'docker save --platform, then kind load image-archive). A failed load is a warning: the nodes pull instead',
      ],
    },
    'dry-run': DRY_RUN,
  },
  positionals: NO_POSITIONALS,
  run(values, _positionals, deps) {
    const workers = values.workers === undefined ? 1 : Number(values.workers);
    if (!Number.isInteger(workers) || workers < 0 || workers > 5) throw new UsageError(`--workers must be a whole number from 0 to 5 (got "${values.workers}")`);
    const version = values['cilium-version'] as string | undefined;
    if (version !== undefined && !/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/.test(version)) throw new UsageError(`--cilium-version must look like ${CILIUM_VERSION} (got "${version}")`);
    const installer = values.installer as string | undefined;
    if (installer !== undefined && !(INSTALLERS as readonly string[]).includes(installer)) {
      throw new UsageError(`unknown --installer "${installer}"; expected ${INSTALLERS.join(' or ')}`);
    }
    const args = {ciliumVersion: version?.replace(/^v/, ''), workers, preload: values.preload === true, installer: installer as Installer | undefined};
    return withContext(deps, values['dry-run'] === true, (ctx) => upCommand(args, ctx));
  },
};

const down: Command = {
  name: 'down',
  summary: 'delete the kind cluster netpol-labs, its network and the labs\' containers (and nothing else)',
  usage: 'netpol-labs down [--dry-run]',
  about: 'Delete the kind cluster netpol-labs, then the containers the labs ran outside it and its Docker network netpol-labs ' +
    '(found by the runner\'s label), and nothing else.',
  options: {'dry-run': DRY_RUN},
  positionals: NO_POSITIONALS,
  run: (values, _positionals, deps) => withContext(deps, values['dry-run'] === true, downCommand),
};

const status: Command = {
  name: 'status',
  summary: 'say what exists and what is ready',
  usage: 'netpol-labs status',
  about: 'Say which tools are installed, whether the cluster exists, and what is ready.',
  options: {},
  positionals: NO_POSITIONALS,
  run: (_values, _positionals, deps) => withContext(deps, false, statusCommand),
};

const run: Command = {
  name: 'run',
  summary: 'play one lab step by step and check every probe',
  usage: 'netpol-labs run LAB [--target kind|sim|context] [--context NAME] [--hubble] [--step ID] [--interactive] [--dry-run] [--json]',
  about: "Play one lab: deploy its app, then for each step put exactly the step's policies in force, run the probes and compare every outcome with the expectation.",
  options: {
    target: TARGET,
    context: CONTEXT,
    hubble: HUBBLE,
    step: {type: 'string', value: 'ID', help: 'run only this step (its policy set is complete on its own)'},
    interactive: {
      type: 'boolean',
      help: [
        'pause before each step, show its policies and wait for Enter (workshops; any target).',
        'Enter is read from stdin; when stdin ends or is closed (Ctrl-D, a piped script, CI)',
        'the run says so and plays the remaining steps without pausing. Ignored with --dry-run',
      ],
    },
    'dry-run': DRY_RUN,
    json: {type: 'boolean', help: 'print the report as JSON on stdout (the table goes to stderr)'},
  },
  positionals: ONE_LAB,
  run(values, [lab], deps) {
    const args = {target: target(values), context: values.context as string | undefined, hubble: values.hubble === true, step: values.step as string | undefined, interactive: values.interactive === true, json: values.json === true};
    // With --json, stdout carries only the JSON report; the human table goes to stderr.
    const table = args.json ? {...deps, out: deps.errOut} : deps;
    return withContext(table, values['dry-run'] === true, (ctx) => runCommand([lab], args, ctx));
  },
};

const verify: Command = {
  name: 'verify',
  summary: 'run every lab and write JUnit and JSON reports',
  usage: 'netpol-labs verify [--target kind|sim|context] [--context NAME] [--hubble] [--junit FILE] [--json FILE] [--dry-run]',
  about: 'Run every lab and check every probe; exit 0 only when every expectation held.',
  options: {
    target: TARGET,
    context: CONTEXT,
    hubble: HUBBLE,
    junit: {type: 'string', value: 'FILE', help: 'write a JUnit report (one testcase per probe)'},
    json: {type: 'string', value: 'FILE', help: 'write the JSON report'},
    'dry-run': DRY_RUN,
  },
  positionals: NO_POSITIONALS,
  run(values, _positionals, deps) {
    const args = {target: target(values), context: values.context as string | undefined, hubble: values.hubble === true, junit: values.junit as string | undefined, jsonFile: values.json as string | undefined};
    return withContext(deps, values['dry-run'] === true, (ctx) => runCommand('all', args, ctx));
  },
};

const reset: Command = {
  name: 'reset',
  summary: "remove a lab's policies and app",
  usage: 'netpol-labs reset LAB [--target kind|context] [--context NAME] [--dry-run]',
  about: "Remove the lab's policies and its app (the namespace the runner created); on kind also its containers outside the cluster.",
  options: {
    target: {...TARGET, value: 'kind|context', help: `kind: the local kind cluster (context ${KIND_CONTEXT}, the default); context: an existing cluster named with --context`},
    context: CONTEXT,
    'dry-run': DRY_RUN,
  },
  positionals: ONE_LAB,
  run(values, [lab], deps) {
    const args = {target: target(values, ['kind', 'context']), context: values.context as string | undefined};
    return withContext(deps, values['dry-run'] === true, (ctx) => resetCommand(lab, args, ctx));
  },
};

/** The commands that touch a cluster (or play a lab on the simulator). */
export const LAB_COMMANDS: readonly Command[] = [up, down, status, run, verify, reset];
