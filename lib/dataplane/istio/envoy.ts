import { HeaderChanges, RuleOrigin, StringMatch } from './vs-model';

/**
 * The part of Envoy's configuration (envoy/config/listener/v3, route/v3) the model generates and the simulator walks:
 * listeners with their listener filters and filter chains, route configurations, virtual hosts and routes, with the
 * names istiod gives them. Each route remembers the rule it was translated from.
 */

export interface CidrRange {
  readonly address: string;
  readonly prefixLen: number;
}

export interface FilterChainMatch {
  readonly destinationPort?: number;
  readonly prefixRanges?: readonly CidrRange[];
  readonly serverNames?: readonly string[];
  /** `tls` or `raw_buffer`. */
  readonly transportProtocol?: string;
  readonly applicationProtocols?: readonly string[];
}

/** A DownstreamTlsContext: the first SDS certificate's name and whether a client certificate is required. */
export interface DownstreamTls {
  readonly certName: string;
  readonly requireClientCertificate: boolean;
  readonly alpn: readonly string[];
  /** For an SDS provider credential: the cluster SDS fetches from. */
  readonly sdsCluster?: string;
}

export interface WeightedCluster {
  readonly name: string;
  readonly weight: number;
  readonly headers?: HeaderChanges;
  readonly hostRewrite?: string;
}

export interface TcpProxy {
  readonly cluster?: string;
  readonly weightedClusters?: readonly WeightedCluster[];
  /** The VirtualService tcp/tls rule (or gateway server) this proxy was built from. */
  readonly origin?: RuleOrigin;
}

export interface HttpConnectionManager {
  /** RDS: the route configuration's name. */
  readonly rds?: string;
  /** An inline route configuration (inbound, the dynamic-DNS catch-all). */
  readonly routeConfig?: RouteConfiguration;
}

export interface FilterChain {
  readonly name?: string;
  readonly match?: FilterChainMatch;
  readonly tls?: DownstreamTls;
  readonly hcm?: HttpConnectionManager;
  readonly tcp?: TcpProxy;
  /** What the chain is for (a gateway server, an inbound port), for results. */
  readonly server?: { readonly gateway: string; readonly index: number };
}

/** A listener filter enabled on some destination ports only (`FilterDisabled` predicates of inbound listeners). */
export interface ListenerFilterScope {
  readonly disabledPorts?: ReadonlySet<number>;
  readonly enabledPorts?: ReadonlySet<number>;
}

export interface Listener {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /** undefined: no TLS inspector. */
  readonly tlsInspector?: ListenerFilterScope;
  /** undefined: no HTTP inspector. */
  readonly httpInspector?: ListenerFilterScope;
  readonly filterChains: readonly FilterChain[];
  readonly defaultFilterChain?: FilterChain;
}

/** Whether a listener filter runs for a destination port. */
export function filterOnPort(f: ListenerFilterScope | undefined, port: number): boolean {
  if (!f) return false;
  if (f.enabledPorts) return f.enabledPorts.has(port);
  if (f.disabledPorts) return !f.disabledPorts.has(port);
  return true;
}

export interface HeaderMatcher {
  readonly name: string;
  /** undefined: present match. */
  readonly match?: StringMatch;
  readonly invert: boolean;
  readonly treatMissingAsEmpty: boolean;
}

export interface RouteMatch {
  readonly path: { readonly kind: 'prefix' | 'path' | 'pathSeparatedPrefix' | 'regex'; readonly value: string };
  readonly caseSensitive: boolean;
  readonly headers: readonly HeaderMatcher[];
  readonly queryParameters: ReadonlyArray<{ readonly name: string; readonly match?: StringMatch }>;
}

export interface RouteActionRoute {
  readonly kind: 'route';
  readonly cluster?: string;
  readonly weightedClusters?: readonly WeightedCluster[];
  readonly prefixRewrite?: string;
  readonly regexRewrite?: { readonly pattern: string; readonly substitution: string };
  readonly hostRewrite?: string;
  /** `0s` when none. */
  readonly timeout: string;
  /** undefined: retries disabled. */
  readonly retries?: { readonly attempts: number; readonly retryOn: string; readonly perTryTimeout?: string };
  readonly mirrors: ReadonlyArray<{ readonly cluster: string; readonly percent: number }>;
  /** 500 for routes with Gateway API semantics (ClusterNotFoundResponseCode), else Envoy's 503. */
  readonly clusterNotFoundStatus: number;
}

export interface RouteActionRedirect {
  readonly kind: 'redirect';
  readonly hostRedirect: string;
  readonly pathRedirect?: string;
  readonly prefixRewrite?: string;
  readonly schemeRedirect?: string;
  readonly portRedirect?: number;
  readonly status: number;
}

export interface RouteActionDirect {
  readonly kind: 'direct';
  readonly status: number;
  readonly body?: string;
}

export interface Route {
  readonly name: string;
  readonly match: RouteMatch;
  readonly action?: RouteActionRoute | RouteActionRedirect | RouteActionDirect;
  readonly headers?: HeaderChanges;
  readonly fault?: {
    readonly delay?: { readonly duration: string; readonly percent: number };
    readonly abort?: { readonly status: number; readonly percent: number };
  };
  readonly corsAllowOrigins?: readonly string[];
  /** The rule it was translated from (undefined for istiod's default routes). */
  readonly origin?: RuleOrigin;
  /** The index of the rule's match it was translated from. */
  readonly matchIndex?: number;
}

export interface VirtualHost {
  readonly name: string;
  readonly domains: readonly string[];
  readonly routes: readonly Route[];
  readonly requireTls: boolean;
}

export interface RouteConfiguration {
  readonly name: string;
  readonly virtualHosts: readonly VirtualHost[];
  readonly ignorePortInHostMatching: boolean;
}

/** `outbound|80|v1|reviews.shop.svc.cluster.local` (model.BuildSubsetKey). */
export const subsetKey = (direction: 'outbound' | 'inbound', subset: string, host: string, port: number): string => `${direction}|${port}|${subset}|${host}`;

/** The parts of a cluster name, undefined for istiod's special clusters (PassthroughCluster, BlackHoleCluster, …). */
export function parseSubsetKey(name: string): { direction: string; port: number; subset: string; host: string } | undefined {
  const parts = name.split('|');
  if (parts.length !== 4) return undefined;
  return { direction: parts[0], port: Number(parts[1]), subset: parts[2], host: parts[3] };
}

export const PASSTHROUGH_CLUSTER = 'PassthroughCluster';
export const BLACKHOLE_CLUSTER = 'BlackHoleCluster';
export const INBOUND_PASSTHROUGH_CLUSTER = 'InboundPassthroughCluster';
export const ALLOW_ANY_DYNAMIC_DNS_CLUSTER = 'AllowAnyDynamicDNSCluster';
