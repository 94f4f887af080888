/**
 * What the playground shows for one edit: the step's probes evaluated by the policy engine
 * against the edited policies, or the errors that make a prediction impossible. Pure, so the
 * browser test can check it without a browser too.
 */
import {
  parsePolicyDocuments,
  type Datapath,
  type DnsEntry,
  type Explanation,
  type PolicyError,
  type Verdict,
} from '@site/src/policy';
import type {Lab, Probe, Step} from '@site/src/lab/load';
import type {Outcome} from '@site/src/lab/outcome';
import {dnsCacheBefore, simulateStep} from '@site/src/lab/simulate-step';

/** One probe of the step with the engine's prediction. */
export interface PlaygroundRow {
  /** Position of the probe in lab.yaml's step. */
  index: number;
  probe: Probe;
  expected: Outcome;
  predicted: Outcome;
  /** The reasoning, in the order the engine checked: service backend, egress, ingress, L7. */
  explanation: Explanation[];
  /** The step of the reasoning that decided the outcome, shown first. */
  deciding?: Explanation;
}

/** A remark that does not stop the prediction (it may explain a surprising one). */
export interface PlaygroundWarning {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** A probe the learner added: the engine's prediction, and no expectation (lab.yaml has none). */
export type ExtraRow = Omit<PlaygroundRow, 'expected'>;

export type PlaygroundResult =
  | {status: 'ok'; rows: PlaygroundRow[]; extraRows: ExtraRow[]; warnings: PlaygroundWarning[]}
  /** No row: a prediction from half-parsed policies would be wrong in ways the learner cannot see. */
  | {status: 'error'; errors: PolicyError[]; warnings: PlaygroundWarning[]};

/**
 * The DNS answers a step starts with: those the lab's earlier steps, as written, left in the agents'
 * caches. They do not depend on the editor's text, so each (lab, step, datapath) is played once.
 */
const cachesBefore = new WeakMap<Lab, Map<string, DnsEntry[]>>();
function dnsCacheAtStart(lab: Lab, step: Step, datapath: Datapath): DnsEntry[] {
  const forLab = cachesBefore.get(lab) ?? new Map<string, DnsEntry[]>();
  cachesBefore.set(lab, forLab);
  const key = `${step.id} ${datapath}`;
  const known = forLab.get(key);
  if (known) return known;
  const cache = dnsCacheBefore(lab, step.id, {datapath});
  forLab.set(key, cache);
  return cache;
}

/**
 * Evaluates the step's probes against `text`, the editor's policies, named `file` in messages.
 * The cluster is the lab's app; the policies in force are exactly those in `text`; the agents' DNS
 * caches hold what the lab's earlier steps looked up through Cilium's DNS proxy. `extras`, the
 * probes the learner added (checked by ./extraProbes.ts), run after the step's own, so they never
 * change what the step's probes leave in the DNS cache before them.
 */
export function evaluatePlayground(lab: Lab, step: Step, text: string, file: string, datapath: Datapath, extras: readonly Probe[] = []): PlaygroundResult {
  const own = parsePolicyDocuments(text, file, {defaultNamespace: lab.namespace});
  const errors: PolicyError[] = [...own.errors];
  const warnings: PlaygroundWarning[] = [];

  // stepScenario keeps only the policies of the edited text; anything else would vanish silently.
  for (const other of own.others) {
    errors.push({
      ...other.source,
      code: 'not-a-policy',
      message: `this is a ${other.kind}; the editor takes NetworkPolicy, CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy only (the pods come from the lab's app)`,
    });
  }
  for (const policy of own.policies) {
    if (policy.namespace !== undefined && !lab.namespaces.includes(policy.namespace)) {
      warnings.push({
        ...policy.source,
        message: `${policy.kind} ${policy.name} is in namespace "${policy.namespace}", but every pod of this lab is in ${lab.namespaces.map((n) => `"${n}"`).join(' or ')}, so it selects none of them`,
      });
    }
  }
  if (datapath === 'kubernetes' && own.policies.some((p) => p.kind !== 'NetworkPolicy')) {
    const first = own.policies.find((p) => p.kind !== 'NetworkPolicy')!;
    warnings.push({
      ...first.source,
      message:
        'the kubernetes datapath changes only how ipBlock matches pod and node IPs; Cilium policies are still evaluated as Cilium enforces them (a cluster without Cilium would not accept them at all)',
    });
  }

  if (errors.length > 0) return {status: 'error', errors: sortErrors(errors), warnings};

  let simulation;
  try {
    simulation = simulateStep(lab, extras.length > 0 ? {...step, probes: [...step.probes, ...extras]} : step, {policies: own.policies, datapath, dnsCache: dnsCacheAtStart(lab, step, datapath)});
  } catch (e) {
    // The engine validates its input; reaching this is an engine bug, shown rather than crashing the page.
    const message = e instanceof Error ? e.message : String(e);
    return {status: 'error', errors: [{file, line: 1, col: 1, code: 'engine', message: `the policy engine failed: ${message}`}], warnings};
  }
  if (simulation.errors.length > 0) return {status: 'error', errors: sortErrors(simulation.errors), warnings};

  const ownCount = step.probes.length;
  const rows = simulation.predictions
    .filter(({index}) => index < ownCount)
    .map(({index, outcome, result, deciding}) => ({
      index,
      probe: step.probes[index],
      expected: step.probes[index].expect,
      predicted: outcome,
      explanation: result.explanation,
      deciding,
    }));
  const extraRows = simulation.predictions
    .filter(({index}) => index >= ownCount)
    .map(({index, outcome, result, deciding}) => ({index: index - ownCount, probe: extras[index - ownCount], predicted: outcome, explanation: result.explanation, deciding}));
  return {status: 'ok', rows, extraRows, warnings};
}

function sortErrors(errors: PolicyError[]): PolicyError[] {
  return [...errors].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}
