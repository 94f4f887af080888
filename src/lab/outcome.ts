/**
 * The three things a probe can show a learner, plus `error` for anything that is not a policy
 * verdict (DNS failure, connection refused, a 503 from a crashed deathstar). Named values, never
 * booleans, so a table can say which one happened.
 */
export const OUTCOMES = ['allowed', 'dropped', 'l7-denied'] as const;

/** An expected probe outcome, as written in lab.yaml. */
export type Outcome = (typeof OUTCOMES)[number];

/** What a target observed: an expected outcome, or an infrastructure error that proves nothing. */
export type Observed = Outcome | 'error';

/** One line of learner-facing text for each outcome. */
export const OUTCOME_LABELS: Record<Observed, string> = {
  allowed: 'allowed (HTTP 2xx)',
  dropped: 'dropped at L3/L4 (connection times out)',
  'l7-denied': 'denied at L7 (HTTP 403 "Access denied")',
  error: 'error (not a policy verdict)',
};
