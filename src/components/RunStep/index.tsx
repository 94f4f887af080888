import React from 'react';
import CodeBlock from '@theme/CodeBlock';
import Tabs from '@theme/Tabs';
import TabItem from '@theme/TabItem';
import type {LabFile} from '@site/src/lab/schema';
import {stepOf} from '@site/src/components/ProbeTable/labText';
import styles from './styles.module.css';

export interface RunStepProps {
  /** The lab, imported validated with `import lab from '@site/labs/<lab>/lab.yaml?lab'`. */
  lab: LabFile;
  /** The step id in lab.yaml. An unknown id fails the build. */
  step: string;
}

/** Quotes a word for a POSIX shell only when it needs it. */
function sh(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

const EXPECT_COMMENT = {
  allowed: 'allowed',
  dropped: 'dropped: hangs 2 s, then curl exit 28',
  'l7-denied': 'l7-denied: HTTP 403',
  unresolved: 'unresolved: the name does not resolve (curl exit 6 or 28 while resolving)',
} as const;

/**
 * How to run one step: with the netpol-labs runner on kind, with the simulator, or by hand with
 * kubectl. Everything is derived from lab.yaml, so the commands list exactly the step's
 * policies and probes.
 */
export default function RunStep({lab, step: stepId}: RunStepProps): React.ReactNode {
  const step = stepOf(lab, stepId, 'RunStep');
  const dir = `labs/${lab.id}`;
  const ns = lab.namespace;

  const runner = [
    '# once: a local kind cluster with Cilium and Hubble',
    'npx netpol-labs up',
    '# apply exactly this step\'s policies, run its probes, compare with the table',
    `npx netpol-labs run ${lab.id} --step ${step.id} --target kind`,
  ].join('\n');

  const sim = [
    '# no cluster needed: predict the same probes from the same files',
    `npx netpol-labs run ${lab.id} --step ${step.id} --target sim`,
  ].join('\n');

  const probeLines = step.probes.map((probe) => {
    const method = probe.method === 'GET' ? [] : [`-X${probe.method}`];
    const words = ['kubectl', '-n', ns, 'exec', probe.from, '--', 'curl', '-sS', '--connect-timeout', '2', ...method, probe.url];
    const body = probe.body ? `, body "${probe.body}"` : '';
    return `${words.map(sh).join(' ')}\n#   expect ${EXPECT_COMMENT[probe.expect]}${body}`;
  });

  const kubectl = [
    '# the app, once',
    ...lab.app.map((file) => `kubectl apply -f ${dir}/${file}`),
    `kubectl -n ${ns} wait --for=condition=Available deployment --all --timeout=180s`,
    `kubectl -n ${ns} wait --for=condition=Ready pod --all --timeout=180s`,
    '',
    '# this step\'s policies and no others: start from a clean slate',
    `kubectl -n ${ns} delete networkpolicies.networking.k8s.io,ciliumnetworkpolicies.cilium.io --all`,
    ...(step.policies.length === 0
      ? ['# (this step has no policy)']
      : step.policies.map((file) => `kubectl apply -f ${dir}/${file}`)),
    'sleep 5   # let Cilium push the policy to the datapath',
    '',
    '# the probes',
    ...probeLines,
  ].join('\n');

  return (
    <div className={styles.run} data-testid="run-step" data-step={step.id}>
      <Tabs groupId="run-target">
        <TabItem value="kind" label="Runner on kind" default>
          <CodeBlock language="bash" title="run on a local kind cluster">
            {runner}
          </CodeBlock>
        </TabItem>
        <TabItem value="kubectl" label="Plain kubectl">
          <CodeBlock language="bash" title={`by hand, on any cluster with Cilium (from the repository root)`}>
            {kubectl}
          </CodeBlock>
        </TabItem>
        <TabItem value="sim" label="No cluster (simulator)">
          <CodeBlock language="bash" title="predict the outcomes without a cluster">
            {sim}
          </CodeBlock>
        </TabItem>
      </Tabs>
    </div>
  );
}
