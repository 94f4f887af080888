import React from 'react';
import clsx from 'clsx';
import {OUTCOME_LABELS, type Outcome as OutcomeValue} from '@site/src/lab/outcome';
import styles from './styles.module.css';

/** Short words a learner reads next to the literal outcome value. */
export const SHORT_LABELS: Record<OutcomeValue, string> = {
  allowed: 'gets through',
  dropped: 'times out (L3/L4)',
  'l7-denied': 'refused by the L7 proxy',
  unresolved: 'name did not resolve',
};

function Icon({value}: {value: OutcomeValue}): React.ReactNode {
  // Inline SVG: no icon font, no emoji, the same on every machine.
  const common = {width: 14, height: 14, viewBox: '0 0 16 16', 'aria-hidden': true, focusable: false} as const;
  if (value === 'allowed') {
    return (
      <svg {...common}>
        <path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
      </svg>
    );
  }
  if (value === 'dropped') {
    return (
      <svg {...common}>
        <path d="M4 4l8 8M12 4l-8 8" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
      </svg>
    );
  }
  if (value === 'unresolved') {
    // A question mark: no answer about the destination at all.
    return (
      <svg {...common}>
        <path d="M5.5 6a2.5 2.5 0 1 1 3.5 2.3c-.7.3-1 .8-1 1.5V11" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        <circle cx="8" cy="13.5" r="1.2" fill="currentColor" />
      </svg>
    );
  }
  return (
    <svg {...common}>
      <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" strokeWidth="2" />
      <path d="M4.5 11.5l7-7" stroke="currentColor" strokeWidth="2" />
    </svg>
  );
}

/**
 * One outcome, as a badge: the literal value from lab.yaml (`allowed`, `dropped`, `l7-denied`),
 * an icon, a colour and, unless `compact`, a few words saying what the learner sees.
 */
export interface OutcomeProps {
  value: OutcomeValue;
  /** Only the icon and the value, for running text. */
  compact?: boolean;
  /** The words under the value instead of beside it, for narrow table cells. */
  stacked?: boolean;
}

export default function Outcome({value, compact = false, stacked = false}: OutcomeProps): React.ReactNode {
  if (!(value in SHORT_LABELS)) {
    throw new Error(`Outcome: "${String(value)}" is not one of ${Object.keys(SHORT_LABELS).join(', ')}`);
  }
  return (
    <span className={clsx(styles.badge, styles[value], stacked && styles.stacked)} title={OUTCOME_LABELS[value]}>
      <Icon value={value} />
      <code className={styles.value}>{value}</code>
      {!compact && <span className={styles.label}>{SHORT_LABELS[value]}</span>}
    </span>
  );
}
