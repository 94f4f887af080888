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
