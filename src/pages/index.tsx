import React from 'react';
import Link from '@docusaurus/Link';
import useDocusaurusContext from '@docusaurus/useDocusaurusContext';
import Layout from '@theme/Layout';
import Heading from '@theme/Heading';
import Outcome from '@site/src/components/Outcome';
import HomePlayground from '@site/src/components/HomePlayground';
import styles from './index.module.css';

interface Point {
  title: string;
  body: React.ReactNode;
}

const POINTS: Point[] = [
  {
    title: 'A course, one policy at a time',
    body: (
      <>
        Start from a namespace where every pod can reach every other, then lock the Death Star down: a Kubernetes
        NetworkPolicy, the same intent as a CiliumNetworkPolicy, an HTTP-aware rule enforced by Envoy, and the trap that
        silently undoes it.
      </>
    ),
  },
  {
    title: 'What you read is what runs',
    body: (
      <>
        Every manifest on a lesson page is imported from the <code>labs/</code> folder of the repository, byte for
        byte: the file the lab applies to the cluster is the file you read, with the lines the lesson explains
        highlighted.
      </>
    ),
  },
  {
    title: 'Every step states what must happen',
    body: (
      <>
        Each step of a lab lists probes: a pod, an HTTP request and the outcome it must get, <Outcome value="allowed" compact />,{' '}
        <Outcome value="dropped" compact /> or <Outcome value="l7-denied" compact />. The runner applies exactly the
        step&apos;s policies and checks each probe. Every lab is checked in the simulator on every commit (CI), and on
        a kind cluster with Cilium by the GitHub workflow <code>.github/workflows/labs.yml</code>.
      </>
    ),
  },
];

export default function Home(): React.ReactNode {
  const {siteConfig} = useDocusaurusContext();
  return (
    <Layout title="Learn Kubernetes and Cilium network policy" description={siteConfig.tagline}>
      <header className={styles.hero}>
        <div className="container">
          <Heading as="h1" className={styles.title}>
            {siteConfig.title}
          </Heading>
          <p className={styles.tagline}>
            A hands-on course on Kubernetes NetworkPolicy and Cilium network policy, from L3/L4 to HTTP, with labs whose
            expected outcomes are checked, not just described.
          </p>
          <div className={styles.actions}>
            <Link className="button button--primary button--lg" to="/docs/intro">
              Start the course
            </Link>
            <Link className="button button--secondary button--lg" to="/docs/deathstar">
              Jump to module 1: the Death Star
            </Link>
          </div>
        </div>
      </header>
      <main className="container margin-vert--lg">
        <div className="row">
          {POINTS.map((point) => (
            <section key={point.title} className="col col--4 margin-bottom--lg">
              <Heading as="h2" className={styles.pointTitle}>
                {point.title}
              </Heading>
              <p>{point.body}</p>
            </section>
          ))}
        </div>
        <section className={styles.start}>
          <Heading as="h2">How to start</Heading>
          <ol>
            <li>
              Read <Link to="/docs/intro">how the course works</Link>: what you need and what the three outcomes mean.
            </li>
            <li>
              Follow module 1 page by page. Each step shows its policy, its probe table and the commands to run it, on a
              kind cluster with the <code>netpol-labs</code> runner, by hand with <code>kubectl</code>, or without a
              cluster in the simulator.
            </li>
          </ol>
        </section>
        <HomePlayground />
      </main>
    </Layout>
  );
}
