/**
 * The data-plane model's public vocabulary: a request, and where the mesh sends it.
 *
 * A request starts at a workload (its sidecar, its ztunnel, its Linkerd proxy, or kube-proxy when it has no mesh) or
 * at a gateway; the model answers as the implementation would: the listener chosen, the route object and rule, the
 * destinations as a distribution over versions, the filters applied, the authorization verdict, or why nothing answers.
 */

/** What the client speaks. `http2` and `grpc` are HTTP/2; `tls` is a TLS connection the mesh does not terminate (passthrough). */
export type TrafficProtocol = 'http' | 'http2' | 'grpc' | 'tcp' | 'tls';

/** Every protocol the model knows, in the order `--protocol` lists them. */
export const TRAFFIC_PROTOCOLS: readonly TrafficProtocol[] = ['http', 'http2', 'grpc', 'tcp', 'tls'];

/** A request to route. */
export interface TrafficRequest {
  /**
   * The calling workload, `namespace/name` of a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or Pod: the request
   * leaves through its data plane (Istio sidecar, ambient ztunnel, Linkerd proxy, or kube-proxy when it has none).
   * Exactly one of `from` and `gateway`.
   * @default - none: `gateway` must be given
   */
  readonly from?: string;
  /**
   * The gateway the request enters, `namespace/name` of an Istio `Gateway` or a Gateway API `Gateway` (a ListenerSet's
   * parent). Exactly one of `from` and `gateway`.
   * @default - none: `from` must be given
   */
  readonly gateway?: string;
  /**
   * The host called: the Host header (`:authority` for HTTP/2), the SNI of a TLS call unless `sni` is given. From a
   * workload, a Service's short name resolves in the caller's namespace, as Kubernetes DNS does (`reviews`,
   * `reviews.shop`, `reviews.shop.svc.cluster.local`).
   * @default - from a gateway, the gateway's address (no Host header the routes could match); from a workload, required
   */
  readonly host?: string;
  /**
   * The destination port.
   * @default - a gateway's first listener (server) port; the Service's port when it has exactly one; else 80
   */
  readonly port?: number;
  /**
   * What the client speaks.
   * @default 'http'
   */
  readonly protocol?: TrafficProtocol;
  /**
   * Whether the client wraps the request in TLS to the gateway (HTTPS): TLS listeners and servers need it.
   * @default - true for `tls`, and for a request through a gateway port whose listener or server is HTTPS/TLS
   */
  readonly tls?: boolean;
  /**
   * The TLS server name the client sends.
   * @default - the host
   */
  readonly sni?: string;
  /**
   * The HTTP method.
   * @default 'GET' ('POST' for grpc)
   */
  readonly method?: string;
  /**
   * The path, with any query string (`/reviews/1?x=1`); for gRPC, `/package.Service/Method`.
   * @default '/'
   */
  readonly path?: string;
  /**
   * Query parameters added to the path's own.
   * @default - none
   */
  readonly query?: { readonly [name: string]: string };
  /**
   * Request headers (names are case-insensitive; gRPC metadata too).
   * @default - none
   */
  readonly headers?: { readonly [name: string]: string };
}

/** What happened to the request. */
export type TrafficOutcome =
  /** Sent to one or more destinations (see `destinations`). */
  | 'routed'
  /** Answered by the data plane with a redirect (see `redirect`). */
  | 'redirected'
  /** Answered by the data plane itself, no backend involved (a CORS preflight; see `status` and `filters.responseHeaders`). */
  | 'answered'
  /** No listener, virtual host or rule takes it: 404 for HTTP, a closed connection for TCP. */
  | 'no-route'
  /** Refused by authorization or mutual TLS: 403 for HTTP, a reset connection for TCP. */
  | 'denied'
  /** A route was chosen but nothing can answer: no pods behind it, no healthy upstream, an unresolved reference (503/500). */
  | 'unavailable'
  /** The model cannot decide (an EnvoyFilter, a Wasm or Lua extension in the path): see `reason`; never a guess. */
  | 'undecided';

/** Which data plane decided. */
export type DataPlaneKind =
  /** The caller's Istio sidecar (outbound). */
  | 'istio-sidecar'
  /** An Istio gateway deployment (`networking.istio.io` Gateway). */
  | 'istio-gateway'
  /** Ambient mode: the caller's ztunnel, and the destination's waypoint when it has one. */
  | 'istio-ambient'
  /** A Gateway API gateway (`gateway.networking.k8s.io` Gateway), as the Gateway API specifies it. */
  | 'gateway-api'
  /** The caller's Linkerd proxy. */
  | 'linkerd'
  /** No mesh: kube-proxy spreads connections over the Service's ready pods. */
  | 'kubernetes';

