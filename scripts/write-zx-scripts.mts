// Writes static/zx/<lab>.mjs, the standalone zx script of every lab (netpol-labs export LAB --zx),
// which the site serves for download from each lab's first lesson.
// tests/runner/zx-script.test.ts fails when one is stale.
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {listLabDirs, readLabOrThrow} from '../src/lab/node/read-lab';
import {unsupportedOnCluster} from '../src/runner/cluster-support';
import {zxScript} from '../src/runner/zx-script';

const root = new URL('..', import.meta.url).pathname;
const target = join(root, 'static/zx');
mkdirSync(target, {recursive: true});
for (const dir of listLabDirs(root)) {
  const lab = readLabOrThrow(dir);
  // A lab the runner cannot play on a cluster has no script to give out (export --zx refuses it).
  const unsupported = unsupportedOnCluster(lab, 'export');
  if (unsupported) {
    console.log(`no script for ${lab.id}: ${unsupported}`);
    continue;
  }
  const file = join(target, `${lab.id}.mjs`);
  writeFileSync(file, await zxScript(lab, root), {mode: 0o755});
  console.log(`wrote ${file}`);
}
