/**
 * Probes the learner adds in the playground, next to the step's own. Each is turned into a lab.yaml
 * probe and checked by the lab format itself (src/lab/schema.ts probeSchema, then
 * src/lab/resolve-probe.ts against the lab's app), so the playground offers exactly the probes a
 * lab could declare: a pod of the app (a hostNetwork pod probes from its node) or `outside`, to a
 * Service, a pod's address, a name under the lab's `names` or an address, by HTTP, gRPC, TCP, SCTP,
 * DNS or ping. Pure, for the unit tests and the share link.
 */
import {compile} from '@site/src/policy';
import type {Lab, Probe} from '@site/src/lab/load';
import {indexApp} from '@site/src/lab/load';
import {resolveProbe} from '@site/src/lab/resolve-probe';
import {probeSchema, type ProbeFile} from '@site/src/lab/schema';
import {stepScenario} from '@site/src/lab/to-scenario';

/** What an extra probe sends. */
export const EXTRA_PROBE_KINDS = ['http', 'grpc', 'tcp', 'sctp', 'dns', 'icmp'] as const;
export type ExtraProbeKind = (typeof EXTRA_PROBE_KINDS)[number];

/** HTTP methods a lab probe may use (probeSchema's `method`). */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Where an extra probe goes: a Service or a pod of the app (`namespace/name`), or a host (a name under `names`, or an IPv4 address). */
export type ExtraTarget = {service: string} | {pod: string} | {host: string};

/** A probe added in the playground, as the share link and the browser's storage keep it. */
export interface ExtraProbe {
  /** lab.yaml's `from`: a pod or deployment (`name` in the lab's first namespace, else `namespace/name`), or `outside`. */
  from: string;
  kind: ExtraProbeKind;
  to: ExtraTarget;
  /** The port dialled: HTTP, gRPC, TCP and SCTP only. */
  port?: number;
  /** HTTP only; GET when absent. */
  method?: (typeof HTTP_METHODS)[number];
  /** HTTP: the path and query; gRPC: `/<package>.<Service>/<Method>`. */
  path?: string;
}

/** One choice of a picker: the value kept in the probe, and the text shown. */
export interface Choice {
  value: string;
  label: string;
}

/** What the add-a-probe form offers for a lab: its clients, and the Services, pods and names it can reach. */
export interface ProbeChoices {
  sources: Choice[];
  /** Each Service with its TCP ports and its SCTP ports (what a TCP or an SCTP probe may dial). */
  services: (Choice & {ports: number[]; sctpPorts: number[]})[];
  pods: (Choice & {ip: string})[];
  hosts: Choice[];
}

const podAddresses = new WeakMap<Lab, Map<string, string>>();

/**
 * The address of each pod of the lab's app in the simulated cluster (`namespace/name` to IP): a
 * probe "to a pod" is a probe to its address, which the lab format allows (an address literal).
 */
export function podIps(lab: Lab): Map<string, string> {
  const known = podAddresses.get(lab);
  if (known) return known;
  const {scenario} = stepScenario(lab, lab.steps[0], {policies: []});
  const ips = new Map(compile({cluster: scenario.cluster, policies: []}).cluster.pods.filter((p) => lab.namespaces.includes(p.namespace)).map((p) => [p.key, p.ip]));
  podAddresses.set(lab, ips);
  return ips;
}

/** The choices the add-a-probe form offers for `lab`. */
export function probeChoices(lab: Lab): ProbeChoices {
  const index = indexApp(lab.app, lab.namespaces, {names: lab.names, ...(lab.outside ? {outside: lab.outside} : {})});
  const short = (key: string) => (key.startsWith(`${lab.namespace}/`) ? key.slice(lab.namespace.length + 1) : key);
  const sources: Choice[] = [...index.clients.entries()].map(([key, client]) => ({
    value: short(key),
    label: client.hostNetwork ? `${key} (hostNetwork: from its node)` : key,
  }));
  if (lab.outside) sources.push({value: 'outside', label: `outside (a machine outside the cluster, ${lab.outside.ip})`});
  const services = [...index.services.entries()].map(([key, info]) => ({
    value: key,
    label: `Service ${key}`,
    ports: info.ports.filter((p) => p.protocol === 'TCP').map((p) => p.port),
    sctpPorts: info.ports.filter((p) => p.protocol === 'SCTP').map((p) => p.port),
  }));
  const pods = [...podIps(lab).entries()].map(([key, ip]) => ({value: key, label: `pod ${key} (${ip})`, ip}));
  const hosts = Object.entries(lab.names).map(([name, ips]) => ({value: name, label: `${name} (${ips.join(', ')})`}));
  return {sources, services, pods, hosts};
}

