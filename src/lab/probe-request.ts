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
    case 'dns':
      return `DNS ${request.name}`;
    case 'icmp':
      return `ping ${request.host}`;
  }
}

/**
 * What a lab.yaml probe sends, read from its keys alone (the loader has checked that exactly one
 * of url, tcp, dns and icmp is there): the pages render lab.yaml's data with it, and the loader
 * resolves the same request against the app.
 */
export function fileRequest(probe: {url?: string; method?: string; headers?: Record<string, string>; host?: string; grpc?: boolean; tcp?: string; dns?: string; icmp?: string}): ProbeRequest {
  if (probe.url !== undefined) {
    if (probe.grpc) return {kind: 'grpc', url: probe.url};
    return {kind: 'http', method: probe.method ?? 'GET', url: probe.url, ...(probe.headers ? {headers: probe.headers} : {}), ...(probe.host ? {host: probe.host} : {})};
  }
  if (probe.tcp !== undefined) {
    const at = probe.tcp.lastIndexOf(':');
    return {kind: 'tcp', host: probe.tcp.slice(0, at), port: Number(probe.tcp.slice(at + 1))};
  }
  if (probe.dns !== undefined) return {kind: 'dns', name: probe.dns};
  if (probe.icmp !== undefined) return {kind: 'icmp', host: probe.icmp};
  throw new Error('a probe has none of url, tcp, dns and icmp');
}
