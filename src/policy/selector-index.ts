/**
 * Selector matching over all pods at once: an inverted index from label key and value to the bit
 * set of pods carrying it, so a selector costs a few bit-set operations (one per requirement)
 * instead of a label comparison per pod. Same semantics as `matches` in selector.ts, which the
 * property tests compare against.
 */
import {bitset, type Bitset} from './bitset';
import type {Labels, Selector} from './types';

/** An index of one kind of labels (pod labels, or identity labels) of a set of pods. */
export class LabelIndex {
  private readonly byKey = new Map<string, {any: Bitset; byValue: Map<unknown, Bitset>}>();
  private readonly cache = new Map<string, Bitset>();
  private readonly words: number;

  /** `members`: the pods indexed (the others never match); `labelsOf(i)`: pod i's labels. */
  constructor(
    n: number,
    private readonly members: Bitset,
    labelsOf: (i: number) => Labels,
  ) {
    this.words = members.length;
    for (let i = 0; i < n; i++) {
      if ((members[i >>> 5] & (1 << (i & 31))) === 0) continue;
      const labels = labelsOf(i);
      for (const key in labels) {
        if (!Object.prototype.hasOwnProperty.call(labels, key)) continue;
        let entry = this.byKey.get(key);
        if (!entry) {
          entry = {any: bitset(n), byValue: new Map()};
          this.byKey.set(key, entry);
        }
        entry.any[i >>> 5] |= 1 << (i & 31);
        const v = labels[key];
        let b = entry.byValue.get(v);
        if (!b) {
          b = bitset(n);
          entry.byValue.set(v, b);
        }
        b[i >>> 5] |= 1 << (i & 31);
      }
    }
  }

  /** The members whose labels satisfy the selector. The result is shared: do not modify it. */
  select(selector: Selector): Bitset {
    const cacheKey = JSON.stringify(selector);
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const out = this.members.slice();
    const w = this.words;
    for (const key in selector.matchLabels) {
      const b = this.byKey.get(key)?.byValue.get(selector.matchLabels[key]);
      if (!b) out.fill(0);
      else for (let j = 0; j < w; j++) out[j] &= b[j];
    }
    for (const e of selector.matchExpressions) {
      const entry = this.byKey.get(e.key);
      if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
        const keep = e.operator === 'Exists';
        if (!entry) {
          if (keep) out.fill(0);
        } else for (let j = 0; j < w; j++) out[j] &= keep ? entry.any[j] : ~entry.any[j];
        continue;
      }
      // In: pods with the key and one of the values; NotIn: all others.
      const hit = bitset(w * 32);
      if (entry) {
        for (const v of e.values) {
          const b = entry.byValue.get(v);
          if (b) for (let j = 0; j < w; j++) hit[j] |= b[j];
        }
      }
      if (e.operator === 'In') for (let j = 0; j < w; j++) out[j] &= hit[j];
      else for (let j = 0; j < w; j++) out[j] &= ~hit[j];
    }
    this.cache.set(cacheKey, out);
    return out;
  }
}
