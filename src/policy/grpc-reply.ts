/**
 * What a gRPC client sees when Cilium's L7 proxy refuses its call. Kept apart from l7.ts, which the
 * runner's probes share, so the probe code does not carry it.
 */
import {ACCESS_DENIED, type EffectiveRequest} from './l7';

/**
 * What a gRPC client gets instead of the proxy's 403. Cilium's filter refuses with
 * `sendLocalReply(Http::Code::Forbidden, ...)` (cilium/proxy cilium/l7policy.cc), and Envoy turns a
 * local reply to a gRPC request into a gRPC status (envoyproxy/envoy source/common/http/utility.cc,
 * Utility::prepareLocalReply with is_grpc): `:status` 200, `grpc-status` from
 * Grpc::Utility::httpToGrpcStatus(403) = 7 PERMISSION_DENIED (source/common/grpc/status.cc, after
 * grpc/grpc doc/http-grpc-status-mapping.md), `grpc-message` the percent-encoded body, all in the
 * headers of a trailers-only reply (Utility::encodeLocalReply). Cilium's docs still show an old
 * client's "Received http2 header with status: 403" (Documentation/security/grpc.rst).
 */
export const GRPC_PERMISSION_DENIED = {status: 200, grpcStatus: 7, grpcStatusName: 'PERMISSION_DENIED', grpcMessage: ACCESS_DENIED.body} as const;

/**
 * Whether Envoy treats the request as gRPC, so that a refusal reaches the client as a gRPC status:
 * content-type exactly `application/grpc` or starting with `application/grpc+` (envoyproxy/envoy
 * source/common/grpc/common.cc, Common::hasGrpcContentType; application/grpc-web is not gRPC).
 */
export function isGrpcRequest(req: EffectiveRequest): boolean {
  const type = req.headers['content-type'];
  return type !== undefined && (type === 'application/grpc' || type.startsWith('application/grpc+'));
}