/** An object of the configuration, named. */
export interface TrafficObjectRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** The route object and rule that took the request. */
export interface TrafficRouteRef extends TrafficObjectRef {
  /** The rule's index (a VirtualService's `http[n]`/`tcp[n]`/`tls[n]`, an HTTPRoute's `rules[n]`), from 0. */
  readonly rule: number;
  /** The rule's name, when it has one (VirtualService `http[].name`, Gateway API `rules[].name`). */
  readonly ruleName?: string;
  /** The index of the match that took the request within the rule, when the rule has matches. */
  readonly match?: number;
  /** For a delegated VirtualService: the root that delegated to it. */
  readonly delegatedFrom?: TrafficRouteRef;
}

/** The listener (Gateway API) or server (Istio Gateway) that accepted a gateway request. */
export interface TrafficListenerRef extends TrafficObjectRef {
  /** The listener's name (Gateway API) or the server's port name (Istio). */
  readonly listener?: string;
  readonly port: number;
  /** `HTTP`, `HTTPS`, `TLS`, `TCP`, `GRPC`, `HTTP2`, … as written. */
  readonly protocol: string;
  /** The listener's hostname or the server's hosts. */
  readonly hostnames: readonly string[];
  /**
   * For a listener that takes TLS: whether it terminates it (the backend receives plain text, unless re-encrypted) or
   * passes it through (the backend receives the client's TLS, SNI included).
   * @default - none: the listener takes no TLS
   */
  readonly tlsMode?: 'Terminate' | 'Passthrough';
}

/** One place requests go, with its share. */
export interface TrafficDestination {
  /** `namespace/name` of a Service, or an external host (a ServiceEntry's, an egress destination). */
  readonly service: string;
  /** The destination port, when known. */
  readonly port?: number;
  /** The DestinationRule subset named by the route, if any. */
  readonly subset?: string;
  /** The pods' `version` label (`app.kubernetes.io/version` when they have no `version`), when they have one. */
  readonly version?: string;
  /** The workloads behind it, `namespace/name` (Deployments, StatefulSets, … and Pods made directly), sorted. */
  readonly workloads: readonly string[];
  /** The share of requests, in percent (the shares of a result add up to 100 unless some are refused or failed). */
  readonly weight: number;
  /**
   * The authorization verdict at the destination, when its data plane enforces one.
   * @default - none: nothing at the destination checks the caller
   */
  readonly authorization?: TrafficAuthorization;
  /** Why this share gets no answer (no pods, an unresolved backend): set only for shares that fail. */
  readonly unavailable?: string;
  /**
   * Istio ambient: the waypoint that took this share (`namespace/name` of its Gateway) and the Service it served (whose
   * routes it applied and whose `targetRefs` policies it enforces, `namespace/name`).
   * @default - none: no waypoint on the way
   */
  readonly waypoint?: { readonly name: string; readonly service: string };
  /**
   * The request headers this destination receives (names lower-case), when they differ from the result's
   * `requestHeaders`: a Gateway API backendRef's own filters change them for its share only.
   * @default - the result's `requestHeaders`
   */
  readonly requestHeaders?: { readonly [name: string]: string };
  /**
   * The TLS a gateway originates to this destination (a Gateway API BackendTLSPolicy): the SNI it sends, the policy, the
   * names the backend's certificate must carry when the policy lists them, the client certificate the gateway presents
   * (`namespace/name` of its Secret).
   * @default - none: the gateway connects in plain text (or with the mesh's own mutual TLS)
   */
  readonly backendTls?: {
    readonly sni: string;
    readonly policy: string;
    readonly subjectAltNames?: readonly string[];
    readonly clientCertificate?: string;
  };
}

/** A header change a route applies. */
export interface TrafficHeaderChanges {
  readonly set?: { readonly [name: string]: string };
  readonly add?: { readonly [name: string]: string };
  readonly remove?: readonly string[];
}

