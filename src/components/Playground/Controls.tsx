import React from 'react';
import Link from '@docusaurus/Link';
import type {Datapath} from '@site/src/policy';
import type {Lab, Step} from '@site/src/lab/load';
import type {PlaygroundLab} from './labs';
import styles from './styles.module.css';

export interface ControlsProps {
  labs: readonly PlaygroundLab[];
  lab: Lab;
  /** The lab being fetched after the learner picked it, if any. */
  loading?: string;
  /** Why the lab last picked could not be loaded. */
  loadError?: string;
  step: Step;
  datapath: Datapath;
  onStep: (id: string) => void;
  onLab: (id: string) => void;
  onDatapath: (datapath: Datapath) => void;
}

const DATAPATH_HINTS: Record<Datapath, string> = {
  cilium: 'Cilium: identities decide; CIDR rules never match pods or nodes.',
  kubernetes: 'A NetworkPolicy plugin: ipBlock also matches pod and node IPs.',
};

/** Which lab, which of its steps, and which datapath. */
export default function Controls({labs, lab, loading, loadError, step, datapath, onStep, onLab, onDatapath}: ControlsProps): React.ReactNode {
  return (
    <div className={styles.controls}>
      <label className={styles.control}>
        <span>Lab</span>
        <select data-testid="playground-lab" value={loading ?? lab.id} onChange={(e) => onLab(e.target.value)}>
          {labs.map((l) => (
            <option key={l.id} value={l.id}>
              {`${l.id}: ${l.title}`}
            </option>
          ))}
        </select>
        {loading && <span className={styles.hint} role="status">Loading the lab {loading}…</span>}
        {loadError && (
          <span className={styles.hint} role="alert" data-testid="playground-lab-error">
            {loadError}
          </span>
        )}
      </label>
      <label className={styles.control}>
        <span>Lab step</span>
        <select data-testid="playground-step" value={step.id} onChange={(e) => onStep(e.target.value)}>
          {lab.steps.map((s, i) => (
            <option key={s.id} value={s.id}>
              {`${i + 1}. ${s.id}: ${s.title}`}
            </option>
          ))}
        </select>
        {step.lesson && (
          <Link className={styles.hint} to={`/docs/${step.lesson}`}>
            Read the lesson of this step
          </Link>
        )}
      </label>
      <label className={styles.control}>
        <span>Datapath</span>
        <select data-testid="playground-datapath" value={datapath} onChange={(e) => onDatapath(e.target.value as Datapath)}>
          <option value="cilium">cilium</option>
          <option value="kubernetes">kubernetes</option>
        </select>
        <span className={styles.hint}>{DATAPATH_HINTS[datapath]}</span>
      </label>
    </div>
  );
}
