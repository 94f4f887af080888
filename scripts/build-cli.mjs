// `npm run build:cli`: compiles the command line (src/cli/main.ts and what it imports) into one
// ES module, dist/netpol-labs.mjs, that scripts/netpol-labs.mjs runs. Dependencies stay in
// node_modules (imported, not bundled). `npm ci` runs this as `prepare`; the unit tests run it
// first (vitest's globalSetup), so a test never runs a stale build.
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds dist/netpol-labs.mjs from the sources. */
export async function buildCli() {
  await build({
    entryPoints: [join(root, 'src/cli/main.ts')],
    outfile: join(root, 'dist/netpol-labs.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
