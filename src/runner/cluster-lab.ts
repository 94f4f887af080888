import type {Lab, Probe, Step} from '../lab/load';
import {CONVERGE_CONSECUTIVE, CONVERGE_DEADLINE_MS, LAB_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE} from './constants';
import {formatCommand, must, succeeded, type Command, type Executor} from './exec';
import {readRevisions, REVISION_WAIT_S, waitForRevisions, type Revisions} from './agents';
import {auditSteps, setLabAuditMode, usesAuditMode} from './audit-mode';
import {auditFlowsForProbe, collectFlows, flowsForProbe, type Flow} from './hubble';
import {Kubectl} from './kubectl';
import {
  applyAppCommand, applyPoliciesCommand, appReadyCommands, clusterScopedPolicies, deletePolicyCommand, listPoliciesCommands,
  namespaceCommands, ownerCheckCommand, probeCommand, recoveryCommands, removePoliciesCommands,
} from './lab-commands';
import {ownerSelector, parsePolicyList, policyId, stepPolicies, type PolicyRef} from './objects';
import type {Output} from './output';
import {classify, type Classification} from './probe';
import {nodePortCommands, parseNodePortRoute, type NodePortRoute} from './node-port';
import {labContainers, outsideProbeCommand, plannedOutsideProbeCommand, removeLabContainers, startLabContainers} from './outside';
import {formatStepHeader, formatStepPolicies, formatStepTable, type LabResult, type ProbeResult, type StepResult} from './report';

/**
 * Plays a lab on a real cluster (kind or a named context): deploy the app, then for each step make
 * the lab namespace's policies exactly the step's set, wait until the behaviour settles, and assert
 * every probe once.
 */

/** Raised when the user pressed Ctrl-C; the caller cleans up and exits 130. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}

/** A refusal that protects the user's cluster (a namespace the runner did not create, say). */
export class Refused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Refused';
  }
}

