/**
 * ICMP probes: one echo request with iputils ping. Its summary line (iputils ping/ping_common.c,
 * finish()) reads `1 packets transmitted, 1 received, 0% packet loss, time 0ms`, with `+N errors`
 * before the loss when ICMP errors (for example Destination Host Unreachable) came back instead
 * of replies. Exit status: 0 a reply came, 1 no reply, 2 anything else, such as a name that did not
 * resolve (`ping: HOST: <gai_strerror>`).
 */
import {CONNECT_TIMEOUT_S} from './probe-curl';
import type {Classification, ProbeInvocation, ProbeRun} from './probe-types';
import {KUBE_DNS_HINT, absoluteHost, lastToolLine, resolutionFailure, toolLines} from './probe-text';

/**
 * `ping -n -c 1 -W 2 HOST`: one echo request, 2 s for the reply (as a TCP probe's connect). -n
 * prints addresses without looking their names up: a reverse lookup per reply would wait on DNS,
 * which a lab's policy may be blocking on purpose. A Service name is made absolute (see absoluteHost).
 */
export function icmpInvocation(request: {host: string}): ProbeInvocation {
  if (request.host.startsWith('-')) throw new Error(`ICMP probe host "${request.host}" would read as an option`);
  return {argv: ['ping', '-n', '-c', '1', '-W', String(CONNECT_TIMEOUT_S), absoluteHost(request.host)]};
}

/** Classifies ping: a reply allowed, silence dropped, no address unresolved, anything else error. */
export function classifyIcmp(run: ProbeRun): Classification {
  if (run.canceled) return {observed: 'error', body: '', evidence: 'interrupted before the probe finished'};
  if (run.timedOut) {
    return {observed: 'error', body: '', evidence: 'the probe command itself did not finish in time (kubectl exec or docker exec hung?)'};
  }
  const exitCode = run.exitCode;
  const lines = [...toolLines(run.stdout), ...toolLines(run.stderr)];
  const summary = lines.find((l) => /^\d+ packets transmitted, \d+ received/.test(l));
  const [transmitted, received] = summary ? (summary.match(/\d+/g) ?? []).slice(0, 2).map(Number) : [];
  const errors = summary ? Number(/\+(\d+) errors/.exec(summary)?.[1] ?? 0) : 0;
  if (summary && exitCode === 0 && received > 0) {
    return {observed: 'allowed', exitCode, body: '', evidence: `echo reply received (ping: ${summary})`};
  }
  if (summary && exitCode === 1 && transmitted > 0 && received === 0 && errors === 0) {
    return {observed: 'dropped', exitCode, body: '', evidence: `no echo reply within ${CONNECT_TIMEOUT_S} s (ping: ${summary}): packets dropped`};
  }
  if (summary && errors > 0) {
    const icmpError = lines.find((l) => /unreachable|prohibited|exceeded/i.test(l));
    return {
      observed: 'error',
      exitCode,
      body: '',
      evidence: `an ICMP error came back instead of a reply (ping: ${icmpError ?? summary}); not a silent drop`,
    };
  }
  const unresolved = lines.find((l) => l.startsWith('ping: ') && resolutionFailure(l));
  if (exitCode === 2 && unresolved) {
    return {
      observed: 'unresolved',
      exitCode,
      body: '',
      evidence: `the name did not resolve (${unresolved}); nothing was sent to the destination. If DNS did not answer, ${KUBE_DNS_HINT}`,
    };
  }
  const last = lastToolLine(run.stderr) || lastToolLine(run.stdout);
  return {observed: 'error', exitCode, body: '', evidence: `ping got no verdict: exit ${exitCode ?? '?'}${last ? `: ${last}` : ''}`};
}
