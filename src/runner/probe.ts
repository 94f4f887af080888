import type {Observed} from '../lab/outcome';
import {ACCESS_DENIED as ENGINE_ACCESS_DENIED} from '../policy/l7';

/**
 * Probes: the curl a client pod runs, and how its result becomes a named outcome. Classification
 * follows cilium-cli's connectivity tests (cilium/cilium cilium-cli/connectivity/check/result.go:
 * ResultDropCurlTimeout, a drop is curl exit 28): a connect timeout is a drop at L3/L4; a 403 "Access denied" is Envoy denying at L7; 2xx is
 * allowed; anything else proves nothing about policy and is an `error`, never a drop.
 */

/** curl's connect timeout: a dropped SYN is declared dropped after this long. */
export const CONNECT_TIMEOUT_S = 2;
/** curl's whole-request limit, so a server that accepts but never answers cannot hang a step. */
export const MAX_TIME_S = 10;

/**
 * What curl's --write-out appends after the body: status, name-lookup time and connect time, unlikely
 * in a body. It must not start with "@" (curl would read the format from a file) and has no newline,
 * so printed commands stay on one line and the body is kept byte for byte. The lookup time tells a
 * DNS timeout (the name never resolved: 0) from a connect timeout (resolved, then no answer).
 */
const WRITE_OUT = '[netpol-labs code=%{http_code} dns=%{time_namelookup} connect=%{time_connect}]';
const MARKER_RE = /\[netpol-labs code=(\d{3}) dns=([0-9.]+) connect=([0-9.]+)\]\s*$/;

/** The text of the body Envoy sends with its 403, without its CRLF (one constant, the engine's). */
export const ACCESS_DENIED = ENGINE_ACCESS_DENIED.body.trimEnd();

/** The HTTP request of a probe. */
export interface HttpRequest {
  method: string;
  url: string;
}

/**
 * A Service's fully qualified name, `<service>.<namespace>.svc.<cluster-domain>` (Kubernetes DNS
 * specification, kubernetes/dns docs/specification.md, "A/AAAA Records"), without the root dot.
 */
const SERVICE_FQDN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\.[a-z0-9]([-a-z0-9]*[a-z0-9])?\.svc\.[a-z0-9.-]*[a-z0-9]$/;

/**
 * The URL curl connects to, and the Host header the server (and Cilium's L7 rules) must see.
 *
 * A pod's resolv.conf has `options ndots:5` and the cluster's search list (kubelet, "DNS for
 * Services and Pods", https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/),
 * so a name with fewer than five dots is first tried with every search suffix: four failed lookups
 * (A and AAAA each) before the real one, spending the connect timeout that is meant to measure
 * a dropped SYN. A trailing dot makes the name absolute, looked up once. The Host header stays the
 * name as the lab wrote it, so an L7 rule on `host` sees exactly that.
 */
export function absoluteServiceUrl(url: string): {url: string; host?: string} {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {url};
  }
  if (!SERVICE_FQDN.test(parsed.hostname)) return {url};
  const host = parsed.host; // with the port, when the URL names one
  parsed.hostname = `${parsed.hostname}.`;
  return {url: parsed.toString(), host};
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
    '--silent',
    '--show-error',
    '--connect-timeout', String(CONNECT_TIMEOUT_S),
    '--max-time', String(MAX_TIME_S),
    '--request', request.method,
    ...(host ? ['--header', `Host: ${host}`] : []),
    '--output', '-',
    '--write-out', WRITE_OUT,
    url,
  ];
}

/** What a probe command returned (the subset of CommandResult classification needs). */
export interface ProbeRun {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  canceled?: boolean;
}

/** A classified probe: the outcome and the evidence behind it. */
export interface Classification {
  observed: Observed;
  /** curl's exit code, when curl ran. */
  curlExit?: number;
  /** HTTP status, when a response came back. */
  status?: number;
  /** Response body (trimmed to a reasonable length). */
  body: string;
  /** One line a learner can read: why this outcome. */
  evidence: string;
}

