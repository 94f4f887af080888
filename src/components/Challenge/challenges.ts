/**
 * The challenges the site offers: every labs/<lab>/challenges/<id>, loaded and validated by the
 * same loader as `netpol-labs check` when `npm run schemas` wrote challenges.json (a test fails
 * when that file is stale). Shipping the loaded data keeps zod and the loader out of the page.
 * Hidden probes ship too: they are hidden from view, not secret.
 */
import type {Challenge} from '@site/src/lab/challenge';
import data from './challenges.json';

/** Every challenge the site offers, by `lab/id`. */
export const CHALLENGES = data as unknown as Record<string, Challenge>;
