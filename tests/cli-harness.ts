/** Runs `netpol-labs` in process with its output kept in memory (src/cli/main.ts `main`). */
import {resolve} from 'node:path';
import {main} from '../src/cli/main';
import {memoryOutput} from '../src/runner/output';

/** The repository root. */
export const ROOT = resolve(__dirname, '..');

/** Runs argv; stdout's lines land in `out.lines`, stderr's in `err.lines`. */
export async function runInMemory(argv: string[], options: {env?: NodeJS.ProcessEnv; root?: string} = {}) {
  const out = memoryOutput();
  const err = memoryOutput();
  const lines = (into: string[]) => (text: string) => void into.push(...text.replace(/\n$/, '').split('\n'));
  const code = await main(argv, {out, errOut: err, stdout: lines(out.lines), stderr: lines(err.lines), env: options.env ?? process.env, root: options.root ?? ROOT});
  return {code, out, err};
}

/** Runs `netpol-labs simulate ARGV...` in process on files given by `readFile`; resolves to the exit code. */
export function simulateCli(argv: string[], io: {readFile(path: string): string; stdout(text: string): void; stderr(text: string): void}): Promise<number> {
  return main(['simulate', ...argv], {...io, out: memoryOutput(), errOut: memoryOutput(), env: {}, root: ROOT});
}
