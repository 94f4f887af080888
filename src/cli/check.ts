/**
 * `netpol-labs check LAB/CHALLENGE FILE... [--target sim]`: checks a learner's policy files
 * against a challenge, in the simulator (the same check as the site's challenge blocks).
 * Exit 0 when every judged probe passes, 1 when some fail, 2 for bad input (file:line:col).
 */
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {formatLabError, type LabError} from '../lab/errors';
import {checkChallenge, formatCheckReport} from '../lab/challenge-check';
import {readChallenge} from '../lab/challenge-read';
import {LABS_DIR, readLab} from '../lab/node/read-lab';
import {UsageError, type CliDeps, type Command} from './command';

/** `netpol-labs check`. */
export const check: Command = {
  name: 'check',
  summary: "check your policy files against a lab's challenge (simulator)",
  usage: 'netpol-labs check LAB/CHALLENGE FILE... [--target sim]',
  about: `Checks the policies in FILE... (YAML, several objects per file allowed) against a challenge of
a lab, e.g. deathstar/least-privilege-landing: they become the complete set of policies over the lab's
app (and the pods the challenge adds), and every judged probe is predicted by the policy engine on the
Cilium datapath. Visible probes are listed with the expected and the predicted outcome and, when they
fail, the engine's reason; of the hidden probes you see how many fail and a hint. Objects other than the
policy kinds the challenge allows, other namespaces and cluster-wide policies are refused.`,
  options: {
    target: {
      type: 'string',
      value: 'sim',
      help: ['sim: the policy engine, no cluster (the default and, for now, the only target;', '--target kind is refused: checking on the kind cluster is not built yet)'],
    },
  },
  positionals: {min: 2, max: Infinity, name: 'file', missing: 'give the challenge and your policy files, e.g. deathstar/least-privilege-landing my-policy.yaml'},
  epilogue: 'Exit code: 0 when every probe passes, 1 when some fail, 2 when an argument or a file is wrong (file:line:col).',
  async run(values, [name, ...files], deps) {
    const target = (values.target as string | undefined) ?? 'sim';
    if (target === 'kind' || target === 'context') {
      throw new UsageError(`--target ${target} is not available yet: checking a challenge on a cluster is not built; run without --target to check in the simulator`);
    }
    if (target !== 'sim') throw new UsageError(`unknown --target "${target}"; expected sim`);
    const match = /^([a-z0-9-]+)\/([a-z0-9-]+)$/.exec(name);
    if (!match) throw new UsageError(`"${name}" is not LAB/CHALLENGE, e.g. deathstar/least-privilege-landing`);
    return checkFiles(match[1], match[2], files, deps);
  },
};

function printErrors(errors: LabError[], deps: CliDeps): number {
  deps.stderr(errors.map((e) => `${formatLabError(e)}\n`).join(''));
  return 2;
}

async function checkFiles(labId: string, challengeId: string, files: string[], deps: CliDeps): Promise<number> {
  const labDir = join(deps.root, LABS_DIR, labId);
  if (!existsSync(join(labDir, 'lab.yaml'))) throw new UsageError(`no lab "${labId}" in ${join(deps.root, LABS_DIR)}`);
  const {lab, errors: labErrors} = readLab(labDir);
  if (!lab) return printErrors(labErrors, deps);
  const {challenge, errors} = readChallenge(lab, labDir, challengeId);
  if (!challenge) return printErrors(errors, deps);
  const submitted: {file: string; text: string}[] = [];
  const unreadable: LabError[] = [];
  for (const file of files) {
    try {
      submitted.push({file, text: deps.readFile(file)});
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
      unreadable.push({code: 'unreadable-file', file, line: 1, col: 1, message: `cannot read this file (${reason}); check the path`});
    }
  }
  if (unreadable.length > 0) return printErrors(unreadable, deps);
  const result = checkChallenge(challenge, submitted);
  if (result.status === 'error') return printErrors(result.errors, deps);
  deps.stdout(`${challenge.title} (${lab.id}/${challenge.id}, SIMULATED on the Cilium datapath)\n`);
  deps.stdout(formatCheckReport(challenge, result));
  return result.status === 'pass' ? 0 : 1;
}
