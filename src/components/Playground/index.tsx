import React, {Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState} from 'react';
import {useHistory} from '@docusaurus/router';
import useBaseUrl from '@docusaurus/useBaseUrl';
import type {Datapath} from '@site/src/policy';
import type {Lab} from '@site/src/lab/load';
import {stepScenario} from '@site/src/lab/to-scenario';
import {readStored, updateStored} from '@site/src/progress/store';
import ClusterView from './ClusterView';
import ConfirmDialog, {type ConfirmDialogProps} from './ConfirmDialog';
import Controls from './Controls';
import ErrorList from './ErrorList';
import ExtraProbes from './ExtraProbes';
import PolicyEditor from './PolicyEditor';
import ResultsTable from './ResultsTable';
import type {EditorHandle} from './editorHandle';
import {editorFileName, initialEditorText} from './editorText';
import {evaluatePlayground, type PlaygroundResult} from './evaluate';
import {checkExtraProbes, type ExtraProbe} from './extraProbes';
import {DEFAULT_STEP, PLAYGROUND_LABS, deathstar, type PlaygroundLab} from './labs';
import {hasEdits, restoreState, stateOf, type OpenedState} from './restore';
import {SHARE_PARAM, decodeShare, encodeShare, shareTokenOf, type PlaygroundState} from './share';
import {PLAYGROUND} from './stored';
import {useDebounced} from './useDebounced';
import styles from './styles.module.css';

// The service map computes every flow of the step with the engine and draws it: its own chunk,
// fetched the first time it is shown.
const ServiceMap = lazy(() => import('./ServiceMap'));

/** How long typing must pause before the engine re-evaluates. */
const DEBOUNCE_MS = 200;

export interface PlaygroundProps {
  /** The labs to pick from (default: every lab of the course); the first is `firstLab`. */
  labs?: readonly PlaygroundLab[];
  /** The lab the page opens on, loaded already (it is in the static page). */
  firstLab?: Lab;
  /** Its step to open on; its first step when it does not exist. */
  initialStep?: string;
  /**
   * Open what the page's address asks for: a share link (`#share=...`) or a lesson's link
   * (`?lab=LAB&step=STEP`). Only the /playground page does; elsewhere the address is not ours.
   */
  readUrl?: boolean;
}

/** The text being evaluated, tied to the lab and step it belongs to so a change of either never mixes them. */
interface Draft {
  labId: string;
  stepId: string;
  text: string;
  /** The learner's own probes, for this lab. */
  probes: ExtraProbe[];
}

type ConfirmRequest = NonNullable<ConfirmDialogProps['request']>;

/**
 * Edit a lab step's policies, add probes of your own, and watch the policy engine re-predict
 * every probe of the step, in the browser: no server. The state is kept in the browser's storage
 * (it survives a reload) and can be shared as a link that holds all of it.
 */
