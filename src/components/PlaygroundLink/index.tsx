import React from 'react';
import Link from '@docusaurus/Link';
import styles from './styles.module.css';

/**
 * A link that opens a lab step in the playground (`/playground?lab=LAB&step=STEP`): its policies in
 * the editor, its probes predicted, ready to be changed. The playground keeps edits of that step
 * the learner made before.
 */
export default function PlaygroundLink({lab, step}: {lab: string; step: string}): React.ReactNode {
  return (
    <p className={styles.link}>
      <Link to={`/playground?lab=${encodeURIComponent(lab)}&step=${encodeURIComponent(step)}`} data-testid="open-in-playground" data-lab={lab} data-step={step}>
        Open step <code>{step}</code> in the playground
      </Link>
      : change its policies, add probes, see the service map.
    </p>
  );
}
