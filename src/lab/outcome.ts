/**
 * The things a probe can show a learner, plus `error` for anything that is not a policy verdict
 * (connection refused, a 503 from a crashed deathstar, an answer the probe cannot read). Named
 * values, never booleans, so a table can say which one happened.
 *
 * `unresolved` is its own outcome, never folded into `dropped`: when the client's name lookup
 * fails (for example a default-deny egress policy that forgot DNS), no packet went to the
 * destination, so nothing was learned about the destination's policy.
 */
export const OUTCOMES = ['allowed', 'dropped', 'l7-denied', 'unresolved'] as const;

/** An expected probe outcome, as written in lab.yaml. */
export type Outcome = (typeof OUTCOMES)[number];

/** What a target observed: an expected outcome, or an infrastructure error that proves nothing. */
export type Observed = Outcome | 'error';

/** One line of learner-facing text for each outcome. */
export const OUTCOME_LABELS: Record<Observed, string> = {
  allowed: 'allowed (the request got through)',
  dropped: 'dropped at L3/L4 (no answer: the packets were dropped)',
  'l7-denied': 'denied at L7 (the proxy refused the request: HTTP 403, gRPC PERMISSION_DENIED or DNS REFUSED)',
  unresolved: 'unresolved (the name did not resolve, so nothing was sent to the destination)',
  error: 'error (not a policy verdict)',
};

/** What decides which outcomes a probe can have: its kind, whether a name is looked up, its source. */
export interface OutcomeConditions {
  kind: 'http' | 'grpc' | 'tcp' | 'sctp' | 'dns' | 'icmp';
  /** The target is a name the client looks up (an address is never looked up). */
  resolvesName: boolean;
  /** The probe comes from a machine outside the cluster, which does not use the cluster DNS. */
  fromOutside: boolean;
}

/**
 * The outcomes a probe can have, in OUTCOMES order: what a learner may predict for it, and what
 * the lab loader accepts as its `expect` (src/lab/resolve-probe.ts refuses every other one, and
 * tests/lab/possible-outcomes.test.ts holds the two together). A TCP connect, an SCTP association
 * (Cilium's L7 rules apply to TCP only) or a ping carries no
 * request an L7 proxy could refuse; a DNS probe is the lookup itself, so it is never unresolved; an
 * address and a probe from outside involve no cluster lookup.
 */
export function possibleOutcomes({kind, resolvesName, fromOutside}: OutcomeConditions): Outcome[] {
  return OUTCOMES.filter((outcome) => {
    if (outcome === 'l7-denied') return kind !== 'tcp' && kind !== 'sctp' && kind !== 'icmp';
    if (outcome === 'unresolved') return kind !== 'dns' && resolvesName && !fromOutside;
    return true;
  });
}

