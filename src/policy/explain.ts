/** Human text for explanations and rule references. */
import type {Explanation, ProbeResult, RuleRef} from './types';

/** `CiliumNetworkPolicy star-wars/rule1 ingress[0] (labs/deathstar/rule1-l7.yaml:13)`. */
export function describeRule(ref: RuleRef): string {
  return `${describePolicy(ref)} ${ref.rule} (${ref.file}:${ref.line})`;
}

/** `CiliumNetworkPolicy star-wars/rule1`. */
export function describePolicy(ref: Pick<RuleRef, 'kind' | 'namespace' | 'name'>): string {
  return `${ref.kind} ${ref.namespace !== undefined ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** Lists rules for a sentence, one policy at most once when `byPolicy`. */
export function describeRules(refs: RuleRef[], byPolicy = false): string {
  if (!byPolicy) return refs.map(describeRule).join(', ');
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of refs) {
    const key = `${r.kind}/${r.namespace ?? ''}/${r.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(`${describePolicy(r)} (${r.file}:${r.line})`);
  }
  return out.join(', ');
}

/**
 * One line for a person: `ingress  dropped  <why>`. The text already names the policy, rule
 * and source position; `inferred` choices are appended so they are never hidden.
 */
export function formatExplanation(e: Explanation): string {
  const head = e.side === 'probe' ? 'note' : e.side;
  const effect = e.effect === 'note' ? '' : `${e.effect}: `;
  return `${head}: ${effect}${e.text}${e.inferred ? ` [inferred: ${e.inferred}]` : ''}`;
}

/**
 * The explanation step that decided a verdict, for one-line summaries (the CLI, the runner's
 * simulator, the playground). A refusal is decided by the first check that refused, in path order
 * (egress, ingress, then the proxies): later checks never saw the packet. An allow is decided by
 * the most specific rule that let it through: an HTTP rule, then an L4-only allow that wildcarded
 * L7, then an L3/L4 rule, then a host policy left unenforced by the host firewall being off, then
 * the local-node exception; otherwise the last check. An allow that policy audit mode let through
 * (`audit: 'dropped'`) is decided by audit mode, followed by the check that would have dropped it.
 */
export function decidingExplanation(result: Pick<ProbeResult, 'verdict' | 'explanation' | 'audit'>): Explanation | undefined {
  const steps = result.explanation.filter((e) => e.effect !== 'note');
  if (result.verdict !== 'allowed') return steps.find((e) => e.effect === result.verdict);
  // Policy audit mode let through what L3/L4 policy drops: that is what decided, and the learner
  // needs the enforced verdict too, so the step that would have dropped it (and its rules) follows.
  const audit = result.audit === 'dropped' ? steps.find((e) => e.reason === 'audit') : undefined;
  if (audit) {
    const wouldDrop = steps.filter((e) => e.effect === 'dropped');
    const rules = wouldDrop.flatMap((e) => e.rules ?? []);
    return {...audit, text: [audit.text, ...wouldDrop.map((e) => `the enforced verdict: ${e.text}`)].join('; '), ...(rules.length > 0 ? {rules} : {})};
  }
  for (const reason of ['l7-rule', 'l7-wildcard', 'rule', 'host-firewall-off', 'local-node']) {
    const found = [...steps].reverse().find((e) => e.reason === reason);
    if (found) return found;
  }
  return steps[steps.length - 1];
}
