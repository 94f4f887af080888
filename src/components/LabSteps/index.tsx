import React from 'react';
import Link from '@docusaurus/Link';
import type {LabFile} from '@site/src/lab/schema';
import styles from './styles.module.css';

/** The steps of a lab in order, from lab.yaml, each linked to its lesson and listing its policies. */
export default function LabSteps({lab}: {lab: LabFile}): React.ReactNode {
  return (
    <ol className={styles.steps} data-testid="lab-steps" data-lab={lab.id}>
      {lab.steps.map((step) => (
        <li key={step.id}>
          {step.lesson ? <Link to={`/docs/${step.lesson}`}>{step.title}</Link> : step.title}
          <div className={styles.meta}>
            step <code>{step.id}</code> ·{' '}
            {step.policies.length === 0 ? (
              'no policy'
            ) : (
              <>
                in force:{' '}
                {step.policies.map((file, i) => (
                  <React.Fragment key={file}>
                    {i > 0 && ' + '}
                    <code>{file}</code>
                  </React.Fragment>
                ))}
              </>
            )}
            {step.policyAuditMode && <> · in policy audit mode</>}
          </div>
        </li>
      ))}
    </ol>
  );
}
