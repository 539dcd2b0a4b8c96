import { MatchGateway, portAndSourceOf } from './matches';
import { RouteAction, onlyPortOf } from './route';
import { Problem, fail, problem } from '../core/errors';
import { checkHostName } from '../core/names';
import { TcpMatchModel, TcpRouteModel, TlsMatchModel, TlsRouteModel } from '../render/model';

/** Options of {@link TcpMatch.of}: every condition given must hold. */
export interface TcpMatchOptions {
  /**
   * The service port the connection is to.
   * @default - any port
   */
  readonly port?: number;
  /**
   * Labels of the calling pods.
   * @default - any caller
   */
  readonly sourceLabels?: { [key: string]: string };
  /**
   * The calling pods' namespace.
   * @default - any namespace
   */
  readonly sourceNamespace?: string;
  /**
   * Only connections through these gateways: `MatchGateway.mesh()`, or a gateway the route binds to.
   * @default - every gateway the route binds to
   */
  readonly gateways?: MatchGateway[];
}

/** Which TCP connections a {@link TcpRouteOptions} applies to: by port and caller (there is no URI or header in TCP). */
export class TcpMatch {
  /** Connections meeting every given condition; at least one. */
  public static of(options: TcpMatchOptions): TcpMatch {
    const o = options;
    if (o.port === undefined && !Object.keys(o.sourceLabels ?? {}).length && o.sourceNamespace === undefined && !o.gateways?.length) {
      fail(problem('options', 'must hold at least one of port, sourceLabels, sourceNamespace, gateways', {}, 'leave the match out to match every connection'));
    }
    return new TcpMatch(portAndSourceOf(options));
  }

  private constructor(/** @internal */ public readonly _model: TcpMatchModel) {}
}

/** One route of opaque TCP traffic of a {@link ServiceRouting} (`addTcpRoute()`): shift connections between versions. */
export interface TcpRouteOptions {
  /**
   * Connections the route applies to: any one of these matches.
   * @default - every connection
   */
  readonly match?: TcpMatch[];
  /** Where the connections go: `RouteAction.forward` or `RouteAction.weightedForward` (a redirect is HTTP). */
  readonly action: RouteAction;
}

/** Which TLS connections a {@link TlsRouteOptions} applies to: by the server name the client asks for (SNI), and optionally port and caller. */
export class TlsMatch {
  /**
   * Connections whose SNI is one of `sniHosts` (`*.example.com` for a wildcard), meeting every other condition given.
   * Istio requires each SNI host to fall within the hosts of the VirtualService.
   */
  public static sni(sniHosts: string[], options: TcpMatchOptions = {}): TlsMatch {
    if (!Array.isArray(sniHosts) || sniHosts.length === 0) fail(problem('sniHosts', 'must hold at least one server name', sniHosts ?? 'none', 'e.g. TlsMatch.sni([\'api.example.com\'])'));
    for (const h of sniHosts) {
      const err = checkHostName('sniHosts', h);
      if (err) fail(err);
    }
    return new TlsMatch({ sniHosts: [...sniHosts], ...portAndSourceOf(options) });
  }

  private constructor(/** @internal */ public readonly _model: TlsMatchModel) {}
}

/**
 * One route of TLS traffic by SNI (`addTlsRoute()`): connections the proxy does not terminate (a service's TLS or HTTPS
 * ports in the mesh, a gateway's passthrough listener), sent by the server name the client asks for.
 */
export interface TlsRouteOptions {
  /** Connections the route applies to: any one of these matches (each names SNI hosts). */
  readonly match: TlsMatch[];
  /** Where the connections go: `RouteAction.forward` or `RouteAction.weightedForward` (a redirect is HTTP). */
  readonly action: RouteAction;
}


/** A TCP route as model data. @internal */
export function tcpRouteModelOf(r: TcpRouteOptions): TcpRouteModel {
  return { match: (r.match ?? []).map(m => m._model), destinations: r.action._destinations(onlyPortOf) };
}

/** A TLS route as model data. @internal */
export function tlsRouteModelOf(r: TlsRouteOptions): TlsRouteModel {
  return { match: r.match.map(m => m._model), destinations: r.action._destinations(onlyPortOf) };
}

/** What is wrong with a TCP or TLS route on its own: a redirect (HTTP only); a TLS route without an SNI match. @internal */
export function l4ActionProblem(field: string, r: TcpRouteOptions | TlsRouteOptions, tls = false): Problem | undefined {
  if (r.action._redirect) return problem(`${field}.action`, 'must forward: a redirect is HTTP', 'redirect', 'use RouteAction.forward() or weightedForward()');
  if (r.action._delegate) return problem(`${field}.action`, 'must forward: delegation is for HTTP routes', r.action._delegate.name, 'use RouteAction.forward() or weightedForward()');
  if (tls && (!Array.isArray(r.match) || r.match.length === 0)) {
    return problem(`${field}.match`, 'must hold at least one TlsMatch.sni(...): Istio routes TLS by the server name', r.match ?? 'none');
  }
  return undefined;
}

/**
 * SNI hosts outside the VirtualService's hosts: Istio refuses them (its validation of `tls` routes: each SNI host must be
 * within one of the hosts). @internal
 */
export function sniProblems(routes: readonly TlsRouteOptions[], hosts: readonly string[]): Problem[] {
  // Istio's host.Name.SubsetOf: the same name, or within a wildcard host
  const within = (sni: string) => hosts.some(h => h === sni || h === '*' || (h.startsWith('*.') && sni.endsWith(h.slice(1))));
  return routes.flatMap((r, i) => r.match.flatMap(m => m._model.sniHosts.filter(h => !within(h)).map(h =>
    problem(`tlsRoutes[${i}].match.sniHosts`, `must be within the route's hosts (${hosts.join(', ')}): Istio refuses an SNI host outside them`, h,
      `route '${h}' with the hosts it belongs to (a ServiceEntry or gateway route for '${h}')`))));
}