/** Options of a cluster run. */
export interface ClusterLabOptions {
  executor: Executor;
  out: Output;
  context: string;
  /** context targets remove the lab namespace at the end; kind keeps the app for exploring. */
  removeAtEnd: boolean;
  /**
   * kind: start the lab's machines outside the cluster (its `from: outside` client and the servers
   * of its `names`) on the cluster's Docker network, and send outside probes from there.
   */
  outside?: boolean;
  stepId?: string;
  /**
   * Reach into the Cilium agents (`kubectl exec` into every cilium-agent pod in kube-system): attach
   * Hubble flows as evidence, and wait for the agents' policy revision as a convergence signal. On
   * by default for kind (the runner's own cluster); opt-in (--hubble) for a context, where
   * everything else happens only in the lab's namespace.
   */
  hubble: boolean;
  /**
   * The cluster is the runner's own (kind): it may change the Cilium endpoint configuration of the
   * lab's pods, which a step with `policyAuditMode: true` needs. Without it such a step is refused
   * (planning refuses it first, cluster-support.ts) and nothing is run in kube-system for it.
   */
  ownCluster?: boolean;
  /** Pauses before each step (workshops); resolves when the user presses Enter. */
  pause?: (prompt: string) => Promise<void>;
  signal?: AbortSignal;
  convergeDeadlineMs?: number;
  /**
   * Whether one observation shows the step's policies in force, while converging. By default the
   * probe's expected outcome exactly; `check` also counts a refused connection where the engine
   * predicts "allowed" (see check-cluster.ts).
   */
  showsPoliciesInForce?: (probe: Probe, classification: Classification) => boolean;
  pollIntervalMs?: number;
  /** Sleeps; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

// The abort listener goes when the sleep ends: a converging step sleeps once per round, and
// listeners left on the run's one signal would pile up (Node warns past 10).
const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, {once: true});
  });

/** Plays one lab; returns its results (setup failures are recorded in `error`, not thrown). */
export async function runLabOnCluster(lab: Lab, options: ClusterLabOptions): Promise<LabResult> {
  const {executor, out} = options;
  const kubectl = new Kubectl(options.context);
  const result: LabResult = {lab: lab.id, title: lab.title, steps: []};
  const checkAbort = () => {
    if (options.signal?.aborted) throw new Interrupted();
  };
  const sleep = options.sleep ?? ((ms: number) => defaultSleep(ms, options.signal));
  const steps = options.stepId ? lab.steps.filter((s) => s.id === options.stepId) : lab.steps;
  if (steps.length === 0) {
    result.error = `lab ${lab.id} has no step "${options.stepId}"; its steps are ${lab.steps.map((s) => s.id).join(', ')}`;
    return result;
  }

  // Planning refuses this first (cluster-support.ts); here too, before anything is applied.
  const audited = auditSteps(lab, options.stepId);
  if (audited.length > 0 && options.ownCluster !== true) {
    throw new Refused(`step ${audited.join(', ')} of ${lab.id} puts the lab's pods in policy audit mode, which changes their Cilium endpoint configuration; the runner does that only on its own kind cluster (--target kind). Nothing was applied`);
  }
  try {
    await setUpLab(lab, options);
  } catch (error) {
    if (error instanceof Interrupted || error instanceof Refused) throw error;
    checkAbort();
    result.error = error instanceof Error ? error.message : String(error);
    return result;
  }

  if (!options.hubble) out.line(`# ${lab.id}: Hubble evidence off (--target context without --hubble): nothing is run in kube-system`);
  // Policy audit mode is a setting of each endpoint that outlives the step (audit-mode.ts): on only
  // during a step that asks for it, off before the next step, at the end and after a failure. A run
  // killed mid-step may have left it on, so a lab with such a step starts by switching it off.
  let auditOn = options.ownCluster === true && usesAuditMode(lab);
  const auditOff = async () => {
    if (!auditOn) return;
    auditOn = false;
    const failed = await setLabAuditMode(executor, kubectl, lab, false, out);
    if (failed.length > 0) {
      out.line(`  could not switch policy audit mode off for every pod (${failed.join('; ')}); deleting the pods ends it: netpol-labs reset ${lab.id}`);
      result.error ??= `policy audit mode may still be on for some pods of ${lab.id}: ${failed.join('; ')}`;
    }
  };
  try {
    await auditOff();
    return await playSteps();
  } finally {
    // After Ctrl-C the run's commands are cancelled; cleanupAfterInterrupt switches it off instead.
    if (!options.signal?.aborted) await auditOff();
  }

  /** The steps in order; returns early with `result.error` when a step cannot be prepared. */
  async function playSteps(): Promise<LabResult> {
    let inForce: PolicyRef[] = [];
    for (const step of steps) {
      checkAbort();
      out.line('');
      out.line(formatStepHeader(lab.id, step, false));
      if (options.pause) {
        out.line(formatStepPolicies(step));
        await options.pause(`Press Enter to apply step "${step.id}" and run its ${step.probes.length} probes (Ctrl-C stops) `);
        checkAbort();
      }
      let prepared: PreparedStep;
      try {
        if (!step.policyAuditMode) await auditOff();
        prepared = await prepareStep(lab, step, options, inForce);
        inForce = prepared.inForce;
        if (step.policyAuditMode) {
          // After the policies: the probes then watch the endpoints settle in audit mode.
          auditOn = true;
          await setLabAuditMode(executor, kubectl, lab, true, out);
          checkAbort();
        }
      } catch (error) {
        if (error instanceof Interrupted) throw error;
        checkAbort();
        if (error instanceof Refused) out.line(`netpol-labs: refused: ${error.message}`);
        result.error = `step ${step.id}: ${error instanceof Error ? error.message : String(error)}`;
        return result;
      }
      const stepResult = await playStep(lab, step, kubectl, options, sleep, checkAbort, prepared.revision, prepared.commandOf);
      result.steps.push(stepResult);
      // A dry run observed nothing, so it has no table to show.
      if (!executor.dryRun) out.line(formatStepTable(stepResult, false));
    }

    await auditOff();
    if (options.removeAtEnd) {
      await resetLab(executor, kubectl, lab, out);
    } else if (!executor.dryRun) {
      out.line(`\nThe app stays in namespace ${lab.namespaces.join(', ')} to explore; remove it with: netpol-labs reset ${lab.id}`);
    }
    return result;
  }
}

/**
 * Sets a lab up on a cluster before its first step: refuses namespaces the runner did not create,
 * removes the policies a previous run left (so the set in force is only what comes next), deploys
 * the app and waits for it, and with `outside` starts the lab's machines outside the cluster.
 * Throws Interrupted after Ctrl-C, Refused for a namespace that is not the runner's, and
 * CommandFailed when a command that must succeed did not.
 */
export async function setUpLab(lab: Lab, options: Pick<ClusterLabOptions, 'executor' | 'out' | 'context' | 'outside' | 'signal'>): Promise<void> {
  const {executor, out} = options;
  const kubectl = new Kubectl(options.context);
  const checkAbort = () => {
    if (options.signal?.aborted) throw new Interrupted();
  };
  await ensureOwnNamespace(executor, kubectl, lab);
  checkAbort();
  out.line(`# ${lab.id}: starting from a clean state (removing policies a previous run left)`);
  await removeLabPolicies(executor, kubectl, lab);
  checkAbort();
  await deployApp(executor, kubectl, lab, out);
  checkAbort();
  if (options.outside) await startLabContainers(executor, out, lab);
}

/** A step whose policies are in force, ready to be played by playStep. */
export interface PreparedStep {
  /** The lab's policies now in force: exactly the step's. */
  inForce: PolicyRef[];
  /** What the agents' policy revision said after the change. */
  revision: RevisionSignal;
  /** How each probe of the step is sent. */
  commandOf: (probe: Probe) => Command;
}

/**
 * Puts exactly the step's policies in force (apply them, delete the lab's others), waits for the
 * agents' policy revision when they may be reached (`hubble`), and works out how each probe is
 * sent. Throws Interrupted, Refused (a cluster-scoped policy someone else owns) and CommandFailed.
 *
 * @param previous the policies in force before, as the previous step left them (a dry run cannot read them)
 */
export async function prepareStep(lab: Lab, step: Step, options: Pick<ClusterLabOptions, 'executor' | 'out' | 'context' | 'hubble' | 'signal'>, previous: PolicyRef[]): Promise<PreparedStep> {
  const {executor, out} = options;
  const kubectl = new Kubectl(options.context);
  // Read before the change, so "newer than this" is what the agents must reach after it.
  const before = options.hubble ? await readRevisions(executor, kubectl) : undefined;
  const synced = await syncPolicies(executor, kubectl, lab, step, previous, out);
  if (options.signal?.aborted) throw new Interrupted();
  const revision = await revisionSignal(executor, kubectl, before, synced.changed, out);
  const commandOf = await probeCommands(executor, kubectl, lab, step, out);
  return {inForce: synced.inForce, revision, commandOf};
}

/**
 * Plays a step prepared by prepareStep as runLabOnCluster does: converge, assert every probe once,
 * attach Hubble flows when `hubble`. Throws Interrupted after Ctrl-C.
 */
export async function playPreparedStep(lab: Lab, step: Step, options: ClusterLabOptions, prepared: PreparedStep): Promise<StepResult> {
  const checkAbort = () => {
    if (options.signal?.aborted) throw new Interrupted();
  };
  const sleep = options.sleep ?? ((ms: number) => defaultSleep(ms, options.signal));
  return playStep(lab, step, new Kubectl(options.context), options, sleep, checkAbort, prepared.revision, prepared.commandOf);
}

/** Refuses to use any lab namespace that exists but was not created by the runner. */
async function ensureOwnNamespace(executor: Executor, kubectl: Kubectl, lab: Lab): Promise<void> {
  for (const {namespace, command} of namespaceCommands(kubectl, lab)) {
    const r = await must(executor, command);
    if (!r.stdout.trim()) continue;
    const labels = (JSON.parse(r.stdout).metadata?.labels ?? {}) as Record<string, string>;
    if (labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) {
      throw new Refused(
        `namespace ${namespace} exists in context ${kubectl.context} and was not created by netpol-labs (no ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE} label); ` +
          'the runner only changes namespaces it created. Delete or rename it yourself, or use another cluster.',
      );
    }
    // Another lab's namespace: its policies (labelled with its id) would stay in force, unseen by
    // this lab's clean-up, and this lab's reset would delete that lab's app.
    if (labels[LAB_LABEL] !== lab.id) {
      throw new Refused(
        `namespace ${namespace} belongs to lab ${labels[LAB_LABEL] ?? '?'} (label ${LAB_LABEL}), not to ${lab.id}; ` +
          `two labs never share a namespace. Remove that lab first: netpol-labs reset ${labels[LAB_LABEL] ?? '<lab>'}`,
      );
    }
  }
}

/** Deletes the policies the runner created for this lab (and only those), in each of its namespaces. */
async function removeLabPolicies(executor: Executor, kubectl: Kubectl, lab: Lab): Promise<void> {
  for (const command of removePoliciesCommands(kubectl, lab)) await must(executor, command);
}

/** Applies the app (labelled) and waits for its Deployments and Pods. */
async function deployApp(executor: Executor, kubectl: Kubectl, lab: Lab, out: Output): Promise<void> {
  out.line(`# ${lab.id}: deploying the app in namespace ${lab.namespaces.join(', ')}`);
  await must(executor, applyAppCommand(kubectl, lab));
  for (const command of appReadyCommands(kubectl, lab)) await must(executor, command);
}

/**
 * Makes the lab's policies exactly the step's set: apply the step's manifests, then delete every
 * policy the runner created for this lab that the step does not list. Only objects carrying the
 * lab's owner labels are ever deleted. Returns the new set in force, and whether anything changed
 * (kubectl apply prints `<kind>/<name> unchanged` for an object it left as it was).
 */
async function syncPolicies(executor: Executor, kubectl: Kubectl, lab: Lab, step: Step, previous: PolicyRef[], out: Output): Promise<{inForce: PolicyRef[]; changed: boolean}> {
  await refuseForeignClusterScoped(executor, kubectl, lab, step, out);
  const listed: PolicyRef[] = [];
  for (const command of listPoliciesCommands(kubectl, lab)) listed.push(...parsePolicyList((await must(executor, command)).stdout));
  // In a dry run the cluster answers nothing; what the previous steps applied is what would be there.
  // A cluster-wide policy is listed once per namespace: one reference each.
  const present = executor.dryRun ? previous : [...new Map(listed.map((ref) => [policyId(ref), ref])).values()];
  const wanted = stepPolicies(step.policies, lab.namespace);
  let changed = executor.dryRun;
  const apply = applyPoliciesCommand(kubectl, lab, step);
  if (apply) {
    const applied = await must(executor, apply);
    changed ||= applied.stdout.split('\n').some((l) => l.trim() !== '' && !/\sunchanged$/.test(l.trim()));
  }
  const keep = new Set(wanted.map(policyId));
  for (const ref of present.filter((p) => !keep.has(policyId(p)))) {
    await must(executor, deletePolicyCommand(kubectl, ref));
    changed = true;
  }
  return {inForce: wanted, changed};
}

/** What the agents' policy revision says about a step's convergence. */
export interface RevisionSignal {
  /** True: every agent realised the change; false: it did not in time; undefined: not used. */
  realised?: boolean;
  detail: string;
}

/**
 * Waits for the agents' policy revision after a change, when the agents may be reached (kind, or
 * a context with --hubble). Behaviour is polled as well in every case; this says which signal
 * proved convergence, and why the revision was not one of them.
 */
async function revisionSignal(executor: Executor, kubectl: Kubectl, before: Revisions | undefined, changed: boolean, out: Output): Promise<RevisionSignal> {
  if (!before) return {detail: 'policy revision not read (--target context without --hubble: nothing is run in kube-system)'};
  if (!before.ok) return {detail: `policy revision not readable: ${before.error}`};
  if (!changed) return {realised: true, detail: 'no policy changed, so no new revision to wait for'};
  if (executor.dryRun) out.line(`# wait until every Cilium agent's endpoints realised a newer policy revision than before the change (at most ${REVISION_WAIT_S} s), then poll the behaviour too`);
  return waitForRevisions(executor, kubectl, before.byPod);
}

/**
 * Before anything of a step is applied: every cluster-scoped object it holds must either not exist
 * yet or carry this lab's owner labels. `kubectl apply` would otherwise overwrite (and a later step
 * delete) an object someone else made; the lab namespace check does not cover these.
 */
async function refuseForeignClusterScoped(executor: Executor, kubectl: Kubectl, lab: Lab, step: Step, out: Output): Promise<void> {
  for (const ref of clusterScopedPolicies(lab, step)) {
    if (executor.dryRun) out.line(`# ${ref.kind} ${ref.name} is cluster-scoped: refuse the step if it exists without the labels ${ownerSelector(lab.id)}`);
    const r = await must(executor, ownerCheckCommand(kubectl, ref));
    if (!r.stdout.trim()) continue;
    const labels = (JSON.parse(r.stdout).metadata?.labels ?? {}) as Record<string, string>;
    if (labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE && labels[LAB_LABEL] === lab.id) continue;
    const whose = labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE ? ` (netpol-labs lab ${labels[LAB_LABEL] ?? '?'})` : '';
    throw new Refused(
      `${ref.kind} ${ref.name} already exists in context ${kubectl.context} and belongs to someone else${whose}: ` +
        `it lacks this lab's labels ${ownerSelector(lab.id)}. The runner does not overwrite cluster-scoped objects it did not create; ` +
        `nothing of step ${step.id} was applied. Remove or rename that object yourself, or use another cluster.`,
    );
  }
}

interface Observation {
  probe: Probe;
  classification: Classification;
  command: Command;
  durationMs: number;
}

/**
 * How each probe of a step is sent: `kubectl exec` in its client pod, or `docker exec` in the
 * outside client. An outside probe to a Service goes to its node port on a node with a ready
 * endpoint, read now (the port is the API server's choice, and a restarted pod may have moved);
 * a plan shows the reads and NODE_IP:NODE_PORT in their place.
 */
async function probeCommands(executor: Executor, kubectl: Kubectl, lab: Lab, step: Step, out: Output): Promise<(probe: Probe) => Command> {
  const routes = new Map<string, NodePortRoute>();
  const viaService = step.probes.filter((p) => p.source.kind === 'outside' && p.target.service !== undefined);
  for (const probe of viaService) {
    const key = `${probe.target.namespace}/${probe.target.service}:${probe.target.port}`;
    if (routes.has(key)) continue;
    const [service, slices, nodes] = nodePortCommands(kubectl, probe.target.service!, probe.target.namespace!);
    if (executor.dryRun) out.line(`# outside -> Service ${probe.target.service}: read its node port for port ${probe.target.port} and a node with a ready endpoint (externalTrafficPolicy: Local)`);
    const results = [await must(executor, service), await must(executor, slices), await must(executor, nodes)];
    if (executor.dryRun) {
      routes.set(key, {node: 'NODE', ip: 'NODE_IP', port: 0});
      continue;
    }
    const route = parseNodePortRoute(results[0].stdout, results[1].stdout, results[2].stdout, probe.target.port!);
    if ('error' in route) throw new Error(`probe ${probe.label} from outside to Service ${probe.target.service} in namespace ${probe.target.namespace}: ${route.error}`);
    out.line(`  outside -> ${probe.target.service}:${probe.target.port} goes to node ${route.node} (${route.ip}), node port ${route.port}`);
    routes.set(key, route);
  }
  return (probe) => {
    if (probe.source.kind !== 'outside') return probeCommand(kubectl, lab, probe);
    if (probe.target.service === undefined) return outsideProbeCommand(lab, probe);
    if (executor.dryRun) return plannedOutsideProbeCommand(lab, probe);
    return outsideProbeCommand(lab, probe, routes.get(`${probe.target.namespace}/${probe.target.service}:${probe.target.port}`));
  };
}

async function observe(executor: Executor, lab: Lab, probe: Probe, commandOf: (probe: Probe) => Command): Promise<Observation> {
  const command = commandOf(probe);
  const started = Date.now();
  const run = await executor.run(command);
  return {probe, classification: classify(run, probe.kind), command, durationMs: Date.now() - started};
}

/** Whether an observation is what the probe expects: its outcome, and its body when it names one. */
export const matches = (probe: Probe, c: Classification) => c.observed === probe.expect && (!probe.body || c.body.includes(probe.body));

/**
 * One step: converge by polling the harmless probes until every one of them shows its expected
 * outcome on consecutive rounds (or the deadline passes), then assert all probes once. A probe whose
 * request harms the app (`destructive: true` in lab.yaml, e.g. PUT /v1/exhaust-port) is never polled and is only sent when the harmless
 * probes proved the step's policies in force; after it got through, the runner waits for the app.
 */
async function playStep(
  lab: Lab,
  step: Step,
  kubectl: Kubectl,
  options: ClusterLabOptions,
  sleep: (ms: number) => Promise<void>,
  checkAbort: () => void,
  revision: RevisionSignal,
  commandOf: (probe: Probe) => Command,
): Promise<StepResult> {
  const {executor, out} = options;
  const started = new Date(Date.now() - 1000);
  const safe = step.probes.filter((p) => !p.destructive);
  const risky = step.probes.filter((p) => p.destructive);
  const deadlineMs = options.convergeDeadlineMs ?? CONVERGE_DEADLINE_MS;
  const interval = options.pollIntervalMs ?? 2_000;
  const showsPoliciesInForce = options.showsPoliciesInForce ?? matches;
  let converged: boolean | undefined;
  let note: string | undefined;
  let convergedBy: string | undefined;

  if (executor.dryRun) {
    out.line(`# converge: repeat the ${safe.length} harmless probe(s) below every ${interval / 1000} s until each matches on ${CONVERGE_CONSECUTIVE} consecutive rounds (deadline ${deadlineMs / 1000} s), then assert once`);
  } else if (safe.length === 0) {
    if (revision.realised) {
      converged = true;
      convergedBy = revision.detail;
    } else {
      // Nothing harmless to watch and no revision: give the agents a fixed settle time rather than guess.
      note = `no harmless probe to watch convergence and ${revision.detail}; waited a fixed 10 s before asserting`;
      await sleep(10_000);
    }
  } else {
    const deadline = Date.now() + deadlineMs;
    let streak = 0;
    let round = 0;
    while (Date.now() < deadline) {
      checkAbort();
      round++;
      const seen = await Promise.all(safe.map((p) => observe(executor, lab, p, commandOf)));
      checkAbort();
      const inForce = seen.filter((o) => showsPoliciesInForce(o.probe, o.classification)).length;
      streak = inForce === seen.length ? streak + 1 : 0;
      const elapsed = Math.round((deadlineMs - (deadline - Date.now())) / 1000);
      out.progress(`  ${step.id}: waiting for the policies to take effect: round ${round}, ${inForce}/${seen.length} as expected, ${streak}/${CONVERGE_CONSECUTIVE} consecutive (${elapsed}/${deadlineMs / 1000} s)`);
      if (streak >= CONVERGE_CONSECUTIVE) break;
      await sleep(interval);
    }
    out.endProgress();
    converged = streak >= CONVERGE_CONSECUTIVE;
    const behaviour = `behaviour: every harmless probe as expected on ${CONVERGE_CONSECUTIVE} consecutive rounds (round ${round})`;
    if (!converged) note = `the harmless probes did not all show their expected outcome within ${deadlineMs / 1000} s; asserting anyway (${revision.detail})`;
    else convergedBy = revision.realised ? `${revision.detail}, and ${behaviour}` : `${behaviour} only; ${revision.detail}`;
  }
  if (convergedBy) out.line(`  converged: ${convergedBy}`);

  checkAbort();
  // The assertion: every harmless probe once, in parallel.
  const observations = await Promise.all(safe.map((p) => observe(executor, lab, p, commandOf)));
  const safeHeld = observations.every((o) => matches(o.probe, o.classification));
  const results = new Map<Probe, ProbeResult>();
  for (const o of observations) results.set(o.probe, toResult(lab, step, o));

  for (const probe of risky) {
    checkAbort();
    if (!executor.dryRun && (converged === false || !safeHeld)) {
      results.set(probe, {
        ...baseResult(lab, step, probe),
        observed: 'not-run',
        evidence: 'not sent: the harmless probes did not show the step\'s policies in force, and this request crashes the app if it gets through',
        reproduce: formatCommand(commandOf(probe)),
      });
      continue;
    }
    const o = await observe(executor, lab, probe, commandOf);
    results.set(probe, toResult(lab, step, o));
    // It reached the app (2xx, or the app's own 503 "Panic"): the process dies about 2 s later.
    const gotThrough = o.classification.observed === 'allowed' || (o.classification.status !== undefined && o.classification.status !== 403);
    if (gotThrough || executor.dryRun) await waitForRecovery(executor, kubectl, lab, probe, out, sleep);
  }

  const probes = step.probes.map((p) => results.get(p)!);
  if (options.hubble) await attachFlows(executor, kubectl, lab, probes, started, out, step.policyAuditMode === true);
  return {id: step.id, title: step.title, converged, ...(convergedBy ? {convergedBy} : {}), note, probes};
}

/** Waits until the Deployments behind a crashed Service are Ready again. */
async function waitForRecovery(executor: Executor, kubectl: Kubectl, lab: Lab, probe: Probe, out: Output, sleep: (ms: number) => Promise<void>) {
  if (!executor.dryRun) out.line(`  ${probe.label} reached ${probe.target.service}: waiting for it to restart and be Ready again`);
  else out.line(`# if ${probe.label} gets through, the app panics ~2 s later: wait for it to be Ready again`);
  if (!executor.dryRun) await sleep(4_000); // the panic comes about 2 s after the response
  for (const command of recoveryCommands(kubectl, lab, probe)) await executor.run(command);
}

function baseResult(lab: Lab, step: Step, probe: Probe): Omit<ProbeResult, 'observed' | 'evidence' | 'passed' | 'bodyMatched' | 'durationMs'> & {passed: false; bodyMatched: false; durationMs: 0} {
  return {
    lab: lab.id,
    step: step.id,
    index: step.probes.indexOf(probe),
    from: probe.from,
    kind: probe.kind,
    request: probe.label,
    method: probe.method,
    why: probe.why,
    expected: probe.expect,
    expectedBody: probe.body,
    passed: false,
    bodyMatched: false,
    durationMs: 0,
  };
}

function toResult(lab: Lab, step: Step, o: Observation): ProbeResult {
  const bodyMatched = !o.probe.body || o.classification.body.includes(o.probe.body);
  return {
    ...baseResult(lab, step, o.probe),
    observed: o.classification.observed,
    evidence: o.classification.evidence,
    bodyMatched,
    passed: o.classification.observed === o.probe.expect && bodyMatched,
    reproduce: formatCommand(o.command),
    durationMs: o.durationMs,
  };
}

let hubbleWarned = false;

/** Attaches Hubble flows to probes that were dropped or denied, or that failed, and in a step in audit mode the AUDIT flows of allowed ones. */
async function attachFlows(executor: Executor, kubectl: Kubectl, lab: Lab, probes: ProbeResult[], since: Date, out: Output, audit = false) {
  // In a step in policy audit mode, an allowed probe may owe it to audit mode: its AUDIT flows show that.
  const audited = (p: ProbeResult) => audit && p.observed === 'allowed';
  const wanted = probes.filter((p) => p.observed === 'dropped' || p.observed === 'l7-denied' || audited(p) || (!p.passed && p.observed !== 'not-run'));
  if (executor.dryRun) out.line('# for probes that are dropped, denied or unexpected: read the Hubble flows of the namespace from every Cilium agent');
  else if (wanted.length === 0) return;
  // `hubble observe --namespace` matches either end of a flow, so a flow between two namespaces
  // of the lab comes twice: keep one of each.
  const flows = new Map<string, Flow>();
  for (const namespace of lab.namespaces) {
    const collected = await collectFlows(executor, kubectl, namespace, since);
    for (const flow of collected.flows) flows.set(JSON.stringify(flow), flow);
    if (collected.error && !hubbleWarned) {
      hubbleWarned = true;
      out.line(`  (Hubble flows unavailable: ${collected.error})`);
    }
  }
  for (const p of wanted) {
    const verdict = p.observed === 'dropped' || p.observed === 'l7-denied' ? p.observed : p.expected;
    const [namespace, name] = p.from.includes('/') ? p.from.split('/', 2) : [lab.namespace, p.from];
    if (audited(p)) {
      const lines = auditFlowsForProbe([...flows.values()], {namespace, name});
      if (lines.length) p.flows = lines;
      continue;
    }
    const lines = flowsForProbe([...flows.values()], {namespace, name}, p.method, verdict === 'allowed' ? 'dropped' : verdict);
    if (lines.length) p.flows = lines;
  }
}

/**
 * `netpol-labs reset LAB`: delete the lab's policies, then its namespace when the runner created it,
 * and on kind (`outside`) its containers outside the cluster.
 */
export async function resetLab(executor: Executor, kubectl: Kubectl, lab: Lab, out: Output, outside = false): Promise<void> {
  await ensureOwnNamespace(executor, kubectl, lab);
  await removeLabPolicies(executor, kubectl, lab);
  // The namespace carries the owner labels (ensureOwnNamespace checked), so deleting it removes only
  // what the runner created. --wait so the next run does not race a Terminating namespace.
  for (const namespace of lab.namespaces) {
    await must(executor, kubectl.command(['delete', 'namespace', '--selector', `${ownerSelector(lab.id)}`, '--field-selector', `metadata.name=${namespace}`, '--ignore-not-found', '--wait=true', '--timeout=180s'], {timeoutMs: 200_000}));
  }
  const containers = outside && labContainers(lab).length > 0;
  if (containers) await removeLabContainers(executor, out, {labId: lab.id});
  out.line(`removed lab ${lab.id}: its policies and namespace${lab.namespaces.length > 1 ? 's' : ''} ${lab.namespaces.join(', ')}${containers ? ', and its containers outside the cluster' : ''}`);
}

/**
 * After Ctrl-C: remove the lab's policies so nothing half-applied stays in force, and for a lab
 * with a step in policy audit mode switch that off for its pods (whichever step was interrupted:
 * the runner keeps no record of it that would survive the interruption).
 */
export async function cleanupAfterInterrupt(executor: Executor, context: string, lab: Lab, options: {out?: Output; ownCluster?: boolean} = {}): Promise<boolean> {
  const kubectl = new Kubectl(context);
  let cleaned = true;
  for (const command of removePoliciesCommands(kubectl, lab, 20_000)) cleaned = succeeded(await executor.run(command)) && cleaned;
  // Only on the runner's own cluster: elsewhere audit mode was never switched on (it is refused).
  if (options.ownCluster === true && usesAuditMode(lab)) {
    const failed = await setLabAuditMode(executor, kubectl, lab, false, options.out ?? {line: () => {}, progress: () => {}, endProgress: () => {}});
    cleaned = failed.length === 0 && cleaned;
  }
  return cleaned;
}
