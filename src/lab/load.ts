import type {z} from 'zod';
import {parsePolicyDocuments} from '../policy';
import {closest} from '../policy/errors';
import type {LabError} from './errors';
import {firstLine, parseManifests, POLICY_KINDS, type LocatedObject} from './manifests';
import {resolveProbe, type AppIndex, type Probe, type ServiceInfo} from './resolve-probe';
import {labSchema, probeSchema, stepSchema, type LabFile} from './schema';
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

export type {Probe, ProbeSource, ProbeTarget} from './resolve-probe';

/** A step with its policy manifests loaded. */
export interface Step {
  id: string;
  title: string;
  lesson?: string;
  policies: Manifest[];
  /**
   * lab.yaml `policyAuditMode: true`: the lab's pods are in Cilium's policy audit mode during this
   * step (per endpoint). The simulator predicts with it; the runner sets it on kind and refuses it elsewhere.
   */
  policyAuditMode?: boolean;
  probes: Probe[];
}

/** A loaded, validated lab. */
export interface Lab {
  id: string;
  title: string;
  /** The default namespace: the lab's only one, or the first of `namespaces`. */
  namespace: string;
  /** Every namespace of the lab, the default first. */
  namespaces: string[];
  /** Names outside the cluster and their addresses (lab.yaml `names`), for the simulator. */
  names: Record<string, string[]>;
  /** Where `from: outside` probes come from. */
  outside?: {ip: string};
  /** The lab.yaml path as the caller named it. */
  file: string;
  app: Manifest[];
  steps: Step[];
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
    return {errors: yamlSyntaxErrors(source, file)};
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

  const namespaces = data.namespaces ?? (data.namespace !== undefined ? [data.namespace] : []);
  if (data.namespace !== undefined && data.namespaces !== undefined) {
    at(['namespaces'], 'namespace-twice', 'lab.yaml has both namespace and namespaces; keep namespaces (its first entry is the default) and remove namespace');
  } else if (namespaces.length === 0) {
    at([], 'missing-key', 'missing required key "namespace" in lab.yaml (or "namespaces" for a lab in several namespaces)');
    return {errors};
  }
  namespaces.forEach((ns, i) => {
    // The cluster's own namespaces: a lab that ran there could change what every workload relies on.
    if (ns === 'default' || ns.startsWith('kube-')) {
      at(data.namespaces ? ['namespaces', i] : ['namespace'], 'reserved-namespace', `namespace "${ns}" belongs to the cluster; a lab runs in namespaces of its own, like "star-wars"`);
    }
  });
  const duplicate = namespaces.find((ns, i) => namespaces.indexOf(ns) !== i);
  if (duplicate) at(['namespaces', namespaces.lastIndexOf(duplicate)], 'duplicate-namespace', `namespace "${duplicate}" is listed twice`);

  const app = data.app.map((path, i) => loadManifest(path, ['app', i])).filter((m): m is Manifest => !!m);
  for (const manifest of app) checkAppManifest(manifest, namespaces, errors);
  const index = indexApp(app, namespaces, data);

  const seenSteps = new Set<string>();
  const validated = new Set<string>(); // policy files already checked by the engine (steps share files)
  const steps: Step[] = data.steps.map((step, s) => {
    if (seenSteps.has(step.id)) at(['steps', s, 'id'], 'duplicate-step', `step id "${step.id}" is used twice; step ids must be unique`);
    seenSteps.add(step.id);
    const policies = step.policies
      .map((path, p) => {
        const manifest = loadManifest(path, ['steps', s, 'policies', p]);
        if (manifest && !unreadable.has(path) && checkPolicyManifest(manifest, namespaces, errors) && !validated.has(path)) {
          validated.add(path);
          // The engine validates the policy as the API server and Cilium would (unknown fields,
          // invalid CIDRs, regular expressions...), so a lab never applies a policy a cluster refuses.
          errors.push(...parsePolicyDocuments(manifest.text, manifest.file, {defaultNamespace: namespaces[0]}).errors);
        }
        return manifest;
      })
      .filter((m): m is Manifest => !!m);
    const probes = step.probes.map((probe, p) => resolveProbe(probe, index, (field, code, message) =>
      at(['steps', s, 'probes', p, field], code, message),
    ));
    probes.forEach((probe, p) => {
      if (probe?.destructive && !hasGuard(probe, probes)) {
        at(['steps', s, 'probes', p, 'destructive'], 'destructive-unguarded', unguardedMessage(probe));
      }
    });
    return {id: step.id, title: step.title, lesson: step.lesson, policies, ...(step.policyAuditMode ? {policyAuditMode: true} : {}), probes: probes.filter((x): x is Probe => !!x)};
  });

