import React from 'react';
import CodeBlock from '@theme/CodeBlock';
import styles from './styles.module.css';

export interface LabManifestProps {
  /** The file's exact text, imported with `?raw` (never pasted into MDX). */
  source: string;
  /** The path shown as the title, relative to the repository root: `labs/deathstar/rule1-l7.yaml`. */
  path: string;
  /**
   * Lines to highlight, 1-based as in the line-number gutter: `"8-11,16-18"`. These must be the
   * lines the page explains; a range past the end of the file fails the build.
   */
  highlight?: string;
  /** Prism language; YAML unless told otherwise. */
  language?: string;
}

/** Parses "8-11,16" into [[8, 11], [16, 16]]; throws on anything else so typos fail the build. */
export function parseRanges(spec: string, path: string): Array<[number, number]> {
  return spec.split(',').map((part) => {
    const match = /^\s*(\d+)(?:\s*-\s*(\d+))?\s*$/.exec(part);
    if (!match) {
      throw new Error(`LabManifest ${path}: highlight "${spec}" is not a list of lines like "8-11,16"`);
    }
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (from < 1 || to < from) {
      throw new Error(`LabManifest ${path}: highlight range "${part.trim()}" must go upwards from line 1`);
    }
    return [from, to];
  });
}

/**
 * A manifest from labs/, shown byte for byte with its path as title, line numbers and the lines
 * the lesson explains highlighted.
 */
export default function LabManifest({source, path, highlight, language = 'yaml'}: LabManifestProps): React.ReactNode {
  if (typeof source !== 'string' || source.length === 0) {
    throw new Error(`LabManifest ${path}: "source" must be the file's text; import it with "?raw"`);
  }
  let metastring: string | undefined;
  if (highlight) {
    const lineCount = source.replace(/\n$/, '').split('\n').length;
    for (const [, to] of parseRanges(highlight, path)) {
      if (to > lineCount) {
        throw new Error(`LabManifest ${path}: highlight "${highlight}" goes past the last line (${lineCount})`);
      }
    }
    metastring = `{${highlight.replace(/\s+/g, '')}}`;
  }
  return (
    <div className={styles.manifest} data-testid="lab-manifest" data-path={path}>
      <CodeBlock language={language} title={path} showLineNumbers metastring={metastring}>
        {source}
      </CodeBlock>
    </div>
  );
}
