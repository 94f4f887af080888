// `npm run build:cli`: compiles the command line (src/cli/main.ts and what it imports) into ES
// modules in dist/: dist/netpol-labs.mjs, which scripts/netpol-labs.mjs runs, and dist/chunks/,
// the commands' modules that main.ts loads when one of their commands runs (esbuild's code
// splitting: https://esbuild.github.io/api/#splitting). `npm ci` runs this as `prepare`; the unit
// tests run it first (vitest's globalSetup), so a test never runs a stale build.
//
// Dependencies are bundled too: loading yaml and jsonc-parser from node_modules, file by file,
// took about a quarter of `simulate`'s start-up. Two settings make them bundle as ES modules:
//   - mainFields: jsonc-parser's `main` is a UMD build whose requires esbuild cannot follow; its
//     `module` field names the ES module build (https://esbuild.github.io/api/#main-fields).
//   - the banner gives the bundle a `require`: yaml's Node build is CommonJS and requires Node
//     built-ins, which an ES module has no `require` for (node:module createRequire,
//     https://nodejs.org/api/module.html#modulecreaterequirefilename).
// esbuild itself stays in node_modules: it runs a native binary (and only `export` loads it).
import {rmSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds dist/netpol-labs.mjs and its chunks from the sources. */
export async function buildCli() {
  // Chunk names carry a hash of their content: remove the previous build's, which nothing loads.
  rmSync(join(root, 'dist/chunks'), {recursive: true, force: true});
  await build({
    entryPoints: {'netpol-labs': join(root, 'src/cli/main.ts')},
    outdir: join(root, 'dist'),
    outExtension: {'.js': '.mjs'},
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['esbuild'],
    mainFields: ['module', 'main'],
    banner: {js: "import {createRequire} from 'node:module'; const require = createRequire(import.meta.url);"},
    sourcemap: true,
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
