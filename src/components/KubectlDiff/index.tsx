import React from 'react';
import CodeBlock from '@theme/CodeBlock';
import {parse, stringify} from 'yaml';
import styles from './styles.module.css';

export interface KubectlDiffProps {
  /** Text of the manifest currently applied (the live object), imported with `?raw`. */
  live: string;
  /** Text of the manifest about to be applied, imported with `?raw`. */
  applied: string;
  /** Path of the file passed to `kubectl diff -f`, for the title. */
  path: string;
}

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {name: string; namespace?: string};
  spec?: unknown;
}

/**
 * Prints an object the way `kubectl diff` shows it: keys sorted, sequences not indented under
 * their key, comments gone (the API server never stores them). Server-set metadata is left out.
 */
function asKubectlPrints(text: string, path: string): {lines: string[]; object: KubeObject} {
  const object = parse(text) as KubeObject;
  if (!object?.apiVersion || !object.kind || !object.metadata?.name) {
    throw new Error(`KubectlDiff ${path}: expected one Kubernetes object with apiVersion, kind and metadata.name`);
  }
  const shown = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: {name: object.metadata.name, namespace: object.metadata.namespace},
    spec: object.spec,
  };
  const yamlText = stringify(shown, {sortMapEntries: true, indentSeq: false, lineWidth: 0});
  return {lines: yamlText.replace(/\n$/, '').split('\n'), object};
}

/** A line diff (longest common subsequence); fine for manifests of a few dozen lines. */
function diffLines(before: string[], after: string[]): string[] {
  const n = before.length;
  const m = after.length;
  const lcs: number[][] = Array.from({length: n + 1}, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = before[i] === after[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (before[i] === after[j]) {
      out.push(` ${before[i]}`);
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      out.push(`-${before[i++]}`);
    } else {
      out.push(`+${after[j++]}`);
    }
  }
  while (i < n) out.push(`-${before[i++]}`);
  while (j < m) out.push(`+${after[j++]}`);
  return out;
}

/**
 * What `kubectl diff -f FILE` prints when FILE updates an object applied from another file,
 * computed at build time from the two files in labs/ (so it can never drift from them).
 */
export default function KubectlDiff({live, applied, path}: KubectlDiffProps): React.ReactNode {
  const before = asKubectlPrints(live, `${path} (live)`);
  const after = asKubectlPrints(applied, path);
  const {object} = after;
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  const file = [group, version, object.kind, object.metadata.namespace, object.metadata.name].filter(Boolean).join('.');
  const body = diffLines(before.lines, after.lines);
  const text = [
    `diff -u -N /tmp/LIVE-1234/${file} /tmp/MERGED-5678/${file}`,
    `--- /tmp/LIVE-1234/${file}`,
    `+++ /tmp/MERGED-5678/${file}`,
    ...body,
  ].join('\n');
  return (
    <div className={styles.diff} data-testid="kubectl-diff">
      <CodeBlock language="diff" title={`kubectl diff -f ${path}`}>
        {text}
      </CodeBlock>
    </div>
  );
}
