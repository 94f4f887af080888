/**
 * `netpol-labs check LAB/CHALLENGE FILE... --target kind|context`: a learner's policies checked on
 * a real cluster. The command line (src/cli/check.ts) has already refused, before anything touches
 * a cluster, what the simulator's check refuses (kinds, namespaces and cluster-wide policies the
 * challenge does not allow, invalid policies). Here: set the lab up as `run --target kind` does,
 * with the pods the challenge adds, make the learner's files the complete set of policies in force
 * (the lab's own policies are removed first, as in the simulator's check), wait for Cilium, send
 * every judged probe for real, report as the simulator's check does, and remove the learner's
 * policies afterwards, after a failure and after Ctrl-C too.
 */
import {parseAllDocuments} from 'yaml';
import {formatExplanation} from '../policy';
import type {Challenge} from '../lab/challenge';
import {formatReport, type CheckResult, type ReportRow} from '../lab/challenge-check';
import {readSubmission, type SubmittedFile} from '../lab/challenge-submission';
import type {KubeObject, LocatedObject} from '../lab/manifests';
import type {Lab, Manifest, Step} from '../lab/load';
import {cleanupExecutor, guard, makeExecutor, prepareTarget, type CommandContext} from './commands';
import {matches, playPreparedStep, prepareStep, Refused, setUpLab, type ClusterLabOptions} from './cluster-lab';
import {unsupportedOnCluster} from './cluster-support';
import {succeeded, type Executor} from './exec';
import {Kubectl} from './kubectl';
import {removePoliciesCommands} from './lab-commands';
import {ownerSelector, policyId, stepPolicies} from './objects';
import type {Output} from './output';
import type {ProbeResult, StepResult} from './report';

/** What a cluster check needs from the command line. */
export interface ClusterCheckInput {
  /** The lab as loaded, without the challenge's additions. */
  lab: Lab;
  challenge: Challenge;
  /** The learner's files, as read. */
  files: SubmittedFile[];
  /** The simulator's check of the same files (not refused): its predictions and explanations. */
  simulated: Extract<CheckResult, {status: 'pass' | 'fail'}>;
  target: 'kind' | 'context';
  /** The kubeconfig context (kind-netpol-labs for kind). */
  context: string;
}

/**
 * The objects of a learner's files as `kubectl apply` takes them, one Manifest per file: every
 * document, and the items of a `kind: List` (or a typed list such as CiliumNetworkPolicyList, whose
 * items may leave kind and apiVersion to the list) one by one, so each gets the runner's owner
 * labels and can be found and deleted afterwards. The files were validated by readSubmission.
 */
export function submissionManifests(files: SubmittedFile[]): Manifest[] {
  return files.map(({file, text}) => {
    const objects: LocatedObject[] = [];
    for (const doc of parseAllDocuments(text)) {
      const value = doc.toJS() as KubeObject | null;
      if (!value || typeof value !== 'object') continue;
      // Where an object starts matters only for errors, and readSubmission reported those already.
      const position = {line: 1, col: 1};
      const items = typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items) ? (value.items as KubeObject[]) : undefined;
      if (!items) {
        objects.push({object: value, file, position});
        continue;
      }
      const inherited = value.kind === 'List' ? {} : {kind: value.kind.slice(0, -'List'.length), apiVersion: value.apiVersion};
      for (const item of items) objects.push({object: {...inherited, ...item}, file, position});
    }
    return {path: file, file, text, objects};
  });
}

/**
 * The policies the runner would apply, compared with those the check read: the same set, or why
 * not. A second reader (the yaml library, for kubectl) must not let through an object the check
 * never judged, so any difference refuses the files.
 */
function sameAsChecked(challenge: Challenge, files: SubmittedFile[], manifests: Manifest[]): string | undefined {
  const checked = readSubmission(challenge, files).policies.map((p) => policyId({kind: p.kind, name: p.name, ...(p.namespace !== undefined ? {namespace: p.namespace} : {})}));
  const applied = stepPolicies(manifests, challenge.lab.namespace).map(policyId);
  const others = manifests.flatMap((m) => m.objects.map((o) => o.object.kind)).filter((kind) => !['NetworkPolicy', 'CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy'].includes(kind));
  if (others.length > 0 || [...checked].sort().join('\n') !== [...applied].sort().join('\n')) {
    return `the files read as other objects for kubectl (${applied.join(', ') || 'none'}) than for the check (${checked.join(', ') || 'none'}); nothing was applied. Write one policy per YAML document`;
  }
  return undefined;
}

