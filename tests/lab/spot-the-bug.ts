/**
 * What the lab loader says about each version of the source notes' broken policy, as a learner
 * sees it: the file added to a step of the ipBlock lab, then `netpol-labs run netpol-ipblock`.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {formatLabError} from '../../src/lab/errors';
import {parseLab} from '../../src/lab/load';

/** The lab whose folder holds the broken policy and its successive repairs. */
export const LAB_DIR = 'labs/netpol-ipblock';
/** The folder of the versions, in the order the lesson repairs them. */
export const VERSIONS_DIR = 'spot-the-bug';

/** The versions' paths relative to the lab folder, sorted: 0-test-np.yaml (the notes' text) first. */
export function versions(root = process.cwd()): string[] {
  return readdirSync(join(root, LAB_DIR, VERSIONS_DIR))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => `${VERSIONS_DIR}/${f}`);
}

/**
 * The loader's errors, `file:line:col: message` each, when the lab gets one more step whose only
 * policy is `version` (what the lesson asks the learner to do); [] when the lab then loads.
 */
export function loaderErrors(version: string, root = process.cwd()): string[] {
  const dir = join(root, LAB_DIR);
  const labText = readFileSync(join(dir, 'lab.yaml'), 'utf8');
  const extra = `\n  - id: try-it\n    title: "Try the notes' policy"\n    policies:\n      - ${version}\n    probes:\n      - from: frontend\n        tcp: db.hoth.svc.cluster.local:6379\n        expect: allowed\n        why: "Only here so the step is complete."\n`;
  const read = (path: string) => (existsSync(join(dir, path)) ? readFileSync(join(dir, path), 'utf8') : undefined);
  const {errors} = parseLab(labText.replace(/\n*$/, '\n') + extra, `${LAB_DIR}/lab.yaml`, read, 'netpol-ipblock');
  return errors.map(formatLabError);
}
