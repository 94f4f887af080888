import {decidingExplanation, evaluateScenario, type Datapath, type DnsEntry, type Explanation, type PolicyError, type ProbeResult, type Scenario} from '../policy';
import type {Lab, Probe, Step} from './load';
import type {Outcome} from './outcome';
import {clientPod, lookupProbe, sourceEnd, stepScenario, type StepScenarioOptions} from './to-scenario';

/**
 * A lab step played on the policy engine as a cluster would play it, name lookups included.
 *
 * A pod resolves a name before it connects: the lookup goes to the cluster DNS, under the
 * client's egress policy (and its DNS rules, through Cilium's DNS proxy). A lookup that is
 * dropped or refused leaves the probe `unresolved`: nothing went to the destination. A lookup the
 * DNS proxy let through also fills the proxy's cache, which is what `toFQDNs` rules allow
 * (Documentation/security/policy/layer3.rst "DNS based"): the simulator adds the answer (the
 * lab's `names`) to the cache as observed by the client, in probe order, so a probe whose own
 * lookup the proxy never saw finds no answer there and is dropped, as on a cluster.
 *
 * The cache outlives the step. The runner changes only policies between steps, so the agents keep
 * every answer until its TTL runs out (minutes: longer than a lab run), and a toFQDNs selector that
 * a later step adds is matched against the names already cached: Cilium's NameManager
 * RegisterFQDNSelector "evaluates if any DNS names in the cache are matched by this new selector"
 * (cilium/cilium pkg/fqdn/namemanager/manager.go). simulateLab therefore plays the steps in lab
 * order and hands each one the cache the steps before it left.
 */

/** The prediction for one probe of a step. */
export interface ProbePrediction {
  /** Position of the probe in the step. */
  index: number;
  outcome: Outcome;
  /** The engine's reasoning for the step that decided: the lookup when it failed, else the connection. */
  result: ProbeResult;
  /** The step of the reasoning that decided, to show first. */
  deciding?: Explanation;
  /** The lookup the client made first, when it resolved a name. */
  lookup?: {name: string; result: ProbeResult};
}

/** What simulateStep returns: predictions, or the errors that make them impossible. */
export interface StepSimulation {
  predictions: ProbePrediction[];
  errors: PolicyError[];
  scenario: Scenario;
  /** The DNS proxy's answers once the step's probes ran: what the agents hold when the next step starts. */
  dnsCache: DnsEntry[];
}

/**
 * The name a pod's resolver asks the DNS server for: the full name. The runner sends every name
 * absolute (a final dot), a Service as `svc.ns.svc.cluster.local.`, so the resolver asks for it
 * once instead of trying the search list first (resolv.conf `ndots:5`).
 */
export function lookupName(probe: Probe): string {
  const {target} = probe;
  // A DNS probe's target is its name, resolved like any host: a Service's short name is asked in full.
  if (target.service !== undefined) return `${target.service}.${target.namespace}.svc.cluster.local`;
  return target.host.replace(/\.$/, '');
}

/** True when the probe resolves a name through the cluster DNS before connecting. */
function looksUp(probe: Probe): boolean {
  return probe.request.kind !== 'dns' && probe.source.kind === 'pod' && probe.target.resolvesName;
}

/** True when Cilium's DNS proxy handled the lookup (a DNS rule applied), so its answer is cached. */
function seenByProxy(result: ProbeResult): boolean {
  return result.verdict === 'allowed' && result.explanation.some((e) => e.effect === 'allowed' && (e.reason === 'l7-rule' || e.reason === 'l7-wildcard'));
}

/** Options of simulateStep: those of stepScenario, the datapath (default Cilium's) and the DNS cache. */
export interface SimulateStepOptions extends StepScenarioOptions {
  datapath?: Datapath;
  /** Answers the agents' DNS caches hold when the step starts (from earlier steps); default none. */
  dnsCache?: readonly DnsEntry[];
}

