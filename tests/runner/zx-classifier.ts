/**
 * Takes the compiled classify() out of a generated zx script (between the lines zx-script.ts puts
 * around it) and loads it on its own, so a test can compare it with the runner's.
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {CLASSIFY_BEGIN, CLASSIFY_END} from '../../src/runner/zx-script';
import type {Classification, ProbeKind, ProbeRun} from '../../src/runner/probe';

/** The classify() a script carries (kind defaults to http, as in the runner), loaded as a module of its own. */
export async function scriptClassifier(scriptFile: string): Promise<(run: ProbeRun, kind?: ProbeKind) => Classification> {
  const script = readFileSync(scriptFile, 'utf8');
  const begin = script.indexOf(CLASSIFY_BEGIN);
  const end = script.indexOf(CLASSIFY_END);
  if (begin < 0 || end < begin) throw new Error(`${scriptFile} has no classifier between "${CLASSIFY_BEGIN}" and "${CLASSIFY_END}"`);
  const dir = mkdtempSync(join(tmpdir(), 'netpol-labs-classify-'));
  try {
    const file = join(dir, 'classify.mjs');
    writeFileSync(file, `${script.slice(begin, end)}\nexport {classify};\n`);
    const module = (await import(pathToFileURL(file).href)) as {classify: (run: ProbeRun, kind?: ProbeKind) => Classification};
    return module.classify;
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}
