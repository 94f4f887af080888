/** A mistake in a lab, located in the file the learner or author has to fix. */
export interface LabError {
  /** Stable identifier for tests and tools, e.g. `unknown-key`. */
  code: string;
  /** Path of the file as the caller named it (relative paths stay relative). */
  file: string;
  /** 1-based line and column; 1:1 when the whole file is at fault. */
  line: number;
  col: number;
  /** What is wrong and what would be right, in one sentence or two. */
  message: string;
}

/** Renders `file:line:col: message`, the form editors and terminals turn into links. */
export function formatLabError(error: LabError): string {
  return `${error.file}:${error.line}:${error.col}: ${error.message}`;
}

/** Thrown by the convenience loaders; carries every error found, not just the first. */
export class LabLoadError extends Error {
  constructor(readonly errors: LabError[]) {
    super(errors.map(formatLabError).join('\n'));
    this.name = 'LabLoadError';
  }
}
