import React from 'react';
import {formatError, type PolicyError} from '@site/src/policy';
import type {PlaygroundWarning} from './evaluate';
import styles from './styles.module.css';

export interface ErrorListProps {
  errors: PolicyError[];
  warnings: PlaygroundWarning[];
  /** The editor's file name: only positions in it can be jumped to. */
  editorFile: string;
  onJump: (line: number, col: number) => void;
}

/** Errors (no prediction until they are fixed) and warnings, each `file:line:col: message`. */
export default function ErrorList({errors, warnings, editorFile, onJump}: ErrorListProps): React.ReactNode {
  if (errors.length === 0 && warnings.length === 0) return null;
  const item = (e: PlaygroundWarning, testId: string, i: number) => {
    // formatError's `file:line:col: message`, with the position styled as the link it acts as.
    const text = formatError({...e, code: ''});
    const position = `${e.file}:${e.line}:${e.col}`;
    const content = (
      <>
        <span className={styles.position}>{position}</span>
        {text.slice(position.length)}
      </>
    );
    return (
      <li key={`${testId}-${i}`} data-testid={testId} data-line={e.line} data-col={e.col}>
        {e.file === editorFile ? (
          <button type="button" className={styles.problemButton} onClick={() => onJump(e.line, e.col)} title="Move the cursor there">
            {content}
          </button>
        ) : (
          content
        )}
      </li>
    );
  };
  return (
    <div className={styles.problems}>
      {errors.length > 0 && (
        <div className={styles.errors} role="alert">
          <strong>
            {errors.length === 1 ? '1 error' : `${errors.length} errors`}: fix {errors.length === 1 ? 'it' : 'them'} to get a
            prediction
          </strong>
          <ul>{errors.map((e, i) => item(e, 'playground-error', i))}</ul>
        </div>
      )}
      {warnings.length > 0 && (
        <div className={styles.warnings}>
          <strong>{warnings.length === 1 ? 'Note' : 'Notes'}</strong>
          <ul>{warnings.map((w, i) => item(w, 'playground-warning', i))}</ul>
        </div>
      )}
    </div>
  );
}
