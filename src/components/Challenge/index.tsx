import React, {useCallback, useRef, useState} from 'react';
import clsx from 'clsx';
import Outcome from '@site/src/components/Outcome';
import ScrollBox from '@site/src/components/ScrollBox';
import ErrorList from '@site/src/components/Playground/ErrorList';
import ExplanationText from '@site/src/components/Playground/ExplanationText';
import PolicyEditor from '@site/src/components/Playground/PolicyEditor';
import type {EditorHandle} from '@site/src/components/Playground/editorHandle';
import type {Challenge as ChallengeData} from '@site/src/lab/challenge';
import {checkChallenge, type CheckResult} from '@site/src/lab/challenge-check';
import {PROGRESS, updateStored} from '@site/src/progress/store';
import playground from '@site/src/components/Playground/styles.module.css';
import styles from './styles.module.css';

export interface ChallengeProps {
  /** `lab/id`, e.g. `deathstar/least-privilege-landing`. */
  id: string;
  /**
   * The lab's challenges as the site ships them, imported by the page from
   * `@site/src/components/Challenge/data/<lab>.json` (written by `npm run schemas`): loaded and
   * validated at build time, so the page downloads data, not the loader and zod, and only its lab's.
   * Hidden probes ship too: they are hidden from view, not secret.
   */
  challenges: Record<string, unknown>;
}

/**
 * A challenge block: the statement, a policy editor with the starting manifest, a Check button
 * that runs the same check as `netpol-labs check` in the browser, the result (visible probes with
 * the engine's reason, hidden probes as a count with hints), hints one at a time, and the
 * reference solution only after a deliberate click.
 */
