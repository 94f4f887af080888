// The outpost test lab (every probe kind, outcome and source), for tests that load variants of it.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';

/** The fixture's folder, as errors name its files. */
export const OUTPOST_DIR = 'tests/fixtures/lab-format/labs/outpost';

/** Its lab.yaml text. */
export const OUTPOST_TEXT = readFileSync(join(OUTPOST_DIR, 'lab.yaml'), 'utf8');

/** Reads a file of the fixture's folder for parseLab; undefined when there is none. */
export function readOutpostFile(path: string): string | undefined {
  try {
    return readFileSync(join(OUTPOST_DIR, path), 'utf8');
  } catch {
    return undefined;
  }
}
