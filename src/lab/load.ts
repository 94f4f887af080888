import type {z} from 'zod';
import {parsePolicyDocuments} from '../policy';
import {closest} from '../policy/errors';
import type {LabError} from './errors';
import {requestPath} from './request-path';
import {firstLine, parseManifests, POLICY_KINDS, type LocatedObject} from './manifests';
import type {Outcome} from './outcome';
import {labSchema, probeSchema, stepSchema, type LabFile, type ProbeFile} from './schema';
import {parseSource, positionAt, positionOf, type SourceDocument} from './yaml-source';

/** Reads a file of the lab folder by its path relative to the folder; undefined when it does not exist. */
export type LabFileReader = (relativePath: string) => string | undefined;

/** A manifest file of the lab: its exact text (what the lesson shows) and its objects. */
export interface Manifest {
  /** Path relative to the lab folder, as written in lab.yaml. */
  path: string;
  /** Path as the caller names files (lab folder joined with `path`), for error messages. */
  file: string;
  text: string;
  objects: LocatedObject[];
}

/** Where a probe's URL points, resolved against the app's Services. */
export interface ProbeTarget {
  service: string;
  namespace: string;
  host: string;
  port: number;
  /** Path and query exactly as curl sends them. */
  path: string;
}

/** A probe of a step, validated and resolved. */
export interface Probe extends Omit<ProbeFile, 'method'> {
  method: string;
  expect: Outcome;
  target: ProbeTarget;
}

/** A step with its policy manifests loaded. */
export interface Step {
  id: string;
  title: string;
  lesson?: string;
  policies: Manifest[];
  probes: Probe[];
}

/** A loaded, validated lab. */
export interface Lab {
  id: string;
  title: string;
  namespace: string;
  /** The lab.yaml path as the caller named it. */
  file: string;
  app: Manifest[];
  steps: Step[];
}

/** Names the app defines, which probes may refer to. */
interface AppIndex {
  clients: Map<string, string>; // pod or deployment name -> kind
  services: Map<string, Set<number>>; // service name -> ports
}

/**
 * Parses and validates lab.yaml and every manifest it names. Pure: files come through `read`, so
 * the same code runs in Node, in tests and in the browser. Returns every error found, each with
 * file:line:col, so an author fixes them in one pass.
 *
 * @param text contents of lab.yaml
 * @param file how to name lab.yaml in messages, e.g. `labs/deathstar/lab.yaml`
 * @param read reads other files of the lab folder
 * @param folderName when given, the lab id must equal it
 */