/**
 * Checks a learner's files against a challenge on a cluster; resolves to the exit code: 0 when
 * every judged probe passes, 1 when some fail (or the cluster could not be set up), 2 when the
 * request is refused before anything is applied, 130 after Ctrl-C.
 */
export async function checkOnCluster(input: ClusterCheckInput, ctx: CommandContext): Promise<number> {
  const {challenge, files, simulated, target, context} = input;
  const manifests = submissionManifests(files);
  const mismatch = sameAsChecked(challenge, files, manifests);
  if (mismatch) {
    ctx.out.line(`netpol-labs check: ${mismatch}`);
    return 2;
  }
  // The judged probes as one step whose policies are the learner's, over the lab's app and the
  // challenge's. Its probes "expect" the engine's outcome for these policies: the runner watches
  // the behaviour until it shows that (the sign that Cilium put them in force, as `run` watches a
  // step's expectations); the verdict below compares what was observed with the challenge's
  // expectations. A wrong solution thus settles as fast as a right one, instead of waiting out the
  // deadline for a behaviour it will never show.
  const step: Step = {
    id: `challenge-${challenge.id}`,
    title: challenge.title,
    policies: manifests,
    probes: challenge.probes.map((probe, i) => ({...probe, expect: simulated.predicted[i]})),
  };
  const lab: Lab = {...challenge.lab, steps: [step]};
  const unsupported = unsupportedOnCluster(lab, target);
  if (unsupported) {
    ctx.out.line(`netpol-labs: ${unsupported}`);
    return 2;
  }
  const executor = makeExecutor(ctx);
  const options: ClusterLabOptions = {
    executor,
    out: ctx.out,
    context,
    // runLabOnCluster's end-of-run removal; the check removes what it made itself (removeAfterCheck).
    removeAtEnd: false,
    outside: target === 'kind',
    // kind is the runner's own cluster; on a cluster the user named it stays in the lab's namespaces.
    hubble: target === 'kind',
    signal: ctx.signal,
    // The engine cannot know whether anything listens on a port. Where it predicts "allowed" and the
    // connection is refused (a reset: nothing listens there), no policy dropped it, as predicted:
    // Cilium drops what an L3/L4 policy denies silently. Without this a solution that opens a port the
    // app does not serve would wait out the whole deadline.
    showsPoliciesInForce: (probe, c) => matches(probe, c) || (probe.expect === 'allowed' && c.refused === true),
  };
  return guard(ctx, async () => {
    const prepared = await prepareTarget({labs: [lab], context, what: `check ${lab.id}/${challenge.id}`, notPlayed: []}, {target}, executor, ctx);
    if (prepared !== undefined) return prepared;
    const cleanUp = () => removeAfterCheck(cleanupExecutor(ctx) ?? executor, lab, input, ctx);
    try {
      await setUpLab(lab, options);
    } catch (error) {
      // Refused: a namespace exists that is not the runner's (checked first); nothing was changed, nothing is removed.
      if (!(error instanceof Refused)) await cleanUp();
      throw error;
    }
    try {
      ctx.out.line(`# ${lab.id}/${challenge.id}: applying ${files.map((f) => f.file).join(', ')} (labelled ${ownerSelector(lab.id)})`);
      ctx.out.line(`# waiting until the probes show what the engine predicts for your policies (the sign Cilium put them in force); the verdict compares what they show with the challenge`);
      const ready = await prepareStep(lab, step, options, []);
      const result = await playPreparedStep(lab, step, options, ready);
      ctx.out.line('');
      ctx.out.line(`${challenge.title} (${lab.id}/${challenge.id}, on the cluster: context ${context})`);
      const {text, passed} = clusterReport(challenge, simulated, result);
      ctx.out.line(text);
      return passed ? 0 : 1;
    } finally {
      await cleanUp();
    }
  });
}

/**
 * Removes what the check left: the learner's policies (every policy with the lab's owner labels in
 * the challenge's namespaces, which after the clean start are only the learner's); then on a
 * context the app and its namespaces, as `run --target context` does; on kind the lab's app stays
 * for the next check (as after `run`) and only the namespaces the challenge adds go, which
 * `reset LAB` does not know. After Ctrl-C nothing waits for a namespace to be gone.
 */
