/** Which lab files the pages must show verbatim: all YAML under labs/ but lab.yaml and challenges/. */
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {shownLabFiles} from '../../src/lab/node/read-lab';

describe('shownLabFiles', () => {
  it('lists every YAML file of every lab, except lab.yaml and the challenges folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'netpol-labs-shown-'));
    const files = [
      'labs/deathstar/lab.yaml',
      'labs/deathstar/app.yaml',
      'labs/deathstar/rule1.yml',
      'labs/deathstar/unreferenced.yaml',
      'labs/deathstar/notes.md',
      'labs/deathstar/challenges/least-privilege/solution.yaml',
      'labs/deathstar/challenges/least-privilege/challenge.yaml',
      'labs/deathstar/extra/lab.yaml',
      'labs/deathstar/extra/challenges/policy.yaml',
    ];
    for (const f of files) {
      mkdirSync(dirname(join(root, f)), {recursive: true});
      writeFileSync(join(root, f), 'kind: X\n');
    }
    expect(shownLabFiles(root)).toEqual([
      'labs/deathstar/app.yaml',
      // Only a lab's own lab.yaml and challenges/ are exempt; the same names deeper are shown.
      'labs/deathstar/extra/challenges/policy.yaml',
      'labs/deathstar/extra/lab.yaml',
      'labs/deathstar/rule1.yml',
      'labs/deathstar/unreferenced.yaml',
    ]);
  });

  it('finds the deathstar lab\'s manifests in this repository', () => {
    expect(shownLabFiles()).toContain('labs/deathstar/rule1-l7.yaml');
  });
});
