/**
 * Turns a playground state (from a share link, a lesson's link or the browser's storage) into what
 * the playground opens: the lab, loaded; its step; the editor's text; the extra probes, each
 * checked by the lab format. All or nothing: a state with any part this site cannot honour opens
 * nothing of it, and says what and why, so a half-applied link never passes for the original.
 */
import type {Lab, Step} from '@site/src/lab/load';
import type {Datapath} from '@site/src/policy';
import {initialEditorText} from './editorText';
import {checkExtraProbes, type ExtraProbe} from './extraProbes';
import type {PlaygroundLab} from './labs';
import type {PlaygroundState} from './share';

/** A state the playground can show. */
export interface OpenedState {
  lab: Lab;
  step: Step;
  text: string;
  probes: ExtraProbe[];
  datapath: Datapath;
}

/** What opening a state gave: all of it, or why not and, when the lab and step exist, them as the lab writes them. */
export type RestoreResult = {ok: true; opened: OpenedState} | {ok: false; message: string; fallback?: OpenedState};

/** Opens `state` with the labs the playground offers; loads the lab when needed. Never throws. */
export async function restoreState(state: PlaygroundState, labs: readonly PlaygroundLab[], loaded: Readonly<Record<string, Lab>> = {}): Promise<RestoreResult> {
  const entry = labs.find((l) => l.id === state.lab);
  if (!entry) return {ok: false, message: `it names the lab "${state.lab}", which this site does not have (its labs: ${labs.map((l) => l.id).join(', ')})`};
  let lab: Lab;
  try {
    lab = loaded[entry.id] ?? (await entry.load());
  } catch (error) {
    return {ok: false, message: `the lab ${entry.id} could not be loaded (${error instanceof Error ? error.message : String(error)}); check the connection and reload`};
  }
  const step = lab.steps.find((s) => s.id === state.step);
  const first = lab.steps[0];
  const asWritten = (s: Step): OpenedState => ({lab, step: s, text: initialEditorText(s), probes: [], datapath: state.datapath});
  if (!step) {
    return {ok: false, message: `the lab ${lab.id} has no step "${state.step}" (its steps: ${lab.steps.map((s) => s.id).join(', ')})`, fallback: asWritten(first)};
  }
  const checked = checkExtraProbes(lab, state.probes);
  if (checked.errors.length > 0) return {ok: false, message: checked.errors.join('; '), fallback: asWritten(step)};
  return {ok: true, opened: {lab, step, text: state.policies ?? initialEditorText(step), probes: state.probes, datapath: state.datapath}};
}

/** The state of what the playground shows, with the policies only when they differ from the step's files. */
export function stateOf(lab: Lab, step: Step, text: string, probes: readonly ExtraProbe[], datapath: Datapath): PlaygroundState {
  return {lab: lab.id, step: step.id, datapath, ...(text !== initialEditorText(step) ? {policies: text} : {}), probes: [...probes]};
}

/** True when the state holds work of the learner: edited policies or added probes. */
export function hasEdits(state: PlaygroundState): boolean {
  return state.policies !== undefined || state.probes.length > 0;
}
