/**
 * Probes: the command a client pod runs for each kind of probe, and how its result becomes a named
 * outcome. Each kind lives in its own module (probe-http, probe-grpc, probe-tcp, probe-sctp,
 * probe-dns, probe-icmp); this one chooses by kind and re-exports what the runner and the tests use.
 *
 * The rule every kind follows: an outcome is only claimed when the tool's output says exactly that
 * (a reply, a silent timeout after the name resolved, the proxy's own denial, a name that did not
 * resolve); anything else proves nothing about policy and is an `error`, never a pass.
 */
import {classifyDns, dnsInvocation} from './probe-dns';
import {classifyGrpc, grpcInvocation} from './probe-grpc';
import {classifyHttp, curlArgs} from './probe-http';
import {classifyIcmp, icmpInvocation} from './probe-icmp';
import {classifySctp, sctpInvocation} from './probe-sctp';
import {classifyTcp, tcpInvocation} from './probe-tcp';
import type {Classification, ProbeInvocation, ProbeKind, ProbeRequest, ProbeRun} from './probe-types';

export type {Classification, HttpRequest, ProbeInvocation, ProbeKind, ProbeRequest, ProbeRun} from './probe-types';
export {PROBE_KINDS} from './probe-types';
export {CONNECT_TIMEOUT_S, MAX_TIME_S, absoluteServiceUrl} from './probe-curl';
export {ACCESS_DENIED, curlArgs} from './probe-http';
export {EMPTY_GRPC_MESSAGE, GRPC_STATUS_NAMES} from './probe-grpc';
export {absoluteHost} from './probe-text';
export {SCTP_CONNECT_TIMEOUT_S} from './probe-sctp';

/**
 * The command of one probe, as an argument array (never a shell string): `argv[0]` is the tool
 * (curl, nc, socat, dig, ping) and the rest its arguments; `input`, when present, must reach the tool's
 * stdin (`kubectl exec -i`). The same array runs in a pod and, in the tests, against real servers.
 * Throws on a request that cannot be expressed safely (a header with a line break, a port out of range).
 */
export function probeInvocation(request: ProbeRequest): ProbeInvocation {
  switch (request.kind) {
    case 'http':
      return {argv: ['curl', ...curlArgs(request)]};
    case 'grpc':
      return grpcInvocation(request);
    case 'tcp':
      return tcpInvocation(request);
    case 'sctp':
      return sctpInvocation(request);
    case 'dns':
      return dnsInvocation(request);
    case 'icmp':
      return icmpInvocation(request);
  }
}

/**
 * Turns a probe's result into an outcome, read the way the probe's kind writes it. Pure; the tests
 * feed it results of real runs. `kind` defaults to 'http', what every probe was before kinds.
 */
export function classify(run: ProbeRun, kind: ProbeKind = 'http'): Classification {
  switch (kind) {
    case 'http':
      return classifyHttp(run);
    case 'grpc':
      return classifyGrpc(run);
    case 'tcp':
      return classifyTcp(run);
    case 'sctp':
      return classifySctp(run);
    case 'dns':
      return classifyDns(run);
    case 'icmp':
      return classifyIcmp(run);
    default:
      // A kind this build does not know (a newer lab file, a script edited by hand): no verdict.
      return {observed: 'error', body: '', evidence: `unknown probe kind "${String(kind)}"`};
  }
}
