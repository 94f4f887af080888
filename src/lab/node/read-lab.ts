import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {join, relative} from 'node:path';
import {LabLoadError, type LabError} from '../errors';
import {parseLab, type Lab} from '../load';

/** The folder that holds every lab, relative to the repository root. */
export const LABS_DIR = 'labs';

/**
 * Loads labs/<id>/lab.yaml from disk. File names in errors are relative to `cwd` so they are
 * clickable in a terminal.
 */
export function readLab(labDir: string, cwd = process.cwd()): {lab?: Lab; errors: LabError[]} {
  const labFile = join(labDir, 'lab.yaml');
  const shown = relative(cwd, labFile) || labFile;
  if (!existsSync(labFile)) {
    return {errors: [{code: 'missing-file', file: shown, line: 1, col: 1, message: `no lab.yaml in ${labDir}; every lab folder needs one`}]};
  }
  const read = (path: string): string | undefined => {
    const full = join(labDir, path);
    return existsSync(full) && statSync(full).isFile() ? readFileSync(full, 'utf8') : undefined;
  };
  const folderName = labDir.replace(/\/+$/, '').split('/').pop();
  return parseLab(readFileSync(labFile, 'utf8'), shown, read, folderName);
}

/** Like readLab, but throws a LabLoadError listing every problem. */
export function readLabOrThrow(labDir: string, cwd = process.cwd()): Lab {
  const {lab, errors} = readLab(labDir, cwd);
  if (!lab) throw new LabLoadError(errors);
  return lab;
}

/** Every lab folder under `root/labs`, sorted by name. */
export function listLabDirs(root = process.cwd()): string[] {
  const labsDir = join(root, LABS_DIR);
  return readdirSync(labsDir, {withFileTypes: true})
    .filter((entry) => entry.isDirectory() && existsSync(join(labsDir, entry.name, 'lab.yaml')))
    .map((entry) => join(labsDir, entry.name))
    .sort();
}

/** The folder of a lab that holds challenge material, which pages must not show verbatim. */
export const CHALLENGES_DIR = 'challenges';

/**
 * Every YAML file of the labs that a lesson page must show verbatim: all `.yaml`/`.yml` files under
 * labs/, except each lab's lab.yaml (data the pages render as tables) and anything under a lab's
 * challenges/ folder (statements, solutions, near misses and hidden probes, which would give the
 * answers away). Paths relative to `root`, sorted.
 */
export function shownLabFiles(root = process.cwd()): string[] {
  const files: string[] = [];
  const walk = (dir: string, depth: number): void => {
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        // labs/<lab>/challenges/ (depth 1 is a lab's own folder).
        if (!(depth === 1 && entry.name === CHALLENGES_DIR)) walk(path, depth + 1);
      } else if (/\.ya?ml$/.test(entry.name) && !(depth === 1 && entry.name === 'lab.yaml')) {
        files.push(relative(root, path));
      }
    }
  };
  walk(join(root, LABS_DIR), 0);
  return files.sort();
}
