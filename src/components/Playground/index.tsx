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
import {DEFAULT_STEP, PLAYGROUND_LABS, deathstar, type PlaygroundLab} from './labs';
import {useDebounced} from './useDebounced';
import styles from './styles.module.css';

/** How long typing must pause before the engine re-evaluates. */
const DEBOUNCE_MS = 200;

export interface PlaygroundProps {
  /** The labs to pick from (default: every lab of the course); the first is `firstLab`. */
  labs?: readonly PlaygroundLab[];
  /** The lab the page opens on, loaded already (it is in the static page). */
  firstLab?: Lab;
  /** Its step to open on; its first step when it does not exist. */
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
export default function Playground({labs = PLAYGROUND_LABS, firstLab = deathstar, initialStep = DEFAULT_STEP}: PlaygroundProps): React.ReactNode {
  // Labs fetched so far, by id; the first one is part of the page.
  const [loaded, setLoaded] = useState<Record<string, Lab>>(() => ({[firstLab.id]: firstLab}));
  const [loading, setLoading] = useState<string | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const firstStep = firstLab.steps.find((s) => s.id === initialStep) ?? firstLab.steps[0];
  const [draft, setDraft] = useState<Draft>(() => ({labId: firstLab.id, stepId: firstStep.id, text: initialEditorText(firstStep)}));
  const [datapath, setDatapath] = useState<Datapath>('cilium');
  const [evaluated, flush] = useDebounced(draft, DEBOUNCE_MS);
  const editor = useRef<EditorHandle | null>(null);

  const lab = loaded[draft.labId] ?? firstLab;
  const step = lab.steps.find((s) => s.id === draft.stepId) ?? lab.steps[0];
  const original = useMemo(() => initialEditorText(step), [step]);
  const file = editorFileName(lab, step);

  const result: PlaygroundResult = useMemo(() => {
    const evaluatedLab = loaded[evaluated.labId] ?? lab;
    const evaluatedStep = evaluatedLab.steps.find((s) => s.id === evaluated.stepId) ?? evaluatedLab.steps[0];
    return evaluatePlayground(evaluatedLab, evaluatedStep, evaluated.text, editorFileName(evaluatedLab, evaluatedStep), datapath);
  }, [loaded, lab, evaluated, datapath]);
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
  const open = (next: Lab) => replaceDraft({labId: next.id, stepId: next.steps[0].id, text: initialEditorText(next.steps[0])});
  const onLab = (id: string) => {
    const entry = labs.find((l) => l.id === id);
    if (!entry) return;
    setLoadError(undefined);
    if (loaded[id]) return open(loaded[id]);
    setLoading(id);
    entry.load().then(
      (next) => {
        setLoaded((all) => ({...all, [next.id]: next}));
        setLoading(undefined);
        open(next);
      },
      (error: unknown) => {
        // A chunk that did not arrive (offline, a new deploy): say so and stay on the current lab.
        setLoading(undefined);
        setLoadError(`The lab ${id} could not be loaded (${error instanceof Error ? error.message : String(error)}); check the connection and pick it again.`);
      },
    );
  };
  const onChange = useCallback((text: string) => setDraft((d) => (d.text === text ? d : {...d, text})), []);
  const onReady = useCallback((handle: EditorHandle | null) => {
    editor.current = handle;
  }, []);
  const onJump = useCallback((line: number, col: number) => editor.current?.jumpTo(line, col), []);

  return (
    <div className={styles.playground} data-testid="playground" data-lab={lab.id} aria-busy={loading !== undefined} data-step={step.id} data-datapath={datapath}>
      <Controls
        labs={labs}
        lab={lab}
        loading={loading}
        loadError={loadError}
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