/** What the chosen rule does to the request besides choosing destinations. */
export interface TrafficFilters {
  /** Path and host rewrite, as the backend sees them. */
  readonly rewrite?: { readonly path?: string; readonly host?: string };
  readonly requestHeaders?: TrafficHeaderChanges;
  readonly responseHeaders?: TrafficHeaderChanges;
  /** Copies of the request sent elsewhere (`weight`: the share of requests mirrored, in percent). */
  readonly mirrors?: readonly TrafficDestination[];
  /** Fault injection. */
  readonly fault?: {
    readonly delay?: { readonly duration: string; readonly percent: number };
    readonly abort?: { readonly status: number; readonly percent: number };
  };
  /** The route's request timeout (`0s`: none). */
  readonly timeout?: string;
  /**
   * The timeout of each request to a backend (Gateway API `timeouts.backendRequest`; `0s`: none).
   * @default - none
   */
  readonly backendTimeout?: string;
  readonly retries?: {
    readonly attempts: number;
    readonly perTryTimeout?: string;
    readonly retryOn?: string;
    /** The response status codes retried (Gateway API `retry.codes`). @default - none listed */
    readonly codes?: readonly number[];
    /** The wait between attempts (Gateway API `retry.backoff`). @default - the implementation's */
    readonly backoff?: string;
  };
  /** CORS policy applied (the allowed origins; the rest when the policy gives them). */
  readonly cors?: {
    readonly allowOrigins: readonly string[];
    /** @default - not given */
    readonly allowMethods?: readonly string[];
    /** @default - not given */
    readonly allowHeaders?: readonly string[];
    /** @default - not given */
    readonly exposeHeaders?: readonly string[];
    /** @default false */
    readonly allowCredentials?: boolean;
    /** Seconds a preflight answer may be cached. @default - not given */
    readonly maxAge?: number;
  };
}

/** The authorization decision for one destination. */
export interface TrafficAuthorization {
  /** `undecided`: what decides is outside the configuration (a CUSTOM policy's external authorizer, the caller's address). */
  readonly verdict: 'allow' | 'deny' | 'undecided';
  /** What enforced it. */
  readonly enforcedBy: 'istio-sidecar' | 'ztunnel' | 'waypoint' | 'istio-gateway' | 'linkerd';
  /** The policy (and its rule, from 0) that decided; none when the default decided. */
  readonly policy?: TrafficObjectRef & { readonly rule?: number };
  /** One sentence: which rule allowed or denied, or which default. */
  readonly reason: string;
  /** Whether the connection is mutual TLS. */
  readonly mtls: boolean;
  /** The caller's identity as the destination sees it (`cluster.local/ns/shop/sa/productpage`), when mutual TLS carries one. */
  readonly peer?: string;
  /**
   * Every check on the way, in order, when more than one checks the request (a gateway, a waypoint, then the
   * destination's ztunnel or sidecar): the verdict above is the first that refuses, else the last.
   * @default - none: one check
   */
  readonly checks?: readonly TrafficAuthorization[];
}

/** One step of the path a request takes, for a person to read. */
export interface TrafficHop {
  /** `gateway`, `sidecar`, `ztunnel`, `waypoint`, `linkerd-proxy`, `kube-proxy`. */
  readonly at: string;
  /** What it is: `istio-system/istio-ingressgateway`, `shop/productpage`. */
  readonly name: string;
  /** What it decided, in one line. */
  readonly decision: string;
}

/** Where the configuration sent the request. */
export interface TrafficResult {
  readonly outcome: TrafficOutcome;
  /** The HTTP status the caller sees, as far as the mesh decides it (200 when routed: the backend's own answer is not modelled); undefined for TCP and TLS. */
  readonly status?: number;
  /** One sentence: why this outcome. */
  readonly reason: string;
  /** The data plane that routed it. */
  readonly dataPlane: DataPlaneKind;
  /** For a gateway request: the listener or server that accepted it. */
  readonly listener?: TrafficListenerRef;
  /** The route object and rule that took the request; null when none did (or none is involved: plain Kubernetes). */
  readonly route: TrafficRouteRef | null;
  /** Where requests go, with their shares; empty when nothing is routed. */
  readonly destinations: readonly TrafficDestination[];
  /** The redirect answered, when `outcome` is `redirected`. */
  readonly redirect: { readonly location: string; readonly status: number } | null;
  /** The request's headers as the backend receives them (names lower-case), after the route's changes; null when nothing is routed. */
  readonly requestHeaders: { readonly [name: string]: string } | null;
  /** The path (with its query) and host the backend receives, after rewrites; undefined when nothing is routed. */
  readonly upstreamRequest?: { readonly path: string; readonly host: string; readonly method: string };
  /** Everything else the rule applies. */
  readonly filters: TrafficFilters;
  /** The steps the request took, in order. */
  readonly hops: readonly TrafficHop[];
  /**
   * For Istio, the Envoy configuration it went through, with istiod's names (listener `0.0.0.0_80`, route configuration
   * `http.80`, virtual host `reviews.shop.svc.cluster.local:9080`, cluster `outbound|9080|v1|reviews.shop.svc.cluster.local`).
   */
  readonly envoy?: {
    readonly listener?: string;
    readonly filterChain?: string;
    readonly routeConfig?: string;
    readonly virtualHost?: string;
    readonly route?: string;
    readonly cluster?: string;
  };
  /** Things worth knowing that did not change the outcome (a rule shadowed, a weight rounded, a field ignored). */
  readonly notes: readonly string[];
}
