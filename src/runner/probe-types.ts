import type {Observed} from '../lab/outcome';
import type {ProbeKind} from '../lab/probe-request';

/**
 * What a probe asks, by kind: one definition, the lab loader's (src/lab/probe-request.ts), which
 * produces these; probeInvocation() turns one into the command a client pod runs, and classify()
 * reads that command's result.
 */
export type {ProbeKind, ProbeRequest} from '../lab/probe-request';

/** Every probe kind, in the order the docs list them. */
export const PROBE_KINDS: readonly ProbeKind[] = ['http', 'grpc', 'tcp', 'sctp', 'dns', 'icmp'];

/**
 * The command of one probe: `argv[0]` is the tool (curl, nc, dig, ping), run in the client pod after
 * `kubectl exec POD --`; `input`, when present, goes to the tool's stdin (so kubectl needs `-i`).
 */
export interface ProbeInvocation {
  argv: string[];
  input?: string;
}

/** The HTTP request of a probe. */
export interface HttpRequest {
  method: string;
  url: string;
  /** Extra request headers, sent as written. */
  headers?: Record<string, string>;
  /** An explicit Host header (wins over the one absoluteServiceUrl sets, and over a Host in `headers`). */
  host?: string;
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
  /** curl's exit code, when the probe was curl (http, grpc). */
  curlExit?: number;
  /** The tool's exit code when the probe was not curl (nc, dig, ping). */
  exitCode?: number;
  /** HTTP status, when a response came back. */
  status?: number;
  /** gRPC status code, when a gRPC reply carried one. */
  grpcStatus?: number;
  /**
   * Response body (trimmed to a reasonable length); for gRPC the decoded grpc-message; for DNS the
   * addresses of the answer; empty for tcp and icmp.
   */
  body: string;
  /** One line a learner can read: why this outcome. */
  evidence: string;
  /**
   * The connection attempt was refused rather than left unanswered (curl exit 7, nc "Connection
   * refused"): a TCP reset because nothing listens on that port, or an ICMP error on the way. Not a
   * policy verdict, but not a policy drop either: Cilium drops what an L3/L4 policy denies silently,
   * which the client sees as a timeout.
   */
  refused?: true;
}
