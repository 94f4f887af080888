import React, {useMemo, useState} from 'react';
import Outcome from '@site/src/components/Outcome';
import ScrollBox from '@site/src/components/ScrollBox';
import type {Lab} from '@site/src/lab/load';
import type {ExtraRow, PlaygroundResult} from './evaluate';
import ExplanationText from './ExplanationText';
import {EXTRA_PROBE_KINDS, HTTP_METHODS, checkExtraProbe, probeChoices, targetLabel, type ExtraProbe, type ExtraProbeKind, type ExtraTarget} from './extraProbes';
import styles from './styles.module.css';

export interface ExtraProbesProps {
  lab: Lab;
  probes: readonly ExtraProbe[];
  result: PlaygroundResult;
  editorFile: string;
  onJump: (line: number, col: number) => void;
  onAdd: (probe: ExtraProbe) => void;
  onRemove: (index: number) => void;
}

const KIND_LABELS: Record<ExtraProbeKind, string> = {
  http: 'HTTP request',
  grpc: 'gRPC call',
  tcp: 'TCP connect',
  sctp: 'SCTP association',
  dns: 'DNS lookup',
  icmp: 'ping (ICMP echo)',
};

/** A target as one string for a <select>: `service:ns/name`, `pod:ns/name` or `host:name`. */
function targetValue(to: ExtraTarget): string {
  if ('service' in to) return `service:${to.service}`;
  if ('pod' in to) return `pod:${to.pod}`;
  return `host:${to.host}`;
}

function targetOf(value: string): ExtraTarget {
  const at = value.indexOf(':');
  const kind = value.slice(0, at);
  const rest = value.slice(at + 1);
  return kind === 'service' ? {service: rest} : kind === 'pod' ? {pod: rest} : {host: rest};
}

/**
 * The learner's own probes: a form that builds one from the lab's clients and destinations (the
 * lab format checks it before it is added), and a row per probe with the engine's prediction and
 * its reasoning. They have no expected outcome: that is for the learner to decide.
 */
