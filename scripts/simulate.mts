// Entry for `netpol-labs simulate` (dispatched by scripts/netpol-labs.mjs, which registers tsx's
// hooks): all logic is in src/cli/simulate.ts; this file only hands back the exit code.
import {runSimulate} from '../src/cli/simulate';

/** Runs `simulate` with its own arguments (argv after the command name); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  return runSimulate(argv);
}