export function parseLab(
  text: string,
  file: string,
  read: LabFileReader,
  folderName?: string,
): {lab?: Lab; errors: LabError[]} {
  const source = parseSource(text, file);
  if (source.doc.errors.length > 0) {
    return {
      errors: source.doc.errors.map((e) => {
        const {line, col} = positionAt(source, e.pos[0]);
        return {code: 'yaml-syntax', file, line, col, message: `YAML syntax error: ${firstLine(e.message)}`};
      }),
    };
  }
  const parsed = labSchema.safeParse(source.doc.toJS());
  if (!parsed.success) {
    return {errors: parsed.error.issues.flatMap((issue) => issueToErrors(source, issue))};
  }
  const data = parsed.data;
  const errors: LabError[] = [];
  const at = (path: PropertyKey[], code: string, message: string): void => {
    const {line, col} = positionOf(source, path);
    errors.push({code, file, line, col, message});
  };

  if (folderName !== undefined && data.id !== folderName) {
    at(['id'], 'id-mismatch', `lab id "${data.id}" must equal its folder name "${folderName}"`);
  }

  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
  const cache = new Map<string, Manifest | null>();
  const unreadable = new Set<string>(); // manifests with YAML errors, already reported
  const loadManifest = (path: string, where: PropertyKey[]): Manifest | undefined => {
    if (!cache.has(path)) {
      const content = read(path);
      if (content === undefined) {
        cache.set(path, null);
      } else {
        const parsedManifest = parseManifests(content, dir + path);
        errors.push(...parsedManifest.errors);
        if (parsedManifest.errors.length > 0) unreadable.add(path);
        cache.set(path, {path, file: dir + path, text: content, objects: parsedManifest.objects});
      }
    }
    const manifest = cache.get(path);
    if (manifest === null) {
      at(where, 'missing-file', `manifest "${path}" does not exist in ${dir || 'the lab folder'}; create it or correct the name`);
    }
    return manifest ?? undefined;
  };

  const app = data.app.map((path, i) => loadManifest(path, ['app', i])).filter((m): m is Manifest => !!m);
  for (const manifest of app) checkAppManifest(manifest, data.namespace, errors);
  const index = indexApp(app, data.namespace);

  const seenSteps = new Set<string>();
  const validated = new Set<string>(); // policy files already checked by the engine (steps share files)
  const steps: Step[] = data.steps.map((step, s) => {
    if (seenSteps.has(step.id)) at(['steps', s, 'id'], 'duplicate-step', `step id "${step.id}" is used twice; step ids must be unique`);
    seenSteps.add(step.id);
    const policies = step.policies
      .map((path, p) => {
        const manifest = loadManifest(path, ['steps', s, 'policies', p]);
        if (manifest && !unreadable.has(path) && checkPolicyManifest(manifest, data.namespace, errors) && !validated.has(path)) {
          validated.add(path);
          // The engine validates the policy as the API server and Cilium would (unknown fields,
          // invalid CIDRs, regular expressions...), so a lab never applies a policy a cluster refuses.
          errors.push(...parsePolicyDocuments(manifest.text, manifest.file, {defaultNamespace: data.namespace}).errors);
        }
        return manifest;
      })
      .filter((m): m is Manifest => !!m);
    const probes = step.probes.map((probe, p) => resolveProbe(probe, index, data.namespace, (field, code, message) =>
      at(['steps', s, 'probes', p, field], code, message),
    ));
    probes.forEach((probe, p) => {
      if (probe?.destructive && !hasGuard(probe, probes)) {
        at(['steps', s, 'probes', p, 'destructive'], 'destructive-unguarded', unguardedMessage(probe));
      }
    });
    return {id: step.id, title: step.title, lesson: step.lesson, policies, probes: probes.filter((x): x is Probe => !!x)};
  });

  if (errors.length > 0) return {errors};
  return {lab: {id: data.id, title: data.title, namespace: data.namespace, file, app, steps}, errors};
}

function indexApp(app: Manifest[], namespace: string): AppIndex {
  const clients = new Map<string, string>();
  const services = new Map<string, Set<number>>();
  for (const {object} of app.flatMap((m) => m.objects)) {
    if ((object.metadata.namespace ?? namespace) !== namespace) continue;
    if (object.kind === 'Pod' || object.kind === 'Deployment') clients.set(object.metadata.name, object.kind);
    if (object.kind === 'Service') {
      const ports = ((object.spec as {ports?: {port?: number}[]} | undefined)?.ports ?? []).map((p) => p.port);
      services.set(object.metadata.name, new Set(ports.filter((p): p is number => typeof p === 'number')));
    }
  }
  return {clients, services};
}

/**
 * Kinds a lab's app may create. All are namespaced: a lab lives in its own namespace, which the
 * runner creates and removes, and must never change anything outside it (cluster-scoped objects
 * such as ClusterRoleBindings would outlive the lab and touch everyone).
 */
export const APP_KINDS = [
  'Namespace',
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'Service',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
] as const;

