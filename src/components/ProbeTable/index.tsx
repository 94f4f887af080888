import React from 'react';
import Outcome from '@site/src/components/Outcome';
import ScrollBox from '@site/src/components/ScrollBox';
import type {LabFile} from '@site/src/lab/schema';
import {fileRequest, requestLabel} from '@site/src/lab/probe-request';
import {stepOf} from './labText';
import styles from './styles.module.css';

export interface ProbeTableProps {
  /** The lab, imported validated with `import lab from '@site/labs/<lab>/lab.yaml?lab'`. */
  lab: LabFile;
  /** The step id in lab.yaml, e.g. `cilium-l7`. An unknown id fails the build. */
  step: string;
}

/**
 * The probes of one lab step, rendered from lab.yaml: who asks, what request, the expected
 * outcome and why. The same data the runner checks on a cluster.
 */
export default function ProbeTable({lab, step: stepId}: ProbeTableProps): React.ReactNode {
  const step = stepOf(lab, stepId, 'ProbeTable');
  return (
    // On a phone the rows reflow into cards (styles.module.css); the explicit roles keep the table's
    // meaning for screen readers, which Chrome drops from a table whose display is changed.
    <ScrollBox label={`Probes of step ${step.id}`} className={styles.wrapper}>
      <table className={`reflow-table ${styles.table}`} role="table" data-testid="probe-table" data-lab={lab.id} data-step={step.id}>
        <caption className={styles.caption}>
          Probes of step <code>{step.id}</code>: {step.title}
        </caption>
        <thead role="rowgroup">
          <tr role="row">
            <th role="columnheader" scope="col">Who</th>
            <th role="columnheader" scope="col">Request</th>
            <th role="columnheader" scope="col">Expected outcome</th>
            <th role="columnheader" scope="col">Why</th>
          </tr>
        </thead>
        <tbody role="rowgroup">
          {step.probes.map((probe, index) => {
            const request = fileRequest(probe);
            return (
            <tr
              // Probes have no id of their own; their position in lab.yaml is stable.
              key={`${step.id}-${index}`}
              role="row"
              data-testid="probe-row"
              data-expect={probe.expect}
              data-kind={request.kind}
              className={styles[probe.expect]}>
              <td role="cell" className={styles.who} data-label="Who">
                <code>{probe.from}</code>
              </td>
              <td role="cell" data-label="Request">
                <code className={styles.request}>{requestLabel(request)}</code>
                {request.kind === 'http' && request.host && (
                  <div className={styles.body}>
                    with <code>Host: {request.host}</code>
                  </div>
                )}
                {request.kind === 'http' &&
                  Object.entries(request.headers ?? {}).map(([name, value]) => (
                    <div key={name} className={styles.body}>
                      with <code>{`${name}: ${value}`}</code>
                    </div>
                  ))}
                {probe.body && (
                  <div className={styles.body}>
                    body contains <q>{probe.body}</q>
                  </div>
                )}
                {probe.destructive && (
                  <div className={styles.body} data-testid="probe-destructive">
                    harms the app if let through: sent once, last, after the harmless probes held
                  </div>
                )}
              </td>
              <td role="cell" data-label="Expected outcome">
                <Outcome value={probe.expect} stacked />
              </td>
              <td role="cell" className={styles.why} data-label="Why">
                {probe.why}
              </td>
            </tr>
            );
          })}
        </tbody>
      </table>
    </ScrollBox>
  );
}
