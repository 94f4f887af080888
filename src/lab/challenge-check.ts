import {formatExplanation, type Explanation, type PolicyError} from '../policy';
import type {Challenge, ChallengeProbe} from './challenge';
import {readSubmission, type SubmittedFile} from './challenge-submission';
import type {Step} from './load';
import {OUTCOME_LABELS, type Outcome} from './outcome';
import {simulateStep} from './simulate-step';

/**
 * The check of a challenge: the learner's policies become the complete set in force over the
 * lab's app and the challenge's extra app, every judged probe is played on the Cilium datapath
 * by the same simulateStep as the lessons and the playground, and the result says which visible
 * probes fail and why; of the hidden ones only how many failed, with their hints. Pure: the CLI
 * and the browser block both call it.
 */

/** A visible probe's verdict. */
export interface VisibleResult {
  probe: ChallengeProbe;
  expected: Outcome;
  predicted: Outcome;
  pass: boolean;
  /** The engine's reasoning, in the order it checked. */
  explanation: Explanation[];
  /** The step of the reasoning that decided. */
  deciding?: Explanation;
}

/** The outcome of one check. */
export type CheckResult =
  /** The files were refused before any probe was played (kinds, namespaces, invalid policies). */
  | {status: 'error'; errors: PolicyError[]}
  | {
      status: 'pass' | 'fail';
      visible: VisibleResult[];
      /** Of the hidden probes: how many, how many failed, and the (distinct) hints of the failed ones. */
      hidden: {total: number; failed: number; hints: string[]};
      /** Ids of every failed probe, visible or hidden: for the tests and near misses, never shown for hidden ones. */
      failedIds: string[];
      /**
       * The engine's outcome of every judged probe, in the challenge's probe order, hidden ones
       * included: what a cluster check waits for the behaviour to show (src/runner/check-cluster.ts).
       */
      predicted: Outcome[];
    };

/** The judged probes as one step whose policies are the learner's. */
function challengeStep(challenge: Challenge): Step {
  return {id: `challenge-${challenge.id}`, title: challenge.title, policies: [], probes: challenge.probes};
}

/** Checks a learner's files against the challenge; see the module comment. */
export function checkChallenge(challenge: Challenge, files: SubmittedFile[]): CheckResult {
  const {policies, errors} = readSubmission(challenge, files);
  if (errors.length > 0) return {status: 'error', errors};
  const simulation = simulateStep(challenge.lab, challengeStep(challenge), {policies, datapath: 'cilium'});
  if (simulation.errors.length > 0) return {status: 'error', errors: simulation.errors};
  const visible: VisibleResult[] = [];
  const failedIds: string[] = [];
  const hidden = {total: 0, failed: 0, hints: [] as string[]};
  const predicted: Outcome[] = [];
  for (const prediction of simulation.predictions) {
    const probe = challenge.probes[prediction.index];
    predicted[prediction.index] = prediction.outcome;
    const pass = prediction.outcome === probe.expect;
    if (!pass) failedIds.push(probe.id);
    if (probe.hidden) {
      hidden.total++;
      if (!pass) {
        hidden.failed++;
        if (probe.hint && !hidden.hints.includes(probe.hint)) hidden.hints.push(probe.hint);
      }
      continue;
    }
    visible.push({probe, expected: probe.expect, predicted: prediction.outcome, pass, explanation: prediction.result.explanation, ...(prediction.deciding ? {deciding: prediction.deciding} : {})});
  }
  return {status: failedIds.length === 0 ? 'pass' : 'fail', visible, hidden, failedIds, predicted};
}

/**
 * One visible probe's lines in a report: what it expected, what the check got (`predicted allowed`
 * in the simulator, `observed allowed` on a cluster) and, when it failed, the lines that say why.
 */
export interface ReportRow {
  probe: ChallengeProbe;
  pass: boolean;
  /** `predicted allowed`, `observed dropped`, `not sent`. */
  got: string;
  /** Shown under a failed row, after the statement's reason (`engine: ...`, `cluster: ...`). */
  reasons: string[];
}

/**
 * A check report from its rows, shared by the simulator's and the cluster's check so both read
 * alike: each visible probe, then the hidden probes' count and hints, then the verdict line.
 */
export function formatReport(challenge: Challenge, rows: ReportRow[], hidden: {total: number; failed: number; hints: string[]}): string {
  const lines: string[] = [];
  for (const r of rows) {
    lines.push(`${r.pass ? 'PASS' : 'FAIL'}  ${r.probe.from} ${r.probe.label} -> ${r.probe.target.service ?? r.probe.target.host}: expected ${r.probe.expect}, ${r.got}`);
    if (!r.pass) {
      lines.push(`      wanted: ${OUTCOME_LABELS[r.probe.expect]}. ${r.probe.why}`);
      for (const reason of r.reasons) lines.push(`      ${reason}`);
    }
  }
  if (hidden.total > 0) {
    lines.push(
      hidden.failed === 0
        ? `hidden probes: all ${hidden.total} pass`
        : `hidden probes: ${hidden.failed} of ${hidden.total} fail (hidden from view, not secret: they are in ${challenge.file})`,
    );
    for (const hint of hidden.hints) lines.push(`  hint: ${hint}`);
  }
  const total = rows.length + hidden.total;
  const failed = rows.filter((r) => !r.pass).length + hidden.failed;
  lines.push(failed === 0 ? `${challenge.id}: solved, all ${total} probes pass` : `${challenge.id}: not yet, ${failed} of ${total} probes fail`);
  return `${lines.join('\n')}\n`;
}

/**
 * The check's result as text, the CLI's report: each visible probe with expected and predicted
 * outcome and, when it fails, the engine's deciding reason; then the hidden probes' count and hints.
 */
export function formatCheckReport(challenge: Challenge, result: CheckResult): string {
  if (result.status === 'error') return '';
  const rows = result.visible.map((r): ReportRow => ({
    probe: r.probe,
    pass: r.pass,
    got: `predicted ${r.predicted}`,
    reasons: r.deciding ? [`engine: ${formatExplanation(r.deciding)}`] : [],
  }));
  return formatReport(challenge, rows, result.hidden);
}