export default function Challenge({id, challenges}: ChallengeProps): React.ReactNode {
  const challenge = challenges[id] as ChallengeData | undefined;
  if (!challenge) throw new Error(`<Challenge id="${id}">: no such challenge in the data the page imported; it has: ${Object.keys(challenges).join(', ')}`);
  const file = `${challenge.id}.yaml`;
  const [text, setText] = useState(challenge.start);
  const [result, setResult] = useState<{text: string; result: CheckResult} | undefined>();
  const [hints, setHints] = useState(0);
  const [solution, setSolution] = useState(false);
  const editor = useRef<EditorHandle | null>(null);
  const onReady = useCallback((handle: EditorHandle | null) => {
    editor.current = handle;
  }, []);
  const onJump = useCallback((line: number, col: number) => editor.current?.jumpTo(line, col), []);
  const onCheck = () => {
    const checked = checkChallenge(challenge, [{file, text}]);
    setResult({text, result: checked});
    // A pass is kept in the browser's progress (the progress page lists it); the first date stays.
    const key = `${challenge.lab.id}/${challenge.id}`;
    if (checked.status === 'pass') updateStored(PROGRESS, (p) => (p.solved[key] ? p : {...p, solved: {...p.solved, [key]: new Date().toISOString()}}));
  };
  const current = result?.result;
  const stale = result !== undefined && result.text !== text;

  return (
    <section className={styles.challenge} data-testid="challenge" data-challenge={challenge.id}>
      <div className={styles.statement}>
        {challenge.statement
          .trim()
          .split(/\n\s*\n/)
          .map((para, i) => (
            <p key={i}>{para}</p>
          ))}
      </div>
      <p className={styles.meta}>
        A solution contains only {challenge.kinds.join(' or ')} objects, in namespace {challenge.policyNamespaces.join(' or ')}. It is judged on{' '}
        {challenge.probes.length} probes; {challenge.probes.filter((p) => p.hidden).length} of them are hidden from view (not secret: they are in{' '}
        <code>{challenge.file}</code>).
      </p>
      <PolicyEditor
        file={file}
        edited={text !== challenge.start}
        onReset={() => setText(challenge.start)}
        resetLabel="Reset to the starting manifest"
        value={text}
        onChange={setText}
        onReady={onReady}
        label={`Your policies for ${challenge.title} (YAML)`}
        hintId={`challenge-${challenge.id}-keyboard-hint`}
      />
      <div className={styles.actions}>
        <button type="button" className="button button--primary" data-testid="challenge-check" onClick={onCheck}>
          Check
        </button>
        <span aria-live="polite" data-testid="challenge-status" data-status={current?.status ?? 'unchecked'} className={styles.status}>
          {current === undefined
            ? 'Not checked yet.'
            : current.status === 'pass'
              ? `Solved: all ${challenge.probes.length} probes pass.`
              : current.status === 'fail'
                ? `Not yet: ${current.failedIds.length} of ${challenge.probes.length} probes fail.`
                : 'The check refused these policies: fix the errors below.'}
          {stale && ' (The editor changed since this check.)'}
        </span>
      </div>
      {current?.status === 'error' && <ErrorList errors={current.errors} warnings={[]} editorFile={file} onJump={onJump} />}
      {current && current.status !== 'error' && (
        <>
          <ScrollBox label="Visible probes, one row each">
            <table className={`reflow-table ${playground.table}`} role="table">
              <thead role="rowgroup">
                <tr role="row">
                  <th role="columnheader" scope="col">Who</th>
                  <th role="columnheader" scope="col">Request</th>
                  <th role="columnheader" scope="col">Expected</th>
                  <th role="columnheader" scope="col">Predicted</th>
                  <th role="columnheader" scope="col">Why</th>
                </tr>
              </thead>
              <tbody role="rowgroup">
                {current.visible.map((r) => (
                  <tr key={r.probe.id} role="row" data-testid="challenge-row" data-probe={r.probe.id} data-pass={r.pass} className={clsx(!r.pass && playground.mismatch)}>
                    <td role="cell" data-label="Who">
                      <code>{r.probe.from}</code>
                    </td>
                    <td role="cell" data-label="Request">
                      <code>{r.probe.label}</code>
                    </td>
                    <td role="cell" data-label="Expected">
                      <Outcome value={r.expected} compact />
                    </td>
                    <td role="cell" data-label="Predicted">
                      <Outcome value={r.predicted} compact />
                    </td>
                    <td role="cell" data-label="Why">
                      {r.pass ? (
                        r.probe.why
                      ) : (
                        <>
                          <div>
                            <strong>
                              Expected {r.expected}, predicted {r.predicted}.
                            </strong>{' '}
                            {r.probe.why}
                          </div>
                          {r.deciding && (
                            <div data-testid="challenge-deciding">
                              <strong>engine, {r.deciding.effect}:</strong> <ExplanationText text={r.deciding.text} editorFile={file} onJump={onJump} />
                            </div>
                          )}
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
          {current.hidden.total > 0 && (
            <div className={styles.hidden} data-testid="challenge-hidden" data-failed={current.hidden.failed}>
              {current.hidden.failed === 0 ? (
                <p>Hidden probes: all {current.hidden.total} pass.</p>
              ) : (
                <>
                  <p>
                    Hidden probes: {current.hidden.failed} of {current.hidden.total} fail (hidden from view, not secret). Hints:
                  </p>
                  <ul>
                    {current.hidden.hints.map((hint) => (
                      <li key={hint} data-testid="challenge-hidden-hint">
                        {hint}
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </div>
          )}
        </>
      )}
      <div className={styles.help}>
        {challenge.hints.slice(0, hints).length > 0 && (
          <ol className={styles.hints}>
            {challenge.hints.slice(0, hints).map((hint, i) => (
              <li key={i} data-testid="challenge-hint">
                {hint}
              </li>
            ))}
          </ol>
        )}
        <button type="button" className="button button--secondary button--sm" data-testid="challenge-next-hint" disabled={hints >= challenge.hints.length} onClick={() => setHints((n) => n + 1)}>
          {hints >= challenge.hints.length ? 'No more hints' : `Show hint ${hints + 1} of ${challenge.hints.length}`}
        </button>{' '}
        {!solution ? (
          <button type="button" className="button button--secondary button--sm" data-testid="challenge-show-solution" onClick={() => setSolution(true)}>
            Show the reference solution
          </button>
        ) : (
          <div data-testid="challenge-solution">
            <p>
              The reference solution (<code>{challenge.solution.file}</code>); any policies with the same behaviour pass:
            </p>
            {/* Focusable, so a keyboard can scroll a long line into view. */}
            <pre tabIndex={0} role="region" aria-label="The reference solution">
              {challenge.solution.text}
            </pre>
            <details data-testid="challenge-all-probes">
              <summary>Every probe it is judged on, the hidden ones included</summary>
              <ul>
                {challenge.probes.map((p) => (
                  <li key={p.id}>
                    <code>{p.from}</code> <code>{p.label}</code>: {p.expect}
                    {p.hidden ? ' (hidden)' : ''}. {p.why}
                  </li>
                ))}
              </ul>
            </details>
          </div>
        )}
      </div>
    </section>
  );
}