/** Plays every probe of a step; see the module comment for the order of lookups and connections. */
export function simulateStep(lab: Lab, step: Step, options: SimulateStepOptions = {}): StepSimulation {
  const built = stepScenario(lab, step, options);
  const {errors} = built;
  const scenario: Scenario = {...built.scenario, ...(options.datapath ? {datapath: options.datapath} : {}), dnsCache: [...(options.dnsCache ?? [])]};
  const failed = (problems: PolicyError[]): StepSimulation => ({predictions: [], errors: problems, scenario, dnsCache: scenario.dnsCache ?? []});
  if (errors.length > 0) return failed(errors);

  // Lookups do not depend on the DNS cache: all of them in one evaluation.
  const lookups = step.probes.map((probe) => (probe.request.kind === 'dns' || looksUp(probe) ? lookupName(probe) : undefined));
  const lookupQuestions = lookups.flatMap((name, i) => (name === undefined ? [] : [{index: i, probe: lookupProbe(sourceEnd(step.probes[i].source), name)}]));
  const lookupEval = evaluateScenario({...scenario, probes: lookupQuestions.map((q) => q.probe)});
  if (lookupEval.errors.length > 0) return failed(lookupEval.errors);
  const lookupResults = new Map(lookupQuestions.map((q, i) => [q.index, lookupEval.results[i]]));

  // Connections, in order, each with the cache as the lookups before it (and its own) left it.
  const cache: DnsEntry[] = [...(scenario.dnsCache ?? [])];
  const predictions: ProbePrediction[] = [];
  let batch: number[] = [];
  const flush = (): PolicyError[] => {
    if (batch.length === 0) return [];
    const evaluation = evaluateScenario({...scenario, dnsCache: [...cache], probes: batch.map((i) => scenario.probes[i])});
    if (evaluation.errors.length > 0) return evaluation.errors;
    batch.forEach((i, n) => predictions.push(connectionPrediction(step.probes[i], i, evaluation.results[n], lookups[i], lookupResults.get(i))));
    batch = [];
    return [];
  };
  for (const [i, probe] of step.probes.entries()) {
    const lookup = lookupResults.get(i);
    if (lookup && lookup.verdict !== 'allowed') {
      predictions.push(probe.request.kind === 'dns' ? {index: i, outcome: lookup.verdict, result: {...lookup, probe: i}, deciding: decidingExplanation(lookup)} : unresolved(i, lookups[i]!, lookup));
      continue;
    }
    const ips = probe.target.ips;
    if (lookup && ips && seenByProxy(lookup) && probe.source.kind === 'pod') {
      // The answer enters the proxy's cache from here on: flush what was evaluated without it.
      const flushErrors = flush();
      if (flushErrors.length > 0) return failed(flushErrors);
      remember(cache, {name: lookups[i]!, ips, observedBy: clientPod(probe.source)});
    }
    if (probe.request.kind === 'dns') {
      predictions.push({index: i, outcome: lookup!.verdict, result: {...lookup!, probe: i}, deciding: decidingExplanation(lookup!)});
      continue;
    }
    batch.push(i);
  }
  const lastErrors = flush();
  if (lastErrors.length > 0) return failed(lastErrors);
  predictions.sort((a, b) => a.index - b.index);
  return {predictions, errors: [], scenario, dnsCache: cache};
}

/** Adds an answer to a cache unless the same pod already holds the same answer for the name. */
function remember(cache: DnsEntry[], entry: DnsEntry): void {
  const same = (e: DnsEntry) => e.name === entry.name && e.observedBy === entry.observedBy && e.ips.join() === entry.ips.join();
  if (!cache.some(same)) cache.push(entry);
}

/** One step of a lab played in order: the step and its simulation. */
export interface LabStepSimulation {
  step: Step;
  simulation: StepSimulation;
}

/**
 * Plays a lab's steps in order, each with the DNS cache the steps before it left (see the module
 * comment), up to and including `until` when given. A step the engine cannot evaluate passes on
 * the cache as it found it.
 */
export function simulateLab(lab: Lab, options: Omit<SimulateStepOptions, 'dnsCache' | 'policies'> & {until?: string} = {}): LabStepSimulation[] {
  const played: LabStepSimulation[] = [];
  let cache: readonly DnsEntry[] = [];
  for (const step of lab.steps) {
    const simulation = simulateStep(lab, step, {...options, dnsCache: cache});
    played.push({step, simulation});
    cache = simulation.dnsCache;
    if (step.id === options.until) break;
  }
  return played;
}

/**
 * The DNS cache a step of the lab starts with: the answers the steps before it (as the lab writes
 * them) left in the agents' caches. The playground uses it for a step whose policies were edited.
 */
export function dnsCacheBefore(lab: Lab, stepId: string, options: Omit<SimulateStepOptions, 'dnsCache' | 'policies'> = {}): DnsEntry[] {
  const index = lab.steps.findIndex((s) => s.id === stepId);
  if (index <= 0) return [];
  const before = simulateLab(lab, {...options, until: lab.steps[index - 1].id});
  return [...before[before.length - 1].simulation.dnsCache];
}

function connectionPrediction(probe: Probe, index: number, result: ProbeResult, name: string | undefined, lookup: ProbeResult | undefined): ProbePrediction {
  return {
    index,
    outcome: result.verdict,
    result: {...result, probe: index},
    deciding: decidingExplanation(result),
    ...(name !== undefined && lookup ? {lookup: {name, result: lookup}} : {}),
  };
}

/** A probe whose lookup failed: the lookup's reasoning, introduced by what it means for the probe. */
function unresolved(index: number, name: string, lookup: ProbeResult): ProbePrediction {
  const cause = lookup.verdict === 'l7-denied' ? "refused by Cilium's DNS proxy (REFUSED)" : 'dropped, so it got no answer';
  const text = `the lookup of ${name} through the cluster DNS was ${cause}: the name did not resolve and nothing was sent to the destination`;
  const note: Explanation = {side: 'probe', effect: 'note', reason: 'dns-lookup', text};
  const decided = decidingExplanation(lookup);
  return {
    index,
    outcome: 'unresolved',
    result: {...lookup, probe: index, explanation: [note, ...lookup.explanation]},
    deciding: decided ? {...decided, text: `${text}. ${decided.text}`} : note,
    lookup: {name, result: lookup},
  };
}
