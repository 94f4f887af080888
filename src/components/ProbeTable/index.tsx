import React from 'react';
import Outcome from '@site/src/components/Outcome';
import {labFromText, requestPath, stepOf} from './labText';
import styles from './styles.module.css';

export interface ProbeTableProps {
  /** The text of the lab's lab.yaml, imported with `?raw`. */
  labYaml: string;
  /** The step id in lab.yaml, e.g. `cilium-l7`. An unknown id fails the build. */
  step: string;
}

/**
 * The probes of one lab step, rendered from lab.yaml: who asks, what request, the expected
 * outcome and why. The same data the runner checks on a cluster.
 */
export default function ProbeTable({labYaml, step: stepId}: ProbeTableProps): React.ReactNode {
  const lab = labFromText(labYaml, 'ProbeTable');
  const step = stepOf(lab, stepId, 'ProbeTable');
  return (
    <div className={styles.wrapper}>
      <table className={styles.table} data-testid="probe-table" data-lab={lab.id} data-step={step.id}>
        <caption className={styles.caption}>
          Probes of step <code>{step.id}</code>: {step.title}
        </caption>
        <thead>
          <tr>
            <th scope="col">Who</th>
            <th scope="col">Request</th>
            <th scope="col">Expected outcome</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {step.probes.map((probe, index) => (
            <tr
              // Probes have no id of their own; their position in lab.yaml is stable.
              key={`${step.id}-${index}`}
              data-testid="probe-row"
              data-expect={probe.expect}
              className={styles[probe.expect]}>
              <td className={styles.who}>
                <code>{probe.from}</code>
              </td>
              <td>
                <code className={styles.request}>{`${probe.method} ${requestPath(probe.url)}`}</code>
                {probe.body && (
                  <div className={styles.body}>
                    body contains <q>{probe.body}</q>
                  </div>
                )}
              </td>
              <td>
                <Outcome value={probe.expect} stacked />
              </td>
              <td className={styles.why}>{probe.why}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
