/**
 * HTTP probes: curl sends one request; 2xx is allowed, a 403 "Access denied" is Envoy denying at L7
 * (cilium/proxy cilium/l7policy.cc: AccessFilter::decodeHeaders answers a denied request with
 * sendLocalReply(Forbidden, denied_403_body_), "Access denied" plus CRLF unless the agent sets another
 * body), anything else is an `error`.
 */
import {ACCESS_DENIED as ENGINE_ACCESS_DENIED} from '../policy/l7';
import {CURL_COMMON, WRITE_OUT, absoluteServiceUrl, curlOutcome, isClassification} from './probe-curl';
import type {Classification, HttpRequest, ProbeRun} from './probe-types';
import {oneLine} from './probe-text';

/** The text of the body Envoy sends with its 403, without its CRLF (one constant, the engine's). */
export const ACCESS_DENIED = ENGINE_ACCESS_DENIED.body.trimEnd();

const MAX_BODY = 400;

/** A header name as RFC 9110 section 5.1 allows it (a token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The request headers curl sends with `--header`, Host first. The Host header is, in order: the
 * request's explicit `host`, a `Host` among its headers, or the lab's name absoluteServiceUrl keeps.
 * A name or value that would break the header line (a CR, LF or NUL; a name that is not a token)
 * is refused: curl would otherwise send something other than what the lab shows.
 */
export function requestHeaders(request: Pick<HttpRequest, 'headers' | 'host'>, serviceHost?: string): string[] {
  const entries = Object.entries(request.headers ?? {});
  for (const [name, value] of entries) {
    if (!HEADER_NAME.test(name)) throw new Error(`probe header name "${name}" is not a valid HTTP header name`);
    if (/[\r\n\0]/.test(value)) throw new Error(`probe header "${name}" has a line break or NUL in its value`);
  }
  if (request.host !== undefined && /[\r\n\0]/.test(request.host)) throw new Error('probe host has a line break or NUL');
  const fromHeaders = entries.find(([name]) => name.toLowerCase() === 'host')?.[1];
  const host = request.host ?? fromHeaders ?? serviceHost;
  const others = entries.filter(([name]) => name.toLowerCase() !== 'host').map(([name, value]) => `${name}: ${value}`);
  return [...(host !== undefined ? [`Host: ${host}`] : []), ...others];
}

/**
 * curl's argument array for one request. The same array runs in a pod (after `kubectl exec POD --`)
 * and, in the tests, on this machine against real servers.
 *
 * Without --fail curl exits 0 on 403 and 503, so the status code and body decide; --write-out adds
 * the status and the connect time even when curl fails (it prints 000 then). A Service name is made
 * absolute (see absoluteServiceUrl) with the lab's name kept in the Host header.
 */
export function curlArgs(request: HttpRequest): string[] {
  const {url, host} = absoluteServiceUrl(request.url);
  return [
    ...CURL_COMMON,
    '--request', request.method,
    ...requestHeaders(request, host).flatMap((header) => ['--header', header]),
    '--output', '-',
    '--write-out', WRITE_OUT,
    url,
  ];
}

/** Classifies the result of curlArgs(): allowed (2xx), l7-denied (403 "Access denied"), or not a verdict. */
export function classifyHttp(run: ProbeRun): Classification {
  const reply = curlOutcome(run, MAX_BODY);
  if (isClassification(reply)) return reply;
  const {output: body, status} = reply;
  if (status >= 200 && status < 300) {
    return {observed: 'allowed', curlExit: 0, status, body, evidence: `HTTP ${status}${body.trim() ? ` "${oneLine(body)}"` : ''}`};
  }
  if (status === 403 && body.includes(ACCESS_DENIED)) {
    return {observed: 'l7-denied', curlExit: 0, status, body, evidence: `HTTP 403 "${oneLine(body)}" from the L7 proxy`};
  }
  return {
    observed: 'error',
    curlExit: 0,
    status,
    body,
    evidence: `HTTP ${status}${body.trim() ? ` "${oneLine(body)}"` : ''}: neither an allow (2xx) nor an L7 deny (403 "${ACCESS_DENIED}")`,
  };
}
