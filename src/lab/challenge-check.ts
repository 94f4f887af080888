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
  for (const prediction of simulation.predictions) {
    const probe = challenge.probes[prediction.index];
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
  return {status: failedIds.length === 0 ? 'pass' : 'fail', visible, hidden, failedIds};
}

/**
 * The check's result as text, the CLI's report: each visible probe with expected and predicted
 * outcome and, when it fails, the engine's deciding reason; then the hidden probes' count and hints.
 */
export function formatCheckReport(challenge: Challenge, result: CheckResult): string {
  if (result.status === 'error') return '';
  const lines: string[] = [];
  const failedVisible = result.visible.filter((r) => !r.pass).length;
  for (const r of result.visible) {
    const mark = r.pass ? 'PASS' : 'FAIL';
    lines.push(`${mark}  ${r.probe.from} ${r.probe.label} -> ${r.probe.target.service ?? r.probe.target.host}: expected ${r.expected}, predicted ${r.predicted}`);
    if (!r.pass) {
      lines.push(`      wanted: ${OUTCOME_LABELS[r.expected]}. ${r.probe.why}`);
      if (r.deciding) lines.push(`      engine: ${formatExplanation(r.deciding)}`);
    }
  }
  if (result.hidden.total > 0) {
    lines.push(
      result.hidden.failed === 0
        ? `hidden probes: all ${result.hidden.total} pass`
        : `hidden probes: ${result.hidden.failed} of ${result.hidden.total} fail (hidden from view, not secret: they are in ${challenge.file})`,
    );
    for (const hint of result.hidden.hints) lines.push(`  hint: ${hint}`);
  }
  const total = result.visible.length + result.hidden.total;
  const failed = failedVisible + result.hidden.failed;
  lines.push(result.status === 'pass' ? `${challenge.id}: solved, all ${total} probes pass` : `${challenge.id}: not yet, ${failed} of ${total} probes fail`);
  return `${lines.join('\n')}\n`;
}
