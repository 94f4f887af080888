import type {Lab, Step} from '../lab/load';
import {dnsCacheBefore, simulateStep, type SimulateStepOptions} from '../lab/simulate-step';
import {formatError, type DnsEntry} from '../policy';
import {labelled} from './objects';
import type {Output} from './output';
import {formatStepHeader, formatStepPolicies, formatStepTable, type LabResult, type ProbeResult, type StepResult} from './report';

/**
 * The sim target: the policy engine evaluates each step's probes against the lab modelled as a
 * cluster. No packets flow, so every line it prints is labelled SIMULATED; an application's own
 * answer (the deathstar's "Ship landed") is not modelled, only what policy decides. Steps are
 * played in lab order and each starts with the DNS answers the steps before it left in the agents'
 * caches (see simulateLab); `--step` starts from the cache the earlier steps would have left.
 */

/** The objects as the runner applies them: with its owner labels, which are part of identity. */
const asApplied = (lab: Lab): SimulateStepOptions => ({transformApp: (o) => labelled(o, lab.id, lab.namespace)});

/** The steps a run plays: all of them, or the one `--step` names. */
function selectSteps(lab: Lab, result: LabResult, stepId?: string): Step[] {
  const steps = stepId ? lab.steps.filter((s) => s.id === stepId) : lab.steps;
  if (steps.length === 0) result.error = `lab ${lab.id} has no step "${stepId}"; its steps are ${lab.steps.map((s) => s.id).join(', ')}`;
  return steps;
}

/** Plays one step and prints its table; the DNS cache it leaves, or undefined when it could not be evaluated. */
function playStep(lab: Lab, step: Step, dnsCache: DnsEntry[], out: Output, result: LabResult): DnsEntry[] | undefined {
  const played = playOnEngine(lab, step, dnsCache);
  if ('error' in played) {
    result.error = played.error;
    return undefined;
  }
  result.steps.push(played.step);
  out.line(formatStepTable(played.step, true));
  return played.dnsCache;
}

/** How a simulated run is played. */
export interface SimRunOptions {
  /** Play only this step. */
  stepId?: string;
  /**
   * For a workshop (--interactive): before each step, show its policies and wait for this
   * (Enter). Without it the steps play straight through.
   */
  pause?: (prompt: string) => Promise<void>;
  /** Stops before the next step once aborted (Ctrl-C at a pause). */
  signal?: AbortSignal;
}

/** Plays a lab on the simulator. */
export async function runLabOnSim(lab: Lab, out: Output, options: SimRunOptions = {}): Promise<LabResult> {
  const result: LabResult = {lab: lab.id, title: lab.title, steps: []};
  const steps = selectSteps(lab, result, options.stepId);
  let dnsCache = steps.length > 0 ? dnsCacheBefore(lab, steps[0].id, asApplied(lab)) : [];
  for (const step of steps) {
    out.line('');
    out.line(formatStepHeader(lab.id, step, true));
    if (options.pause) {
      out.line(formatStepPolicies(step));
      await options.pause(`Press Enter to apply step "${step.id}" and simulate its ${step.probes.length} probes (Ctrl-C stops) `);
      if (options.signal?.aborted) return result;
    }
    const after = playStep(lab, step, dnsCache, out, result);
    if (!after) return result;
    dnsCache = after;
  }
  return result;
}

function playOnEngine(lab: Lab, step: Step, dnsCache: DnsEntry[]): {step: StepResult; dnsCache: DnsEntry[]} | {error: string} {
  const started = Date.now();
  const simulation = simulateStep(lab, step, {...asApplied(lab), dnsCache});
  const durationMs = Date.now() - started;
  if (simulation.errors.length > 0) return {error: `step ${step.id}: ${simulation.errors.map(formatError).join('; ')}`};
  const probes: ProbeResult[] = simulation.predictions.map(({index, outcome, result, deciding}) => {
    const probe = step.probes[index];
    // The engine gives Envoy's 403 body; an allowed request's body is the app's and is not modelled.
    const body = result.http?.body ?? undefined;
    const bodyMatched = !probe.body || body === undefined || body.includes(probe.body);
    const because = deciding?.text ?? '';
    return {
      lab: lab.id, step: step.id, index, from: probe.from, kind: probe.kind, request: probe.label, method: probe.method,
      why: probe.why, expected: probe.expect, expectedBody: probe.body, durationMs: durationMs / Math.max(1, step.probes.length),
      observed: outcome,
      bodyMatched,
      passed: outcome === probe.expect && bodyMatched,
      evidence: `SIMULATED ${outcome}${because ? `: ${because}` : ''}${probe.body && body === undefined && outcome === 'allowed' ? ' (app body not simulated)' : ''}`,
    };
  });
  return {step: {id: step.id, title: step.title, probes}, dnsCache: simulation.dnsCache};
}
