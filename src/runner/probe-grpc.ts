/**
 * gRPC probes: one unary call with curl over HTTP/2 cleartext, classified on the gRPC status.
 *
 * What a client sees when Cilium's L7 policy refuses the call: Cilium's HTTP filter answers a denied
 * request itself with `sendLocalReply(Http::Code::Forbidden, denied_403_body_, ...)` and no gRPC
 * status of its own (cilium/proxy cilium/l7policy.cc, AccessFilter::decodeHeaders; the body is
 * "Access denied" + CRLF unless the agent's http-403-msg option, cilium/cilium pkg/option/config.go, sets another). For a gRPC request
 * (content-type application/grpc) Envoy does not send that 403: Utility::prepareLocalReply
 * (envoyproxy/envoy source/common/http/utility.cc) sets `:status` 200, content-type
 * application/grpc, `grpc-status` from Grpc::Utility::httpToGrpcStatus(403) = 7 PERMISSION_DENIED
 * (source/common/grpc/status.cc, after grpc/grpc doc/http-grpc-status-mapping.md) and `grpc-message`
 * = PercentEncoding::encode(body) ("Access denied%0D%0A"), and encodeLocalReply sends those headers
 * alone, with end of stream: a trailers-only response.
 *
 * So the status decides, never an HTTP 403. PERMISSION_DENIED alone is not enough: a gRPC server
 * refuses calls with 7 for its own reasons too (its own authorisation), and that says nothing about
 * the network policy. Only 7 with the proxy's message "Access denied" is the L7 proxy's denial,
 * exactly as an HTTP probe needs the 403 *and* the body.
 */
import {ACCESS_DENIED} from './probe-http';
import {CURL_COMMON, WRITE_OUT, absoluteServiceUrl, curlOutcome, isClassification} from './probe-curl';
import type {Classification, ProbeInvocation, ProbeRun} from './probe-types';
import {oneLine} from './probe-text';

/**
 * One gRPC message with an empty protobuf in it: the 5-byte prefix of the gRPC wire format (a
 * compressed-flag byte 0, then the message length 0 as 4 bytes big-endian; grpc/grpc
 * doc/PROTOCOL-HTTP2.md, "Length-Prefixed-Message") and no bytes after it. An empty message is a
 * valid request for any method (every protobuf field is optional on the wire), so the probe needs
 * no .proto file.
 */
export const EMPTY_GRPC_MESSAGE = '\0\0\0\0\0';

/** gRPC status codes by number (grpc/grpc doc/statuscodes.md). */
export const GRPC_STATUS_NAMES: readonly string[] = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
  'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
];

/** PERMISSION_DENIED: what Envoy maps the proxy's 403 to. */
const PERMISSION_DENIED = 7;

/** Enough of the header dump for every header and trailer a unary reply carries. */
const MAX_HEADERS = 8_000;

/**
 * The curl command of a gRPC call. `--http2-prior-knowledge` speaks HTTP/2 from the first byte
 * (cleartext gRPC has no upgrade); the request is a POST with content-type application/grpc and
 * `te: trailers` (both required by grpc/grpc doc/PROTOCOL-HTTP2.md); the message comes from stdin
 * (`--data-binary @-` sends it byte for byte; a NUL cannot travel in an argument).
 *
 * The status may come in the response headers (a trailers-only reply, as Envoy's local replies and
 * servers' errors are) or in the trailers after the message. curl writes trailers to the header
 * callback like headers (curl lib/http2.c, handle_stream_close: CLIENTWRITE_HEADER|CLIENTWRITE_TRAILER),
 * so `--dump-header -` puts both on stdout, before the --write-out summary; the reply message itself
 * is binary and goes to /dev/null.
 */
export function grpcInvocation(request: {url: string}): ProbeInvocation {
  let parsed: URL;
  try {
    parsed = new URL(request.url);
  } catch {
    throw new Error(`gRPC probe URL "${request.url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:') throw new Error(`gRPC probe URL "${request.url}" must be http:// (HTTP/2 cleartext)`);
  const {url, host} = absoluteServiceUrl(request.url);
  return {
    argv: [
      'curl',
      ...CURL_COMMON,
      '--http2-prior-knowledge',
      '--request', 'POST',
      ...(host ? ['--header', `Host: ${host}`] : []),
      '--header', 'content-type: application/grpc',
      '--header', 'te: trailers',
      '--data-binary', '@-',
      '--output', '/dev/null',
      '--dump-header', '-',
      '--write-out', WRITE_OUT,
      url,
    ],
    input: EMPTY_GRPC_MESSAGE,
  };
}

/** Classifies a gRPC call by its grpc-status: 0 allowed, 7 "Access denied" l7-denied, else error. */
export function classifyGrpc(run: ProbeRun): Classification {
  const reply = curlOutcome(run, MAX_HEADERS);
  if (isClassification(reply)) return {...reply, body: ''};
  const {status} = reply;
  const grpcStatusText = lastHeader(reply.output, 'grpc-status');
  if (grpcStatusText === undefined || !/^\d+$/.test(grpcStatusText)) {
    return {
      observed: 'error',
      curlExit: 0,
      status,
      body: '',
      evidence: `HTTP ${status} with ${grpcStatusText === undefined ? 'no grpc-status' : `grpc-status "${grpcStatusText}"`}: not a gRPC reply`,
    };
  }
  const grpcStatus = Number(grpcStatusText);
  const message = percentDecode(lastHeader(reply.output, 'grpc-message') ?? '');
  const name = GRPC_STATUS_NAMES[grpcStatus] ?? 'not a gRPC status code';
  const said = `gRPC status ${grpcStatus} ${name}${message.trim() ? ` "${oneLine(message)}"` : ''}`;
  const base = {curlExit: 0, status, grpcStatus, body: message};
  if (grpcStatus === 0) return {...base, observed: 'allowed', evidence: said};
  if (grpcStatus === PERMISSION_DENIED && message.includes(ACCESS_DENIED)) {
    return {...base, observed: 'l7-denied', evidence: `${said} from the L7 proxy`};
  }
  if (grpcStatus === PERMISSION_DENIED) {
    return {...base, observed: 'error', evidence: `${said}: the server's own refusal, not the L7 proxy's (its message is "${ACCESS_DENIED}")`};
  }
  return {...base, observed: 'error', evidence: `${said}: neither OK nor the L7 proxy's PERMISSION_DENIED "${ACCESS_DENIED}"`};
}

/** The value of the last `name:` line of a header dump (trailers come after headers). */
function lastHeader(dump: string, name: string): string | undefined {
  let value: string | undefined;
  for (const line of dump.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) value = line.slice(colon + 1).trim();
  }
  return value;
}

/**
 * grpc-message is percent-encoded UTF-8 (grpc/grpc doc/PROTOCOL-HTTP2.md, "Responses"); Envoy
 * encodes every byte outside 0x20-0x7D and '%' (PercentEncoding::encode). A malformed escape stays
 * as written, as the spec asks.
 */
function percentDecode(value: string): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < value.length; ) {
    const hex = value.slice(i + 1, i + 3);
    if (value[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 3;
    } else {
      const char = String.fromCodePoint(value.codePointAt(i)!);
      bytes.push(...encoder.encode(char));
      i += char.length;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
