import React from 'react';
import CodeBlock from '@theme/CodeBlock';
import Tabs from '@theme/Tabs';
import TabItem from '@theme/TabItem';
import type {LabFile} from '@site/src/lab/schema';
import {runStepTexts} from './commands';
import {stepOf} from '@site/src/components/ProbeTable/labText';
import styles from './styles.module.css';

export interface RunStepProps {
  /** The lab, imported validated with `import lab from '@site/labs/<lab>/lab.yaml?lab'`. */
  lab: LabFile;
  /** The step id in lab.yaml. An unknown id fails the build. */
  step: string;
}

/**
 * How to run one step: with the netpol-labs runner on kind, with the simulator, or by hand with
 * kubectl. Everything is derived from lab.yaml, so the commands list exactly the step's
 * policies and probes.
 */
export default function RunStep({lab, step: stepId}: RunStepProps): React.ReactNode {
  const step = stepOf(lab, stepId, 'RunStep');
  const {runner, sim, kubectl} = runStepTexts(lab, step);
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
