import React from 'react';
import clsx from 'clsx';
import Outcome from '@site/src/components/Outcome';
import ScrollBox from '@site/src/components/ScrollBox';
import type {Step} from '@site/src/lab/load';
import type {PlaygroundResult, PlaygroundRow} from './evaluate';
import ExplanationText from './ExplanationText';
import styles from './styles.module.css';

export interface ResultsTableProps {
  step: Step;
  result: PlaygroundResult;
  /** The editor holds text the engine has not evaluated yet. */
  pending: boolean;
  editorFile: string;
  onJump: (line: number, col: number) => void;
}

/** Who, request, expected (lab.yaml), predicted (engine), match and why, one row per probe. */
export default function ResultsTable({step, result, pending, editorFile, onJump}: ResultsTableProps): React.ReactNode {
  const rows = result.status === 'ok' ? result.rows : undefined;
  const mismatches = rows?.filter((r) => r.predicted !== r.expected).length ?? 0;
  let summary: string;
  if (!rows) summary = 'Prediction unavailable: the policies have errors.';
  else if (mismatches === 0) summary = `All ${rows.length} predictions match lab.yaml's expectations.`;
  else summary = `${mismatches} of ${rows.length} predictions differ from lab.yaml's expectations.`;

  return (
    <div className={styles.results}>
      <p className={styles.summary} aria-live="polite" data-testid="playground-summary" data-status={result.status}>
        {summary}
        {pending && <span className={styles.pending}> Updating…</span>}
      </p>
      {/* On a phone the rows reflow into cards (reflow-table in src/css/custom.css); the explicit
          roles keep the table's meaning for screen readers, which Chrome drops when display changes. */}
      <ScrollBox label="Predictions, one row per probe">
        <table className={`reflow-table ${styles.table}`} role="table">
          <thead role="rowgroup">
            <tr role="row">
              <th role="columnheader" scope="col">Who</th>
              <th role="columnheader" scope="col">Request</th>
              <th role="columnheader" scope="col">Expected</th>
              <th role="columnheader" scope="col">Predicted</th>
              <th role="columnheader" scope="col">Match</th>
              <th role="columnheader" scope="col">Why (the engine's reasoning)</th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            {step.probes.map((probe, index) => {
              const row = rows?.find((r) => r.index === index);
              return (
                <tr
                  key={`${step.id}-${index}`}
                  role="row"
                  data-testid="playground-row"
                  data-probe={index}
                  data-expected={probe.expect}
                  data-predicted={row?.predicted ?? 'unavailable'}
                  className={clsx(row && row.predicted !== row.expected && styles.mismatch)}>
                  <td role="cell" data-label="Who">
                    <code>{probe.from}</code>
                  </td>
                  <td role="cell" data-label="Request">
                    <code className={styles.request}>{probe.label}</code>
                    {probe.target.service !== undefined && probe.target.port !== undefined && (
                      <div className={styles.muted}>
                        to <code>{`${probe.target.service}:${probe.target.port}`}</code>
                      </div>
                    )}
                  </td>
                  <td role="cell" data-label="Expected">
                    <Outcome value={probe.expect} compact />
                  </td>
                  <td role="cell" data-label="Predicted">
                    {row ? <Outcome value={row.predicted} compact /> : <span className={styles.muted}>unavailable</span>}
                  </td>
                  <td role="cell" className={styles.match} data-label="Match">
                    {row ? (
                      row.predicted === row.expected ? (
                        <span className={styles.yes} aria-label="matches">✓</span>
                      ) : (
                        <span className={styles.no} aria-label="differs">✗</span>
                      )
                    ) : (
                      <span className={styles.muted} aria-label="unknown">–</span>
                    )}
                  </td>
                  <td role="cell" className={styles.why} data-label="Why">
                    {row ? (
                      <Reasoning row={row} editorFile={editorFile} onJump={onJump} />
                    ) : (
                      <span className={styles.muted}>Fix the errors above to see a prediction.</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollBox>
    </div>
  );
}

function Reasoning({row, editorFile, onJump}: {row: PlaygroundRow; editorFile: string; onJump: (line: number, col: number) => void}): React.ReactNode {
  const deciding = row.deciding;
  return (
    <>
      {deciding && (
        <div data-testid="playground-deciding">
          <strong>{deciding.effect}:</strong> <ExplanationText text={deciding.text} editorFile={editorFile} onJump={onJump} />
          {deciding.inferred && <span className={styles.muted}> [inferred: {deciding.inferred}]</span>}
        </div>
      )}
      <details className={styles.details}>
        <summary>every step, and what the lesson says</summary>
        <ol>
          {row.explanation.map((e, i) => (
            <li key={i}>
              <strong>{e.effect}:</strong> 
              <ExplanationText text={e.text} editorFile={editorFile} onJump={onJump} />
              {e.inferred && <span className={styles.muted}> [inferred: {e.inferred}]</span>}
            </li>
          ))}
        </ol>
        <p className={styles.lessonWhy}>
          lab.yaml expects <code>{row.expected}</code>: {row.probe.why}
        </p>
      </details>
    </>
  );
}
