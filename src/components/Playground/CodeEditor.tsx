/**
 * The CodeMirror editor. Browser only: PolicyEditor loads this module lazily inside BrowserOnly,
 * so CodeMirror never runs during static rendering and stays out of the page's first chunk.
 */
import React, {useCallback, useEffect, useMemo, useRef} from 'react';
import CodeMirror, {EditorView} from '@uiw/react-codemirror';
import {yaml} from '@codemirror/lang-yaml';
import {useColorMode} from '@docusaurus/theme-common';
import type {EditorHandle} from './editorHandle';

export interface CodeEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** Called with a handle once the editor exists, and with null when it goes away. */
  onReady: (handle: EditorHandle | null) => void;
  label: string;
}

export default function CodeEditor({value, onChange, onReady, label}: CodeEditorProps): React.ReactNode {
  const {colorMode} = useColorMode();
  const viewRef = useRef<EditorView | null>(null);
  const extensions = useMemo(() => [yaml(), EditorView.lineWrapping, EditorView.contentAttributes.of({'aria-label': label})], [label]);

  const onCreateEditor = useCallback(
    (view: EditorView) => {
      viewRef.current = view;
      onReady({
        jumpTo(line: number, col: number) {
          const doc = view.state.doc;
          const target = doc.line(Math.max(1, Math.min(line, doc.lines)));
          const pos = Math.min(target.from + Math.max(0, col - 1), target.to);
          view.dispatch({selection: {anchor: pos}, effects: EditorView.scrollIntoView(pos, {y: 'center'})});
          view.focus();
        },
      });
    },
    [onReady],
  );
  useEffect(() => () => onReady(null), [onReady]);

  return (
    <CodeMirror
      value={value}
      onChange={onChange}
      onCreateEditor={onCreateEditor}
      extensions={extensions}
      theme={colorMode === 'dark' ? 'dark' : 'light'}
      minHeight="18rem"
      basicSetup={{highlightActiveLine: true, foldGutter: false, autocompletion: false}}
    />
  );
}
