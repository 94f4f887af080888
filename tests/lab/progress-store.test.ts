/**
 * The browser store of settings and progress: a value that is missing, not JSON or not of the
 * current shape reads as the defaults (a page never breaks on a learner's storage), a change is
 * stored as JSON under its key and reaches every subscriber, and a snapshot keeps its identity
 * until the stored text changes (React re-renders on every new snapshot object).
 */
import {describe, expect, it} from 'vitest';
import {PROGRESS, SETTINGS, predictionKey, readStored, subscribeStored, updateStored, type KeyValueStorage} from '../../src/progress/store';

function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage & {data: Record<string, string>} {
  const data = {...initial};
  return {data, getItem: (key) => data[key] ?? null, setItem: (key, value) => void (data[key] = value)};
}

describe('the progress store', () => {
  it('reads the defaults from empty, broken or foreign values', () => {
    expect(readStored(SETTINGS, memoryStorage())).toEqual({predictFirst: false, showAnswers: false});
    expect(readStored(SETTINGS, memoryStorage({'netpol-labs:settings': '{not json'}))).toEqual({predictFirst: false, showAnswers: false});
    expect(readStored(PROGRESS, memoryStorage({'netpol-labs:progress': '{"version": 2, "predictions": {}}'}))).toEqual({version: 1, predictions: {}, read: {}, solved: {}});
    expect(readStored(PROGRESS, memoryStorage({'netpol-labs:progress': '{"predictions": {"deathstar/no-policy/0": "maybe"}}'}))).toEqual({version: 1, predictions: {}, read: {}, solved: {}});
    expect(readStored(SETTINGS, undefined)).toEqual({predictFirst: false, showAnswers: false});
  });

  it('stores a change as JSON under its key and tells subscribers', () => {
    const storage = memoryStorage();
    let calls = 0;
    const unsubscribe = subscribeStored(() => calls++);
    const key = predictionKey('deathstar', 'cilium-l7', 1);
    updateStored(PROGRESS, (p) => ({...p, predictions: {...p.predictions, [key]: 'l7-denied' as const}}), storage);
    unsubscribe();
    updateStored(SETTINGS, (s) => ({...s, predictFirst: true}), storage);
    expect(calls).toBe(1);
    expect(JSON.parse(storage.data['netpol-labs:progress'])).toEqual({version: 1, predictions: {'deathstar/cilium-l7/1': 'l7-denied'}, read: {}, solved: {}});
    expect(readStored(SETTINGS, storage).predictFirst).toBe(true);
  });

  it('returns the same snapshot until the stored text changes', () => {
    const storage = memoryStorage({'netpol-labs:settings': '{"predictFirst": true}'});
    const first = readStored(SETTINGS, storage);
    expect(readStored(SETTINGS, storage)).toBe(first);
    storage.data['netpol-labs:settings'] = '{"predictFirst": false}';
    expect(readStored(SETTINGS, storage)).not.toBe(first);
  });
});
