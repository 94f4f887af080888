import React from 'react';
import Link from '@docusaurus/Link';
import Layout from '@theme/Layout';
import Heading from '@theme/Heading';
import Playground from '@site/src/components/Playground';
import styles from './playground.module.css';

/** `/playground`: edit a lab step's policies and see the engine's prediction for every probe. */
export default function PlaygroundPage(): React.ReactNode {
  return (
    <Layout title="Policy playground" description="Edit the network policies of any lab step of the course and see, probe by probe, what the policy engine predicts and why.">
      <main className={`container ${styles.main}`}>
        <Heading as="h1">Policy playground</Heading>
        <p className={styles.lead}>
          Pick a lab and one of its steps (the <Link to="/docs/deathstar">Death Star</Link> of module 1, or the
          databases of <Link to="/docs/netpol">module 2</Link>), change its policies and watch the prediction for each
          probe follow your edit: which rule let a request through, dropped it, had Envoy answer 403, or left a name
          unresolved. The policy engine runs in your browser; a row marked ✗ is where your version and the lab disagree.
          Add probes of your own, open the service map to see who may reach whom, and copy a link that holds all of
          it. Your edits stay in this browser (localStorage) until you reset them; nothing is sent anywhere.
        </p>
        <Playground readUrl />
      </main>
    </Layout>
  );
}
