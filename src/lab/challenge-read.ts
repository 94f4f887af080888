/**
 * Reads challenges from disk (Node only; the browser imports the files' texts instead).
 * File names in errors are relative to `cwd`, so they are clickable in a terminal.
 */
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {join, relative} from 'node:path';
import {parseChallenge, type Challenge} from './challenge';
import {LabLoadError, type LabError} from './errors';
import type {Lab} from './load';
import {CHALLENGES_DIR, readLab} from './node/read-lab';

/** Loads labs/<lab>/challenges/<id>/challenge.yaml against its (already loaded) lab. */
export function readChallenge(lab: Lab, labDir: string, id: string, cwd = process.cwd()): {challenge?: Challenge; errors: LabError[]} {
  const dir = join(labDir, CHALLENGES_DIR, id);
  const file = join(dir, 'challenge.yaml');
  const shown = relative(cwd, file) || file;
  if (!existsSync(file)) {
    const known = listChallenges(labDir);
    const expected = known.length > 0 ? `its challenges are ${known.join(', ')}` : 'it has none';
    return {errors: [{code: 'unknown-challenge', file: relative(cwd, labDir) || labDir, line: 1, col: 1, message: `lab ${lab.id} has no challenge "${id}"; ${expected}`}]};
  }
  const read = (path: string): string | undefined => {
    const full = join(dir, path);
    return existsSync(full) && statSync(full).isFile() ? readFileSync(full, 'utf8') : undefined;
  };
  return parseChallenge(readFileSync(file, 'utf8'), shown, read, lab, id);
}

/** The ids of a lab's challenges (folders of challenges/ with a challenge.yaml), sorted. */
export function listChallenges(labDir: string): string[] {
  const dir = join(labDir, CHALLENGES_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, {withFileTypes: true})
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'challenge.yaml')))
    .map((entry) => entry.name)
    .sort();
}

/** Where the site's data of a lab's challenges is written (`npm run schemas`) and imported from (its challenges page). */
export function challengeDataPath(lab: string): string {
  return `src/components/Challenge/data/${lab}.json`;
}

/** Challenges keyed `lab/id`, grouped by lab. */
export function challengesByLab(challenges: Record<string, Challenge>): Record<string, Record<string, Challenge>> {
  const byLab: Record<string, Record<string, Challenge>> = {};
  for (const [key, challenge] of Object.entries(challenges)) (byLab[key.split('/')[0]] ??= {})[key] = challenge;
  return byLab;
}

/**
 * Every challenge of every lab as the site ships it: loaded and validated here, at build time, so
 * a reader's browser downloads plain data and the engine, not the YAML schema (zod) and loader.
 * Near misses are left out (the tests read them from disk) and so are the lab's steps (a check
 * needs only the app). Keyed by `lab/id`; file names relative to `root`. Throws with every error.
 */
export function siteChallenges(root: string, labDirs: string[]): Record<string, Challenge> {
  const out: Record<string, Challenge> = {};
  for (const labDir of labDirs) {
    const {lab, errors} = readLab(labDir, root);
    if (!lab) throw new LabLoadError(errors);
    for (const id of listChallenges(labDir)) {
      const {challenge, errors: challengeErrors} = readChallenge(lab, labDir, id, root);
      if (!challenge) throw new LabLoadError(challengeErrors);
      out[`${lab.id}/${id}`] = {...challenge, nearMisses: [], lab: {...challenge.lab, steps: []}};
    }
  }
  return out;
}
