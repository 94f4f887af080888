/**
 * The labs the playground offers, from the exact text of their files in labs/. Every file that
 * lab.yaml names must be imported here; a missing one fails the build with its name.
 */
import type {Lab} from '@site/src/lab/load';
import {loadLabFromTexts} from './loadLab';
import deathstarLab from '@site/labs/deathstar/lab.yaml?raw';
import deathstarApp from '@site/labs/deathstar/app.yaml?raw';
import deathstarAllowEmpire from '@site/labs/deathstar/deathstar-allow-empire.yaml?raw';
import deathstarRule1L3L4 from '@site/labs/deathstar/rule1-l3-l4.yaml?raw';
import deathstarRule1L7 from '@site/labs/deathstar/rule1-l7.yaml?raw';
import deathstarRule1L7Ingress from '@site/labs/deathstar/rule1-l7-ingress.yaml?raw';

/** The deathstar lab, loaded and validated with the same loader the runner uses. */
export const deathstar: Lab = loadLabFromTexts('labs/deathstar', {
  'lab.yaml': deathstarLab,
  'app.yaml': deathstarApp,
  'deathstar-allow-empire.yaml': deathstarAllowEmpire,
  'rule1-l3-l4.yaml': deathstarRule1L3L4,
  'rule1-l7.yaml': deathstarRule1L7,
  'rule1-l7-ingress.yaml': deathstarRule1L7Ingress,
});

/** The step the playground opens on: the first HTTP-aware policy, the most interesting to edit. */
export const DEFAULT_STEP = 'cilium-l7';
