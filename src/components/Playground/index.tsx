import React, {useCallback, useMemo, useRef, useState} from 'react';
import type {Datapath} from '@site/src/policy';
import type {Lab} from '@site/src/lab/load';
import {stepScenario} from '@site/src/lab/to-scenario';
import ClusterView from './ClusterView';
import Controls from './Controls';
import ErrorList from './ErrorList';
import PolicyEditor from './PolicyEditor';
import ResultsTable from './ResultsTable';
import type {EditorHandle} from './editorHandle';
import {editorFileName, initialEditorText} from './editorText';
import {evaluatePlayground, type PlaygroundResult} from './evaluate';
import {DEFAULT_LAB, DEFAULT_STEP, PLAYGROUND_LABS} from './labs';
import {useDebounced} from './useDebounced';
import styles from './styles.module.css';

/** How long typing must pause before the engine re-evaluates. */
const DEBOUNCE_MS = 200;

export interface PlaygroundProps {
  /** The labs to pick from (default: every lab of the course). */
  labs?: readonly Lab[];
  /** The lab and step to open on; the first lab and its first step when they do not exist. */
  initialLab?: string;
  initialStep?: string;
}

/** The text being evaluated, tied to the lab and step it belongs to so a change of either never mixes them. */
interface Draft {
  labId: string;
  stepId: string;
  text: string;
}

/**
 * Edit a lab step's policies and watch the policy engine re-predict every probe of the step,
 * in the browser: no server, no stored results.
 */
export default function Playground({labs = PLAYGROUND_LABS, initialLab = DEFAULT_LAB, initialStep = DEFAULT_STEP}: PlaygroundProps): React.ReactNode {
  const firstLab = labs.find((l) => l.id === initialLab) ?? labs[0];
  const firstStep = firstLab.steps.find((s) => s.id === initialStep) ?? firstLab.steps[0];
  const [draft, setDraft] = useState<Draft>(() => ({labId: firstLab.id, stepId: firstStep.id, text: initialEditorText(firstStep)}));
  const [datapath, setDatapath] = useState<Datapath>('cilium');
  const [evaluated, flush] = useDebounced(draft, DEBOUNCE_MS);
  const editor = useRef<EditorHandle | null>(null);

  const lab = labs.find((l) => l.id === draft.labId) ?? firstLab;
  const step = lab.steps.find((s) => s.id === draft.stepId) ?? lab.steps[0];
  const original = useMemo(() => initialEditorText(step), [step]);
  const file = editorFileName(lab, step);

  const result: PlaygroundResult = useMemo(() => {
    const evaluatedLab = labs.find((l) => l.id === evaluated.labId) ?? lab;
    const evaluatedStep = evaluatedLab.steps.find((s) => s.id === evaluated.stepId) ?? evaluatedLab.steps[0];
    return evaluatePlayground(evaluatedLab, evaluatedStep, evaluated.text, editorFileName(evaluatedLab, evaluatedStep), datapath);
  }, [labs, lab, evaluated, datapath]);
  // The cluster is the lab's app and the cluster DNS, the same for every step.
  const cluster = useMemo(() => stepScenario(lab, lab.steps[0]).scenario.cluster, [lab]);

  const replaceDraft = useCallback(
    (next: Draft) => {
      setDraft(next);
      flush(next);
    },
    [flush],
  );
  const onStep = (id: string) => {
    const next = lab.steps.find((s) => s.id === id);
    if (next) replaceDraft({labId: lab.id, stepId: next.id, text: initialEditorText(next)});
  };
  const onLab = (id: string) => {
    const next = labs.find((l) => l.id === id);
    if (next) replaceDraft({labId: next.id, stepId: next.steps[0].id, text: initialEditorText(next.steps[0])});
  };
  const onChange = useCallback((text: string) => setDraft((d) => (d.text === text ? d : {...d, text})), []);
  const onReady = useCallback((handle: EditorHandle | null) => {
    editor.current = handle;
  }, []);
  const onJump = useCallback((line: number, col: number) => editor.current?.jumpTo(line, col), []);

  return (
    <div className={styles.playground} data-testid="playground" data-lab={lab.id} data-step={step.id} data-datapath={datapath}>
      <Controls
        labs={labs}
        lab={lab}
        step={step}
        datapath={datapath}
        onStep={onStep}
        onLab={onLab}
        onDatapath={setDatapath}
      />
      <div className={styles.workbench}>
        <div className={styles.editorColumn}>
          <PolicyEditor
            // A fresh editor per step: undo history belongs to one step's policies.
            key={`${lab.id}/${step.id}`}
            file={file}
            edited={draft.text !== original}
            onReset={() => replaceDraft({labId: lab.id, stepId: step.id, text: original})}
            value={draft.text}
            onChange={onChange}
            onReady={onReady}
            label={`Policies of step ${step.id} (YAML)`}
          />
          <ErrorList
            errors={result.status === 'error' ? result.errors : []}
            warnings={result.warnings}
            editorFile={file}
            onJump={onJump}
          />
        </div>
        <ClusterView cluster={cluster} />
      </div>
      <ResultsTable step={step} result={result} pending={evaluated !== draft} editorFile={file} onJump={onJump} />
    </div>
  );
}
