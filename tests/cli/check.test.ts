/** `netpol-labs check LAB/CHALLENGE FILE...`: its report and its exit codes 0, 1 and 2. */
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {basename, join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {listChallenges, readChallenge} from '../../src/lab/challenge-read';
import {listLabDirs, readLabOrThrow} from '../../src/lab/node/read-lab';
import {ROOT, runInMemory} from '../cli-harness';

const DIR = join(ROOT, 'labs/deathstar/challenges/least-privilege-landing');
const CHALLENGE = 'deathstar/least-privilege-landing';

describe('netpol-labs check', () => {
  it('exits 0 and says solved for the reference solution', async () => {
    const {code, out} = await runInMemory(['check', CHALLENGE, join(DIR, 'solution.yaml')]);
    expect(out.lines.join('\n')).toContain('least-privilege-landing: solved, all 26 probes pass');
    expect(code).toBe(0);
  });

  it('exits 1 for a near miss, with the failing visible probes, the engine\'s reason and the hidden count', async () => {
    const {code, out} = await runInMemory(['check', CHALLENGE, join(DIR, 'near-miss-l4-cancels-l7.yaml')]);
    const text = out.lines.join('\n');
    expect(code).toBe(1);
    expect(text).toContain('FAIL  tiefighter GET /v1 -> deathstar: expected l7-denied, predicted allowed');
    expect(text).toContain('without HTTP rules, which makes L7 allow-all');
    expect(text).toContain('hidden probes: 5 of 14 fail');
  });

  it('exits 2 with file:line:col for an object the challenge does not allow', async () => {
    const file = join(DIR, 'near-miss-kubernetes-policy.yaml');
    const {code, err} = await runInMemory(['check', CHALLENGE, file]);
    expect(code).toBe(2);
    expect(err.lines[0]).toMatch(new RegExp(`^${file}:2:1: NetworkPolicy deathstar-landing: this challenge is solved with CiliumNetworkPolicy objects only`));
  });

  it('exits 2 for an unknown challenge, a missing file and an unknown --target', async () => {
    const unknown = await runInMemory(['check', 'deathstar/no-such', join(DIR, 'solution.yaml')]);
    expect(unknown.code).toBe(2);
    expect(unknown.err.lines.join('\n')).toContain('has no challenge "no-such"; its challenges are');
    const missing = await runInMemory(['check', CHALLENGE, 'nowhere.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.err.lines[0]).toBe('nowhere.yaml:1:1: cannot read this file (no such file); check the path');
    const target = await runInMemory(['check', CHALLENGE, join(DIR, 'solution.yaml'), '--target', 'minikube']);
    expect(target.code).toBe(2);
    expect(target.err.lines[0]).toBe('netpol-labs check: unknown --target "minikube"; expected sim, kind or context');
  });
});

/**
 * What a learner sees on the command line for every challenge of every lab: the reference solution
 * exits 0, the starting manifest 1, and each near miss 1 (or 2 when the challenge refuses it),
 * as its challenge.yaml states. tests/lab/challenges.test.ts holds the same files to the probes
 * they fail; this holds the command to its exit codes.
 */
describe.each(listLabDirs(ROOT).flatMap((dir) => listChallenges(dir).map((id) => ({dir, id, name: `${basename(dir)}/${id}`}))))('netpol-labs check $name', ({dir, id, name}) => {
  const {challenge} = readChallenge(readLabOrThrow(dir, ROOT), dir, id, ROOT);
  const folder = join(dir, 'challenges', id);
  const run = async (file: string) => (await runInMemory(['check', name, file])).code;

  it('exits 0 for the reference solution, 1 for the start, and 1 or 2 for each near miss', async () => {
    expect(await run(join(ROOT, challenge!.solution.file))).toBe(0);
    const start = join(mkdtempSync(join(tmpdir(), 'netpol-labs-start-')), 'start.yaml');
    writeFileSync(start, challenge!.start);
    expect(await run(start)).toBe(1);
    for (const miss of challenge!.nearMisses) {
      expect(await run(join(folder, miss.file)), miss.file).toBe(miss.error === undefined ? 1 : 2);
    }
  });
});
