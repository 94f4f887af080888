/**
 * The CodeMirror editor. Browser only: PolicyEditor loads this module lazily inside BrowserOnly,
 * so CodeMirror never runs during static rendering and stays out of the page's first chunk.
 */
import React, {useCallback, useEffect, useMemo, useRef} from 'react';
import CodeMirror, {EditorView, oneDarkHighlightStyle, oneDarkTheme} from '@uiw/react-codemirror';
import {HighlightStyle, syntaxHighlighting} from '@codemirror/language';
import {yaml} from '@codemirror/lang-yaml';
import {readable} from '@site/src/plugins/contrast';
import {useColorMode} from '@docusaurus/theme-common';
import {KEYBOARD_HINT_ID, type EditorHandle} from './editorHandle';

export interface CodeEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** Called with a handle once the editor exists, and with null when it goes away. */
  onReady: (handle: EditorHandle | null) => void;
  label: string;
  /** The id of the keyboard hint that describes the editor (a page with several editors gives each its own). */
  hintId?: string;
}

/** One Dark's backgrounds: the editor and the active line's gutter (@codemirror/theme-one-dark). */
const ONE_DARK_BACKGROUNDS = ['#282c34', '#2c313a'];

/**
 * One Dark with its token and line-number colours raised to WCAG AA contrast: the stock theme
 * draws keys (#e06c75) at 4.4:1 and line numbers (#7d8799) at 3.9:1.
 */
const readableOneDark = [
  oneDarkTheme,
  syntaxHighlighting(
    HighlightStyle.define(
      oneDarkHighlightStyle.specs.map((spec) =>
        typeof spec.color === 'string' ? {...spec, color: readable(spec.color, ONE_DARK_BACKGROUNDS)} : spec,
      ),
    ),
  ),
  // On the gutter elements themselves: One Dark colours their container, which this then overrides.
  EditorView.theme({'.cm-gutterElement': {color: readable('#7d8799', ONE_DARK_BACKGROUNDS)}}, {dark: true}),
];

export default function CodeEditor({value, onChange, onReady, label, hintId = KEYBOARD_HINT_ID}: CodeEditorProps): React.ReactNode {
  const {colorMode} = useColorMode();
  const viewRef = useRef<EditorView | null>(null);
  const extensions = useMemo(() => [yaml(), EditorView.lineWrapping, EditorView.contentAttributes.of({'aria-label': label, 'aria-describedby': hintId})], [label, hintId]);

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
      theme={colorMode === 'dark' ? readableOneDark : 'light'}
      minHeight="18rem"
      basicSetup={{highlightActiveLine: true, foldGutter: false, autocompletion: false}}
    />
  );
}