  if (errors.length > 0) return {errors};
  const lab: Lab = {
    id: data.id,
    title: data.title,
    namespace: namespaces[0],
    namespaces,
    names: Object.fromEntries(index.names),
    ...(data.outside ? {outside: data.outside} : {}),
    file,
    app,
    steps,
  };
  return {lab, errors};
}

/** The YAML parser's errors of a lab file, each at its file:line:col. */
export function yamlSyntaxErrors(source: SourceDocument, file: string): LabError[] {
  return source.doc.errors.map((e) => {
    const {line, col} = positionAt(source, e.pos[0]);
    return {code: 'yaml-syntax', file, line, col, message: `YAML syntax error: ${firstLine(e.message)}`};
  });
}

/** What the app and lab.yaml define that probes may name (a challenge indexes its extra app with the lab's). */
export function indexApp(app: Manifest[], namespaces: string[], data: Pick<LabFile, 'names' | 'outside'>): AppIndex {
  const clients: AppIndex['clients'] = new Map();
  const services: AppIndex['services'] = new Map();
  for (const {object} of app.flatMap((m) => m.objects)) {
    const key = `${object.metadata.namespace ?? namespaces[0]}/${object.metadata.name}`;
    const spec = (object.spec ?? {}) as Record<string, unknown>;
    if (object.kind === 'Pod' || object.kind === 'Deployment') {
      const podSpec = (object.kind === 'Pod' ? spec : ((spec.template as {spec?: Record<string, unknown>} | undefined)?.spec ?? {})) as {hostNetwork?: unknown; dnsPolicy?: unknown};
      const hostNetwork = podSpec.hostNetwork === true;
      clients.set(key, {workload: object.kind, hostNetwork, clusterDns: !hostNetwork || podSpec.dnsPolicy === 'ClusterFirstWithHostNet'});
    }
    if (object.kind === 'Service') services.set(key, serviceInfo(spec));
  }
  const names = new Map(Object.entries(data.names ?? {}).map(([name, ips]) => [name.toLowerCase().replace(/\.$/, ''), ips]));
  return {namespaces, clients, services, names, outsideIp: data.outside?.ip};
}