/** The host a probe to `to` names: a Service's cluster name, a pod's address, or the host itself. */
function hostOf(lab: Lab, to: ExtraTarget): string | {error: string} {
  if ('service' in to) {
    const [namespace, name] = to.service.split('/', 2);
    return `${name}.${namespace}.svc.cluster.local`;
  }
  if ('pod' in to) {
    const ip = podIps(lab).get(to.pod);
    return ip ?? {error: `the lab ${lab.id} has no pod ${to.pod}; its pods are ${[...podIps(lab).keys()].join(', ')}`};
  }
  return to.host;
}

/** The lab.yaml probe an extra probe stands for (its `expect` is a placeholder: an extra probe has none). */
export function toProbeFile(lab: Lab, extra: ExtraProbe): ProbeFile | {error: string} {
  const host = hostOf(lab, extra.to);
  if (typeof host !== 'string') return host;
  const base = {from: extra.from, expect: 'allowed' as const, why: 'a probe added in the playground'};
  switch (extra.kind) {
    case 'http':
    case 'grpc': {
      if (extra.port === undefined) return {error: `an ${extra.kind === 'http' ? 'HTTP' : 'gRPC'} probe needs a port`};
      const path = extra.path ?? '/';
      if (!path.startsWith('/')) return {error: `a path starts with "/", like /v1/request-landing; this one is "${path}"`};
      const url = `http://${host}${extra.port === 80 ? '' : `:${extra.port}`}${path}`;
      return extra.kind === 'grpc' ? {...base, url, grpc: true} : {...base, url, ...(extra.method && extra.method !== 'GET' ? {method: extra.method} : {})};
    }
    case 'tcp':
      if (extra.port === undefined) return {error: 'a TCP probe needs a port'};
      return {...base, tcp: `${host}:${extra.port}`};
    case 'sctp':
      if (extra.port === undefined) return {error: 'an SCTP probe needs a port'};
      return {...base, sctp: `${host}:${extra.port}`};
    case 'dns':
      return {...base, dns: host};
    case 'icmp':
      return {...base, icmp: host};
  }
}

/** An extra probe checked against the lab: the resolved probe, or every reason the lab format refuses it. */
export type CheckedExtraProbe = {ok: true; probe: Probe} | {ok: false; errors: string[]};

/**
 * Checks an extra probe with the lab format's own rules (the schema, then the app: the client
 * exists, the Service has the port, the kind can go there from that client).
 */
export function checkExtraProbe(lab: Lab, extra: ExtraProbe): CheckedExtraProbe {
  const file = toProbeFile(lab, extra);
  if ('error' in file) return {ok: false, errors: [file.error]};
  const parsed = probeSchema.safeParse(file);
  if (!parsed.success) return {ok: false, errors: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'probe'}: ${issue.message}`)};
  const errors: string[] = [];
  const index = indexApp(lab.app, lab.namespaces, {names: lab.names, ...(lab.outside ? {outside: lab.outside} : {})});
  const probe = resolveProbe(parsed.data, index, (_field, _code, message) => errors.push(message));
  if (!probe || errors.length > 0) return {ok: false, errors: errors.length > 0 ? errors : ['the lab format refuses this probe']};
  return {ok: true, probe};
}

/** Every extra probe checked; the probes when all pass, else the reasons, each with the probe's number. */
export function checkExtraProbes(lab: Lab, extras: readonly ExtraProbe[]): {probes: Probe[]; errors: string[]} {
  const probes: Probe[] = [];
  const errors: string[] = [];
  extras.forEach((extra, i) => {
    const checked = checkExtraProbe(lab, extra);
    if (checked.ok) probes.push(checked.probe);
    else errors.push(...checked.errors.map((e) => `extra probe ${i + 1}: ${e}`));
  });
  return {probes, errors};
}

/** A short description of an extra probe's destination, for its row. */
export function targetLabel(to: ExtraTarget): string {
  if ('service' in to) return `Service ${to.service}`;
  if ('pod' in to) return `pod ${to.pod}`;
  return to.host;
}