/** curl exit codes a learner meets, in words (from curl's man page, EXIT CODES). */
const CURL_EXITS: Record<number, string> = {
  6: 'could not resolve the host (DNS)',
  7: 'connection refused (nothing listening, or the pod is restarting)',
  22: 'HTTP error under --fail',
  28: 'operation timed out',
  52: 'the server closed the connection without a reply',
  56: 'connection reset while receiving',
};

const MAX_BODY = 400;

/**
 * Turns a probe's result into an outcome. Pure; the tests feed it results of real curl runs.
 */
export function classify(run: ProbeRun): Classification {
  if (run.canceled) return {observed: 'error', body: '', evidence: 'interrupted before the probe finished'};
  if (run.timedOut) {
    return {observed: 'error', body: '', evidence: 'the probe command itself did not finish in time (kubectl exec hung?)'};
  }
  const match = MARKER_RE.exec(run.stdout);
  const stderr = run.stderr.trim();
  if (!match) {
    // curl never got to write its summary: kubectl could not exec (pod missing, no curl in the
    // image, API server unreachable). Not a verdict.
    return {
      observed: 'error',
      curlExit: run.exitCode,
      body: '',
      evidence: `the probe did not run: exit ${run.exitCode ?? '?'}${stderr ? `: ${lastLine(stderr)}` : ''}`,
    };
  }
  const body = run.stdout.slice(0, match.index).slice(0, MAX_BODY);
  const status = Number(match[1]);
  const lookupSeconds = Number(match[2]);
  const connectSeconds = Number(match[3]);
  const exit = run.exitCode;
  if (exit === 28) {
    if (connectSeconds === 0 && dnsTimedOut(lookupSeconds, stderr)) {
      // The name never resolved, so not one packet went to the destination: nothing here says what
      // the destination's policy does. A policy that blocks the client's DNS looks exactly like this.
      return {
        observed: 'error',
        curlExit: 28,
        body,
        evidence:
          `DNS lookup did not finish within ${CONNECT_TIMEOUT_S} s (curl exit 28${stderr ? `: ${curlLine(stderr)}` : ''}); not a policy drop: ` +
          'nothing was sent to the destination. The client may lack egress to kube-dns (UDP/TCP 53 to kube-system/kube-dns): a policy selecting it must allow DNS',
      };
    }
    if (connectSeconds === 0) {
      return {
        observed: 'dropped',
        curlExit: 28,
        body,
        evidence: `no answer to the connection attempt within ${CONNECT_TIMEOUT_S} s (curl exit 28): packets dropped`,
      };
    }
    // Connected, then nothing: a slow or stuck server, not a policy drop.
    return {
      observed: 'error',
      curlExit: 28,
      body,
      evidence: `connected after ${connectSeconds} s but got no complete reply within ${MAX_TIME_S} s (curl exit 28); not a policy drop`,
    };
  }
  if (exit !== 0) {
    const meaning = exit !== undefined && CURL_EXITS[exit] ? CURL_EXITS[exit] : 'curl failed';
    return {observed: 'error', curlExit: exit, body, evidence: `curl exit ${exit ?? '?'}: ${meaning}${stderr ? ` (${lastLine(stderr)})` : ''}`};
  }
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

/**
 * True when curl's exit 28 came while resolving the name: curl says "Resolving timed out", or the
 * lookup time stayed 0 (it is set once the name resolved, even for an IP address) and curl does not
 * say it was connecting. A timeout while connecting (lookup done, connect 0) is a drop.
 */
function dnsTimedOut(lookupSeconds: number, stderr: string): boolean {
  if (/resolving timed out/i.test(stderr)) return true;
  return lookupSeconds === 0 && !/connect/i.test(stderr);
}

/** curl's own message (kubectl exec adds "command terminated with exit code N" after it). */
function curlLine(stderr: string): string {
  return stderr.split('\n').find((l) => l.startsWith('curl: ')) ?? lastLine(stderr);
}

function lastLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines[lines.length - 1] ?? '';
}

function oneLine(text: string): string {
  const line = text.trim().replace(/\s+/g, ' ');
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