export default function Playground({labs = PLAYGROUND_LABS, firstLab = deathstar, initialStep = DEFAULT_STEP, readUrl = false}: PlaygroundProps): React.ReactNode {
  // Labs fetched so far, by id; the first one is part of the page.
  const [loaded, setLoaded] = useState<Record<string, Lab>>(() => ({[firstLab.id]: firstLab}));
  const [loading, setLoading] = useState<string | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const firstStep = firstLab.steps.find((s) => s.id === initialStep) ?? firstLab.steps[0];
  const [draft, setDraft] = useState<Draft>(() => ({labId: firstLab.id, stepId: firstStep.id, text: initialEditorText(firstStep), probes: []}));
  const [datapath, setDatapath] = useState<Datapath>('cilium');
  const [evaluated, flush] = useDebounced(draft, DEBOUNCE_MS);
  const editor = useRef<EditorHandle | null>(null);
  // Set once the link or the stored state has been applied: only then is the state saved again.
  const [restored, setRestored] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();
  const [confirm, setConfirm] = useState<{request: ConfirmRequest; resolve: (ok: boolean) => void} | undefined>();
  const [share, setShare] = useState<{link?: string; status: string} | undefined>();
  const [mapShown, setMapShown] = useState(false);
  const history = useHistory();
  const playgroundPath = useBaseUrl('/playground');

  const lab = loaded[draft.labId] ?? firstLab;
  const step = lab.steps.find((s) => s.id === draft.stepId) ?? lab.steps[0];
  const original = useMemo(() => initialEditorText(step), [step]);
  const file = editorFileName(lab, step);
  const edited = draft.text !== original || draft.probes.length > 0;

  const evaluatedLab = loaded[evaluated.labId] ?? lab;
  const evaluatedStep = evaluatedLab.steps.find((s) => s.id === evaluated.stepId) ?? evaluatedLab.steps[0];
  const result: PlaygroundResult = useMemo(() => {
    // Every probe was checked when it was added or opened; a lab that changed since drops none silently.
    const extras = checkExtraProbes(evaluatedLab, evaluated.probes);
    const evaluation = evaluatePlayground(evaluatedLab, evaluatedStep, evaluated.text, editorFileName(evaluatedLab, evaluatedStep), datapath, extras.probes);
    if (extras.errors.length === 0) return evaluation;
    const errors = extras.errors.map((message) => ({file: 'your probes', line: 1, col: 1, code: 'extra-probe', message}));
    return {status: 'error', errors: evaluation.status === 'error' ? [...evaluation.errors, ...errors] : errors, warnings: evaluation.warnings};
  }, [evaluatedLab, evaluatedStep, evaluated, datapath]);
  // The cluster is the lab's app and the cluster DNS, the same for every step.
  const cluster = useMemo(() => stepScenario(lab, lab.steps[0]).scenario.cluster, [lab]);

  const replaceDraft = useCallback(
    (next: Draft) => {
      setDraft(next);
      flush(next);
    },
    [flush],
  );
  const ask = useCallback((request: ConfirmRequest) => new Promise<boolean>((resolve) => setConfirm({request, resolve})), []);
  /** Runs `go` at once, or after the learner agreed to lose the edits of the current step. */
  const leaveStep = (target: string, go: () => void) => {
    if (!edited) return go();
    void ask({
      title: 'Discard your edits?',
      body: (
        <p>
          You changed step <code>{step.id}</code>
          {draft.probes.length > 0 ? ` and added ${draft.probes.length === 1 ? 'a probe' : `${draft.probes.length} probes`}` : ''}. Opening {target} starts
          from its own policies and discards your edits. Copy a share link first to keep them.
        </p>
      ),
      confirm: 'Discard and switch',
      cancel: 'Stay on this step',
    }).then((ok) => ok && go());
  };
  const open = useCallback((opened: OpenedState) => {
    setLoaded((all) => (all[opened.lab.id] ? all : {...all, [opened.lab.id]: opened.lab}));
    setDatapath(opened.datapath);
    replaceDraft({labId: opened.lab.id, stepId: opened.step.id, text: opened.text, probes: opened.probes});
  }, [replaceDraft]);

  const onStep = (id: string) => {
    const next = lab.steps.find((s) => s.id === id);
    if (next) leaveStep(`step ${next.id}`, () => replaceDraft({labId: lab.id, stepId: next.id, text: initialEditorText(next), probes: []}));
  };
  const openLab = (next: Lab) => replaceDraft({labId: next.id, stepId: next.steps[0].id, text: initialEditorText(next.steps[0]), probes: []});
  const onLab = (id: string) => {
    const entry = labs.find((l) => l.id === id);
    if (!entry) return;
    leaveStep(`the lab ${id}`, () => {
      setLoadError(undefined);
      if (loaded[id]) return openLab(loaded[id]);
      setLoading(id);
      entry.load().then(
        (next) => {
          setLoaded((all) => ({...all, [next.id]: next}));
          setLoading(undefined);
          openLab(next);
        },
        (error: unknown) => {
          // A chunk that did not arrive (offline, a new deploy): say so and stay on the current lab.
          setLoading(undefined);
          setLoadError(`The lab ${id} could not be loaded (${error instanceof Error ? error.message : String(error)}); check the connection and pick it again.`);
        },
      );
    });
  };
  const onChange = useCallback((text: string) => setDraft((d) => (d.text === text ? d : {...d, text})), []);
  const onReady = useCallback((handle: EditorHandle | null) => {
    editor.current = handle;
  }, []);
  const onJump = useCallback((line: number, col: number) => editor.current?.jumpTo(line, col), []);
  const onAddProbe = (probe: ExtraProbe) => replaceDraft({...draft, probes: [...draft.probes, probe]});
  const onRemoveProbe = (index: number) => replaceDraft({...draft, probes: draft.probes.filter((_, i) => i !== index)});

  // In the browser: open what the address asks for, else what this browser kept; again whenever a
  // share link is pasted into the address bar of an open playground (only the fragment changes,
  // so the browser does not load the page again).
  useEffect(() => {
    let cancelled = false;
    const run = async (): Promise<void> => {
      const saved = readStored(PLAYGROUND)?.state;
      let wanted: PlaygroundState | undefined;
      let problem: string | undefined;
      let fromLink = false;
      if (readUrl) {
        const url = new URL(window.location.href);
        const token = shareTokenOf(url.hash);
        const labParam = url.searchParams.get('lab');
        if (token !== undefined) {
          fromLink = true;
          const decoded = await decodeShare(token);
          if (decoded.ok) wanted = decoded.state;
          else problem = decoded.message;
        } else if (labParam !== null) {
          fromLink = true;
          const stepParam = url.searchParams.get('step') ?? '';
          // The step this browser kept edits of is opened with them.
          wanted = saved && saved.lab === labParam && saved.step === stepParam ? saved : {lab: labParam, step: stepParam, datapath: saved?.datapath ?? 'cilium', probes: []};
        }
        // The state now lives in storage; a reload must not apply the link over later edits.
        if (fromLink) history.replace({pathname: url.pathname, search: '', hash: ''});
      }
      if (cancelled) return;
      if (!fromLink) wanted = saved;
      const fallbackText = (shown: {lab: Lab; step: {id: string}}) => `. The playground shows step ${shown.step.id} of the lab ${shown.lab.id} as the lab writes it`;
      // What this browser kept, when the link asks for something else.
      const before = saved && JSON.stringify(saved) !== JSON.stringify(wanted) ? saved : undefined;
      let result = wanted ? await restoreState(wanted, labs, {[firstLab.id]: firstLab}) : undefined;
      if (cancelled) return;
      // Ask before a link replaces this browser's edits, once it is known the link can be opened.
      if (fromLink && result && (result.ok || result.fallback) && before && hasEdits(before)) {
        const target = result.ok ? result.opened : result.fallback!;
        const replace = await ask({
          title: 'Replace your edits with the link?',
          body: (
            <p>
              The link opens step <code>{target.step.id}</code> of the lab <code>{target.lab.id}</code>. Your edits of step <code>{before.step}</code> (
              <code>{before.lab}</code>), kept in this browser, would be replaced.
            </p>
          ),
          confirm: 'Open the link',
          cancel: 'Keep my edits',
        });
        if (!replace) result = undefined;
      }
      if (result?.ok) {
        open(result.opened);
      } else if (result?.fallback) {
        problem = result.message + fallbackText(result.fallback);
        open(result.fallback);
      } else {
        if (result) problem = result.message;
        // Nothing of the link can be opened, or the learner kept their edits: what this browser kept stays open.
        const kept = before ? await restoreState(before, labs, {[firstLab.id]: firstLab}) : undefined;
        if (cancelled) return;
        if (kept?.ok) {
          open(kept.opened);
          if (problem) problem += '. The playground shows what you had open before';
        } else if (problem) {
          problem += fallbackText({lab: firstLab, step: firstStep});
        }
      }
      setNotice(problem ? `${fromLink ? 'This link could not be opened' : 'Your saved playground could not be restored'}: ${problem}.` : undefined);
      setRestored(true);
    };
    void run();
    const onHash = () => {
      if (readUrl && shareTokenOf(window.location.hash) !== undefined) void run();
    };
    window.addEventListener('hashchange', onHash);
    return () => {
      cancelled = true;
      window.removeEventListener('hashchange', onHash);
    };
    // Only on the first render: later changes of the address are the playground's own.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Every evaluated change is kept, so a reload (or the next visit) opens it again.
  useEffect(() => {
    if (!restored) return;
    updateStored(PLAYGROUND, () => ({version: 1, state: stateOf(evaluatedLab, evaluatedStep, evaluated.text, evaluated.probes, datapath)}));
  }, [restored, evaluatedLab, evaluatedStep, evaluated, datapath]);

  // A copied link describes the state it was made from; a change makes it stale.
  useEffect(() => setShare(undefined), [draft, datapath]);

  const copyLink = async () => {
    const token = await encodeShare(stateOf(lab, step, draft.text, draft.probes, datapath));
    const link = new URL(`${playgroundPath}#${SHARE_PARAM}=${token}`, window.location.origin).href;
    try {
      await navigator.clipboard.writeText(link);
      setShare({link, status: 'Link copied: it opens this lab, step, datapath, your policies and your probes.'});
    } catch {
      setShare({link, status: 'The browser did not allow copying; select the link below and copy it.'});
    }
  };

  return (
    <div
      className={styles.playground}
      data-testid="playground"
      data-lab={lab.id}
      aria-busy={loading !== undefined || !restored}
      data-step={step.id}
      data-datapath={datapath}
      data-restored={restored}>
      {notice && (
        <div className={styles.notice} role="alert" data-testid="playground-notice">
          {notice}{' '}
          <button type="button" className={styles.linkButton} onClick={() => setNotice(undefined)}>
            Dismiss
          </button>
        </div>
      )}
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
      <div className={styles.shareBar}>
        <button type="button" className="button button--sm button--primary" onClick={() => void copyLink()} data-testid="playground-share">
          Copy a link to this
        </button>
        <span className={styles.hint} role="status" data-testid="playground-share-status">
          {share?.status ?? (edited ? 'Your edits are kept in this browser; a link shares them.' : '')}
        </span>
        {share?.link && (
          <input className={styles.shareLink} readOnly value={share.link} aria-label="Share link" data-testid="playground-share-link" onFocus={(e) => e.currentTarget.select()} />
        )}
      </div>
      <div className={styles.workbench}>
        <div className={styles.editorColumn}>
          <PolicyEditor
            // A fresh editor per step: undo history belongs to one step's policies.
            key={`${lab.id}/${step.id}`}
            file={file}
            edited={draft.text !== original}
            onReset={() => replaceDraft({...draft, text: original})}
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
      <ExtraProbes key={lab.id} lab={lab} probes={draft.probes} result={result} editorFile={file} onJump={onJump} onAdd={onAddProbe} onRemove={onRemoveProbe} />
      <section aria-labelledby="playground-map-title" className={styles.extra}>
        <h2 id="playground-map-title" className={styles.sideTitle}>
          Service map
        </h2>
        <div>
          <button type="button" className="button button--sm button--secondary" aria-expanded={mapShown} onClick={() => setMapShown((s) => !s)} data-testid="playground-map-toggle">
            {mapShown ? 'Hide the service map' : 'Show the service map'}
          </button>{' '}
          <span className={styles.hint}>who may reach whom, on which port, and where L7 rules apply</span>
        </div>
        {mapShown && (
          <Suspense fallback={<p className={styles.muted}>Loading the service map…</p>}>
            <ServiceMap lab={evaluatedLab} step={evaluatedStep} text={evaluated.text} datapath={datapath} />
          </Suspense>
        )}
      </section>
      <ConfirmDialog
        request={confirm?.request}
        onConfirm={() => {
          confirm?.resolve(true);
          setConfirm(undefined);
        }}
        onCancel={() => {
          confirm?.resolve(false);
          setConfirm(undefined);
        }}
      />
    </div>
  );
}
