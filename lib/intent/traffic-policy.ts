import { Duration } from 'cdk8s';
import { LocalityLoadBalancing } from './locality';
import { checkPercent, durationString } from '../core/duration';
import { MeshValidationError, fail, problem, within } from '../core/errors';
import { checkPort } from '../core/names';
import { TrafficPolicyModel } from '../render/model';

/**
 * How a client sidecar picks an endpoint of the service.
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#LoadBalancerSettings
 */
export class LoadBalancer {
  /** Each endpoint in turn. */
  public static roundRobin(): LoadBalancer {
    return new LoadBalancer({ simple: 'ROUND_ROBIN' });
  }

  /** The endpoint with fewer outstanding requests of two picked at random. */
  public static leastRequest(): LoadBalancer {
    return new LoadBalancer({ simple: 'LEAST_REQUEST' });
  }

  /** An endpoint at random. */
  public static random(): LoadBalancer {
    return new LoadBalancer({ simple: 'RANDOM' });
  }

  /** Sticky sessions: requests with the same value of header `name` go to the same endpoint. */
  public static consistentHashByHeader(name: string): LoadBalancer {
    if (!/^[a-z0-9][-a-z0-9_.]*$/.test(name)) fail(problem('consistentHash.httpHeaderName', 'must be a lower-case header name', name));
    return new LoadBalancer({ consistentHash: { httpHeaderName: name } });
  }

  /**
   * Sticky sessions by cookie `name`; with a `ttl`, Envoy sets the cookie when the request has none.
   */
  public static consistentHashByCookie(name: string, ttl?: Duration): LoadBalancer {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) fail(problem('consistentHash.httpCookie.name', 'must be a cookie name', name));
    return new LoadBalancer({ consistentHash: { httpCookie: { name, ttl: ttl ? durationString('consistentHash.httpCookie.ttl', ttl) : undefined } } });
  }

  /** Sticky sessions by the client's IP address. */
  public static consistentHashBySourceIp(): LoadBalancer {
    return new LoadBalancer({ consistentHash: { useSourceIp: true } });
  }

  private constructor(/** @internal */ public readonly _model: NonNullable<TrafficPolicyModel['loadBalancer']>) {}
}

/**
 * Connection pool limits: the circuit breaker's thresholds.
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#ConnectionPoolSettings
 */
export interface ConnectionPool {
  /**
   * Most TCP connections to the destination.
   * @default - Istio's: 2^32-1
   */
  readonly maxConnections?: number;
  /**
   * TCP connect timeout.
   * @default - Istio's: 10s
   */
  readonly connectTimeout?: Duration;
  /**
   * Most requests queued while waiting for a connection.
   * @default - Istio's: 2^32-1
   */
  readonly http1MaxPendingRequests?: number;
  /**
   * Most active requests to the destination.
   * @default - Istio's: 2^32-1
   */
  readonly http2MaxRequests?: number;
  /**
   * Most requests per connection (1 disables keep-alive).
   * @default - Istio's: unlimited
   */
  readonly maxRequestsPerConnection?: number;
  /**
   * Most outstanding retries across the destination's endpoints.
   * @default - Istio's: 2^32-1
   */
  readonly maxRetries?: number;
  /**
   * Idle timeout of pooled connections.
   * @default - Istio's: 1h
   */
  readonly idleTimeout?: Duration;
}

/**
 * Ejection of failing endpoints from the load-balancing pool.
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#OutlierDetection
 */
export interface OutlierDetection {
  /**
   * 5xx responses in a row that eject an endpoint. Under Linkerd, its failure accrual's
   * `failure-accrual-consecutive-max-failures`, at least 1.
   * @default - Istio's: 5; under Linkerd, Linkerd's: 7 (not written)
   */
  readonly consecutive5xxErrors?: number;
  /**
   * 502/503/504 responses in a row that eject an endpoint.
   * @default - Istio's: disabled
   */
  readonly consecutiveGatewayErrors?: number;
  /**
   * Time between ejection sweeps.
   * @default - Istio's: 10s
   */
  readonly interval?: Duration;
  /**
   * Minimum ejection time (it grows with each ejection). Under Linkerd, its failure accrual's minimum penalty; above 60s
   * (Linkerd's default maximum penalty, which it must not exceed) the maximum penalty is written too, equal to it.
   * @default - Istio's: 30s; under Linkerd, Linkerd's: 1s (not written)
   */
  readonly baseEjectionTime?: Duration;
  /**
   * Most of the pool that may be ejected, in percent.
   * @default - Istio's: 10
   */
  readonly maxEjectionPercent?: number;
}

