/** What the rest of the playground may do with the editor (without importing CodeMirror). */
export interface EditorHandle {
  /** Moves the cursor to a 1-based line and column, scrolls there and focuses the editor. */
  jumpTo(line: number, col: number): void;
}
