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
// every function it ran, and later runs skip parsing and compiling them. Any V8 or bundle change
// makes V8 reject the cache, which is then written again.
import {mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
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
 * The exports of the bundle of `entry` (a path relative to `root`, by default the repository),
 * built or rebuilt as needed, plus `saveCodeCache()`, to call once the command has run; undefined
 * when the bundle is stale and cannot be built (no esbuild, a cache directory that cannot be
 * written, a build error): the caller then falls back to tsx.
 * `cacheDir` is where bundles go (tests use their own).
 * @returns {Promise<({[name: string]: any} & {saveCodeCache(): void}) | undefined>}
 */
export async function importBundled(entry, {root = repository, cacheDir = DEFAULT_CACHE_DIR} = {}) {
  const name = entry.replace(/[^a-z0-9]+/gi, '-');
  const outfile = join(cacheDir, `${name}.cjs`);
  const inputsFile = join(cacheDir, `${name}.inputs.json`);
  const codeCacheFile = codeCachePath(entry, cacheDir);
  if (!isFresh(inputsFile)) {
    let esbuild;
    try {
      esbuild = await import('esbuild');
    } catch {
      return undefined;
    }
    try {
      mkdirSync(cacheDir, {recursive: true});
      // Built under a name of its own and renamed into place, so that two commands started at
      // once never load a half-written bundle.
      const partial = `${outfile}.${process.pid}.tmp`;
      const result = await esbuild.build({...BUNDLE_OPTIONS, format: 'cjs', entryPoints: [join(root, entry)], outfile: partial, metafile: true, logLevel: 'silent'});
      const inputs = Object.keys(result.metafile.inputs).map((path) => {
        const file = resolve(root, path);
        return {file, mtimeMs: statSync(file).mtimeMs};
      });
      renameSync(partial, outfile);
      rmSync(codeCacheFile, {force: true});
      writeFileSync(`${inputsFile}.${process.pid}.tmp`, JSON.stringify(inputs));
      renameSync(`${inputsFile}.${process.pid}.tmp`, inputsFile);
    } catch {
      // A cache directory that cannot be written, or a build error (which tsx then reports with
      // its usual message): the command still runs, through tsx.
      return undefined;
    }
  }
  return loadWithCodeCache(outfile, codeCacheFile);
}

/**
 * Forgets the code cache of `entry`, so that the next run saves one from what it runs (the
 * benchmark does this so that its figures do not depend on which command ran first).
 */
export function dropCodeCache(entry, cacheDir = DEFAULT_CACHE_DIR) {
  rmSync(codeCachePath(entry, cacheDir), {force: true});
}

function codeCachePath(entry, cacheDir) {
  return join(cacheDir, `${entry.replace(/[^a-z0-9]+/gi, '-')}.v8-cache`);
}

/** Runs a CommonJS file as require() would, compiled with the V8 code cache kept in `codeCacheFile`. */
function loadWithCodeCache(file, codeCacheFile) {
  let cachedData;
  try {
    cachedData = readFileSync(codeCacheFile);
  } catch {
    cachedData = undefined;
  }
  const source = readFileSync(file, 'utf8');
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
      } catch {
        // A cache that cannot be written only costs speed.
      }
    },
  };
}

/** Whether the bundle exists and no file it was built from changed since. */
function isFresh(inputsFile) {
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
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
