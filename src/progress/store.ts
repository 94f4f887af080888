/**
 * What the course keeps in the learner's browser, and nowhere else: settings (predict first, show
 * every answer) and progress (the predictions made in probe tables). Each lives under one
 * localStorage key as JSON, validated on every read, so a hand-edited or outdated value falls back
 * to the defaults instead of breaking a page. No server, no account, no tracking.
 *
 * Components read it with React's useSyncExternalStore (see ./useStored.ts): every table on a page,
 * and every open tab (the `storage` event), follows a change at once.
 */
import {OUTCOMES, type Outcome} from '../lab/outcome';

/** The learner's choices about how probe tables behave. */
export interface Settings {
  /** Probe tables hide each expected outcome until the learner has predicted it. */
  predictFirst: boolean;
  /** For instructors (slides): predict-first tables show every answer anyway. */
  showAnswers: boolean;
}

/** What the learner has done. Versioned, so a later format can read or migrate an older export. */
export interface Progress {
  version: 1;
  /** The outcome predicted for each probe, keyed by predictionKey(lab, step, index). */
  predictions: Record<string, Outcome>;
  /** Lesson pages read to the end, by permalink (`/docs/deathstar/cilium-l7`), with the date. */
  read: Record<string, string>;
  /** Challenges solved, by `LAB/CHALLENGE`, with the date. */
  solved: Record<string, string>;
}

/**
 * One stored value: its localStorage key, how to read it from parsed JSON (undefined when the JSON
 * does not have its shape) and its default. The readers are written out rather than zod schemas:
 * this module is on every lesson page, and zod would add tens of KB to each (the site's budget is
 * in tests/e2e/page-weight.ts), as the lab-data plugin already avoids for lab data.
 */
export interface StoredValue<T> {
  key: string;
  read: (json: unknown) => T | undefined;
  fallback: T;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isOutcome = (value: unknown): value is Outcome => (OUTCOMES as readonly unknown[]).includes(value);

export const SETTINGS: StoredValue<Settings> = {
  key: 'netpol-labs:settings',
  read: (json) => {
    if (!isRecord(json)) return undefined;
    const {predictFirst = false, showAnswers = false} = json;
    return typeof predictFirst === 'boolean' && typeof showAnswers === 'boolean' ? {predictFirst, showAnswers} : undefined;
  },
  fallback: {predictFirst: false, showAnswers: false},
};

export const PROGRESS: StoredValue<Progress> = {
  key: 'netpol-labs:progress',
  read: readProgress,
  fallback: {version: 1, predictions: {}, read: {}, solved: {}},
};

/** Progress from parsed JSON (storage or an exported file); undefined when it has another shape. */
export function readProgress(json: unknown): Progress | undefined {
  if (!isRecord(json) || (json.version ?? 1) !== 1) return undefined;
  const {predictions = {}, read = {}, solved = {}} = json;
  const isDates = (value: unknown): value is Record<string, string> => isRecord(value) && Object.values(value).every((v) => typeof v === 'string');
  if (!isRecord(predictions) || !Object.values(predictions).every(isOutcome) || !isDates(read) || !isDates(solved)) return undefined;
  return {version: 1, predictions: predictions as Record<string, Outcome>, read, solved};
}

/** The key of a probe's prediction: the probe's position in its step is stable (lab.yaml order). */
export function predictionKey(lab: string, step: string, index: number): string {
  return `${lab}/${step}/${index}`;
}

/** Where values are kept: the browser's localStorage, or a stand-in in tests. */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

const listeners = new Set<() => void>();
// Parsed values by key and raw text, so a snapshot keeps its identity until the text changes
// (useSyncExternalStore re-renders whenever the snapshot is a new object).
const parsed = new Map<string, {raw: string | null; value: unknown}>();

/** The stored value, or its fallback when there is none or it does not fit the schema. */
export function readStored<T>(item: StoredValue<T>, storage: KeyValueStorage | undefined = browserStorage()): T {
  let raw: string | null = null;
  try {
    raw = storage?.getItem(item.key) ?? null;
  } catch {
    // Storage can be disabled (privacy settings): behave as a first visit.
  }
  const cached = parsed.get(item.key);
  if (cached && cached.raw === raw) return cached.value as T;
  let value = item.fallback;
  if (raw !== null) {
    try {
      value = item.read(JSON.parse(raw)) ?? item.fallback;
    } catch {
      // Not JSON: the fallback.
    }
  }
  parsed.set(item.key, {raw, value});
  return value;
}

/** Stores a new value (computed from the current one) and tells every subscriber. */
export function updateStored<T>(item: StoredValue<T>, change: (current: T) => T, storage: KeyValueStorage | undefined = browserStorage()): void {
  const next = change(readStored(item, storage));
  try {
    storage?.setItem(item.key, JSON.stringify(next));
  } catch {
    // Full or disabled storage: the change lasts for this page only.
    parsed.set(item.key, {raw: JSON.stringify(next), value: next});
  }
  for (const listener of listeners) listener();
}

/** Calls `listener` on every change, in this tab or (through the storage event) in another. */
export function subscribeStored(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key === null || event.key.startsWith('netpol-labs:')) listener();
  };
  if (typeof window !== 'undefined') window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    if (typeof window !== 'undefined') window.removeEventListener('storage', onStorage);
  };
}

function browserStorage(): KeyValueStorage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.localStorage;
  } catch {
    return undefined;
  }
}