function checkAppManifest(manifest: Manifest, namespace: string, errors: LabError[]): void {
  for (const {object, position} of manifest.objects) {
    const where = {file: manifest.file, line: position.line, col: position.col};
    if (!(APP_KINDS as readonly string[]).includes(object.kind)) {
      errors.push({
        ...where,
        code: 'kind-not-allowed',
        message: `a lab's app may only contain ${APP_KINDS.join(', ')}, all in the lab's namespace; this is a ${object.kind}`,
      });
    } else if (object.kind === 'Namespace' ? object.metadata.name !== namespace : (object.metadata.namespace ?? namespace) !== namespace) {
      const name = object.kind === 'Namespace' ? object.metadata.name : object.metadata.namespace;
      errors.push({
        ...where,
        code: 'wrong-namespace',
        message: `${object.kind} ${object.metadata.name} is in namespace "${name}", but this lab runs in "${namespace}"; a lab only creates objects in its own namespace`,
      });
    }
  }
}

/** Checks kinds and namespaces; true when the manifest holds only policies of this lab. */
function checkPolicyManifest(manifest: Manifest, namespace: string, errors: LabError[]): boolean {
  const before = errors.length;
  for (const {object, position} of manifest.objects) {
    const where = {file: manifest.file, line: position.line, col: position.col};
    if (!(POLICY_KINDS as readonly string[]).includes(object.kind)) {
      errors.push({
        ...where,
        code: 'not-a-policy',
        message: `a step's policies may only contain ${POLICY_KINDS.join(', ')}; this is a ${object.kind} (put it in "app" instead)`,
      });
    } else if (object.kind !== 'CiliumClusterwideNetworkPolicy' && object.metadata.namespace !== undefined && object.metadata.namespace !== namespace) {
      errors.push({
        ...where,
        code: 'wrong-namespace',
        message: `policy ${object.metadata.name} is in namespace "${object.metadata.namespace}", but this lab runs in "${namespace}"`,
      });
    }
  }
  return errors.length === before;
}

/**
 * A destructive probe's guard: a harmless probe of the same step from the same client to the same
 * Service port that expects l7-denied. Only when it holds is L7 filtering proven in force there;
 * an L3/L4 allow (a NetworkPolicy, or a Cilium rule without `rules`) would let the destructive
 * request through and crash the app (layer7.rst: such a rule makes the L7 rules of the same port
 * allow everything).
 */
function hasGuard(probe: Probe, probes: (Probe | undefined)[]): boolean {
  return probes.some(
    (q) =>
      q !== undefined &&
      !q.destructive &&
      q.expect === 'l7-denied' &&
      q.from === probe.from &&
      q.target.service === probe.target.service &&
      q.target.namespace === probe.target.namespace &&
      q.target.port === probe.target.port,
  );
}

function unguardedMessage(probe: Probe): string {
  const where = `${probe.target.service} port ${probe.target.port}`;
  return (
    `this probe is destructive (${probe.from} ${probe.method} ${probe.target.path} harms the app if it gets through), so the step needs proof that ` +
    `L7 filtering is in force before it is sent: add a harmless probe from ${probe.from} to ${where} that expects l7-denied ` +
    `(for example a GET of a path the HTTP rules do not allow)`
  );
}

const CLUSTER_DOMAIN_SUFFIXES = ['', '.svc', '.svc.cluster.local'];

