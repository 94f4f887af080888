import React from 'react';
import type {Outcome as OutcomeValue} from '@site/src/lab/outcome';
import {SHORT_LABELS} from '@site/src/components/Outcome';
import styles from './styles.module.css';

export interface PredictionPickerProps {
  /** The outcomes this probe can have (possibleOutcomes), in their usual order. */
  choices: OutcomeValue[];
  /** The probe's number in the table, for screen readers. */
  probe: number;
  onPick: (outcome: OutcomeValue) => void;
}

/** One button per outcome the probe can have; picking one reveals the answer. */
export default function PredictionPicker({choices, probe, onPick}: PredictionPickerProps): React.ReactNode {
  return (
    <div role="group" aria-label={`Your prediction for probe ${probe}`} className={styles.picker} data-testid="prediction-picker">
      {choices.map((outcome) => (
        <button
          key={outcome}
          type="button"
          className="button button--sm button--secondary"
          title={SHORT_LABELS[outcome]}
          data-outcome={outcome}
          onClick={() => onPick(outcome)}>
          {outcome}
        </button>
      ))}
    </div>
  );
}