async function removeAfterCheck(executor: Executor, lab: Lab, input: ClusterCheckInput, ctx: CommandContext): Promise<void> {
  const {target, context} = input;
  const kubectl = new Kubectl(context);
  const interrupted = ctx.signal?.aborted === true;
  const out: Output = ctx.out;
  out.line(interrupted ? `\ninterrupted: removing your policies from ${lab.namespaces.join(', ')} so nothing half-applied stays in force` : `# removing your policies from ${lab.namespaces.join(', ')}`);
  let cleaned = true;
  for (const command of removePoliciesCommands(kubectl, lab, 20_000)) cleaned = succeeded(await executor.run(command)) && cleaned;
  const extra = lab.namespaces.filter((ns) => !input.lab.namespaces.includes(ns));
  const namespaces = target === 'context' ? lab.namespaces : extra;
  for (const namespace of namespaces) {
    // Only a namespace with the runner's labels for this lab: setUpLab refused any other.
    const r = await executor.run(kubectl.command(['delete', 'namespace', '--selector', ownerSelector(lab.id), '--field-selector', `metadata.name=${namespace}`, '--ignore-not-found', `--wait=${!interrupted}`, '--timeout=180s'], {timeoutMs: 200_000}));
    cleaned = succeeded(r) && cleaned;
  }
  if (target === 'kind' && !interrupted) out.line(`The lab's app stays in namespace ${input.lab.namespaces.join(', ')} for the next check; remove it with: netpol-labs reset ${lab.id}`);
  if (target === 'context' && namespaces.length > 0 && !interrupted) out.line(`removed the app and namespace${namespaces.length > 1 ? 's' : ''} ${namespaces.join(', ')}`);
  const retry = `netpol-labs reset ${lab.id}${target === 'context' ? ` --target context --context ${context}` : ''}`;
  out.line(cleaned ? 'removed your policies' : `could not clean up everything; run: ${retry}`);
}

/** Whether a probe's observation meets the challenge's expectation. */
function held(probe: Challenge['probes'][number], result: ProbeResult): boolean {
  return result.observed === probe.expect && result.bodyMatched;
}

/**
 * The cluster's answers in the simulator check's report (src/lab/challenge-check.ts formatReport):
 * each visible probe with expected and observed outcome and, for a failure, the evidence, the
 * engine's reason when it predicted the same, and the command that reproduces it; the hidden
 * probes as a count with the hints of the failed ones.
 */
export function clusterReport(challenge: Challenge, simulated: ClusterCheckInput['simulated'], result: StepResult): {text: string; passed: boolean} {
  const rows: ReportRow[] = [];
  const hidden = {total: 0, failed: 0, hints: [] as string[]};
  challenge.probes.forEach((probe, i) => {
    const observed = result.probes[i];
    const pass = held(probe, observed);
    if (probe.hidden) {
      hidden.total++;
      if (!pass) {
        hidden.failed++;
        if (probe.hint && !hidden.hints.includes(probe.hint)) hidden.hints.push(probe.hint);
      }
      return;
    }
    const engine = simulated.visible.find((v) => v.probe.id === probe.id);
    const reasons = [`cluster: ${observed.evidence}`];
    if (engine && engine.predicted === observed.observed && engine.deciding) reasons.push(`engine: ${formatExplanation(engine.deciding)}`);
    else if (engine && observed.observed !== 'not-run') reasons.push(`engine: predicted ${engine.predicted} here; the cluster's answer is what counts`);
    for (const flow of observed.flows ?? []) reasons.push(`flow: ${flow}`);
    if (observed.reproduce) reasons.push(`reproduce: ${observed.reproduce}`);
    rows.push({probe, pass, got: observed.observed === 'not-run' ? 'not sent' : `observed ${observed.observed}`, reasons});
  });
  const notes = [...(result.converged === false && result.note ? [`note: ${result.note}`] : [])];
  const passed = rows.every((r) => r.pass) && hidden.failed === 0;
  return {text: [...notes, formatReport(challenge, rows, hidden).replace(/\n$/, '')].join('\n'), passed};
}
