// Tests that run `netpol-labs` as a process run dist/netpol-labs.mjs: it is rebuilt from the
// sources before any test runs, so no test ever runs a stale build.
import {buildCli} from '../scripts/build-cli.mjs';

export default async function setup(): Promise<void> {
  await buildCli();
}
