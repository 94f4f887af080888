/**
 * DNS probes: one lookup of an A record with BIND's dig, through the pod's resolver (the nameserver
 * of /etc/resolv.conf, the cluster DNS), read from dig's default output (BIND 9 bin/dig/dig.c):
 * - `;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: N` names the response code;
 * - `;; flags: qr rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0` counts the answers;
 * - with no reply within +time: `;; communications error to SERVER#53: timed out` (BIND 9.18; older
 *   digs say `;; connection timed out; no servers could be reached`), then exit 9.
 *
 * A name refused by a DNS rule of Cilium's DNS proxy gets an answer from the proxy, not silence:
 * REFUSED by default (the agent option tofqdns-dns-reject-response-code, default "refused":
 * cilium/cilium pkg/option/config.go FQDNRejectResponseCode, daemon/cmd/daemon_main.go; Helm value
 * dnsProxy.dnsRejectResponseCode, Documentation/helm-values.rst). So REFUSED is the L7 (DNS rule)
 * denial. A cluster set to "nameError" answers NXDOMAIN instead, which this probe cannot tell from
 * a name that does not exist: it stays an error, never a pass.
 */
import {CONNECT_TIMEOUT_S} from './probe-curl';
import type {Classification, ProbeInvocation, ProbeRun} from './probe-types';
import {KUBE_DNS_HINT, lastToolLine, oneLine, toolLines} from './probe-text';

/**
 * `dig +time=2 +tries=1 NAME. A`: one query, 2 s for the answer (as a TCP probe's connect), no
 * retry, so a dropped query is declared dropped in bounded time. The name gets the root dot: dig
 * does not use the search list unless told (+search), and the dot says so in the command a learner
 * reads. Without @server dig asks the nameserver of /etc/resolv.conf, as the pod's programs do.
 */
export function dnsInvocation(request: {name: string}): ProbeInvocation {
  const name = request.name.trim();
  if (!/^[A-Za-z0-9_]([A-Za-z0-9_.-]*)$/.test(name) || name.includes('..')) {
    throw new Error(`DNS probe name "${request.name}" is not a DNS name`);
  }
  return {argv: ['dig', `+time=${CONNECT_TIMEOUT_S}`, '+tries=1', name.endsWith('.') ? name : `${name}.`, 'A']};
}

/** Classifies dig: NOERROR with answers allowed, REFUSED l7-denied, no reply dropped, else error. */
export function classifyDns(run: ProbeRun): Classification {
  if (run.canceled) return {observed: 'error', body: '', evidence: 'interrupted before the probe finished'};
  if (run.timedOut) {
    return {observed: 'error', body: '', evidence: 'the probe command itself did not finish in time (kubectl exec or docker exec hung?)'};
  }
  const exitCode = run.exitCode;
  const lines = [...toolLines(run.stdout), ...toolLines(run.stderr)];
  const header = lines.map((l) => /^;; ->>HEADER<<- opcode: (\S+), status: ([A-Z]+), id: \d+$/.exec(l)).find(Boolean);
  if (exitCode === 0 && header) {
    const rcode = header[2];
    const counts = lines.map((l) => /^;; flags:[^;]*; QUERY: (\d+), ANSWER: (\d+), AUTHORITY: (\d+), ADDITIONAL: (\d+)$/.exec(l)).find(Boolean);
    const answers = counts ? Number(counts[2]) : undefined;
    const addresses = answerAddresses(run.stdout);
    const body = addresses.join(' ');
    if (rcode === 'NOERROR' && answers !== undefined && answers > 0) {
      return {observed: 'allowed', exitCode, body, evidence: `DNS NOERROR, ${answers} answer${answers === 1 ? '' : 's'}${body ? `: ${oneLine(body)}` : ''}`};
    }
    if (rcode === 'REFUSED') {
      return {observed: 'l7-denied', exitCode, body, evidence: 'DNS REFUSED: the lookup was refused (Cilium\'s DNS proxy answers a name its DNS rules do not allow with REFUSED)'};
    }
    if (rcode === 'NOERROR') {
      return {observed: 'error', exitCode, body, evidence: 'DNS NOERROR with no answer: the name exists but has no A record; not a policy verdict'};
    }
    return {
      observed: 'error',
      exitCode,
      body,
      evidence: `DNS ${rcode}: ${rcode === 'NXDOMAIN' ? 'no such name' : rcode === 'SERVFAIL' ? 'the DNS server failed to answer' : 'an answer that is neither an allow nor the proxy\'s REFUSED'}; not a policy verdict`,
    };
  }
  const timedOut = lines.find((l) => /^;; (communications error to \S+: timed out|connection timed out; no servers could be reached)$/.test(l));
  const otherFailure = lines.find((l) => /^;; communications error to \S+: (?!timed out$)/.test(l));
  if (exitCode === 9 && timedOut && !otherFailure) {
    return {
      observed: 'dropped',
      exitCode,
      body: '',
      evidence: `no DNS answer within ${CONNECT_TIMEOUT_S} s (dig: ${timedOut.replace(/^;; /, '')}): the query or its answer was dropped; ${KUBE_DNS_HINT}`,
    };
  }
  const last = otherFailure?.replace(/^;; /, '') || lastToolLine(run.stderr) || lastToolLine(run.stdout);
  return {observed: 'error', exitCode, body: '', evidence: `dig got no usable answer: exit ${exitCode ?? '?'}${last ? `: ${last}` : ''}`};
}

/** The addresses of the A records in dig's ANSWER SECTION. */
function answerAddresses(stdout: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith(';; ANSWER SECTION:'));
  if (start < 0) return [];
  const addresses: string[] = [];
  // The section runs until the blank line after it; a record is NAME TTL CLASS TYPE DATA.
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '' || line.startsWith(';;')) break;
    const fields = line.trim().split(/\s+/);
    if (fields[3] === 'A' && fields[4]) addresses.push(fields[4]);
  }
  return addresses;
}
