import React, {useState} from 'react';
import Link from '@docusaurus/Link';
import Layout from '@theme/Layout';
import Heading from '@theme/Heading';
import ScrollBox from '@site/src/components/ScrollBox';
import type {CourseModule} from '@site/src/progress/outline';
import {PROGRESS, type Progress} from '@site/src/progress/store';
import {exportProgress, importProgress} from '@site/src/progress/transfer';
import {useStored} from '@site/src/progress/useStored';
import styles from './styles.module.css';

export interface ProgressPageProps {
  /** The course's outline, from the progress plugin (src/plugins/progress.js). */
  course: CourseModule[];
}

/** Right and made predictions among some probes. */
function predictionCounts(progress: Progress, probes: CourseModule['lessons'][number]['probes']): {made: number; right: number} {
  const made = probes.filter((p) => progress.predictions[p.key] !== undefined);
  return {made: made.length, right: made.filter((p) => progress.predictions[p.key] === p.expect).length};
}

/**
 * `/progress`: per module, the lessons read and the predictions made in their probe tables, and the
 * challenges solved; export to a file, import one, or start again. Everything stays in this browser.
 */
export default function ProgressPage({course}: ProgressPageProps): React.ReactNode {
  const [progress, update] = useStored(PROGRESS);
  const [pending, setPending] = useState<{progress: Progress; file: string} | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [confirmReset, setConfirmReset] = useState(false);
  const solved = Object.keys(progress.solved).sort();

  const download = () => {
    const now = new Date();
    const url = URL.createObjectURL(new Blob([exportProgress(progress, now)], {type: 'application/json'}));
    const a = document.createElement('a');
    a.href = url;
    a.download = `netpol-labs-progress-${now.toISOString().slice(0, 10)}.json`;
    a.click();
    URL.revokeObjectURL(url);
  };
  const choose = async (file: File | undefined) => {
    setPending(undefined);
    setProblem(undefined);
    if (!file) return;
    const result = importProgress(await file.text());
    if ('error' in result) setProblem(`${file.name}: ${result.error}`);
    else setPending({progress: result.progress, file: file.name});
  };

  return (
    <Layout title="Your progress" description="Lessons read, predictions made and challenges solved, kept in this browser only.">
      <main className={`container ${styles.main}`} data-testid="progress-page">
        <Heading as="h1">Your progress</Heading>
        <p>
          Kept in this browser's storage and nowhere else: no account, no server. Export it to move to another machine
          or to hand it in at a workshop.
        </p>
        {course.map((module) => {
          const read = module.lessons.filter((l) => progress.read[l.permalink] !== undefined).length;
          const probes = module.lessons.flatMap((l) => l.probes);
          const counts = predictionCounts(progress, probes);
          return (
            <section key={module.label} className={styles.module} data-testid="progress-module" data-module={module.label}>
              <Heading as="h2">{module.label}</Heading>
              <p className={styles.summary} data-testid="module-summary">
                {`${read} of ${module.lessons.length} lessons read`}
                {probes.length > 0 && ` · ${counts.right} of ${probes.length} outcomes predicted right (${counts.made} predicted)`}
              </p>
              <ScrollBox label={`Lessons of ${module.label}`}>
              <table className={styles.table}>
                <thead>
                  <tr>
                    <th scope="col">Lesson</th>
                    <th scope="col">Read</th>
                    <th scope="col">Predictions</th>
                  </tr>
                </thead>
                <tbody>
                  {module.lessons.map((lesson) => {
                    const lessonCounts = predictionCounts(progress, lesson.probes);
                    const readOn = progress.read[lesson.permalink];
                    return (
                      <tr key={lesson.id} data-testid="progress-lesson" data-lesson={lesson.permalink} data-read={readOn !== undefined}>
                        <td>
                          <Link to={lesson.permalink}>{lesson.title}</Link>
                        </td>
                        <td>{readOn ? `✓ ${readOn.slice(0, 10)}` : '—'}</td>
                        <td data-testid="lesson-predictions">
                          {lesson.probes.length === 0 ? '—' : `${lessonCounts.right} right of ${lessonCounts.made} predicted (${lesson.probes.length} probes)`}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              </ScrollBox>
            </section>
          );
        })}
        <section className={styles.module}>
          <Heading as="h2">Challenges solved</Heading>
          {solved.length === 0 ? (
            <p data-testid="challenges-solved">None yet.</p>
          ) : (
            <ul data-testid="challenges-solved">
              {solved.map((key) => (
                <li key={key}>
                  <code>{key}</code> on {progress.solved[key].slice(0, 10)}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className={styles.module}>
          <Heading as="h2">Keep, move or start again</Heading>
          <div className={styles.actions}>
            <button type="button" className="button button--primary" data-testid="progress-export" onClick={download}>
              Export progress
            </button>
            <label className="button button--secondary">
              Import progress…
              <input
                type="file"
                accept="application/json,.json"
                className={styles.fileInput}
                data-testid="progress-import"
                onChange={(e) => void choose(e.target.files?.[0])}
              />
            </label>
            <button type="button" className="button button--secondary" data-testid="progress-reset" onClick={() => setConfirmReset(true)}>
              Reset progress
            </button>
          </div>
          {problem && (
            <p role="alert" className={styles.problem} data-testid="progress-problem">
              {problem}
            </p>
          )}
          {pending && (
            <div role="alertdialog" aria-label="Replace your progress?" className={styles.confirm} data-testid="progress-confirm-import">
              <p>
                {`${pending.file} holds ${Object.keys(pending.progress.read).length} lessons read, ${Object.keys(pending.progress.predictions).length} predictions and ${Object.keys(pending.progress.solved).length} challenges solved. It replaces the progress in this browser.`}
              </p>
              <button type="button" className="button button--primary button--sm" onClick={() => { update(() => pending.progress); setPending(undefined); }}>
                Replace my progress
              </button>{' '}
              <button type="button" className="button button--secondary button--sm" onClick={() => setPending(undefined)}>
                Cancel
              </button>
            </div>
          )}
          {confirmReset && (
            <div role="alertdialog" aria-label="Forget all progress?" className={styles.confirm} data-testid="progress-confirm-reset">
              <p>This forgets every lesson read, prediction and challenge in this browser. Export first to keep a copy.</p>
              <button type="button" className="button button--primary button--sm" onClick={() => { update(() => PROGRESS.fallback); setConfirmReset(false); }}>
                Forget everything
              </button>{' '}
              <button type="button" className="button button--secondary button--sm" onClick={() => setConfirmReset(false)}>
                Cancel
              </button>
            </div>
          )}
        </section>
      </main>
    </Layout>
  );
}
