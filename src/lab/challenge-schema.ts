import {z} from 'zod';
import {POLICY_KINDS} from './manifests';
import {probeSchema} from './schema';

/**
 * The schema of labs/<lab>/challenges/<id>/challenge.yaml: a task the learner solves by writing
 * policies, and everything needed to judge it. Exported as JSON Schema
 * (schemas/challenge.schema.json) so editors complete it.
 */

const kebabId = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'an id is lower-case letters, digits and dashes, like "least-privilege-landing"');

const challengeFile = z
  .string()
  .regex(/^[A-Za-z0-9._-]+\.ya?ml$/, 'a file of the challenge folder, like "solution.yaml"');

/** A judged probe: a lab probe with an id, and optionally hidden from the learner's view. */
export const challengeProbeSchema = probeSchema
  .extend({
    id: kebabId.describe('Unique within the challenge; near misses name the probes they fail by it'),
    hidden: z
      .boolean()
      .optional()
      .describe(
        'Hidden from view: the result says only how many hidden probes failed, with their hints. Hidden, not secret: the browser downloads it and the file is public',
      ),
    hint: z
      .string()
      .min(1)
      .optional()
      .describe('What a learner whose solution fails this hidden probe is told, without giving the answer; required for a hidden probe'),
  })
  .describe('A probe the solution is judged on');

/** A wrong solution the tests check fails, and how. */
export const nearMissSchema = z
  .strictObject({
    file: challengeFile.describe('The near-miss policies, in the challenge folder'),
    why: z.string().min(1).describe('The mistake it makes, in one sentence'),
    fails: z
      .array(kebabId)
      .min(1)
      .optional()
      .describe('Ids of exactly the probes it fails (the check must fail these and pass every other)'),
    error: z
      .string()
      .min(1)
      .optional()
      .describe('Instead of fails: a part of the message the check refuses the file with (a kind or namespace the challenge does not allow)'),
    message: z
      .string()
      .min(1)
      .optional()
      .describe('A part of the check report the learner must see for it (an explanation, a hint)'),
  })
  .describe('A near miss: a plausible wrong solution that must fail');

/** The whole challenge.yaml. */
export const challengeSchema = z.strictObject({
  id: kebabId.describe('Must equal the challenge folder name; `netpol-labs check LAB/ID FILE...`'),
  title: z.string().min(1),
  statement: z.string().min(1).describe('The intent, in plain words: what must be allowed, refused and dropped'),
  kinds: z
    .array(z.enum(POLICY_KINDS))
    .min(1)
    .describe('The policy kinds a solution may contain; anything else is refused before the check (CiliumClusterwideNetworkPolicy only when listed)'),
  policyNamespaces: z
    .array(kebabId)
    .min(1)
    .optional()
    .describe("The namespaces a solution's namespaced policies may be in (default: the lab's default namespace); a policy without a namespace goes to the lab's default"),
  start: challengeFile.optional().describe('The starting manifest in the editor (empty, too open or broken); it must fail'),
  namespaces: z
    .array(kebabId)
    .min(1)
    .optional()
    .describe("Namespaces the challenge's extra app uses besides the lab's"),
  app: z
    .array(challengeFile)
    .optional()
    .describe("Extra app manifests, for pods and Services the lessons have not shown (another ship, a pod in another namespace); deployed with the lab's app"),
  probes: z.array(challengeProbeSchema).min(1).describe('What the solution is judged on'),
  hints: z.array(z.string().min(1)).min(1).describe('Progressive hints, shown one at a time'),
  solution: challengeFile.describe('The reference solution; it must pass'),
  nearMisses: z.array(nearMissSchema).optional().describe('Wrong solutions that must fail, each as stated'),
});

export type ChallengeFile = z.infer<typeof challengeSchema>;
export type ChallengeProbeFile = z.infer<typeof challengeProbeSchema>;
export type NearMissFile = z.infer<typeof nearMissSchema>;

/** The JSON Schema editors use through the yaml-language-server modeline. */
export function challengeJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(challengeSchema, {io: 'input'}),
    $id: 'https://netpol-labs.example.org/schemas/challenge.schema.json',
    title: 'netpol-labs challenge.yaml',
  };
}
