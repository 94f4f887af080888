// Loads a TypeScript entry of the `netpol-labs` command as one plain-JS bundle, built with esbuild
// into node_modules/.cache/netpol-labs/ and rebuilt when any file it was built from changes.
//
// Why: through tsx, every run transforms (or reads the cache of) each of the entry's modules and
// pays for the loader itself; for `simulate`, whose runs are short, that was about half the time
// of a run on a large model. A bundle loads in one step. The build is a cache, never a step a user
// must remember: a checkout with its devDependencies builds it on first use and after any edit.
import {mkdirSync, readFileSync, renameSync, statSync, writeFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The options both the command and the benchmark bundle with. */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  // jsonc-parser's "main" is a UMD build whose inner requires a bundler cannot follow.
  mainFields: ['module', 'main'],
  // The yaml package is CommonJS and requires node built-ins.
  banner: {js: "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);"},
};

/**
 * The module of the bundle of `entry` (a path relative to `root`, by default the repository),
 * built or rebuilt as needed; undefined when it is stale and esbuild is not installed (the caller
 * then falls back to tsx). `cacheDir` is where bundles go (tests use their own).
 */
export async function importBundled(entry, {root = repository, cacheDir = join(repository, 'node_modules/.cache/netpol-labs')} = {}) {
  const name = entry.replace(/[^a-z0-9]+/gi, '-');
  const outfile = join(cacheDir, `${name}.mjs`);
  const inputsFile = join(cacheDir, `${name}.inputs.json`);
  if (!isFresh(inputsFile)) {
    let esbuild;
    try {
      esbuild = await import('esbuild');
    } catch {
      return undefined;
    }
    mkdirSync(cacheDir, {recursive: true});
    // Built under a name of its own and renamed into place, so that two commands started at once
    // never import a half-written bundle.
    const partial = `${outfile}.${process.pid}.tmp`;
    const result = await esbuild.build({...BUNDLE_OPTIONS, entryPoints: [join(root, entry)], outfile: partial, metafile: true});
    const inputs = Object.keys(result.metafile.inputs).map((path) => {
      const file = resolve(root, path);
      return {file, mtimeMs: statSync(file).mtimeMs};
    });
    renameSync(partial, outfile);
    writeFileSync(`${inputsFile}.${process.pid}.tmp`, JSON.stringify(inputs));
    renameSync(`${inputsFile}.${process.pid}.tmp`, inputsFile);
  }
  return import(pathToFileURL(outfile).href);
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
