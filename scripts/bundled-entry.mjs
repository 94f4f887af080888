// Loads a TypeScript entry of the `netpol-labs` command as one plain-JS bundle, built with esbuild
// into node_modules/.cache/netpol-labs/ and rebuilt when any file it was built from changes.
//
// Why: through tsx, every run transforms (or reads the cache of) each of the entry's modules and
// pays for the loader itself; for `simulate`, whose runs are short, that was about half the time
// of a run on a large model. A bundle loads in one step. The build is a cache, never a step a user
// must remember: a checkout with its devDependencies builds it on first use and after any edit.
//
// The bundle is CommonJS, compiled through node:vm with V8's code cache (what Node 22's
// module.enableCompileCache does; Node 20 has no such switch): the first run saves the bytecode of
// every function it ran, and later runs skip parsing and compiling them. V8 checks a cache only
// against the source's length, so each cache file is named after the identity of the exact bundle
// file it was made from (inode, size and modification time, taken from the open file the source
// is read from; a rebuild renames a new file into place): a cache can never be paired with
// another bundle.
import {closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {Script} from 'node:vm';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_CACHE_DIR = join(repository, 'node_modules/.cache/netpol-labs');

/** The options both the command and the benchmark bundle with. */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  // jsonc-parser's "main" is a UMD build whose inner requires a bundler cannot follow.
  mainFields: ['module', 'main'],
};

/**
 * Files that change a bundle without being among its inputs: this file (the build options), the
 * lockfile (dependency versions) and tsconfig.json (how imports resolve), relative to `root`.
 */
const BUILD_FILES = ['scripts/bundled-entry.mjs', 'package-lock.json', 'tsconfig.json'];

/**
 * The exports of the bundle of `entry` (a path relative to `root`, by default the repository),
 * built or rebuilt as needed, plus `saveCodeCache()`, to call once the command has run; undefined
 * when the bundle is stale and cannot be built (no esbuild, a cache directory that cannot be
 * written, a build error) or cannot be read: the caller then falls back to tsx.
 * `cacheDir` is where bundles go (tests use their own).
 * @returns {Promise<({[name: string]: any} & {saveCodeCache(): void}) | undefined>}
 */
export async function importBundled(entry, {root = repository, cacheDir = DEFAULT_CACHE_DIR} = {}) {
  const name = bundleName(entry);
  const outfile = join(cacheDir, `${name}.cjs`);
  const inputsFile = join(cacheDir, `${name}.inputs.json`);
  if (!isFresh(inputsFile, outfile) && !(await build(entry, root, cacheDir, outfile, inputsFile))) return undefined;
  try {
    return loadWithCodeCache(outfile, cacheDir, name);
  } catch {
    // The bundle vanished or cannot be read (a cache cleaned by hand): run through tsx.
    return undefined;
  }
}

/** Builds the bundle; false when it cannot be built. */
async function build(entry, root, cacheDir, outfile, inputsFile) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return false;
  }
  // Built under a name of its own and renamed into place, so that two commands started at once
  // never load a half-written bundle.
  const partial = `${outfile}.${process.pid}.tmp`;
  try {
    mkdirSync(cacheDir, {recursive: true});
    // Inputs edited from here on may or may not be in this build: their mtimes will tell.
    const started = Date.now();
    const result = await esbuild.build({
      ...BUNDLE_OPTIONS,
      format: 'cjs',
      entryPoints: [join(root, entry)],
      outfile: partial,
      metafile: true,
      logLevel: 'silent',
      // The metafile's input paths are relative to this, whatever the command's working directory.
      absWorkingDir: root,
    });
    const files = [...Object.keys(result.metafile.inputs), ...BUILD_FILES].map((path) => resolve(root, path));
    const inputs = files.flatMap((file) => {
      try {
        return [{file, mtimeMs: statSync(file).mtimeMs}];
      } catch {
        return BUILD_FILES.some((b) => resolve(root, b) === file) ? [] : [{file, mtimeMs: -1}];
      }
    });
    renameSync(partial, outfile);
    // Recorded only when no input changed during the build, so that such a bundle is rebuilt on
    // the next run rather than kept as fresh (it is still used for this one).
    if (inputs.every(({mtimeMs}) => mtimeMs >= 0 && mtimeMs < started)) {
      writeFileSync(`${inputsFile}.${process.pid}.tmp`, JSON.stringify(inputs));
      renameSync(`${inputsFile}.${process.pid}.tmp`, inputsFile);
    } else rmSync(inputsFile, {force: true});
    return true;
  } catch {
    // A cache directory that cannot be written, or a build error (which tsx then reports with
    // its usual message): the command still runs, through tsx.
    try {
      rmSync(partial, {force: true});
    } catch {
      // Nothing was written there.
    }
    return false;
  }
}

/**
 * Forgets the code caches of `entry`, so that the next run saves one from what it runs (the
 * benchmark does this so that its figures do not depend on which command ran first).
 */
export function dropCodeCache(entry, cacheDir = DEFAULT_CACHE_DIR) {
  removeCodeCaches(cacheDir, bundleName(entry), undefined);
}

function bundleName(entry) {
  return entry.replace(/[^a-z0-9]+/gi, '-');
}

/** Removes the code caches of bundle `name`, except the one named `keep`. */
function removeCodeCaches(cacheDir, name, keep) {
  let files;
  try {
    files = readdirSync(cacheDir);
  } catch {
    return;
  }
  for (const f of files) if (f.startsWith(`${name}.`) && f.endsWith('.v8-cache') && f !== keep) rmSync(join(cacheDir, f), {force: true});
}

/**
 * Runs a CommonJS file as require() would, compiled with the V8 code cache made from this exact
 * file (if any).
 */
function loadWithCodeCache(file, cacheDir, name) {
  // The identity and the text from one open file: a rename in between cannot mix two bundles.
  const fd = openSync(file, 'r');
  let source;
  let identity;
  try {
    const stat = fstatSync(fd, {bigint: true});
    identity = `${stat.ino}-${stat.size}-${stat.mtimeNs}`;
    source = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  const cacheName = `${name}.${identity}.v8-cache`;
  const codeCacheFile = join(cacheDir, cacheName);
  let cachedData;
  try {
    cachedData = readFileSync(codeCacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {filename: file, cachedData});
  const module = {exports: {}};
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  const stale = cachedData === undefined || script.cachedDataRejected === true;
  return {
    ...module.exports,
    /** Saves the bytecode of what has run so far, when the cache was missing or rejected. */
    saveCodeCache() {
      if (!stale) return;
      try {
        const partial = `${codeCacheFile}.${process.pid}.tmp`;
        writeFileSync(partial, script.createCachedData());
        renameSync(partial, codeCacheFile);
        // Caches of earlier bundles can no longer be used.
        removeCodeCaches(cacheDir, name, cacheName);
      } catch {
        // A cache that cannot be written only costs speed.
      }
    },
  };
}

/** Whether the bundle exists and no file it was built from changed since. */
function isFresh(inputsFile, outfile) {
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
    statSync(outfile);
  } catch {
    return false;
  }
  try {
    return inputs.every(({file, mtimeMs}) => statSync(file).mtimeMs === mtimeMs);
  } catch {
    // An input was deleted or moved.
    return false;
  }
}
