/**
 * What the curl-based probes (http, grpc) share: the time limits, the summary curl appends with
 * --write-out, and the reading of a curl run that got no reply (timeouts, names that did not
 * resolve, refused connections). Classification follows cilium-cli's connectivity tests
 * (cilium/cilium cilium-cli/connectivity/check/result.go: ResultDropCurlTimeout, a drop is curl
 * exit 28): a connect timeout is a drop at L3/L4; anything that is not clearly a verdict is `error`.
 */
import type {Classification, ProbeRun} from './probe-types';
import {KUBE_DNS_HINT, SERVICE_FQDN, lastLine} from './probe-text';

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
export const WRITE_OUT = '[netpol-labs code=%{http_code} dns=%{time_namelookup} connect=%{time_connect}]';
const MARKER_RE = /\[netpol-labs code=(\d{3}) dns=([0-9.]+) connect=([0-9.]+)\]\s*$/;

/** The curl options every curl probe starts with: errors on stderr, and the two time limits. */
export const CURL_COMMON = ['--silent', '--show-error', '--connect-timeout', String(CONNECT_TIMEOUT_S), '--max-time', String(MAX_TIME_S)];

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

/** curl exit codes a learner meets, in words (from curl's man page, EXIT CODES). */
const CURL_EXITS: Record<number, string> = {
  6: 'could not resolve the host (DNS)',
  7: 'connection refused (nothing listening, or the pod is restarting)',
  16: 'HTTP/2 error',
  22: 'HTTP error under --fail',
  28: 'operation timed out',
  52: 'the server closed the connection without a reply',
  56: 'connection reset while receiving',
  92: 'HTTP/2 stream error (the stream was reset)',
};

/** A curl run that produced a reply: what came before the summary, and the summary's numbers. */
export interface CurlReply {
  /** stdout before curl's --write-out summary (the body, or the header dump). */
  output: string;
  status: number;
}

/**
 * Reads a curl run up to the reply. A run that got no reply (or never ran) is classified here and
 * comes back as a Classification; a run that got one (curl exit 0) comes back as a CurlReply for
 * the kind's own reading. `output` is trimmed to `maxOutput` characters for the evidence.
 */
export function curlOutcome(run: ProbeRun, maxOutput: number): Classification | CurlReply {
  if (run.canceled) return {observed: 'error', body: '', evidence: 'interrupted before the probe finished'};
  if (run.timedOut) {
    return {observed: 'error', body: '', evidence: 'the probe command itself did not finish in time (kubectl exec or docker exec hung?)'};
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
  const output = run.stdout.slice(0, match.index).slice(0, maxOutput);
  const status = Number(match[1]);
  const lookupSeconds = Number(match[2]);
  const connectSeconds = Number(match[3]);
  const exit = run.exitCode;
  const body = output;
  if (exit === 6) {
    // curl asked the resolver and got no address: nothing was sent to the destination.
    return {
      observed: 'unresolved',
      curlExit: 6,
      body,
      evidence: `the name did not resolve (curl exit 6${stderr ? `: ${curlLine(stderr)}` : ''}); nothing was sent to the destination`,
    };
  }
  if (exit === 28) {
    if (connectSeconds === 0 && dnsTimedOut(lookupSeconds, stderr)) {
      // The name never resolved, so not one packet went to the destination: nothing here says what
      // the destination's policy does. A policy that blocks the client's DNS looks exactly like this.
      return {
        observed: 'unresolved',
        curlExit: 28,
        body,
        evidence:
          `the name did not resolve within ${CONNECT_TIMEOUT_S} s (curl exit 28${stderr ? `: ${curlLine(stderr)}` : ''}); not a policy drop at the destination: ` +
          `nothing was sent to it. DNS did not answer: ${KUBE_DNS_HINT}`,
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
    return {
      observed: 'error',
      curlExit: exit,
      body,
      evidence: `curl exit ${exit ?? '?'}: ${meaning}${stderr ? ` (${lastLine(stderr)})` : ''}`,
      // Exit 7: the connection attempt was answered with a refusal (a reset, or an ICMP error: curl
      // 7.88 words both "Couldn't connect to server"). Either way not the silence of a policy drop.
      ...(exit === 7 ? {refused: true as const} : {}),
    };
  }
  return {output, status};
}

/** True when curlOutcome already decided (no reply to read). */
export function isClassification(value: Classification | CurlReply): value is Classification {
  return 'observed' in value;
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
