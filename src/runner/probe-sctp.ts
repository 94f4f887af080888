/**
 * SCTP probes: one association (INIT, INIT-ACK, COOKIE-ECHO, COOKIE-ACK) and nothing sent, with
 * socat, the one SCTP client in the client image (nicolaka/netshoot installs socat; its nc is
 * netcat-openbsd, which has no SCTP, and it has no ncat). socat writes its log lines on stderr as
 * `YYYY/MM/DD HH:MM:SS socat[PID] L message`, L the level (N notice, E error). The messages, from
 * socat's sources (xio-socket.c `xioopen_connect()` and `_xioopen_connect()`, `xiosocket()`; xio-ip.c
 * `xiogetaddrinfo()`; socat.c):
 * - `N opening connection to AF=2 ADDRESS:PORT` first, with the resolved address;
 * - with `connect-timeout` the connect is non-blocking, so success prints no "successfully
 *   connected" line but `N starting data transfer loop with FDs [..] and [..]`, exit 0;
 * - `E connecting to AF=2 ADDRESS:PORT: Connection timed out` when the timeout passed without an
 *   answer to the INIT (the poll returned nothing: strerror(ETIMEDOUT)), exit 1;
 * - `E connect(FD, AF=2 ADDRESS:PORT, LEN): Connection refused` when the peer answered the INIT
 *   with an ABORT because nothing listens there (Linux net/sctp/sm_statefuns.c,
 *   sctp_sf_cookie_wait_abort() reports ECONNREFUSED), exit 1;
 * - `E getaddrinfo("NAME", "PORT", {..}, {}): <gai_strerror>` when the name did not resolve, exit 1;
 * - `E socket(2, 1, 132): Protocol not supported` when the kernel has no SCTP (no sctp module on
 *   the host: pods share the node's kernel, and kind's nodes the host's), exit 1.
 */
import type {Classification, ProbeInvocation, ProbeRun} from './probe-types';
import {KUBE_DNS_HINT, absoluteHost, lastToolLine, resolutionFailure, toolLines} from './probe-text';

/**
 * Seconds socat waits for the association. Longer than a TCP probe's 2 s: an unanswered INIT is
 * sent again after RTO.Initial, 3 s (RFC 4960 section 15, RTO.Initial; Linux `net.sctp.rto_initial` =
 * 3000 ms, Documentation/networking/ip-sysctl.rst), where a SYN is retried after 1 s. 4 s lets one INIT be
 * lost (the first packet to a new pod waits for neighbour resolution) without reading as a drop.
 */
export const SCTP_CONNECT_TIMEOUT_S = 4;

/**
 * `socat -d -d -u /dev/null SCTP-CONNECT:HOST:PORT,connect-timeout=4`: -u copies only from
 * /dev/null to the association, so nothing is sent and the EOF ends it at once; -d -d prints the
 * notices that say it connected. A Service name is made absolute (see absoluteHost). socat reads
 * `:` `,` `!!` and quotes inside an address as syntax (socat(1), ADDRESS SPECIFICATIONS), so a host
 * with any of them, or one that would read as an option, is refused rather than passed on.
 */
export function sctpInvocation(request: {host: string; port: number}): ProbeInvocation {
  if (!Number.isInteger(request.port) || request.port < 1 || request.port > 65535) {
    throw new Error(`SCTP probe port ${request.port} is not a port number (1-65535)`);
  }
  if (request.host.startsWith('-') || !/^[A-Za-z0-9.-]+$/.test(request.host)) {
    throw new Error(`SCTP probe host "${request.host}" is not a name or an IPv4 address socat can take as it is (letters, digits, dots and dashes)`);
  }
  return {
    argv: ['socat', '-d', '-d', '-u', '/dev/null', `SCTP-CONNECT:${absoluteHost(request.host)}:${request.port},connect-timeout=${SCTP_CONNECT_TIMEOUT_S}`],
  };
}

/** A socat log line of level `level` whose message matches `message`. */
const logLine = (level: 'N' | 'E', message: RegExp) => (line: string) => new RegExp(`(^|\\s)${level} ${message.source}`).test(line);

/**
 * Classifies socat's SCTP-CONNECT: an association allowed, no answer to the INIT dropped, no address
 * unresolved; a refusal (ABORT), a kernel without SCTP and anything else are errors.
 */
export function classifySctp(run: ProbeRun): Classification {
  if (run.canceled) return {observed: 'error', body: '', evidence: 'interrupted before the probe finished'};
  if (run.timedOut) {
    return {observed: 'error', body: '', evidence: 'the probe command itself did not finish in time (kubectl exec or docker exec hung?)'};
  }
  const exitCode = run.exitCode;
  // socat logs on stderr; kubectl exec passes it through and adds its own last line.
  const lines = [...toolLines(run.stderr), ...toolLines(run.stdout)];
  const said = (level: 'N' | 'E', message: RegExp) => lines.find(logLine(level, message));
  const message = (line: string) => line.replace(/^.*?\ssocat\[\d+\]\s/, '');
  const opening = said('N', /opening connection to /);
  if (exitCode === 0 && said('N', /starting data transfer loop /)) {
    return {observed: 'allowed', exitCode, body: '', evidence: `SCTP association established (socat: ${opening ? message(opening) : 'data transfer loop started'})`};
  }
  if (exitCode !== 0) {
    const noSctp = said('E', /socket\(\d+, \d+, 132\): Protocol not supported$/);
    if (noSctp) {
      return {
        observed: 'error',
        exitCode,
        body: '',
        evidence: `this node's kernel has no SCTP (socat: ${message(noSctp)}): load the sctp module on the host (sudo modprobe sctp); pods and kind's nodes use the host's kernel`,
      };
    }
    const lookup = said('E', /getaddrinfo\(/);
    if (lookup && resolutionFailure(lookup)) {
      return {
        observed: 'unresolved',
        exitCode,
        body: '',
        evidence: `the name did not resolve (socat: ${message(lookup)}); nothing was sent to the destination. If DNS did not answer, ${KUBE_DNS_HINT}`,
      };
    }
    const timedOut = said('E', /connecting to .+: Connection timed out$/);
    if (timedOut) {
      return {
        observed: 'dropped',
        exitCode,
        body: '',
        evidence: `no answer to the INIT within ${SCTP_CONNECT_TIMEOUT_S} s (socat: ${message(timedOut)}): packets dropped. If Hubble says "CT: Unknown L4 protocol", Cilium's SCTP support is off`,
      };
    }
    const refused = said('E', /connect\(\d+, .+\): Connection refused$/);
    if (refused) {
      return {
        observed: 'error',
        exitCode,
        body: '',
        evidence: `the peer answered the INIT with an ABORT (socat: ${message(refused)}): nothing listens on that SCTP port, or the pod is restarting; not a policy verdict`,
        refused: true,
      };
    }
  }
  const last = lastToolLine(run.stderr) || lastToolLine(run.stdout);
  return {
    observed: 'error',
    exitCode,
    body: '',
    evidence: exitCode === 0
      ? `socat exited 0 without starting its transfer loop${last ? ` (${message(last)})` : ''}`
      : `the probe did not associate: exit ${exitCode ?? '?'}${last ? `: ${message(last)}` : ''}`,
  };
}
