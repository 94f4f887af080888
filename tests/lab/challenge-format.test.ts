/** challenge.yaml's format: its JSON Schema, and the loader's errors with file:line:col. */
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseChallenge} from '../../src/lab/challenge';
import {checkChallenge} from '../../src/lab/challenge-check';
import {challengeDataPath, challengesByLab, listChallenges, siteChallenges} from '../../src/lab/challenge-read';
import {challengeJsonSchema} from '../../src/lab/challenge-schema';
import {formatLabError} from '../../src/lab/errors';
import {listLabDirs, readLabOrThrow} from '../../src/lab/node/read-lab';
import {ROOT} from '../cli-harness';

const lab = readLabOrThrow(join(ROOT, 'labs/deathstar'), ROOT);
const FILE = 'labs/deathstar/challenges/x/challenge.yaml';
const URL = 'http://deathstar.star-wars.svc.cluster.local';
const files: Record<string, string> = {'solution.yaml': '', 'extra.yaml': ''};

function errorsOf(text: string, extra: Record<string, string> = {}): string[] {
  const {errors} = parseChallenge(text, FILE, (p) => ({...files, ...extra})[p], lab, 'x');
  return errors.map(formatLabError);
}

const BASE = `id: x
title: T
statement: S
kinds: [CiliumNetworkPolicy]
hints: [h]
solution: solution.yaml
probes:
  - id: land
    from: tiefighter
    method: POST
    url: ${URL}/v1/request-landing
    expect: allowed
    why: w
`;

describe('schemas/challenge.schema.json', () => {
  it('is what `npm run schemas` generates from the zod schema', () => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'schemas/challenge.schema.json'), 'utf8'));
    expect(committed, 'run `npm run schemas` and commit the result').toEqual(challengeJsonSchema());
  });

  it('is named by the modeline of every challenge.yaml', () => {
    for (const dir of listLabDirs(ROOT)) {
      for (const id of listChallenges(dir)) {
        const first = readFileSync(join(dir, 'challenges', id, 'challenge.yaml'), 'utf8').split('\n')[0];
        expect(first, `${dir}/challenges/${id}`).toBe('# yaml-language-server: $schema=../../../../schemas/challenge.schema.json');
      }
    }
  });
});

describe('src/components/Challenge/data/<lab>.json, the challenges as the site ships them', () => {
  const byLab = challengesByLab(JSON.parse(JSON.stringify(siteChallenges(ROOT, listLabDirs(ROOT)))));
  const committed = Object.fromEntries(Object.keys(byLab).map((lab) => [lab, JSON.parse(readFileSync(join(ROOT, challengeDataPath(lab)), 'utf8'))]));

  it('is what `npm run schemas` generates from the challenge files, one file per lab with challenges', () => {
    expect(committed, 'run `npm run schemas` and commit the result').toEqual(byLab);
    expect(readdirSync(join(ROOT, 'src/components/Challenge/data')).sort()).toEqual(Object.keys(byLab).map((lab) => `${lab}.json`).sort());
  });

  it('checks as the loaded challenges do: each reference solution passes, each start fails', () => {
    const all = Object.assign({}, ...Object.values(committed)) as Record<string, Parameters<typeof checkChallenge>[0]>;
    expect(Object.keys(all).length).toBeGreaterThanOrEqual(3);
    for (const [id, challenge] of Object.entries(all)) {
      expect(checkChallenge(challenge, [{file: 'a.yaml', text: challenge.solution.text}]).status, id).toBe('pass');
      expect(checkChallenge(challenge, [{file: 'a.yaml', text: challenge.start}]).status, id).toBe('fail');
    }
  });
});

describe('parseChallenge', () => {
  it('accepts a minimal challenge', () => {
    expect(errorsOf(BASE)).toEqual([]);
  });

  it('reports an unknown key with a suggestion, at its line and column', () => {
    expect(errorsOf(BASE.replace('hints:', 'hint:'))).toEqual([
      `${FILE}:1:1: missing required key "hints" in challenge.yaml`,
      `${FILE}:5:1: unknown key "hint" in challenge.yaml; did you mean "hints"? allowed keys are id, title, statement, kinds, policyNamespaces, start, namespaces, app, probes, hints, solution, nearMisses`,
    ]);
  });

  it('resolves probes like lab.yaml does: an unknown pod is reported at its from', () => {
    expect(errorsOf(BASE.replace('from: tiefighter', 'from: falcon'))).toEqual([
      `${FILE}:9:11: probe from "falcon": the app defines no pod or deployment of that name; expected one of deathstar, tiefighter, xwing`,
    ]);
  });

  it('knows the pods of the extra app, in the namespaces the challenge declares', () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: shuttle, namespace: coruscant, labels: {org: empire}}\nspec: {containers: [{name: c, image: i}]}\n';
    const text = BASE.replace('from: tiefighter', 'from: coruscant/shuttle');
    expect(errorsOf(`${text}namespaces: [coruscant]\napp: [extra.yaml]\n`, {'extra.yaml': pod})).toEqual([]);
    expect(errorsOf(`${text}app: [extra.yaml]\n`, {'extra.yaml': pod})[0]).toBe(
      `labs/deathstar/challenges/x/extra.yaml:1:1: Pod shuttle is in namespace "coruscant", but this lab runs in "star-wars"; a lab only creates objects in its own namespaces (list another under namespaces in lab.yaml)`,
    );
  });

  it('needs a hint on a hidden probe, and refuses one on a visible probe', () => {
    expect(errorsOf(BASE.replace('    why: w', '    why: w\n    hidden: true'))).toEqual([
      `${FILE}:14:13: a hidden probe needs a hint: the learner who fails it sees only that hint, never the probe`,
    ]);
    expect(errorsOf(BASE.replace('    why: w', '    why: w\n    hint: h'))[0]).toContain(`${FILE}:14:11: only a hidden probe has a hint`);
  });

  it('checks near misses: one of fails or error, known probe ids, existing files', () => {
    const text = `${BASE}nearMisses:\n  - file: nm.yaml\n    why: w\n    fails: [lnad]\n`;
    expect(errorsOf(text)).toEqual([
      `${FILE}:17:13: no probe has the id "lnad"; the ids are land`,
      `${FILE}:15:11: "nm.yaml" does not exist in labs/deathstar/challenges/x/; create it or correct the name`,
    ]);
    expect(errorsOf(`${BASE}nearMisses:\n  - file: solution.yaml\n    why: w\n`)[0]).toContain('exactly one of fails');
  });

  it('refuses a destructive probe without the harmless probe that proves it cannot harm', () => {
    const text = BASE.replace('method: POST', 'method: PUT').replace('/v1/request-landing', '/v1/exhaust-port').replace('expect: allowed', 'expect: l7-denied\n    destructive: true');
    expect(errorsOf(text)[0]).toMatch(/^labs\/deathstar\/challenges\/x\/challenge\.yaml:13:18: this probe is destructive/);
  });
});
