// scripts/bundled-entry.mjs: `netpol-labs simulate` runs from a cached bundle, which must follow
// every edit of the files it was built from (a stale bundle would run old engine code), with a
// V8 code cache that goes with the bundle it was made from.
import {existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync} from 'node:fs';
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
    const bundle = path.join(cacheDir, 'entry-mts.cjs');
    const codeCache = path.join(cacheDir, 'entry-mts.v8-cache');

    const first = (await importBundled('entry.mts', {root, cacheDir}))!;
    expect(first.main()).toBe(1);
    expect(existsSync(codeCache)).toBe(false);
    first.saveCodeCache();
    expect(existsSync(codeCache)).toBe(true);
    const built = readFileSync(bundle, 'utf8');

    // Unchanged inputs: the same bundle, not rebuilt (a marker written into it survives).
    writeFileSync(bundle, `${built}\n// kept\n`);
    const again = (await importBundled('entry.mts', {root, cacheDir}))!;
    expect(again.main()).toBe(1);
    expect(readFileSync(bundle, 'utf8')).toContain('// kept');

    // An edit to an imported module (mtime moved on): rebuilt with the new code, and the code
    // cache of the old bundle dropped.
    writeFileSync(path.join(root, 'value.ts'), 'export const value: number = 2;\n');
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(root, 'value.ts'), later, later);
    const edited = (await importBundled('entry.mts', {root, cacheDir}))!;
    expect(edited.main()).toBe(2);
    expect(readFileSync(bundle, 'utf8')).not.toContain('// kept');
    expect(existsSync(codeCache)).toBe(false);
  });

  it('is not used when it cannot be built, so the command falls back to tsx', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'netpol-bundle-'));
    writeFileSync(path.join(root, 'entry.mts'), 'export const main = () => 1;\n');
    // The cache directory would have to be made inside a file.
    writeFileSync(path.join(root, 'not-a-dir'), '');
    expect(await importBundled('entry.mts', {root, cacheDir: path.join(root, 'not-a-dir', 'cache')})).toBeUndefined();
    // A syntax error in the entry: no bundle (tsx reports the error in its own words).
    writeFileSync(path.join(root, 'broken.mts'), 'export const main = (;\n');
    expect(await importBundled('broken.mts', {root, cacheDir: path.join(root, 'cache')})).toBeUndefined();
  });
});

