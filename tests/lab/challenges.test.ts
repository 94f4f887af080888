/**
 * Every challenge of every lab, judged by its own file: the reference solution passes, the
 * starting manifest fails, and each near miss fails exactly as challenge.yaml says (the probes it
 * fails, or the refusal, and the text the learner sees). The least-privilege-landing expectations
 * are also written out here from the statement, so a challenge.yaml that drifted from the
 * intended behaviour fails even if its own near misses agree with it.
 */
import {readFileSync} from 'node:fs';
import {basename, join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {checkChallenge, formatCheckReport} from '../../src/lab/challenge-check';
import {listChallenges, readChallenge} from '../../src/lab/challenge-read';
import {formatLabError} from '../../src/lab/errors';
import {listLabDirs, readLabOrThrow} from '../../src/lab/node/read-lab';
import {ROOT} from '../cli-harness';

const labDirs = listLabDirs(ROOT);
/** A solution of least-privilege-landing that is not the reference text (shared with the browser test). */
const ALTERNATIVE = readFileSync(join(ROOT, 'tests/fixtures/challenges/least-privilege-landing-alternative.yaml'), 'utf8');

describe.each(labDirs.flatMap((dir) => listChallenges(dir).map((id) => ({dir, id, name: `${dir.split('/').pop()}/${id}`}))))('challenge $name', ({dir, id}) => {
  const lab = readLabOrThrow(dir, ROOT);
  const {challenge, errors} = readChallenge(lab, dir, id, ROOT);
  const folder = join(dir, 'challenges', id);

  it('loads without errors', () => {
    expect(errors.map(formatLabError)).toEqual([]);
  });

  it('passes with its reference solution', () => {
    const result = checkChallenge(challenge!, [{file: challenge!.solution.file, text: challenge!.solution.text}]);
    expect(result.status === 'error' ? result.errors : result.failedIds).toEqual([]);
    expect(result.status).toBe('pass');
  });

  it('fails with its starting manifest', () => {
    const result = checkChallenge(challenge!, [{file: 'start.yaml', text: challenge!.start}]);
    expect(result.status).toBe('fail');
  });

  it('fails each near miss as stated', () => {
    expect(challenge!.nearMisses.length).toBeGreaterThan(0);
    for (const miss of challenge!.nearMisses) {
      const result = checkChallenge(challenge!, [{file: miss.path, text: readFileSync(join(folder, miss.file), 'utf8')}]);
      if (miss.error !== undefined) {
        expect(result.status, miss.file).toBe('error');
        if (result.status === 'error') expect(result.errors.map((e) => e.message).join('\n'), miss.file).toContain(miss.error);
        continue;
      }
      expect(result.status, miss.file).toBe('fail');
      if (result.status === 'error') continue;
      expect([...result.failedIds].sort(), miss.file).toEqual([...miss.fails!].sort());
      if (miss.message !== undefined) expect(formatCheckReport(challenge!, result), miss.file).toContain(miss.message);
    }
  });
});

describe('the Death Star has at least three challenges', () => {
  it('lists them, least-privilege-landing among them', () => {
    const ids = listChallenges(join(ROOT, 'labs/deathstar'));
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(ids).toContain('least-privilege-landing');
  });
});

describe('every later module\'s lab has at least two challenges', () => {
  // The host-policies lab is the one exception: its policies are cluster-wide
  // (CiliumClusterwideNetworkPolicy with a nodeSelector), and a challenge's check refuses
  // cluster-wide policies by design, so a learner's files only ever touch the lab's namespace.
  const exempt = ['deathstar', 'cilium-host-policies'];
  it.each(labDirs.map((dir) => basename(dir)).filter((id) => !exempt.includes(id)))('%s', (id) => {
    expect(listChallenges(join(ROOT, 'labs', id)).length).toBeGreaterThanOrEqual(2);
  });
});

describe('least-privilege-landing judges what the issue states', () => {
  const dir = join(ROOT, 'labs/deathstar');
  const lab = readLabOrThrow(dir, ROOT);
  const challenge = readChallenge(lab, dir, 'least-privilege-landing', ROOT).challenge!;
  const requests = ['POST /v1/request-landing', 'GET /v1/request-landing', 'PUT /v1/request-landing', 'PUT /v1/exhaust-port', 'GET /v1', 'POST /v1'];

  it('expects, from two Empire ships of star-wars, the landing allowed and the rest 403; from two Alliance ships, drops', () => {
    const table = challenge.probes.filter((p) => p.kind === 'http').map((p) => `${p.from} ${p.label} ${p.expect}`);
    for (const ship of ['tiefighter', 'tie-interceptor']) {
      for (const r of requests) expect(table).toContain(`${ship} ${r} ${r === 'POST /v1/request-landing' ? 'allowed' : 'l7-denied'}`);
    }
    for (const ship of ['xwing', 'ywing']) for (const r of requests) expect(table).toContain(`${ship} ${r} dropped`);
    expect(table).toContain('coruscant/shuttle POST /v1/request-landing dropped');
    const other = challenge.probes.filter((p) => p.target.port !== 80);
    expect(other.map((p) => `${p.from} ${p.target.port} ${p.expect}`)).toEqual(['tiefighter 8080 dropped']);
  });

  it('hides the probes of pods the lessons have not shown, and the other port', () => {
    const hidden = challenge.probes.filter((p) => p.hidden).map((p) => p.from);
    expect(new Set(hidden)).toEqual(new Set(['tie-interceptor', 'ywing', 'coruscant/shuttle', 'tiefighter']));
    expect(challenge.probes.filter((p) => !p.hidden).every((p) => p.from === 'tiefighter' || p.from === 'xwing')).toBe(true);
  });

  const check = (text: string) => checkChallenge(challenge, [{file: 'mine.yaml', text}]);

  it('passes a solution with other selectors, expressions, regular expressions and an extra policy that changes nothing', () => {
    const result = check(ALTERNATIVE);
    expect(result.status === 'error' ? result.errors : result.failedIds).toEqual([]);
  });

  it('answers a failed hidden probe with a count and a hint, never the probe', () => {
    const result = check(readFileSync(join(dir, 'challenges/least-privilege-landing/near-miss-only-tiefighter.yaml'), 'utf8'));
    if (result.status === 'error') throw new Error('unexpected refusal');
    expect(result.visible.every((r) => r.pass)).toBe(true);
    expect(result.hidden).toMatchObject({total: 14, failed: 6});
    const report = formatCheckReport(challenge, result);
    expect(report).toContain('hidden probes: 6 of 14 fail');
    expect(report).not.toContain('tie-interceptor');
  });

  it('refuses a cluster-wide policy, another namespace and a Pod, each at its file:line:col', () => {
    const result = check(`apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: everywhere}
spec:
  endpointSelector: {}
  ingress: [{fromEndpoints: [{}]}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: elsewhere, namespace: coruscant}
spec:
  endpointSelector: {}
  ingress: [{fromEndpoints: [{}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: spy, namespace: star-wars}
spec: {containers: [{name: c, image: busybox}]}
`);
    expect(result.status).toBe('error');
    if (result.status !== 'error') return;
    expect(result.errors.map((e) => `${e.file}:${e.line}:${e.col} ${e.code}`)).toEqual(['mine.yaml:1:1 kind-not-allowed', 'mine.yaml:8:1 wrong-namespace', 'mine.yaml:15:1 kind-not-allowed']);
    expect(result.errors[0].message).toContain('a cluster-wide policy would reach beyond the lab');
  });
});
