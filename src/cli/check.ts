/**
 * `netpol-labs check LAB/CHALLENGE FILE... [--target sim|kind|context]`: checks a learner's policy
 * files against a challenge, in the simulator (the same check as the site's challenge blocks) or
 * on a cluster (src/runner/check-cluster.ts), after the same refusals in both cases.
 * Exit 0 when every judged probe passes, 1 when some fail, 2 for bad input (file:line:col).
 */
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {formatLabError, type LabError} from '../lab/errors';
import {checkChallenge, formatCheckReport} from '../lab/challenge-check';
import {readChallenge} from '../lab/challenge-read';
import {LABS_DIR, readLab} from '../lab/node/read-lab';
import {checkOnCluster} from '../runner/check-cluster';
import {KIND_CONTEXT} from '../runner/constants';
import {resolveContext} from '../runner/context-guard';
import {UsageError, type CliDeps, type Command} from './command';
import {CONTEXT, rootOf, withContext} from './lab-commands';

/** `netpol-labs check`. */
export const check: Command = {
  name: 'check',
  summary: "check your policy files against a lab's challenge (simulator or cluster)",
  usage: 'netpol-labs check LAB/CHALLENGE FILE... [--target sim|kind|context] [--context NAME]',
  about: `Checks the policies in FILE... (YAML, several objects per file allowed) against a challenge of
a lab, e.g. deathstar/least-privilege-landing: they become the complete set of policies over the lab's
app (and the pods the challenge adds), and every judged probe is played. Visible probes are listed with
the expected and the predicted (or observed) outcome and, when they fail, the reason; of the hidden
probes you see how many fail and a hint. Objects other than the policy kinds the challenge allows,
other namespaces and cluster-wide policies are refused before anything is applied.

On a cluster (--target kind or context) the lab is set up as \`netpol-labs run\` does (its own policies
removed, the challenge's pods added), your files are applied in the lab's namespace with the runner's
labels, every probe is sent for real once Cilium put them in force, and your policies are removed
afterwards, also when a probe fails, something breaks or you press Ctrl-C. On kind the lab's app stays
for the next check (netpol-labs reset LAB removes it); on a context everything the check made goes.`,
  options: {
    target: {
      type: 'string',
      value: 'sim|kind|context',
      help: [
        'sim: the policy engine on the Cilium datapath, no cluster (the default);',
        `kind: the local kind cluster (context ${KIND_CONTEXT}, created or reused as by run);`,
        'context: an existing cluster with Cilium, named with --context',
      ],
    },
    context: CONTEXT,
  },
  positionals: {min: 2, max: Infinity, name: 'file', missing: 'give the challenge and your policy files, e.g. deathstar/least-privilege-landing my-policy.yaml'},
  epilogue:
    'Exit code: 0 when every probe passes, 1 when some fail (or, on a cluster, when it could not be set up),\n' +
    '2 when an argument or a file is wrong (file:line:col), 130 after Ctrl-C.',
  async run(values, [name, ...files], deps) {
    const target = (values.target as string | undefined) ?? 'sim';
    if (target !== 'sim' && target !== 'kind' && target !== 'context') throw new UsageError(`unknown --target "${target}"; expected sim, kind or context`);
    const decision = resolveContext(target, values.context as string | undefined);
    if (!decision.ok) throw new UsageError(decision.error);
    const match = /^([a-z0-9-]+)\/([a-z0-9-]+)$/.exec(name);
    if (!match) throw new UsageError(`"${name}" is not LAB/CHALLENGE, e.g. deathstar/least-privilege-landing`);
    return checkFiles(match[1], match[2], files, deps, target === 'sim' ? undefined : {target, context: decision.context!});
  },
};

function printErrors(errors: LabError[], deps: CliDeps): number {
  deps.stderr(errors.map((e) => `${formatLabError(e)}\n`).join(''));
  return 2;
}

/**
 * Reads the lab, the challenge and the files, refuses what the challenge does not allow (exit 2,
 * before any cluster is touched), then checks in the simulator or, with `cluster`, on a cluster.
 */
async function checkFiles(labId: string, challengeId: string, files: string[], deps: CliDeps, cluster?: {target: 'kind' | 'context'; context: string}): Promise<number> {
  const root = rootOf(deps);
  const labDir = join(root, LABS_DIR, labId);
  if (!existsSync(join(labDir, 'lab.yaml'))) throw new UsageError(`no lab "${labId}" in ${join(root, LABS_DIR)}`);
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
  // The simulator's check refuses kinds, namespaces and cluster-wide policies the challenge does
  // not allow and policies Cilium would refuse; on a cluster too, before anything is applied.
  const result = checkChallenge(challenge, submitted);
  if (result.status === 'error') return printErrors(result.errors, deps);
  if (cluster) return withContext(deps, false, (ctx) => checkOnCluster({lab, challenge, files: submitted, simulated: result, ...cluster}, ctx));
  deps.stdout(`${challenge.title} (${lab.id}/${challenge.id}, SIMULATED on the Cilium datapath)\n`);
  deps.stdout(formatCheckReport(challenge, result));
  return result.status === 'pass' ? 0 : 1;
}
