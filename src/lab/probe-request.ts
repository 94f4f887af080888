import {API_SERVER_SERVICE, isApiServerName} from './api-server';

/**
 * What a probe sends, in the terms a client tool needs: the lab loader turns each lab.yaml probe
 * into one of these, the runner builds the tool's command line from it (src/runner/probe.ts), and
 * tables and reports name the probe from it. Pure data, usable in the browser.
 */
export type ProbeRequest =
  /** An HTTP/1.1 request with curl. `host` is an explicit Host header. */
  | {kind: 'http'; method: string; url: string; headers?: Record<string, string>; host?: string}
  /** One unary gRPC call, http://HOST:PORT/<package>.<Service>/<Method>, over HTTP/2 without TLS. */
  | {kind: 'grpc'; url: string}
  /** A TCP connect to host:port, nothing sent. */
  | {kind: 'tcp'; host: string; port: number}
  /** An SCTP association to host:port (INIT ... COOKIE-ACK), nothing sent. */
  | {kind: 'sctp'; host: string; port: number}
  /** A lookup of an A record through the client's resolver (in a pod: the cluster DNS). */
  | {kind: 'dns'; name: string}
  /** One ICMP echo request. */
  | {kind: 'icmp'; host: string};

/** The kinds of probe, as lab.yaml's key for each (`url` is http or, with `grpc: true`, grpc). */
export type ProbeKind = ProbeRequest['kind'];

/** A short name for what a probe sends, for tables and reports: `POST /v1/request-landing`, `TCP redis:6379`. */
export function requestLabel(request: ProbeRequest): string {
  switch (request.kind) {
    case 'http': {
      const url = new URL(request.url);
      return `${request.method} ${url.pathname}${url.search}`;
    }
    case 'grpc':
      return `gRPC ${new URL(request.url).pathname.slice(1)}`;
    case 'tcp':
      return `TCP ${request.host}:${request.port}`;
    case 'sctp':
      return `SCTP ${request.host}:${request.port}`;
    case 'dns':
      return `DNS ${request.name}`;
    case 'icmp':
      return `ping ${request.host}`;
  }
}

/**
 * What a lab.yaml probe sends, read from its keys alone (the loader has checked that exactly one
 * of url, tcp, sctp, dns and icmp is there): the pages render lab.yaml's data with it, and the loader
 * resolves the same request against the app.
 */
export function fileRequest(probe: {url?: string; method?: string; headers?: Record<string, string>; host?: string; grpc?: boolean; tcp?: string; sctp?: string; dns?: string; icmp?: string}): ProbeRequest {
  if (probe.url !== undefined) {
    if (probe.grpc) return {kind: 'grpc', url: probe.url};
    return {kind: 'http', method: probe.method ?? 'GET', url: probe.url, ...(probe.headers ? {headers: probe.headers} : {}), ...(probe.host ? {host: probe.host} : {})};
  }
  if (probe.tcp !== undefined) return {kind: 'tcp', ...splitHostPort(probe.tcp)};
  if (probe.sctp !== undefined) return {kind: 'sctp', ...splitHostPort(probe.sctp)};
  if (probe.dns !== undefined) return {kind: 'dns', name: probe.dns};
  if (probe.icmp !== undefined) return {kind: 'icmp', host: probe.icmp};
  throw new Error('a probe has none of url, tcp, sctp, dns and icmp');
}

/** The host and port of a lab.yaml `HOST:PORT` (a tcp or sctp probe), split at the last colon. */
export function splitHostPort(hostPort: string): {host: string; port: number} {
  const at = hostPort.lastIndexOf(':');
  return {host: hostPort.slice(0, at), port: Number(hostPort.slice(at + 1))};
}

/** The name or address a request's client looks up or connects to: the URL's host, the TCP or ping host, the DNS name. */
export function requestHost(request: ProbeRequest): string {
  switch (request.kind) {
    case 'http':
    case 'grpc':
      return new URL(request.url).hostname;
    case 'dns':
      return request.name;
    default:
      return request.host;
  }
}

/**
 * A Service's name as a pod resolves it, from any form a probe may write: `svc` (the client's own
 * namespace, through the search list), `svc.ns`, `svc.ns.svc` or `svc.ns.svc.cluster.local`, with or
 * without the final dot (Kubernetes DNS specification, kubernetes/dns docs/specification.md).
 * Undefined when the host has none of these forms.
 */
export function serviceOfHost(host: string, clientNamespace: string | undefined): {service: string; namespace: string} | undefined {
  const labels = host.replace(/\.$/, '').split('.');
  const [service, namespace] = labels;
  if (labels.length === 1) return clientNamespace === undefined ? undefined : {service, namespace: clientNamespace};
  if (labels.length === 2) return {service, namespace};
  if (labels[2] !== 'svc') return undefined;
  if (labels.length === 3 || labels.slice(3).join('.') === 'cluster.local') return {service, namespace};
  return undefined;
}

/**
 * True when a probe's host, in a lab the loader accepted, is an address rather than a name: the
 * loader takes IPv4 dotted quads as addresses and refuses IPv6 (src/lab/resolve-probe.ts). This
 * shape test is all a page needs, and keeps ipaddr.js out of every lesson page's JavaScript.
 */
export function isAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

/**
 * A name as a client in the cluster should send it: absolute (with the final dot), a Service under
 * its full name `svc.ns.svc.cluster.local.`. A pod's resolv.conf has `options ndots:5` and the
 * cluster's search list (https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/),
 * so a relative name is first tried with every search suffix: extra lookups that spend the probe's
 * timeout, and that a DNS rule may refuse before the real name is ever asked (a musl resolver, as in
 * Alpine-based client images, stops at the first REFUSED). An address stays as it is.
 *
 * The API server's Service (`kubernetes.default`, src/lab/api-server.ts) is a Service too, though
 * in no namespace of the lab: `kubernetes.default.` alone would be asked as it is and not found.
 *
 * @param namespaces the lab's namespaces: `a.b` is a Service only when `b` is one of them
 */
export function absoluteName(host: string, clientNamespace: string | undefined, namespaces: readonly string[]): string {
  if (isAddress(host)) return host;
  if (isApiServerName(host)) return `${API_SERVER_SERVICE.service}.${API_SERVER_SERVICE.namespace}.svc.cluster.local.`;
  const service = serviceOfHost(host, clientNamespace);
  if (service && namespaces.includes(service.namespace)) return `${service.service}.${service.namespace}.svc.cluster.local.`;
  return host.endsWith('.') ? host : `${host}.`;
}

/**
 * The request with every name absolute (see absoluteName); an HTTP request keeps the Host header
 * the lab wrote (the URL's host and port, or its explicit `host`), which is what L7 rules see.
 */
export function absoluteRequest(request: ProbeRequest, clientNamespace: string | undefined, namespaces: readonly string[]): ProbeRequest {
  const name = (host: string) => absoluteName(host, clientNamespace, namespaces);
  switch (request.kind) {
    case 'http':
    case 'grpc': {
      const url = new URL(request.url);
      const authority = url.host;
      url.hostname = name(url.hostname);
      if (request.kind === 'grpc') return {kind: 'grpc', url: url.toString()};
      return {...request, url: url.toString(), host: request.host ?? authority};
    }
    case 'tcp':
    case 'sctp':
    case 'icmp':
      return {...request, host: name(request.host)};
    case 'dns':
      return {kind: 'dns', name: name(request.name)};
  }
}
