/**
 * The challenges the site offers, from the exact text of their files in labs/<lab>/challenges/,
 * loaded with the same loader as `netpol-labs check`. A file missing here, or a challenge that does
 * not load, fails `npm run build` with its file:line:col. Hidden probes ship in this bundle: they
 * are hidden from view, not secret.
 */
import {formatError} from '@site/src/policy';
import {parseChallenge, type Challenge} from '@site/src/lab/challenge';
import type {Lab} from '@site/src/lab/load';
import {deathstar} from '@site/src/components/Playground/labs';
import lplChallenge from '@site/labs/deathstar/challenges/least-privilege-landing/challenge.yaml?raw';
import lplFleet from '@site/labs/deathstar/challenges/least-privilege-landing/fleet.yaml?raw';
import lplStart from '@site/labs/deathstar/challenges/least-privilege-landing/start.yaml?raw';
import lplSolution from '@site/labs/deathstar/challenges/least-privilege-landing/solution.yaml?raw';
import eolChallenge from '@site/labs/deathstar/challenges/empire-only-l3-l4/challenge.yaml?raw';
import eolFleet from '@site/labs/deathstar/challenges/empire-only-l3-l4/fleet.yaml?raw';
import eolSolution from '@site/labs/deathstar/challenges/empire-only-l3-l4/solution.yaml?raw';
import roeChallenge from '@site/labs/deathstar/challenges/read-only-empire/challenge.yaml?raw';
import roeFleet from '@site/labs/deathstar/challenges/read-only-empire/fleet.yaml?raw';
import roeSolution from '@site/labs/deathstar/challenges/read-only-empire/solution.yaml?raw';
import roeStart from '@site/labs/deathstar/challenges/read-only-empire/start.yaml?raw';

function load(lab: Lab, id: string, files: Record<string, string>): Challenge {
  const file = `labs/${lab.id}/challenges/${id}/challenge.yaml`;
  // Near-miss files are for the tests; the page never shows them.
  const {challenge, errors} = parseChallenge(files['challenge.yaml'], file, (path) => files[path], lab, id, {readNearMisses: false});
  if (!challenge) throw new Error(`Challenge ${file} does not load (a file missing from src/components/Challenge/challenges.ts?):\n${errors.map((e) => `  ${formatError(e)}`).join('\n')}`);
  return challenge;
}

/** Every challenge the site offers, by `lab/id`. */
export const CHALLENGES: Record<string, Challenge> = {
  'deathstar/least-privilege-landing': load(deathstar, 'least-privilege-landing', {
    'challenge.yaml': lplChallenge,
    'fleet.yaml': lplFleet,
    'start.yaml': lplStart,
    'solution.yaml': lplSolution,
  }),
  'deathstar/empire-only-l3-l4': load(deathstar, 'empire-only-l3-l4', {
    'challenge.yaml': eolChallenge,
    'fleet.yaml': eolFleet,
    'solution.yaml': eolSolution,
  }),
  'deathstar/read-only-empire': load(deathstar, 'read-only-empire', {
    'challenge.yaml': roeChallenge,
    'fleet.yaml': roeFleet,
    'solution.yaml': roeSolution,
    'start.yaml': roeStart,
  }),
};
