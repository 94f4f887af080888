/**
 * TCP probes: a connect and nothing more, with netcat-openbsd (`nc -z`: "scan for listening daemons,
 * without sending any data", nc(1)). Its messages, from netcat.c (Debian's netcat-openbsd, which
 * Alpine's package builds from the same Debian sources and patches, see CLIENT_IMAGE), on stderr:
 * - `Connection to HOST PORT port [tcp/SERVICE] succeeded!` (with -v), exit 0;
 * - `nc: connect to HOST port PORT (tcp) timed out: Operation now in progress` when -w passed with
 *   no answer to the SYN, exit 1;
 * - `nc: connect to HOST port PORT (tcp) failed: Connection refused`, exit 1;
 * - `nc: getaddrinfo for host "HOST" port PORT: <gai_strerror>` when the name did not resolve, exit 1.
 */
import {CONNECT_TIMEOUT_S} from './probe-curl';
import type {Classification, ProbeInvocation, ProbeRun} from './probe-types';
import {KUBE_DNS_HINT, absoluteHost, lastToolLine, resolutionFailure, toolLines} from './probe-text';

/**
 * `nc -z -v -w 2 HOST PORT`: -z connects without sending, -v prints the result, -w 2 bounds the
 * connect as curl's --connect-timeout does. A Service name is made absolute (see absoluteHost) so
 * the search list does not spend the time meant for the connect. The name lookup itself is bounded
 * by the pod's resolver (resolv.conf timeout and attempts), not by -w.
 */
export function tcpInvocation(request: {host: string; port: number}): ProbeInvocation {
  if (!Number.isInteger(request.port) || request.port < 1 || request.port > 65535) {
    throw new Error(`TCP probe port ${request.port} is not a port number (1-65535)`);
  }
  if (request.host.startsWith('-')) throw new Error(`TCP probe host "${request.host}" would read as an option`);
  return {argv: ['nc', '-z', '-v', '-w', String(CONNECT_TIMEOUT_S), absoluteHost(request.host), String(request.port)]};
}

/** Classifies `nc -z -v`: connected allowed, connect timed out dropped, no address unresolved, else error. */
export function classifyTcp(run: ProbeRun): Classification {
  if (run.canceled) return {observed: 'error', body: '', evidence: 'interrupted before the probe finished'};
  if (run.timedOut) {
    return {observed: 'error', body: '', evidence: 'the probe command itself did not finish in time (kubectl exec or docker exec hung?)'};
  }
  const exitCode = run.exitCode;
  // nc -v writes its verdict on stderr; kubectl exec passes it through and adds its own last line.
  const lines = [...toolLines(run.stderr), ...toolLines(run.stdout)];
  const said = (re: RegExp) => lines.find((l) => re.test(l));
  const succeeded = said(/^Connection to .+ succeeded!$/);
  if (exitCode === 0 && succeeded) {
    return {observed: 'allowed', exitCode, body: '', evidence: `TCP connection established (nc: ${succeeded})`};
  }
  const unresolved = said(/^nc: getaddrinfo for host /);
  if (exitCode === 1 && unresolved && resolutionFailure(unresolved)) {
    return {
      observed: 'unresolved',
      exitCode,
      body: '',
      evidence: `the name did not resolve (${unresolved}); nothing was sent to the destination. If DNS did not answer, ${KUBE_DNS_HINT}`,
    };
  }
  // Debian's patch set says "timed out: Operation now in progress" (seen with 1.219); plain OpenBSD
  // code reports ETIMEDOUT as "failed: Connection timed out". Both mean the SYN got no answer.
  const timedOut = said(/^nc: connect to .* \(tcp\) (timed out|failed: Connection timed out)/);
  if (exitCode === 1 && timedOut) {
    return {observed: 'dropped', exitCode, body: '', evidence: `no answer to the SYN within ${CONNECT_TIMEOUT_S} s (${timedOut}): packets dropped`};
  }
  const refused = said(/^nc: connect to .* \(tcp\) failed: Connection refused$/);
  if (refused) {
    return {observed: 'error', exitCode, body: '', evidence: `connection refused (${refused}): nothing listening there, or the pod is restarting; not a policy verdict`, refused: true};
  }
  const last = lastToolLine(run.stderr) || lastToolLine(run.stdout);
  return {
    observed: 'error',
    exitCode,
    body: '',
    evidence: exitCode === 0
      ? `nc exited 0 without saying it connected${last ? ` (${last})` : ''}`
      : `the probe did not connect: exit ${exitCode ?? '?'}${last ? `: ${last}` : ''}`,
  };
}
