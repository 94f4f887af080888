import React, {Suspense, lazy, useState} from 'react';
import BrowserOnly from '@docusaurus/BrowserOnly';
import Link from '@docusaurus/Link';
import Heading from '@theme/Heading';
import styles from './styles.module.css';

// The playground carries the policy engine, a lab and CodeMirror (the size of a playground page,
// tests/e2e/page-weight.ts): fetched only when the reader asks for it, so the home page stays light.
const Playground = lazy(() => import('@site/src/components/Playground'));

/** The home page's playground: a button that loads it in place, and a link to its own page. */
export default function HomePlayground(): React.ReactNode {
  const [shown, setShown] = useState(false);
  return (
    <section className={styles.section} aria-labelledby="home-playground" data-testid="home-playground">
      <Heading as="h2" id="home-playground">
        Try it: the policy playground
      </Heading>
      <p className={styles.lead}>
        Pick any step of a lab, change its policies or add probes of your own, and the policy engine re-predicts every probe as
        you type, in your browser, with the rule that decided each one. Share what you found as a link.
      </p>
      {shown ? (
        <BrowserOnly fallback={<p>Loading the playground…</p>}>
          {() => (
            <Suspense fallback={<p role="status">Loading the playground…</p>}>
              <Playground />
            </Suspense>
          )}
        </BrowserOnly>
      ) : (
        <div className={styles.actions}>
          <button type="button" className="button button--primary" onClick={() => setShown(true)} data-testid="home-playground-load">
            Open the playground here
          </button>
          <Link className="button button--secondary" to="/playground">
            Open it on its own page
          </Link>
        </div>
      )}
    </section>
  );
}