export default function ExtraProbes({lab, probes, result, editorFile, onJump, onAdd, onRemove}: ExtraProbesProps): React.ReactNode {
  const choices = useMemo(() => probeChoices(lab), [lab]);
  const firstService = choices.services[0];
  const [from, setFrom] = useState(choices.sources[0]?.value ?? '');
  const [kind, setKind] = useState<ExtraProbeKind>('http');
  const [to, setTo] = useState(firstService ? `service:${firstService.value}` : choices.pods[0] ? `pod:${choices.pods[0].value}` : '');
  const [port, setPort] = useState(String(firstService?.ports[0] ?? 80));
  const [method, setMethod] = useState<(typeof HTTP_METHODS)[number]>('GET');
  const [path, setPath] = useState('/');
  const [errors, setErrors] = useState<string[]>([]);
  const rows: ExtraRow[] | undefined = result.status === 'ok' ? result.extraRows : undefined;
  const usesPort = kind === 'http' || kind === 'grpc' || kind === 'tcp' || kind === 'sctp';
  const usesPath = kind === 'http' || kind === 'grpc';
  const selectedService = to.startsWith('service:') ? choices.services.find((s) => s.value === to.slice('service:'.length)) : undefined;
  // What a probe of this kind may dial on a Service: its SCTP ports for SCTP, its TCP ports otherwise.
  const portsFor = (service: {ports: number[]; sctpPorts: number[]}, k: ExtraProbeKind) => (k === 'sctp' ? service.sctpPorts : service.ports);

  const onTarget = (value: string) => {
    setTo(value);
    // A Service's own port is what a probe to it dials; suggest it.
    const service = value.startsWith('service:') ? choices.services.find((s) => s.value === value.slice('service:'.length)) : undefined;
    if (service && portsFor(service, kind)[0] !== undefined) setPort(String(portsFor(service, kind)[0]));
  };
  const onKind = (value: ExtraProbeKind) => {
    setKind(value);
    if (value === 'grpc' && !/^\/[\w.]+\/\w+$/.test(path)) setPath('/package.Service/Method');
    if (value === 'http' && path === '/package.Service/Method') setPath('/');
    if (selectedService && portsFor(selectedService, value)[0] !== undefined) setPort(String(portsFor(selectedService, value)[0]));
  };
  const add = (event: React.FormEvent) => {
    event.preventDefault();
    const portNumber = Number(port);
    const probe: ExtraProbe = {
      from,
      kind,
      to: targetOf(to),
      ...(usesPort ? {port: portNumber} : {}),
      ...(kind === 'http' && method !== 'GET' ? {method} : {}),
      ...(usesPath ? {path} : {}),
    };
    if (usesPort && (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535)) {
      setErrors([`the port is a whole number from 1 to 65535; "${port}" is not`]);
      return;
    }
    const checked = checkExtraProbe(lab, probe);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors([]);
    onAdd(probe);
  };

  return (
    <section className={styles.extra} aria-labelledby="playground-extra-title" data-testid="playground-extra">
      <h2 id="playground-extra-title" className={styles.sideTitle}>
        Your own probes
      </h2>
      <p className={styles.muted}>
        Ask the engine about any request the lab format allows: from a pod of the app (a hostNetwork pod sends from its
        node){lab.outside ? ' or from outside the cluster' : ''}, to a Service, a pod&apos;s address
        {Object.keys(lab.names).length > 0 ? ' or a name outside the cluster' : ''}. They are kept with your edits and in the share link.
      </p>
      <form className={styles.probeForm} onSubmit={add} data-testid="playground-probe-form">
        <label className={styles.control}>
          <span>From</span>
          <select value={from} onChange={(e) => setFrom(e.target.value)} data-testid="probe-from">
            {choices.sources.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <label className={styles.control}>
          <span>Sends</span>
          <select value={kind} onChange={(e) => onKind(e.target.value as ExtraProbeKind)} data-testid="probe-kind">
            {EXTRA_PROBE_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label className={styles.control}>
          <span>To</span>
          <select value={to} onChange={(e) => onTarget(e.target.value)} data-testid="probe-to">
            {choices.services.length > 0 && (
              <optgroup label="Services">
                {choices.services.map((c) => (
                  <option key={c.value} value={targetValue({service: c.value})}>
                    {`${c.label} (port ${c.ports.join(', ') || 'none'})`}
                  </option>
                ))}
              </optgroup>
            )}
            <optgroup label="Pods, by address">
              {choices.pods.map((c) => (
                <option key={c.value} value={targetValue({pod: c.value})}>
                  {c.label}
                </option>
              ))}
            </optgroup>
            {choices.hosts.length > 0 && (
              <optgroup label="Outside the cluster (lab.yaml names)">
                {choices.hosts.map((c) => (
                  <option key={c.value} value={targetValue({host: c.value})}>
                    {c.label}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        {usesPort && (
          <label className={`${styles.control} ${styles.narrow}`}>
            <span>Port</span>
            <input type="number" min={1} max={65535} value={port} onChange={(e) => setPort(e.target.value)} data-testid="probe-port" />
            {selectedService && (
              <span className={styles.hint}>
                Service {kind === 'sctp' ? 'SCTP ' : ''}port{portsFor(selectedService, kind).length === 1 ? '' : 's'}: {portsFor(selectedService, kind).join(', ') || 'none'}
              </span>
            )}
          </label>
        )}
        {kind === 'http' && (
          <label className={`${styles.control} ${styles.narrow}`}>
            <span>Method</span>
            <select value={method} onChange={(e) => setMethod(e.target.value as (typeof HTTP_METHODS)[number])} data-testid="probe-method">
              {HTTP_METHODS.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
        )}
        {usesPath && (
          <label className={styles.control}>
            <span>{kind === 'grpc' ? 'gRPC method path' : 'Path'}</span>
            <input type="text" value={path} onChange={(e) => setPath(e.target.value)} data-testid="probe-path" spellCheck={false} />
          </label>
        )}
        <div className={styles.formButtons}>
          <button type="submit" className="button button--primary button--sm" data-testid="probe-add">
            Add probe
          </button>
        </div>
      </form>
      {errors.length > 0 && (
        <div className={styles.errors} role="alert" data-testid="probe-form-error">
          <strong>The lab format does not allow this probe:</strong>
          <ul>
            {errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      )}
      {probes.length > 0 && (
        <ScrollBox label="Your probes and their predictions">
          <table className={`reflow-table ${styles.table}`} role="table">
            <thead role="rowgroup">
              <tr role="row">
                <th role="columnheader" scope="col">Who</th>
                <th role="columnheader" scope="col">Request</th>
                <th role="columnheader" scope="col">Predicted</th>
                <th role="columnheader" scope="col">Why (the engine&apos;s reasoning)</th>
                <th role="columnheader" scope="col">
                  <span className={styles.visuallyHidden}>Remove</span>
                </th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {probes.map((probe, index) => {
                const row = rows?.find((r) => r.index === index);
                return (
                  <tr key={index} role="row" data-testid="playground-extra-row" data-predicted={row?.predicted ?? 'unavailable'}>
                    <td role="cell" data-label="Who">
                      <code>{probe.from}</code>
                    </td>
                    <td role="cell" data-label="Request">
                      <code className={styles.request}>{row?.probe.label ?? KIND_LABELS[probe.kind]}</code>
                      <div className={styles.muted}>
                        to <code>{targetLabel(probe.to)}{probe.port !== undefined ? `:${probe.port}` : ''}</code>
                      </div>
                    </td>
                    <td role="cell" data-label="Predicted">
                      {row ? <Outcome value={row.predicted} compact /> : <span className={styles.muted}>unavailable</span>}
                    </td>
                    <td role="cell" className={styles.why} data-label="Why">
                      {row ? (
                        <>
                          {row.deciding && (
                            <div data-testid="playground-extra-deciding">
                              <strong>{row.deciding.effect}:</strong> <ExplanationText text={row.deciding.text} editorFile={editorFile} onJump={onJump} />
                            </div>
                          )}
                          <details className={styles.details}>
                            <summary>every step of the reasoning</summary>
                            <ol>
                              {row.explanation.map((e, i) => (
                                <li key={i}>
                                  <strong>{e.effect}:</strong> <ExplanationText text={e.text} editorFile={editorFile} onJump={onJump} />
                                  {e.inferred && <span className={styles.muted}> [inferred: {e.inferred}]</span>}
                                </li>
                              ))}
                            </ol>
                          </details>
                        </>
                      ) : (
                        <span className={styles.muted}>Fix the errors above to see a prediction.</span>
                      )}
                    </td>
                    <td role="cell" data-label="">
                      <button type="button" className="button button--sm button--secondary" onClick={() => onRemove(index)} data-testid="probe-remove" aria-label={`Remove probe ${index + 1}`}>
                        Remove
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollBox>
      )}
    </section>
  );
}
