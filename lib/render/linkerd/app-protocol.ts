/**
 * The Service port `appProtocol` Linkerd reads for a protocol of Istio's vocabulary (`http`, `grpc`, `tcp`…), or
 * undefined where Linkerd has no value for it and detects the protocol itself.
 *
 * Linkerd 2.18 and later read `appProtocol` on the Service's ports (linkerd/linkerd2
 * `policy-controller/core/src/outbound.rs`, `AppProtocol::from_str`): `http` is HTTP/1, `kubernetes.io/h2c` HTTP/2,
 * `linkerd.io/opaque` and `linkerd.io/tcp` opaque; **any other value is opaque too** (`AppProtocol::Unknown`, served as
 * TCP by `policy-controller/grpc/src/outbound.rs`), so Istio's `grpc` or `http2` would turn off every HTTPRoute and
 * GRPCRoute of the port, its retries and its timeouts. gRPC and HTTP/2 are `kubernetes.io/h2c` (a GRPCRoute then
 * applies); TCP and the server-speaks-first protocols opaque; TLS, HTTPS, gRPC-Web and UDP are left to Linkerd's
 * detection (opaque would also turn off its TLSRoutes).
 */
export function linkerdAppProtocol(protocol: string): string | undefined {
  switch (protocol) {
    case 'http': return 'http';
    case 'http2':
    case 'grpc': return 'kubernetes.io/h2c';
    case 'tcp':
    case 'mongo':
    case 'mysql':
    case 'redis': return 'linkerd.io/opaque';
    default: return undefined;
  }
}
