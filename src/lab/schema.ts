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

/** A DNS name as a probe may write it: letters, digits, dashes and dots, optionally absolute (a final dot). */
const dnsName = z
  .string()
  .regex(/^(?=.{1,253}\.?$)[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*\.?$/, 'a DNS name is labels of letters, digits and dashes joined by dots, like "deathstar.star-wars.svc.cluster.local"');

/** An HTTP header name (RFC 9110 token characters). */
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'a header name is a token like "X-Has-Force"');

/**
 * One probe: a client, what it sends, and what the learner should see. What it sends is exactly
 * one of `url` (an HTTP request; with `grpc: true` a gRPC call), `tcp` (a connect), `sctp` (an
 * association), `dns` (a lookup through the cluster DNS) or `icmp` (one ping).
 */
export const probeSchema = z
  .strictObject({
    from: z
      .string()
      .min(1)
      .describe(
        'The client: a Pod or Deployment of the app (NAME in the lab\'s first namespace, NAMESPACE/NAME in another of its namespaces; a hostNetwork Pod probes from its node), or `outside`: a machine outside the cluster (the simulator gives it the address in the lab\'s `outside`)',
      ),
    url: z
      .string()
      .regex(/^http:\/\/[^/\s]+(\/\S*)?$/, 'a probe URL looks like http://SERVICE.NAMESPACE.svc.cluster.local/PATH')
      .refine(isParsableUrl, 'this URL cannot be parsed; check the host name and the port (1-65535)')
      .optional()
      .describe('An HTTP request to this URL (curl); the host names a Service of the app, a name in `names`, or an address'),
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).optional().describe('HTTP method of a `url` probe (default GET)'),
    headers: z.record(headerName, z.string()).optional().describe('Request headers of a `url` probe, name: value'),
    host: dnsName.optional().describe('An explicit Host header for a `url` probe (default: the URL\'s host)'),
    grpc: z
      .boolean()
      .optional()
      .describe('The `url` is a gRPC method, http://HOST:PORT/<package>.<Service>/<Method>: one unary call over HTTP/2, judged on its gRPC status'),
    tcp: z
      .string()
      .regex(/^[^\s:/]+:\d{1,5}$/, 'a TCP probe is HOST:PORT, like "redis.star-wars.svc.cluster.local:6379"')
      .optional()
      .describe('A TCP connect to HOST:PORT, and nothing sent. From a pod, kubernetes.default:443 is the API server (the Service kubernetes of namespace default; on kind its backend is the control-plane node, port 6443). From outside, HOST may be a node of kind\'s cluster (netpol-labs-worker, netpol-labs-control-plane): the node itself, for host policies'),
    sctp: z
      .string()
      // Stricter than tcp: socat parses `:`, `,`, `!!` and quotes inside an address (socat(1), ADDRESS SPECIFICATIONS).
      .regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?\.?:\d{1,5}$/, 'an SCTP probe is HOST:PORT, like "comms.empire.svc.cluster.local:3868"')
      .optional()
      .describe('An SCTP association (INIT ... COOKIE-ACK) to HOST:PORT, and nothing sent. HOST is a headless Service (clusterIP: None) with an SCTP port, or a pod address: Cilium enforces policy on SCTP pod to pod only. Needs Cilium\'s SCTP support (`netpol-labs up` turns it on) and the sctp kernel module on the host'),
    dns: dnsName.optional().describe('A lookup of this name (A record) through the cluster DNS'),
    icmp: z.string().min(1).optional().describe('One ICMP echo request (ping) to this host: a headless Service\'s name, a name in `names`, an address, or from outside a node of kind\'s cluster (netpol-labs-worker)'),
    expect: z
      .enum(OUTCOMES)
      .describe(
        'allowed (got through), dropped (no answer at L3/L4), l7-denied (refused by the L7 proxy: HTTP 403, gRPC PERMISSION_DENIED, DNS REFUSED) or unresolved (the name did not resolve)',
      ),
    body: z.string().min(1).optional().describe('A substring the response body of a `url` probe must contain'),
    destructive: z
      .boolean()
      .optional()
      .describe(
        'The request harms the app when it gets through (PUT /v1/exhaust-port crashes the deathstar). The runner never repeats it while waiting for a step to take effect and sends it last, once the harmless probes held; the step must also have a harmless probe from the same client to the same Service port that expects l7-denied, proof that L7 filtering is in force',
      ),
    why: z.string().min(1).describe('One line shown to the learner: why this is the outcome'),
  })
  .describe('A probe: one request from a client and its expected outcome');

/** A step: the complete set of policies in force, and the probes that prove what it does. */
export const stepSchema = z.strictObject({
  id: kebabId.describe('Unique within the lab; used by `netpol-labs run LAB --step ID`'),
  title: z.string().min(1),
  lesson: z.string().min(1).optional().describe('The docs page that teaches this step, e.g. deathstar/cilium-l7'),
  policies: z
    .array(manifestPath)
    .describe('Every policy in force during this step; the runner applies these and deletes all others'),
  policyAuditMode: z
    .boolean({error: 'must be true or false, without quotes (true puts the lab\'s pods in policy audit mode for this step)'})
    .optional()
    .describe(
      'true: during this step the lab\'s pods are in Cilium\'s policy audit mode, one endpoint at a time (`cilium-dbg endpoint config ID PolicyAuditMode=Enabled`, as Documentation/security/policy-creation.rst does it): what L3/L4 policy would drop is let through and reported with the verdict AUDIT, while L7 rules still answer. Cilium has no such field in a policy; this is a setting of the endpoints. The runner sets it on kind only, after applying the step\'s policies, and clears it before the next step; `--target context` refuses such a step. Start the `why` of each probe that audit mode lets through with "Audited:": the probe table marks it, and the tests check it against the simulator',
    ),
  probes: z.array(probeSchema).min(1, 'a step needs at least one probe to prove what it claims'),
});

/** The whole lab.yaml. */
export const labSchema = z.strictObject({
  id: kebabId.describe('Must equal the lab folder name'),
  title: z.string().min(1),
  namespace: kebabId.optional().describe('The namespace the app and its policies live in; the runner creates and removes it. A lab in several namespaces lists them under `namespaces` instead'),
  namespaces: z
    .array(kebabId)
    .min(1)
    .optional()
    .describe('The namespaces of a lab that spans several; the first is the default for probes and policies that name none. The runner creates, owns and removes each'),
  names: z
    .record(dnsName, z.array(z.ipv4()).min(1))
    .optional()
    .describe('Names outside the cluster a probe uses, and the IPv4 addresses they resolve to. The simulator answers lookups with them; on a cluster the real DNS answers'),
  outside: z
    .strictObject({ip: z.ipv4().describe('The address a probe `from: outside` comes from')})
    .optional()
    .describe('The machine outside the cluster that `from: outside` probes come from'),
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
