/** Application protocols Istio recognizes, as the prefix of a port name or as `appProtocol`. */
export enum Protocol {
  /** HTTP/1.1 (and HTTP/2 upgraded). */
  HTTP = 'http',
  /** HTTP/2 with prior knowledge. */
  HTTP2 = 'http2',
  /** HTTPS (TLS carrying HTTP), passed through as TLS by the sidecar. */
  HTTPS = 'https',
  /** gRPC. */
  GRPC = 'grpc',
  /** gRPC-Web. */
  GRPC_WEB = 'grpc-web',
  /** Opaque TCP. */
  TCP = 'tcp',
  /** TLS with SNI. */
  TLS = 'tls',
  /** MongoDB wire protocol. */
  MONGO = 'mongo',
  /** MySQL wire protocol. */
  MYSQL = 'mysql',
  /** Redis wire protocol. */
  REDIS = 'redis',
  /** UDP (not proxied by the sidecar). */
  UDP = 'udp',
}

/** Protocols whose traffic Istio routes with `http` routes. @internal */
export const HTTP_PROTOCOLS: readonly Protocol[] = [Protocol.HTTP, Protocol.HTTP2, Protocol.GRPC, Protocol.GRPC_WEB];
/** Protocols whose traffic Istio routes with `tcp` routes (opaque TCP; TLS is routed by SNI). @internal */
export const TCP_PROTOCOLS: readonly Protocol[] = [Protocol.TCP, Protocol.MONGO, Protocol.MYSQL, Protocol.REDIS];
/** Protocols whose traffic Istio routes with `tls` routes, by SNI (the sidecar does not terminate it). @internal */
export const TLS_PROTOCOLS: readonly Protocol[] = [Protocol.HTTPS, Protocol.TLS];

/** Kubernetes' transport protocol of a Service port. */
export enum TransportProtocol {
  /** TCP, Kubernetes' default. */
  TCP = 'TCP',
  /** UDP. */
  UDP = 'UDP',
  /** SCTP. */
  SCTP = 'SCTP',
}

/**
 * A port the service's containers listen on that its Service does not expose (metrics, admin, a debug port): declared
 * on the container (`ports[].containerPort`) only, as Kubernetes allows a pod to listen on any port.
 */
export interface ContainerOnlyPort {
  /** The port the container listens on (1-65535), none of the Service's target ports. */
  readonly port: number;

  /**
   * The container port's name: an IANA service name (at most 15 lower-case letters, digits and '-', with a letter).
   * @default - the port is not named
   */
  readonly name?: string;

  /**
   * The port's transport protocol.
   * @default TransportProtocol.TCP (not written: Kubernetes' default)
   */
  readonly protocol?: TransportProtocol;
}

/** A port of a {@link MeshService}. */
export interface MeshServicePort {
  /** The port number the Service exposes. */
  readonly port: number;

  /**
   * The application protocol, which Istio reads from the port name (or from `appProtocol`).
   * @default Protocol.HTTP
   * @see https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/
   */
  readonly protocol?: Protocol;

  /**
   * The port name. Under Istio it must follow Istio's `<protocol>[-<suffix>]` convention (`http`, `http-web`) unless
   * `appProtocol` is set; under Linkerd, which does not read port names, any valid name (`prom`, `service`).
   * @default - the protocol itself, e.g. `http`
   */
  readonly name?: string;

  /**
   * The container port traffic is sent to; also the container port the Deployments declare.
   * @default - the same as `port` (and no `targetPort` is written)
   */
  readonly targetPort?: number;

  /**
   * A name for the container port the Deployments declare.
   * @default - the container port is not named
   */
  readonly containerPortName?: string;

  /**
   * Declare the protocol with the Service port's `appProtocol` field instead of the name, which frees the name from
   * Istio's convention. Under Linkerd the value is the one Linkerd reads as that protocol (Linkerd makes a port with any
   * other value opaque, and its routes then never apply): `http` for HTTP (HTTP/1), `kubernetes.io/h2c` for HTTP2 and
   * GRPC, `linkerd.io/opaque` for TCP, MONGO, MYSQL and REDIS; none for the others, which Linkerd detects.
   * @default false
   */
  readonly appProtocol?: boolean;

  /**
   * Write the Service port's transport `protocol` explicitly.
   * @default - not written (Kubernetes uses TCP)
   */
  readonly transport?: TransportProtocol;
}
