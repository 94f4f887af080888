/** Opening a state (share link, lesson link, storage): all of it, or a message and the lab's step as written. */
import {describe, expect, it} from 'vitest';
import {readLabOrThrow} from '../../src/lab/node/read-lab';
import {initialEditorText} from '../../src/components/Playground/editorText';
import type {PlaygroundLab} from '../../src/components/Playground/labs';
import {hasEdits, restoreState, stateOf} from '../../src/components/Playground/restore';
import {PLAYGROUND} from '../../src/components/Playground/stored';
import {readStored, updateStored, type KeyValueStorage} from '../../src/progress/store';

const deathstar = readLabOrThrow('labs/deathstar');
const labs: PlaygroundLab[] = [
  {id: 'deathstar', title: deathstar.title, load: () => Promise.resolve(deathstar)},
  {id: 'offline', title: 'a lab whose chunk does not arrive', load: () => Promise.reject(new Error('ChunkLoadError'))},
];
const l7 = deathstar.steps.find((s) => s.id === 'cilium-l7')!;

describe('restoreState', () => {
  it('opens a valid state in full: the edited text, the probes and the datapath', async () => {
    const state = {lab: 'deathstar', step: 'cilium-l7', datapath: 'kubernetes' as const, policies: '# mine\n', probes: [{from: 'xwing', kind: 'tcp' as const, to: {service: 'star-wars/deathstar'}, port: 80}]};
    const result = await restoreState(state, labs);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.opened.step.id).toBe('cilium-l7');
    expect(result.opened.text).toBe('# mine\n');
    expect(result.opened.probes).toEqual(state.probes);
    expect(result.opened.datapath).toBe('kubernetes');
  });

  it('opens the step\'s own policies when the state has none', async () => {
    const result = await restoreState({lab: 'deathstar', step: 'cilium-l7', datapath: 'cilium', probes: []}, labs);
    expect(result.ok && result.opened.text).toBe(initialEditorText(l7));
  });

  it('names an unknown lab and the labs there are, and falls back to nothing of it', async () => {
    expect(await restoreState({lab: 'death-star', step: 'l3', datapath: 'cilium', probes: []}, labs)).toEqual({
      ok: false,
      message: 'it names the lab "death-star", which this site does not have (its labs: deathstar, offline)',
    });
  });

  it('falls back to the lab\'s first step for an unknown step', async () => {
    const result = await restoreState({lab: 'deathstar', step: 'nope', datapath: 'cilium', policies: 'x', probes: []}, labs);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toBe(`the lab deathstar has no step "nope" (its steps: ${deathstar.steps.map((s) => s.id).join(', ')})`);
    expect(result.fallback?.step.id).toBe(deathstar.steps[0].id);
    expect(result.fallback?.text).toBe(initialEditorText(deathstar.steps[0]));
  });

  it('opens none of the edits when a probe is refused: the step as the lab writes it, and why', async () => {
    const result = await restoreState(
      {lab: 'deathstar', step: 'cilium-l7', datapath: 'cilium', policies: '# edited\n', probes: [{from: 'xwing', kind: 'tcp', to: {service: 'star-wars/deathstar'}, port: 9999}]},
      labs,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toBe('extra probe 1: Service "deathstar" has no TCP port 9999; its ports are 80/TCP');
    expect(result.fallback?.text).toBe(initialEditorText(l7));
    expect(result.fallback?.probes).toEqual([]);
  });

  it('says when a lab cannot be loaded', async () => {
    const result = await restoreState({lab: 'offline', step: 'a', datapath: 'cilium', probes: []}, labs);
    expect(result).toEqual({ok: false, message: 'the lab offline could not be loaded (ChunkLoadError); check the connection and reload'});
  });
});

describe('the stored playground', () => {
  it('keeps the policies only when edited, and counts added probes as edits', () => {
    const asWritten = stateOf(deathstar, l7, initialEditorText(l7), [], 'cilium');
    expect(asWritten).toEqual({lab: 'deathstar', step: 'cilium-l7', datapath: 'cilium', probes: []});
    expect(hasEdits(asWritten)).toBe(false);
    expect(hasEdits(stateOf(deathstar, l7, '# mine', [], 'cilium'))).toBe(true);
    expect(hasEdits({...asWritten, probes: [{from: 'xwing', kind: 'dns', to: {service: 'star-wars/deathstar'}}]})).toBe(true);
  });

  it('round-trips through storage and ignores a value of another shape', () => {
    const items = new Map<string, string>();
    const storage: KeyValueStorage = {getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v)};
    const state = stateOf(deathstar, l7, '# mine\n', [], 'kubernetes');
    updateStored(PLAYGROUND, () => ({version: 1, state}), storage);
    expect(items.has('netpol-labs:playground')).toBe(true);
    expect(readStored(PLAYGROUND, storage)).toEqual({version: 1, state});
    items.set('netpol-labs:playground', JSON.stringify({version: 1, state: {lab: 'deathstar'}}));
    expect(readStored(PLAYGROUND, storage)).toBeNull();
    items.set('netpol-labs:playground', '{not json');
    expect(readStored(PLAYGROUND, storage)).toBeNull();
  });
});
