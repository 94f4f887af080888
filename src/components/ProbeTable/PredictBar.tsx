import React from 'react';
import type {Settings} from '@site/src/progress/store';
import styles from './styles.module.css';

export interface PredictBarProps {
  settings: Settings;
  onSettings: (change: (current: Settings) => Settings) => void;
  /** How many of the step's probes the learner has predicted, and how many of those were right. */
  predicted: number;
  right: number;
  total: number;
  /** Forgets this step's predictions, to try again. */
  onForget: () => void;
}

/**
 * Above each probe table: the predict-first switch (one setting for every table), and in that
 * mode the step's score, a way to try the step again, and the instructor's "show every answer".
 */
export default function PredictBar({settings, onSettings, predicted, right, total, onForget}: PredictBarProps): React.ReactNode {
  const {predictFirst, showAnswers} = settings;
  return (
    <div className={styles.predictBar} data-testid="predict-bar">
      <button
        type="button"
        className="button button--sm button--outline button--primary"
        aria-pressed={predictFirst}
        data-testid="predict-first"
        onClick={() => onSettings((s) => ({...s, predictFirst: !s.predictFirst}))}>
        {predictFirst ? 'Predict first: on' : 'Predict first'}
      </button>
      {predictFirst && (
        <>
          <span className={styles.score} data-testid="predict-score" role="status">
            {predicted === 0 ? `Predict each of the ${total} outcomes` : `${right} of ${predicted} right${predicted < total ? `, ${total - predicted} to go` : ''}`}
          </span>
          {predicted > 0 && (
            <button type="button" className="button button--sm button--link" data-testid="predict-again" onClick={onForget}>
              Try this step again
            </button>
          )}
          <label className={styles.showAnswers}>
            <input
              type="checkbox"
              checked={showAnswers}
              data-testid="show-answers"
              onChange={(e) => {
                const checked = e.target.checked;
                onSettings((s) => ({...s, showAnswers: checked}));
              }}
            />{' '}
            Show every answer (for slides)
          </label>
        </>
      )}
    </div>
  );
}