function resolveProbe(
  probe: ProbeFile,
  index: AppIndex,
  namespace: string,
  fail: (field: keyof ProbeFile, code: string, message: string) => void,
): Probe | undefined {
  let ok = true;
  if (!index.clients.has(probe.from)) {
    const known = [...index.clients.keys()].join(', ') || 'none (add a Pod or a Deployment to the app)';
    fail('from', 'unknown-pod', `probe from "${probe.from}": the app defines no pod or deployment of that name; expected one of ${known}`);
    ok = false;
  }
  const url = new URL(probe.url);
  const host = url.hostname;
  const [service, ...rest] = host.split('.');
  const suffix = rest.length === 0 ? '' : '.' + rest.join('.');
  const sameNamespace = suffix === '' || CLUSTER_DOMAIN_SUFFIXES.some((s) => suffix === `.${namespace}${s}`);
  const port = url.port === '' ? 80 : Number(url.port);
  if (!sameNamespace) {
    fail('url', 'unknown-host', `probe URL host "${host}" is not a Service of this lab; use ${service}.${namespace}.svc.cluster.local`);
    ok = false;
  } else if (!index.services.has(service)) {
    const known = [...index.services.keys()].join(', ');
    const expected = known ? `expected one of ${known}` : 'add a Service to the app';
    fail('url', 'unknown-service', `probe URL names Service "${service}", which the app does not define; ${expected}`);
    ok = false;
  } else if (!index.services.get(service)!.has(port)) {
    const known = [...index.services.get(service)!].join(', ');
    fail('url', 'unknown-port', `Service "${service}" has no port ${port}; its ports are ${known}`);
    ok = false;
  }
  if (!ok) return undefined;
  return {
    ...probe,
    target: {service, namespace, host, port, path: requestPath(url)},
  };
}

const CONTEXT_NAMES: Record<string, string> = {lab: 'lab.yaml', step: 'a step', probe: 'a probe'};

function contextOf(path: PropertyKey[]): string {
  if (path.length >= 4 && path[0] === 'steps' && path[2] === 'probes') return CONTEXT_NAMES.probe;
  if (path.length >= 2 && path[0] === 'steps') return CONTEXT_NAMES.step;
  return CONTEXT_NAMES.lab;
}

function describeKeys(schemaPath: PropertyKey[]): string {
  const context = contextOf(schemaPath);
  // Read from the schema itself, so a new key is listed the day it is added.
  const shape = context === CONTEXT_NAMES.probe ? probeSchema.shape : context === CONTEXT_NAMES.step ? stepSchema.shape : labSchema.shape;
  return Object.keys(shape).join(', ');
}

/** Turns one zod issue into located errors with a message that says what would be right. */
function issueToErrors(source: SourceDocument, issue: z.core.$ZodIssue): LabError[] {
  const path = issue.path as PropertyKey[];
  const file = source.file;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const {line, col} = positionOf(source, path, key);
      return {
        code: 'unknown-key',
        file,
        line,
        col,
        message: `unknown key "${key}" in ${contextOf([...path, key])}; ${suggest(key, describeKeys([...path, key]))}`,
      };
    });
  }
  const {line, col} = positionOf(source, path);
  const field = String(path[path.length - 1] ?? '');
  if (path.length > 0 && valueAt(source, path) === undefined) {
    return [{code: 'missing-key', file, line, col, message: `missing required key "${field}" in ${contextOf(path)}`}];
  }
  if (issue.code === 'invalid_value') {
    const got = valueAt(source, path);
    const allowed = (issue.values as unknown[]).map(String).join(', ');
    const what = field === 'expect' ? 'outcome' : field;
    return [{code: 'invalid-value', file, line, col, message: `unknown ${what} ${JSON.stringify(got)}; expected one of ${allowed}`}];
  }
  const got = valueAt(source, path);
  if (typeof got === 'string' && field !== '') {
    return [{code: 'invalid', file, line, col, message: `${field} ${JSON.stringify(got)}: ${issue.message}`}];
  }
  const location = path.length > 0 ? `${path.map(String).join('.')}: ` : '';
  return [{code: 'invalid', file, line, col, message: `${location}${issue.message}`}];
}

/** "did you mean" for a near miss (a typo or a plural), then the full list of allowed keys. */
function suggest(key: string, allowedList: string): string {
  const allowed = allowedList.split(', ');
  const near = closest(key, allowed.filter((k) => k !== key));
  return `${near ? `did you mean "${near}"? ` : ''}allowed keys are ${allowedList}`;
}

function valueAt(source: SourceDocument, path: PropertyKey[]): unknown {
  return source.doc.getIn(path as (string | number)[]);
}
