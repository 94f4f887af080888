import React from 'react';
import Outcome from '@site/src/components/Outcome';
import ScrollBox from '@site/src/components/ScrollBox';
import type {LabFile} from '@site/src/lab/schema';
import {fileRequest, requestLabel, type ProbeRequest} from '@site/src/lab/probe-request';
import {PROGRESS, SETTINGS, predictionKey} from '@site/src/progress/store';
import {useStored} from '@site/src/progress/useStored';
import {predictableOutcomes, stepOf} from './labText';
import PredictBar from './PredictBar';
import PredictionPicker from './PredictionPicker';
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
 *
 * In predict-first mode (the learner's setting, kept in the browser) each expected outcome and its
 * why stay hidden until the learner has picked an outcome for the row; the bar above the table
 * keeps the step's score. The static page always shows the answers: the mode is applied in the
 * browser, from the learner's storage.
 */
export default function ProbeTable({lab, step: stepId}: ProbeTableProps): React.ReactNode {
  const step = stepOf(lab, stepId, 'ProbeTable');
  const [settings, updateSettings] = useStored(SETTINGS);
  const [progress, updateProgress] = useStored(PROGRESS);
  const keys = step.probes.map((_, index) => predictionKey(lab.id, step.id, index));
  const predicting = settings.predictFirst;
  const predict = (key: string, outcome: (typeof step.probes)[number]['expect']) =>
    updateProgress((p) => ({...p, predictions: {...p.predictions, [key]: outcome}}));
  const forget = () =>
    updateProgress((p) => ({...p, predictions: Object.fromEntries(Object.entries(p.predictions).filter(([key]) => !keys.includes(key)))}));
  const predictions = keys.map((key) => progress.predictions[key]);
  return (
    <div className={styles.wrapper} data-testid="probe-block" data-step={step.id}>
      <PredictBar
        settings={settings}
        onSettings={updateSettings}
        predicted={predictions.filter((p) => p !== undefined).length}
        right={predictions.filter((p, i) => p === step.probes[i].expect).length}
        total={step.probes.length}
        onForget={forget}
      />
    {/* On a phone the rows reflow into cards (styles.module.css); the explicit roles keep the table's
    meaning for screen readers, which Chrome drops from a table whose display is changed. */}
    <ScrollBox label={`Probes of step ${step.id}`}>
      <table className={`reflow-table ${styles.table}`} role="table" data-testid="probe-table" data-lab={lab.id} data-step={step.id}>
        <caption className={styles.caption}>
          Probes of step <code>{step.id}</code>: {step.title}
          {step.policyAuditMode && (
            <div className={styles.audit} data-testid="probe-audit-mode">
              In policy audit mode: the lab&apos;s pods let through what L3/L4 policy would drop, and Hubble reports it with
              the verdict AUDIT; HTTP rules still answer.
            </div>
          )}
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
            const prediction = predictions[index];
            const hidden = predicting && !settings.showAnswers && prediction === undefined;
            return (
            <tr
              // Probes have no id of their own; their position in lab.yaml is stable.
              key={`${step.id}-${index}`}
              role="row"
              data-testid="probe-row"
              data-expect={probe.expect}
              data-kind={request.kind}
              data-revealed={hidden ? 'false' : 'true'}
              {...(predicting && prediction !== undefined ? {'data-prediction': prediction, 'data-correct': String(prediction === probe.expect)} : {})}
              // The colour of the first cell tells the outcome, so it waits for the answer too.
              className={hidden ? undefined : styles[probe.expect]}>
              <td role="cell" className={styles.who} data-label="Who">
                <code>{probe.from}</code>
              </td>
              <td role="cell" data-label="Request">
                <RequestLabel request={request} />
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
                {hidden ? (
                  <PredictionPicker choices={predictableOutcomes(probe)} probe={index + 1} onPick={(outcome) => predict(keys[index], outcome)} />
                ) : (
                  <>
                    <Outcome value={probe.expect} stacked />
                    {step.policyAuditMode && isAudited(probe.why) && (
                      <div className={styles.body} data-testid="probe-audited">
                        audited: dropped without audit mode
                      </div>
                    )}
                    {predicting && prediction !== undefined && (
                      <div className={prediction === probe.expect ? styles.right : styles.wrong} data-testid="prediction-verdict">
                        {prediction === probe.expect ? '✓ you predicted it' : `✗ you said ${prediction}`}
                      </div>
                    )}
                  </>
                )}
              </td>
              <td role="cell" className={styles.why} data-label="Why">
                {hidden ? <span className={styles.waiting}>Predict the outcome to see why.</span> : probe.why}
              </td>
            </tr>
            );
          })}
        </tbody>
      </table>
    </ScrollBox>
    </div>
  );
}

/**
 * A probe of a step in policy audit mode that audit mode lets through: its why starts with
 * "Audited:" (lab.yaml's convention, checked against the engine by tests/lab/module4-audit.test.ts).
 */
export function isAudited(why: string): boolean {
  return why.startsWith('Audited:');
}

/**
 * Where a long label may break so that a table still fits a lesson's column: a gRPC method
 * (`gRPC cloudcity.DoorManager/RequestMaintenance`) after the package's dot and the service's slash,
 * never inside a name; a host name (`TCP netpol-labs-control-plane:8080`, a DNS name) after the kind,
 * a dot or a hyphen. An HTTP request (`POST /v1/request-landing`) stays unbroken.
 */
const AFTER_KIND_DOT_OR_HYPHEN = /(?<=[ .-])/;
const BREAKS: Partial<Record<ProbeRequest['kind'], RegExp>> = {
  grpc: /(?<=[./])/,
  tcp: AFTER_KIND_DOT_OR_HYPHEN,
  sctp: AFTER_KIND_DOT_OR_HYPHEN,
  dns: AFTER_KIND_DOT_OR_HYPHEN,
  icmp: AFTER_KIND_DOT_OR_HYPHEN,
};

/** What a probe sends, with the breaks BREAKS allows. */
function RequestLabel({request}: {request: ProbeRequest}) {
  const label = requestLabel(request);
  const breaks = BREAKS[request.kind];
  if (!breaks) return <code className={styles.request}>{label}</code>;
  const pieces = label.split(breaks);
  return (
    <code>
      {pieces.map((piece, i) => (
        <React.Fragment key={i}>
          {i > 0 && <wbr />}
          <span className={styles.request}>{piece}</span>
        </React.Fragment>
      ))}
    </code>
  );
}
