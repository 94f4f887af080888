/**
 * `netpol-labs export LAB --zx [-o FILE]`: prints (or writes) a standalone zx script that plays
 * the lab on a local kind cluster with Cilium (src/runner/zx-script.ts).
 */
import {mkdirSync, writeFileSync} from 'node:fs';
import {dirname} from 'node:path';
import {loadLab} from '../runner/commands';
import {unsupportedOnCluster} from '../runner/cluster-support';
import {zxScript} from '../runner/zx-script';
import {UsageError, type Command} from './command';
import {rootOf} from './lab-commands';

/** `netpol-labs export`. */
export const exportCommand: Command = {
  name: 'export',
  summary: 'write a standalone zx script that plays a lab on kind with Cilium',
  usage: 'netpol-labs export LAB --zx [-o FILE]',
  about:
    'Print a standalone zx script (run it with `npx zx@8 FILE`) that creates or reuses the kind cluster\n' +
    'netpol-labs with Cilium, deploys the lab, and for each step applies exactly its policies, probes and\n' +
    'checks every outcome, as `netpol-labs run LAB --target kind` does. It needs only docker, kind,\n' +
    'kubectl, and the cilium CLI or helm.',
  options: {
    zx: {type: 'boolean', help: 'the format: a zx script (the only one so far; required, so that others can come)'},
    output: {type: 'string', short: 'o', value: 'FILE', help: 'write the script to FILE (made executable) instead of printing it'},
  },
  positionals: {min: 1, max: 1, name: 'lab', missing: 'which lab? give its id, e.g. deathstar'},
  async run(values, [name], deps) {
    if (values.zx !== true) throw new UsageError('choose the format: --zx');
    const root = rootOf(deps);
    const {lab, error} = loadLab(name, root);
    if (!lab) {
      deps.stderr(`netpol-labs export: ${error}\n`);
      return 1;
    }
    // The script plays the lab on kind, so it can say only what the runner can play on a cluster.
    const unsupported = unsupportedOnCluster(lab, 'export');
    if (unsupported) {
      deps.stderr(`netpol-labs export: ${unsupported}\n`);
      return 1;
    }
    const script = await zxScript(lab, root);
    const file = values.output as string | undefined;
    if (file === undefined) {
      deps.stdout(script);
      return 0;
    }
    mkdirSync(dirname(file), {recursive: true});
    writeFileSync(file, script, {mode: 0o755});
    deps.out.line(`wrote ${file}: run it with \`npx zx@8 ${file}\``);
    return 0;
  },
};