/** Options of {@link ClientTls.simple}. */
export interface SimpleTlsOptions {
  /**
   * SNI to present.
   * @default - none
   */
  readonly sni?: string;
  /**
   * File of CA certificates that verify the server.
   * @default - the system's (or `credentialName`'s)
   */
  readonly caCertificates?: string;
  /**
   * Secret holding the CA certificate (egress gateways).
   * @default - none
   */
  readonly credentialName?: string;
}

/** Options of {@link ClientTls.mutual}. */
export interface MutualTlsOptions extends SimpleTlsOptions {
  /**
   * File of the client certificate.
   * @default - from `credentialName`
   */
  readonly clientCertificate?: string;
  /**
   * File of the client's private key.
   * @default - from `credentialName`
   */
  readonly privateKey?: string;
}

/**
 * TLS from the client sidecar to the destination.
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings
 */
export class ClientTls {
  /** Plain text. */
  public static disable(): ClientTls {
    return new ClientTls({ mode: 'DISABLE' });
  }

  /**
   * Write no TLS setting: Istio's auto mutual TLS decides (mutual TLS to pods with a sidecar, plain
   * text to the others). The opt-out of the `ISTIO_MUTUAL` a MeshService's DestinationRule writes by default.
   */
  public static auto(): ClientTls {
    return new ClientTls(undefined);
  }

  /** Istio's own mutual TLS (certificates issued by the mesh): what a MeshService's DestinationRule writes by default. */
  public static istioMutual(): ClientTls {
    return new ClientTls({ mode: 'ISTIO_MUTUAL' });
  }

  /** TLS originated by the sidecar, verifying the server. */
  public static simple(options: SimpleTlsOptions = {}): ClientTls {
    return new ClientTls({ mode: 'SIMPLE', ...options });
  }

  /** Mutual TLS with certificates you provide (files, or `credentialName`). */
  public static mutual(options: MutualTlsOptions): ClientTls {
    const files = options.clientCertificate !== undefined && options.privateKey !== undefined;
    if (!files && options.credentialName === undefined) {
      fail(problem('tls', 'MUTUAL needs clientCertificate and privateKey, or credentialName', 'neither'));
    }
    return new ClientTls({ mode: 'MUTUAL', ...options });
  }

  private constructor(/** @internal */ public readonly _model: TrafficPolicyModel['tls']) {}
}

/**
 * The policies a DestinationRule applies to traffic for one port of a service (Istio's `portLevelSettings`): they
 * replace the service-level policy's for that port.
 */
export interface PortTrafficPolicy extends PortPolicies {
  /** The service port. */
  readonly port: number;
}

/**
 * The policies a DestinationRule applies to traffic for a service (or one version of it).
 * Every field left out keeps Istio's own default, written nowhere.
 */
export interface TrafficPolicy extends PortPolicies {
  /**
   * Policies of single ports (Istio's `portLevelSettings`). Istio does not merge them with the service-level ones: a
   * field a port leaves out takes Istio's default for that port (mesh-kit still writes the default mutual TLS into it).
   * @default - none: the same policies on every port
   */
  readonly ports?: PortTrafficPolicy[];
}

/** The policies that may differ per port. */
export interface PortPolicies {
  /**
   * Load-balancing algorithm.
   * @default - not written: Istio's default (LEAST_REQUEST)
   */
  readonly loadBalancer?: LoadBalancer;
  /**
   * Locality load balancing (Istio's `localityLbSetting`, or `zoneAwareLbSetting`): which endpoints a client prefers by
   * where it runs, and where its traffic fails over to. A failover needs `outlierDetection` on the same policy (a
   * version's policy and a port's take the service's or their own, as Istio merges them): without it Istio never fails
   * over, and synth fails. Istio's API only: refused under the Gateway API and Linkerd back-ends.
   * @default - not written: the mesh config's (Istio's default: locality load balancing on, failing over only with outlier detection)
   * @see https://istio.io/latest/docs/tasks/traffic-management/locality-load-balancing/
   */
  readonly locality?: LocalityLoadBalancing;
  /**
   * Connection pool limits (circuit breaking).
   * @default - not written: Istio's defaults (effectively unlimited)
   */
  readonly connectionPool?: ConnectionPool;
  /**
   * Outlier detection.
   * @default - not written: no outlier detection
   */
  readonly outlierDetection?: OutlierDetection;
  /**
   * Client TLS. On a MeshService's own policy, `ISTIO_MUTUAL` unless told otherwise
   * (`ClientTls.auto()` writes nothing and lets Istio's auto mutual TLS decide); on a version's
   * policy, the service's.
   * @default - ClientTls.istioMutual() on the service; the service's on a version
   */
  readonly tls?: ClientTls;
}

