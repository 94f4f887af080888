/** What the rest of the playground may do with the editor (without importing CodeMirror). */
export interface EditorHandle {
  /** Moves the cursor to a 1-based line and column, scrolls there and focuses the editor. */
  jumpTo(line: number, col: number): void;
}

/** The id of the line telling keyboard users how to leave the editor (CodeMirror keeps Tab for indenting). */
export const KEYBOARD_HINT_ID = 'playground-keyboard-hint';
