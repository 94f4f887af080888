/**
 * A `netpol-labs` command planned with `--dry-run` in the tests: run in this process with an empty
 * folder as PATH, so no real kind, kubectl or docker can be reached, and its output kept.
 */
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {main} from '../src/cli/main';
import {memoryOutput} from '../src/runner/output';

/** This repository's root. */
export const ROOT = resolve(__dirname, '..');

/** An empty folder, as PATH for commands that must not reach a real tool. */
export const EMPTY_PATH = mkdtempSync(join(tmpdir(), 'netpol-labs-nopath-'));

/** Runs `argv` (a plan: it should hold --dry-run); the exit code, every line, and the commands (`$ ` lines). */
export async function plan(argv: string[], root = ROOT): Promise<{code: number; lines: string[]; commands: string[]}> {
  const out = memoryOutput();
  const code = await main(argv, {out, env: {PATH: EMPTY_PATH}, root});
  const commands = out.lines.filter((l) => l.startsWith('$ ')).map((l) => l.slice(2));
  return {code, lines: out.lines, commands};
}
