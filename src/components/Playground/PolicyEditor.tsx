import React, {Suspense, lazy} from 'react';
import BrowserOnly from '@docusaurus/BrowserOnly';
import type {CodeEditorProps} from './CodeEditor';
import {KEYBOARD_HINT_ID} from './editorHandle';
import styles from './styles.module.css';

const CodeEditor = lazy(() => import('./CodeEditor'));

/**
 * The policy editor: CodeMirror in the browser; during static rendering and while CodeMirror
 * loads, the same text read-only, so the page is never empty.
 */
export default function PolicyEditor(props: CodeEditorProps & {file: string; edited: boolean; onReset: () => void; resetLabel?: string}): React.ReactNode {
  const {file, edited, onReset, resetLabel = "Reset to the lab's policies", ...editorProps} = props;
  const fallback = <pre className={styles.fallback}>{props.value}</pre>;
  return (
    <div className={styles.editor}>
      <div className={styles.editorTitle}>
        <code>{file}</code>
        {edited && <span className={styles.edited}>edited</span>}
        <button
          type="button"
          className={`button button--sm button--secondary ${styles.reset}`}
          data-testid="playground-reset"
          disabled={!edited}
          onClick={onReset}>
          {resetLabel}
        </button>
      </div>
      <p className={styles.keyboardHint} id={props.hintId ?? KEYBOARD_HINT_ID}>
        Tab indents inside the editor; press <kbd>Esc</kbd> then <kbd>Tab</kbd> to move on.
      </p>
      <BrowserOnly fallback={fallback}>
        {() => (
          <Suspense fallback={fallback}>
            <CodeEditor {...editorProps} />
          </Suspense>
        )}
      </BrowserOnly>
    </div>
  );
}
