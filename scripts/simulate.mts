// Entry for `netpol-labs simulate` (dispatched by scripts/netpol-labs.mjs): all logic is in
// src/cli/simulate.ts; this file only adapts argv to it and hands back the exit code.
//
// The dispatcher registers tsx's ESM hooks only. The package is not "type": "module", so .ts
// files under src/ load as CommonJS and their extensionless imports need tsx's CJS hooks too.
import {register} from 'tsx/cjs/api';

/** Runs `simulate` with its own arguments (argv after the command name); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const unregister = register();
  try {
    const {runSimulate} = await import('../src/cli/simulate');
    return runSimulate(argv);
  } finally {
    await unregister();
  }
}
