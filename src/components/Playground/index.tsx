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
import {DEFAULT_STEP, deathstar} from './labs';
import {useDebounced} from './useDebounced';
import styles from './styles.module.css';

/** How long typing must pause before the engine re-evaluates. */
const DEBOUNCE_MS = 200;

export interface PlaygroundProps {
  lab?: Lab;
  initialStep?: string;
}

/** The text being evaluated, tied to the step it belongs to so a step change never mixes the two. */
interface Draft {
  stepId: string;
  text: string;
}

/**
 * Edit a lab step's policies and watch the policy engine re-predict every probe of the step,
 * in the browser: no server, no stored results.
 */
export default function Playground({lab = deathstar, initialStep = DEFAULT_STEP}: PlaygroundProps): React.ReactNode {
  const firstStep = lab.steps.find((s) => s.id === initialStep) ?? lab.steps[0];
  const [draft, setDraft] = useState<Draft>(() => ({stepId: firstStep.id, text: initialEditorText(firstStep)}));
  const [datapath, setDatapath] = useState<Datapath>('cilium');
  const [evaluated, flush] = useDebounced(draft, DEBOUNCE_MS);
  const editor = useRef<EditorHandle | null>(null);

  const step = lab.steps.find((s) => s.id === draft.stepId) ?? firstStep;
  const original = useMemo(() => initialEditorText(step), [step]);
  const file = editorFileName(lab, step);

  const result: PlaygroundResult = useMemo(() => {
    const evaluatedStep = lab.steps.find((s) => s.id === evaluated.stepId) ?? step;
    return evaluatePlayground(lab, evaluatedStep, evaluated.text, editorFileName(lab, evaluatedStep), datapath);
  }, [lab, evaluated, datapath, step]);
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
    if (next) replaceDraft({stepId: next.id, text: initialEditorText(next)});
  };
  const onChange = useCallback((text: string) => setDraft((d) => (d.text === text ? d : {...d, text})), []);
  const onReady = useCallback((handle: EditorHandle | null) => {
    editor.current = handle;
  }, []);
  const onJump = useCallback((line: number, col: number) => editor.current?.jumpTo(line, col), []);

  return (
    <div className={styles.playground} data-testid="playground" data-step={step.id} data-datapath={datapath}>
      <Controls
        lab={lab}
        step={step}
        datapath={datapath}
        onStep={onStep}
        onDatapath={setDatapath}
      />
      <div className={styles.workbench}>
        <div className={styles.editorColumn}>
          <PolicyEditor
            // A fresh editor per step: undo history belongs to one step's policies.
            key={step.id}
            file={file}
            edited={draft.text !== original}
            onReset={() => replaceDraft({stepId: step.id, text: original})}
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
