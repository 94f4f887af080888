/**
 * The service map: the step's clients on the left, the ports of its Services on the right, and a
 * line for every flow the engine allows (green; violet where an L7 proxy judges the requests) or
 * drops (red, dashed), in the manner of Hubble UI's service map. Below it the same flows as a table,
 * for screen readers and for reading one flow's reason. Loaded on demand (React.lazy in ./index.tsx):
 * it evaluates every client against every Service port, which the probe table does not need.
 */
import React, {useMemo, useState} from 'react';
import ScrollBox from '@site/src/components/ScrollBox';
import type {Datapath} from '@site/src/policy';
import type {Lab, Step} from '@site/src/lab/load';
import {serviceMap, type Flow} from './flows';
import styles from './map.module.css';

export interface ServiceMapProps {
  lab: Lab;
  step: Step;
  /** The editor's policies, as evaluated. */
  text: string;
  datapath: Datapath;
}

const ROW = 46;
const BOX_W = 230;
const BOX_H = 34;
const WIDTH = 760;
const PAD = 12;

function short(id: string, lab: Lab): string {
  return id.startsWith(`${lab.namespace}/`) ? id.slice(lab.namespace.length + 1) : id;
}

function flowClass(flow: Flow): string {
  if (flow.verdict === 'dropped') return styles.dropped;
  return flow.l7 ? styles.l7 : styles.allowed;
}

function flowWords(flow: Flow): string {
  if (flow.verdict === 'dropped') return 'dropped';
  return flow.l7 ? 'allowed, requests judged by L7 rules' : 'allowed';
}

export default function ServiceMap({lab, step, text, datapath}: ServiceMapProps): React.ReactNode {
  const data = useMemo(() => serviceMap(lab, step, text, datapath), [lab, step, text, datapath]);
  const [showDropped, setShowDropped] = useState(true);
  const [focus, setFocus] = useState<string | undefined>();
  if (data.status === 'error') {
    return (
      <p className={styles.muted} data-testid="service-map" data-status="error">
        No map: {data.message}.
      </p>
    );
  }
  const {sources, targets, flows} = data;
  const rows = Math.max(sources.length, targets.length);
  const height = rows * ROW + PAD * 2;
  const y = (i: number, n: number) => PAD + (rows - n) * (ROW / 2) + i * ROW + ROW / 2;
  const sourceY = new Map(sources.map((s, i) => [s.id, y(i, sources.length)]));
  const targetY = new Map(targets.map((t, i) => [t.id, y(i, targets.length)]));
  const x1 = PAD + BOX_W;
  const x2 = WIDTH - PAD - BOX_W;
  const shown = flows.filter((f) => showDropped || f.verdict !== 'dropped');
  const dim = (f: Flow) => focus !== undefined && f.from !== focus && f.to !== focus;

  return (
    <div className={styles.map} data-testid="service-map" data-status="ok" data-step={step.id}>
      <div className={styles.toolbar}>
        <label>
          <input type="checkbox" checked={showDropped} onChange={(e) => setShowDropped(e.target.checked)} data-testid="map-show-dropped" /> show dropped flows
        </label>
        <span className={styles.legend} aria-hidden="true">
          <span className={`${styles.swatch} ${styles.allowed}`} /> allowed <span className={`${styles.swatch} ${styles.l7}`} /> allowed, L7 rules
          judge the requests <span className={`${styles.swatch} ${styles.dropped}`} /> dropped
        </span>
      </div>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        className={styles.svg}
        role="img"
        aria-label={`Service map of step ${step.id}: ${flows.filter((f) => f.verdict === 'allowed').length} flows allowed, ${flows.filter((f) => f.verdict === 'dropped').length} dropped; the table below lists each.`}>
        {shown.map((f) => {
          const ya = sourceY.get(f.from)!;
          const yb = targetY.get(f.to)!;
          const mid = (x1 + x2) / 2;
          return (
            <g key={`${f.from}>${f.to}`} data-testid="map-edge" data-from={f.from} data-to={f.service} data-port={f.port} data-protocol={f.protocol} data-verdict={f.verdict} data-l7={f.l7} opacity={dim(f) ? 0.12 : 1}>
              <path d={`M ${x1} ${ya} C ${mid} ${ya}, ${mid} ${yb}, ${x2} ${yb}`} className={`${styles.edge} ${flowClass(f)}`} markerEnd={`url(#map-arrow-${f.verdict === 'dropped' ? 'dropped' : f.l7 ? 'l7' : 'allowed'})`}>
                <title>{`${f.from} → ${f.service}:${f.port}/${f.protocol}: ${flowWords(f)}. ${f.why}`}</title>
              </path>
            </g>
          );
        })}
        <defs>
          {(['allowed', 'l7', 'dropped'] as const).map((k) => (
            <marker key={k} id={`map-arrow-${k}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" className={styles[`${k}Fill`]} />
            </marker>
          ))}
        </defs>
        {sources.map((s) => {
          const cy = sourceY.get(s.id)!;
          return (
            <g key={s.id} className={styles.node} onMouseEnter={() => setFocus(s.id)} onMouseLeave={() => setFocus(undefined)} data-testid="map-source" data-id={s.id}>
              <rect x={PAD} y={cy - BOX_H / 2} width={BOX_W} height={BOX_H} rx={6} className={s.id === 'outside' ? styles.outsideBox : styles.box} />
              <text x={PAD + 10} y={cy + 5} className={styles.nodeText}>
                {short(s.id, lab)}
                {s.node ? ' (node)' : ''}
              </text>
            </g>
          );
        })}
        {targets.map((t) => {
          const cy = targetY.get(t.id)!;
          return (
            <g key={t.id} className={styles.node} onMouseEnter={() => setFocus(t.id)} onMouseLeave={() => setFocus(undefined)} data-testid="map-target" data-id={t.id}>
              <rect x={x2} y={cy - BOX_H / 2} width={BOX_W} height={BOX_H} rx={6} className={styles.serviceBox} />
              <text x={x2 + 10} y={cy + 5} className={styles.nodeText}>
                {short(t.service, lab)}
              </text>
              <text x={x2 + BOX_W - 10} y={cy + 5} textAnchor="end" className={styles.portText}>
                {`${t.port}/${t.protocol}`}
              </text>
            </g>
          );
        })}
      </svg>
      <details className={styles.list}>
        <summary>The {flows.length} flows as a table, with the engine&apos;s reason for each</summary>
        <ScrollBox label="Flows of the service map">
        <table>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Verdict</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {flows.map((f) => (
              <tr key={`${f.from}>${f.to}`} data-testid="map-flow">
                <td>
                  <code>{f.from}</code>
                </td>
                <td>
                  <code>{`${f.service}:${f.port}/${f.protocol}`}</code>
                </td>
                <td>{flowWords(f)}</td>
                <td>{f.why}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </ScrollBox>
      </details>
    </div>
  );
}
