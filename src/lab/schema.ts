import {z} from 'zod';
import {OUTCOMES} from './outcome';

/**
 * The schema of labs/<lab>/lab.yaml. A lab is data, not procedure: the runner decides how to
 * apply it. Exported as JSON Schema (schemas/lab.schema.json) so editors complete it.
 */

const kebabId = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'an id is lower-case letters, digits and dashes, like "allow-empire"');

const manifestPath = z
  .string()
  .regex(/^[A-Za-z0-9._/-]+\.ya?ml$/, 'a manifest is a .yaml file of this lab folder, like "rule1-l7.yaml"')
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'a manifest path stays inside the lab folder');

/** Whether the WHATWG URL parser (what the loader uses to read host, port and path) accepts it. */
function isParsableUrl(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

/** One request a client pod makes, and what the learner should see. */
export const probeSchema = z
  .strictObject({
    from: z.string().min(1).describe('Name of the client Pod (or Deployment) in the app that runs curl'),
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET').describe('HTTP method'),
    url: z
      .string()
      .regex(/^http:\/\/[^/\s]+(\/\S*)?$/, 'a probe URL looks like http://SERVICE.NAMESPACE.svc.cluster.local/PATH')
      .refine(isParsableUrl, 'this URL cannot be parsed; check the host name and the port (1-65535)')
      .describe('The URL curl requests; the host names a Service of the app'),
    expect: z.enum(OUTCOMES).describe('allowed (HTTP 2xx), dropped (times out at L3/L4) or l7-denied (HTTP 403 from Envoy)'),
    body: z.string().min(1).optional().describe('A substring the response body must contain'),
    destructive: z
      .boolean()
      .optional()
      .describe(
        'The request harms the app when it gets through (PUT /v1/exhaust-port crashes the deathstar). The runner never repeats it while waiting for a step to take effect and sends it last, once the harmless probes held; the step must also have a harmless probe from the same client to the same Service port that expects l7-denied, proof that L7 filtering is in force',
      ),
    why: z.string().min(1).describe('One line shown to the learner: why this is the outcome'),
  })
  .describe('A probe: one curl from a client pod and its expected outcome');

/** A step: the complete set of policies in force, and the probes that prove what it does. */
export const stepSchema = z.strictObject({
  id: kebabId.describe('Unique within the lab; used by `netpol-labs run LAB --step ID`'),
  title: z.string().min(1),
  lesson: z.string().min(1).optional().describe('The docs page that teaches this step, e.g. deathstar/cilium-l7'),
  policies: z
    .array(manifestPath)
    .describe('Every policy in force during this step; the runner applies these and deletes all others'),
  probes: z.array(probeSchema).min(1, 'a step needs at least one probe to prove what it claims'),
});

/** The whole lab.yaml. */
export const labSchema = z.strictObject({
  id: kebabId.describe('Must equal the lab folder name'),
  title: z.string().min(1),
  namespace: kebabId.describe('The namespace the app and its policies live in; the runner creates and removes it'),
  app: z.array(manifestPath).min(1).describe('Manifests that deploy the app (namespace, deployments, pods, services)'),
  steps: z.array(stepSchema).min(1),
});

export type LabFile = z.infer<typeof labSchema>;
export type StepFile = z.infer<typeof stepSchema>;
export type ProbeFile = z.infer<typeof probeSchema>;

/** The JSON Schema editors use through the yaml-language-server modeline. */
export function labJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(labSchema, {io: 'input'}),
    $id: 'https://netpol-labs.example.org/schemas/lab.schema.json',
    title: 'netpol-labs lab.yaml',
  };
}