function serviceInfo(spec: Record<string, unknown>): ServiceInfo {
  const ports = ((spec.ports ?? []) as {port?: unknown; protocol?: unknown; targetPort?: unknown}[])
    .filter((p) => typeof p.port === 'number')
    .map((p) => ({
      port: p.port as number,
      protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP',
      ...(typeof p.targetPort === 'number' || typeof p.targetPort === 'string' ? {targetPort: p.targetPort} : {}),
    }));
  return {
    ports,
    headless: spec.clusterIP === 'None',
    reachableFromOutside: (spec.type === 'NodePort' || spec.type === 'LoadBalancer') && spec.externalTrafficPolicy === 'Local',
  };
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

/** Reports each object of an app manifest that is not an APP_KINDS object in one of `namespaces`. */
export function checkAppManifest(manifest: Manifest, namespaces: string[], errors: LabError[]): void {
  for (const {object, position} of manifest.objects) {
    const where = {file: manifest.file, line: position.line, col: position.col};
    if (!(APP_KINDS as readonly string[]).includes(object.kind)) {
      errors.push({
        ...where,
        code: 'kind-not-allowed',
        message: `a lab's app may only contain ${APP_KINDS.join(', ')}, all in the lab's namespace; this is a ${object.kind}`,
      });
    } else if (!namespaces.includes(object.kind === 'Namespace' ? object.metadata.name : (object.metadata.namespace ?? namespaces[0]))) {
      const name = object.kind === 'Namespace' ? object.metadata.name : object.metadata.namespace;
      errors.push({
        ...where,
        code: 'wrong-namespace',
        message: `${object.kind} ${object.metadata.name} is in namespace "${name}", but this lab runs in ${inNamespaces(namespaces)}; a lab only creates objects in its own namespaces (list another under namespaces in lab.yaml)`,
      });
    }
  }
}

/** Checks kinds and namespaces; true when the manifest holds only policies of this lab. */
function checkPolicyManifest(manifest: Manifest, namespaces: string[], errors: LabError[]): boolean {
  const before = errors.length;
  for (const {object, position} of manifest.objects) {
    const where = {file: manifest.file, line: position.line, col: position.col};
    if (!(POLICY_KINDS as readonly string[]).includes(object.kind)) {
      errors.push({
        ...where,
        code: 'not-a-policy',
        message: `a step's policies may only contain ${POLICY_KINDS.join(', ')}; this is a ${object.kind} (put it in "app" instead)`,
      });
    } else if (object.kind !== 'CiliumClusterwideNetworkPolicy' && object.metadata.namespace !== undefined && !namespaces.includes(object.metadata.namespace)) {
      errors.push({
        ...where,
        code: 'wrong-namespace',
        message: `policy ${object.metadata.name} is in namespace "${object.metadata.namespace}", but this lab runs in ${inNamespaces(namespaces)}`,
      });
    }
  }
  return errors.length === before;
}

/** "star-wars", or "star-wars, empire or alliance", as a message names a lab's namespaces. */
export function inNamespaces(namespaces: string[]): string {
  const quoted = namespaces.map((ns) => `"${ns}"`);
  return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

/**
 * A destructive probe's guard: a harmless probe of the same step from the same client to the same
 * Service port that expects l7-denied. Only when it holds is L7 filtering proven in force there;
 * an L3/L4 allow (a NetworkPolicy, or a Cilium rule without `rules`) would let the destructive
 * request through and crash the app (layer7.rst: such a rule makes the L7 rules of the same port
 * allow everything).
 */
export function hasGuard(probe: Probe, probes: (Probe | undefined)[]): boolean {
  return probes.some(
    (q) =>
      q !== undefined &&
      !q.destructive &&
      (q.kind === 'http' || q.kind === 'grpc') &&
      q.expect === 'l7-denied' &&
      sameSource(q, probe) &&
      sameDestination(q, probe),
  );
}

/** The same client pod, however lab.yaml named it (`tiefighter` or `star-wars/tiefighter`). */
export function sameSource(a: Probe, b: Probe): boolean {
  if (a.source.kind === 'outside' || b.source.kind === 'outside') return a.source.kind === b.source.kind;
  return a.source.namespace === b.source.namespace && a.source.name === b.source.name;
}

/** The same Service port, or the same addresses and port when the target is no Service. */
export function sameDestination(a: Probe, b: Probe): boolean {
  if (a.target.port !== b.target.port) return false;
  if (a.target.service !== undefined || b.target.service !== undefined) return a.target.service === b.target.service && a.target.namespace === b.target.namespace;
  return (a.target.ips ?? []).join(',') === (b.target.ips ?? []).join(',');
}

/** Why a destructive probe without a guard is refused, and which probe to add. */
export function unguardedMessage(probe: Probe): string {
  const where = `${probe.target.service ?? probe.target.host} port ${probe.target.port}`;
  return (
    `this probe is destructive (${probe.from} ${probe.label} harms the app if it gets through), so the step needs proof that ` +
    `L7 filtering is in force before it is sent: add a harmless probe from ${probe.from} to ${where} that expects l7-denied ` +
    `(for example a GET of a path the HTTP rules do not allow)`
  );
}

const CONTEXT_NAMES: Record<string, string> = {lab: 'lab.yaml', step: 'a step', probe: 'a probe'};

function contextOf(path: PropertyKey[]): string {
  if (path.length >= 4 && path[0] === 'steps' && path[2] === 'probes') return CONTEXT_NAMES.probe;
  if (path.length >= 2 && path[0] === 'steps') return CONTEXT_NAMES.step;
  return CONTEXT_NAMES.lab;
}

/** Where a key path of a YAML file is, in words ("a probe"), and the keys allowed there. */
export type KeyContext = (path: PropertyKey[]) => {name: string; keys: string[]};

/** lab.yaml's contexts, read from the schema itself so a new key is listed the day it is added. */
const labContext: KeyContext = (path) => {
  const name = contextOf(path);
  const shape = name === CONTEXT_NAMES.probe ? probeSchema.shape : name === CONTEXT_NAMES.step ? stepSchema.shape : labSchema.shape;
  return {name, keys: Object.keys(shape)};
};

/**
 * Turns one zod issue into located errors with a message that says what would be right.
 * `context` names where a key path is and which keys it allows (default: lab.yaml's).
 */
export function issueToErrors(source: SourceDocument, issue: z.core.$ZodIssue, context: KeyContext = labContext): LabError[] {
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
        message: `unknown key "${key}" in ${context([...path, key]).name}; ${suggest(key, context([...path, key]).keys.join(', '))}`,
      };
    });
  }
  const {line, col} = positionOf(source, path);
  const field = String(path[path.length - 1] ?? '');
  if (path.length > 0 && valueAt(source, path) === undefined) {
    return [{code: 'missing-key', file, line, col, message: `missing required key "${field}" in ${context(path).name}`}];
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
