import type {PolicyError, PolicyWarning, SourceRef} from './types';

/** Renders `file:line:col: message`, the form editors and terminals turn into links. */
export function formatError(e: PolicyError): string {
  return `${e.file}:${e.line}:${e.col}: ${e.message}`;
}

/** Renders `file:line:col: warning: message`: like an error, but said to be a warning. */
export function formatWarning(w: PolicyWarning): string {
  return `${w.file}:${w.line}:${w.col}: warning: ${w.message}`;
}

/** Builds a PolicyError at a source position. */
export function errorAt(at: SourceRef, code: string, message: string): PolicyError {
  return {file: at.file, line: at.line, col: at.col, code, message};
}

/**
 * The candidate closest to `word`, for "did you mean" hints: at most 3 edits and fewer than half
 * the word's length, so a one-letter name never "means" another one-letter name.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance && d < word.length / 2) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance: the fewest single-character edits that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({length: b.length + 1}, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** Lists names for a message: `a, b or c`. */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}
