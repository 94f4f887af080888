// scripts/bundled-entry.mjs: `netpol-labs simulate` runs from a cached bundle, which must follow
// every edit of the files it was built from (a stale bundle would run old engine code), with a
// V8 code cache that can only ever be used with the bundle text it was made from.
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {importBundled} from '../scripts/bundled-entry.mjs';

/** A scratch project: entry.mts returns the value exported by value.ts. */
function project(value = 1) {
  const root = mkdtempSync(path.join(tmpdir(), 'netpol-bundle-'));
  const cacheDir = path.join(root, 'cache');
  writeFileSync(path.join(root, 'entry.mts'), "import {value} from './value';\nexport const main = () => value;\n");
  setValue(root, value);
  return {root, cacheDir, bundle: path.join(cacheDir, 'entry-mts.cjs')};
}

/** Rewrites value.ts (same length for one-digit values) with an mtime that has moved on. */
function setValue(root: string, value: number) {
  const file = path.join(root, 'value.ts');
  writeFileSync(file, `export const value: number = ${value};\n`);
  const later = new Date(Date.now() - 60_000 + value * 1000);
  utimesSync(file, later, later);
}

const codeCaches = (cacheDir: string) => readdirSync(cacheDir).filter((f) => f.endsWith('.v8-cache'));

describe('the bundle of a command entry', () => {
  it('is built on first use, reused while its inputs are unchanged, and rebuilt after an edit', async () => {
    const {root, cacheDir, bundle} = project();
    const first = (await importBundled('entry.mts', {root, cacheDir}))!;
    expect(first.main()).toBe(1);
    expect(codeCaches(cacheDir)).toEqual([]);
    first.saveCodeCache();
    expect(codeCaches(cacheDir)).toHaveLength(1);
    const built = readFileSync(bundle, 'utf8');

    // Unchanged inputs: the same bundle, not rebuilt (a marker written into it survives).
    writeFileSync(bundle, `${built}\n// kept\n`);
    const again = (await importBundled('entry.mts', {root, cacheDir}))!;
    expect(again.main()).toBe(1);
    expect(readFileSync(bundle, 'utf8')).toContain('// kept');

    // An edit to an imported module: rebuilt with the new code.
    setValue(root, 2);
    const edited = (await importBundled('entry.mts', {root, cacheDir}))!;
    expect(edited.main()).toBe(2);
    expect(readFileSync(bundle, 'utf8')).not.toContain('// kept');
  });

  it('never runs a code cache with a bundle other than the one it was made from', async () => {
    // V8 accepts a cache for any source of the same length; value 1 and value 2 bundles have it.
    const {root, cacheDir} = project();
    const old = (await importBundled('entry.mts', {root, cacheDir}))!;
    expect(old.main()).toBe(1);
    setValue(root, 2);
    const rebuilt = (await importBundled('entry.mts', {root, cacheDir}))!;
    // The process that loaded the old bundle saves its cache after the rebuild.
    old.saveCodeCache();
    rebuilt.saveCodeCache();
    const later = (await importBundled('entry.mts', {root, cacheDir}))!;
    expect(later.main()).toBe(2);
    // Only the current bundle's cache is kept.
    expect(codeCaches(cacheDir)).toHaveLength(1);
  });

  it('records its inputs whatever the working directory, so it is reused from a subdirectory', () => {
    const {root, cacheDir, bundle} = project();
    const sub = path.join(root, 'a', 'b');
    mkdirSync(sub, {recursive: true});
    const load = `import(${JSON.stringify(path.resolve('scripts/bundled-entry.mjs'))}).then(async (m) => { const b = await m.importBundled('entry.mts', {root: ${JSON.stringify(root)}, cacheDir: ${JSON.stringify(cacheDir)}}); console.log(b.main()); })`;
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', load], {cwd: sub, encoding: 'utf8'}).trim()).toBe('1');
    writeFileSync(bundle, `${readFileSync(bundle, 'utf8')}\n// kept\n`);
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', load], {cwd: sub, encoding: 'utf8'}).trim()).toBe('1');
    expect(readFileSync(bundle, 'utf8')).toContain('// kept');
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('is rebuilt when the bundle file was deleted', async () => {
    const {root, cacheDir, bundle} = project();
    await importBundled('entry.mts', {root, cacheDir});
    rmSync(bundle);
    const rebuilt = (await importBundled('entry.mts', {root, cacheDir}))!;
    expect(rebuilt.main()).toBe(1);
    expect(existsSync(bundle)).toBe(true);
  });

  it('is not used when it cannot be built, so the command falls back to tsx', async () => {
    const {root} = project();
    // The cache directory would have to be made inside a file.
    writeFileSync(path.join(root, 'not-a-dir'), '');
    expect(await importBundled('entry.mts', {root, cacheDir: path.join(root, 'not-a-dir', 'cache')})).toBeUndefined();
    // A syntax error in the entry: no bundle (tsx reports the error in its own words), no leftovers.
    writeFileSync(path.join(root, 'broken.mts'), 'export const main = (;\n');
    expect(await importBundled('broken.mts', {root, cacheDir: path.join(root, 'cache')})).toBeUndefined();
    expect(existsSync(path.join(root, 'cache')) ? readdirSync(path.join(root, 'cache')).filter((f) => f.startsWith('broken')) : []).toEqual([]);
  });
});
