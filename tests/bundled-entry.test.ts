// scripts/bundled-entry.mjs: `netpol-labs simulate` runs from a cached bundle, which must follow
// every edit of the files it was built from (a stale bundle would run old engine code).
import {mkdtempSync, readFileSync, utimesSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {importBundled} from '../scripts/bundled-entry.mjs';

describe('the bundle of a command entry', () => {
  it('is built on first use, reused while its inputs are unchanged, and rebuilt after an edit', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'netpol-bundle-'));
    const cacheDir = path.join(root, 'cache');
    writeFileSync(path.join(root, 'entry.mts'), "import {value} from './value';\nexport const main = () => value;\n");
    writeFileSync(path.join(root, 'value.ts'), 'export const value: number = 1;\n');
    const bundle = path.join(cacheDir, 'entry-mts.mjs');

    const first = await importBundled('entry.mts', {root, cacheDir});
    expect(first.main()).toBe(1);
    const built = readFileSync(bundle, 'utf8');

    // Unchanged inputs: the same bundle, not rebuilt (a marker written into it survives).
    writeFileSync(bundle, `${built}\n// kept\n`);
    await importBundled('entry.mts', {root, cacheDir});
    expect(readFileSync(bundle, 'utf8')).toContain('// kept');

    // An edit to an imported module (mtime moved on): rebuilt with the new code.
    writeFileSync(path.join(root, 'value.ts'), 'export const value: number = 2;\n');
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(root, 'value.ts'), later, later);
    await importBundled('entry.mts', {root, cacheDir});
    const rebuilt = readFileSync(bundle, 'utf8');
    expect(rebuilt).not.toContain('// kept');
    expect(rebuilt).toMatch(/value = 2/);
  });
});