function count(field: string, n: number | undefined, min = 0): number | undefined {
  if (n !== undefined && (!Number.isInteger(n) || n < min)) fail(problem(field, `must be a whole number of at least ${min}`, n));
  return n;
}

/** Converts a traffic policy to model data, checking it. @internal */
export function trafficPolicyModelOf(p: TrafficPolicy): TrafficPolicyModel | undefined {
  const ports = (p.ports ?? []).map((pp, i) => {
    const portErr = checkPort(`ports[${i}].port`, pp.port);
    if (portErr) fail(portErr);
    if ((p.ports ?? []).findIndex(x => x.port === pp.port) !== i) fail(problem(`ports[${i}].port`, 'must name each port once', pp.port));
    let model: TrafficPolicyModel | undefined;
    try {
      model = policiesModelOf(pp);
    } catch (e) {
      // a problem of the port's policies names its field inside the port
      if (e instanceof MeshValidationError && e.path === undefined && e.call === undefined && e.problems.length === 1) fail(within(`ports[${i}].`, e.problems[0]));
      throw e;
    }
    if (!model) fail(problem(`ports[${i}]`, 'must set at least one policy for the port', pp.port));
    return { port: { number: pp.port }, ...model };
  });
  const model = { ...policiesModelOf(p), portLevelSettings: ports.length > 0 ? ports : undefined };
  return Object.values(model).some(v => v !== undefined) ? model : undefined;
}

function policiesModelOf(p: PortPolicies): TrafficPolicyModel | undefined {
  const cp = p.connectionPool;
  const od = p.outlierDetection;
  const d = (field: string, x: Duration | undefined) => (x ? durationString(field, x) : undefined);
  const tcp = cp && (cp.maxConnections !== undefined || cp.connectTimeout)
    ? { maxConnections: count('connectionPool.maxConnections', cp.maxConnections, 1), connectTimeout: d('connectionPool.connectTimeout', cp.connectTimeout) }
    : undefined;
  const httpFields = cp && [cp.http1MaxPendingRequests, cp.http2MaxRequests, cp.maxRequestsPerConnection, cp.maxRetries, cp.idleTimeout];
  const http = cp && httpFields!.some(x => x !== undefined)
    ? {
      http1MaxPendingRequests: count('connectionPool.http1MaxPendingRequests', cp.http1MaxPendingRequests, 1),
      http2MaxRequests: count('connectionPool.http2MaxRequests', cp.http2MaxRequests, 1),
      maxRequestsPerConnection: count('connectionPool.maxRequestsPerConnection', cp.maxRequestsPerConnection, 1),
      maxRetries: count('connectionPool.maxRetries', cp.maxRetries),
      idleTimeout: d('connectionPool.idleTimeout', cp.idleTimeout),
    }
    : undefined;
  const lb = p.loadBalancer?._model;
  const locality = p.locality?._model;
  const model: TrafficPolicyModel = {
    loadBalancer: lb || locality ? { ...lb, ...locality } : undefined,
    connectionPool: tcp || http ? { tcp, http } : undefined,
    outlierDetection: od ? {
      consecutive5xxErrors: count('outlierDetection.consecutive5xxErrors', od.consecutive5xxErrors),
      consecutiveGatewayErrors: count('outlierDetection.consecutiveGatewayErrors', od.consecutiveGatewayErrors),
      interval: d('outlierDetection.interval', od.interval),
      baseEjectionTime: d('outlierDetection.baseEjectionTime', od.baseEjectionTime),
      maxEjectionPercent: od.maxEjectionPercent !== undefined ? checkPercent('outlierDetection.maxEjectionPercent', od.maxEjectionPercent) : undefined,
    } : undefined,
    tls: p.tls?._model,
  };
  return Object.values(model).some(v => v !== undefined) ? model : undefined;
}
