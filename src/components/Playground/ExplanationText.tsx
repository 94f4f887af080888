import React from 'react';
import styles from './styles.module.css';

/**
 * An explanation line with every `<editorFile>:<line>` in it turned into a button that moves the
 * editor's cursor to that line (positions in other files, the app's manifests, stay text).
 */
export default function ExplanationText({text, editorFile, onJump}: {text: string; editorFile: string; onJump: (line: number, col: number) => void}): React.ReactNode {
  const pattern = new RegExp(`${editorFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)`, 'g');
  const parts: React.ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const at = match.index ?? 0;
    if (at > last) parts.push(text.slice(last, at));
    const line = Number(match[1]);
    parts.push(
      <button key={at} type="button" className={`${styles.linkButton} ${styles.nowrap}`} onClick={() => onJump(line, 1)} title={`Move the cursor to line ${line}`}>
        {match[0]}
      </button>,
    );
    last = at + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}
