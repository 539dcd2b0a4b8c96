/**
 * Validation rules: one pure function per rule, over the model only, so that every host
 * (cdk8s today, Pulumi next) checks exactly the same things. Each returns the problems it
 * found, as messages in the library's one shape; an empty list means valid.
 *
 * @module
 */
import { Problem, problem, showValue } from '../core/errors';
import { DestinationModel, PortModel, ServerModel, ServiceRef, VirtualServiceModel } from '../render/model';

/** Istio's protocol prefixes for port names (`<protocol>[-<suffix>]`). */
export const ISTIO_PORT_PROTOCOLS = ['http', 'http2', 'https', 'grpc', 'grpc-web', 'tcp', 'tls', 'mongo', 'mysql', 'redis', 'udp'] as const;

/** Names that appear twice in a list. */
export function duplicates(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) dup.add(n);
    seen.add(n);
  }
  return [...dup];
}

/**
 * The largest route weight any back-end reads: the Gateway API's backendRef maximum (its CRDs' `maximum: 1000000`), which
 * Linkerd reads too. Istio's API reads whole percentages that add up to 100 ({@link percentWeightProblems}).
 */
export const ROUTE_WEIGHT_MAX = 1_000_000;

/** A weight must be a whole number between 0 and `max` (100 by default: a percentage). */
export function checkWeight(field: string, weight: number, max = 100): Problem[] {
  if (!Number.isInteger(weight) || weight < 0 || weight > max) {
    return [problem(field, `must be a whole number between 0 and ${max}`, weight,
      typeof weight === 'number' && Number.isFinite(weight) && !Number.isInteger(weight) ? `round it to a whole share, e.g. ${Math.min(max, Math.max(0, Math.round(weight)))}`
        : typeof weight === 'number' && weight < 0 ? 'write 0 to send this destination nothing, or a positive share'
          : typeof weight === 'number' && weight > max ? `lower it to ${max} at most, scaling the other weights alike to keep the shares` : `write a share from 0 to ${max}`)];
  }
  return [];
}

/**
 * The destinations of one route, as every back-end reads them: a single destination needs no weight; several need a
 * weight each, whole numbers from 0 to {@link ROUTE_WEIGHT_MAX}, not all 0. Weights are proportions (the Gateway API's
 * and Linkerd's meaning: 40 and 60, or 1 and 50051); where a back-end reads percentages, its routes are checked again
 * ({@link percentWeightProblems}).
 */
export function checkRouteWeights(field: string, destinations: readonly DestinationModel[]): Problem[] {
  if (destinations.length === 0) {
    return [problem(field, 'must have at least one destination', 0)];
  }
  const errors = destinations.flatMap((d, i) => d.weight === undefined ? [] : checkWeight(`${field}[${i}].weight`, d.weight, ROUTE_WEIGHT_MAX));
  if (errors.length > 0) return errors;
  if (destinations.length === 1) {
    return [];
  }
  const weights = destinations.map(d => d.weight);
  if (weights.some(w => w === undefined)) {
    return [problem(`${field}.weight`, 'must be given for every destination of a weighted route', weights.map(w => w ?? 'none'))];
  }
  // Istio refuses it (istio/istio pkg/config/validation/validation.go: "total destination weight = 0"); the Gateway API
  // forwards nothing to a backend of weight 0
  if ((weights as number[]).every(w => w === 0)) {
    return [problem(`${field}.weight`, 'must not all be 0: the route would send its requests nowhere', weights.join(' + '), 'give at least one destination a weight')];
  }
  return [];
}

/**
 * Under Istio's API (a VirtualService, `TrafficApi.ISTIO`) the weights of a route's destinations are whole percentages
 * that add up to 100, as Istio's documentation writes them and as every Istio release accepts (before 1.15 Istio refused
 * any other total: istio/istio#39544 loosened it to proportions). The Gateway API and Linkerd read proportions.
 */
export function percentWeightProblems(field: string, destinations: readonly DestinationModel[]): Problem[] {
  const weights = destinations.map(d => d.weight);
  if (destinations.length < 2 || weights.some(w => w === undefined)) return [];
  const sum = (weights as number[]).reduce((a, b) => a + b, 0);
  if (sum === 100) return [];
  return [problem(`${field}.weight`, 'must add up to 100 under Istio\'s API (TrafficApi.ISTIO): a VirtualService\'s weights are percentages (Istio before 1.15 refuses '
    + 'any other total)', `${weights.join(' + ')} = ${sum}`,
  'adjust the weights so that they total 100, or render this chart with TrafficApi.GATEWAY_API or for MeshProvider.LINKERD, which read weights as proportions')];
}

/** The weights of every route of a VirtualService under Istio's API ({@link percentWeightProblems}). */
export function virtualServiceWeightProblems(vs: VirtualServiceModel): Problem[] {
  return [
    ...vs.http.flatMap((r, i) => percentWeightProblems(`routes[${i}]`, r.destinations)),
    ...(vs.tcp ?? []).flatMap((r, i) => percentWeightProblems(`tcpRoutes[${i}]`, r.destinations)),
    ...(vs.tls ?? []).flatMap((r, i) => percentWeightProblems(`tlsRoutes[${i}]`, r.destinations)),
  ];
}

/**
 * A service port name must follow Istio's `<protocol>[-<suffix>]` convention, with the protocol
 * the port declares, unless the port carries `appProtocol` (which Istio reads instead).
 */
export function checkPortName(field: string, port: PortModel, protocol: string): Problem[] {
  if (port.appProtocol !== undefined) {
    return [];
  }
  const name = port.name;
  if (name === protocol || name.startsWith(`${protocol}-`)) {
    return [];
  }
  return [problem(field, `breaks Istio's port naming convention '<protocol>[-<suffix>]' for a ${protocol} port`, name,
    `name it '${protocol}' or '${protocol}-<suffix>', or set 'appProtocol: true' to keep the name`)];
}

function labelsOf(host: string): string[] {
  return host.split('.');
}

/**
 * Whether two host patterns can match a common host name (Istio's rule for binding a
 * VirtualService host to a Gateway server host): `*` matches everything; `*.example.com`
 * matches every name below `example.com`; otherwise names must be equal (case-insensitive).
 */
export function hostsIntersect(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === '*' || y === '*' || x === y) return true;
  const xw = x.startsWith('*.');
  const yw = y.startsWith('*.');
  const xs = xw ? x.slice(1) : x; // keep the leading dot: '.example.com'
  const ys = yw ? y.slice(1) : y;
  if (xw && yw) return xs.endsWith(ys) || ys.endsWith(xs);
  if (xw) return y.endsWith(xs) && labelsOf(y).length > labelsOf(xs.slice(1)).length;
  if (yw) return x.endsWith(ys) && labelsOf(x).length > labelsOf(ys.slice(1)).length;
  return false;
}

/** The host part of a Gateway server host, which may be written `namespace/host`. */
export function serverHostName(host: string): string {
  const i = host.indexOf('/');
  return i >= 0 ? host.slice(i + 1) : host;
}

/**
 * Whether a Gateway server host admits VirtualServices from `routeNamespace`: a bare `host`, or one
 * with the namespace part `*`, admits every namespace; `./host` only the gateway's own; `ns/host` only `ns`.
 */
export function serverAdmits(host: string, routeNamespace: string | undefined, gatewayNamespace: string | undefined): boolean {
  const i = host.indexOf('/');
  const ns = i >= 0 ? host.slice(0, i) : '*';
  if (ns === '*') return true;
  if (ns === '.') return routeNamespace === gatewayNamespace;
  return ns === routeNamespace;
}

/** Where a route and its gateway live, for the namespace part of server hosts. */
export interface BindingNamespaces {
  readonly route?: string;
  readonly gateway?: string;
}

/**
 * Every host of a gateway route must be served by one of the servers it may bind to, and the server
 * must admit the route's namespace; a host that no server serves would never receive traffic (a silent 404).
 */
export function checkHostsServed(
  field: string,
  hosts: readonly string[],
  servers: readonly ServerModel[],
  gatewayName: string,
  ns: BindingNamespaces = {},
): Problem[] {
  const all = servers.flatMap(s => s.hosts);
  const admitted = all.filter(h => serverAdmits(h, ns.route, ns.gateway)).map(serverHostName);
  return hosts
    .filter(h => !admitted.some(s => hostsIntersect(h, s)))
    .map(h => {
      const elsewhere = all.filter(s => !serverAdmits(s, ns.route, ns.gateway) && hostsIntersect(h, serverHostName(s)));
      return elsewhere.length > 0
        ? problem(field, `must be served by gateway '${gatewayName}' to the route's namespace '${ns.route ?? '(none)'}'`, h,
          `the gateway serves it only to ${showValue(elsewhere)}: move the route there or widen the server host to '*/${serverHostName(elsewhere[0])}'`)
        : problem(field, `must be served by gateway '${gatewayName}'`, h,
          `the gateway serves ${showValue(all.map(serverHostName))}: add the host to a gateway server or use a host it serves`);
    });
}

/**
 * Match gateways the routing does not bind to: a match restricted to a gateway the VirtualService is not bound to never
 * applies. A mesh route (no gateways) is bound to the mesh alone.
 */
export function matchGatewayProblems(vs: VirtualServiceModel): Problem[] {
  const key = (g: ServiceRef | 'mesh') => (g === 'mesh' ? 'mesh' : `${g.namespace ?? vs.namespace ?? ''}/${g.name}`);
  const bound = new Set([...vs.gateways.map(key), ...(vs.gateways.length === 0 || vs.mesh ? ['mesh'] : [])]);
  const shown = [...bound].map(b => (b === 'mesh' ? 'MatchGateway.mesh()' : b)).join(', ');
  const check = (field: string, ms: readonly { readonly gateways?: ReadonlyArray<ServiceRef | 'mesh'> }[]) => ms.flatMap(m => (m.gateways ?? [])
    .filter(g => !bound.has(key(g)))
    .map(g => problem(`${field}.match.gateways`, `must be a gateway the route binds to (${shown}): a match through another never applies`, key(g),
      g === 'mesh' ? 'bind the route to the mesh as well (IngressGatewayRoute mesh: true)' : 'bind the route to that gateway, or drop the condition')));
  return [
    ...vs.http.flatMap((r, i) => check(`routes[${i}]`, r.match)),
    ...(vs.tcp ?? []).flatMap((r, i) => check(`tcpRoutes[${i}]`, r.match)),
    ...(vs.tls ?? []).flatMap((r, i) => check(`tlsRoutes[${i}]`, r.match)),
  ];
}

/**
 * Istio's API: a path prefix matched by path element (`HttpMatch.pathPrefix`, written as `exact: /api` and `prefix: /api/`)
 * on a route that rewrites the path to a prefix without a trailing `/`: Envoy would rewrite `/api/x` to `/v2x` (the
 * matched `/api/` replaced), where the Gateway API's ReplacePrefixMatch gives `/v2/x`.
 */
export function pathPrefixRewriteProblems(vs: VirtualServiceModel): Problem[] {
  return vs.http.flatMap((r, i) => {
    const to = r.rewrite?.uri;
    if (to === undefined || to.endsWith('/')) return [];
    const pair = r.match.find(m => m.uri?.exact !== undefined && r.match.some(o => o.uri?.prefix === `${m.uri!.exact}/`));
    return pair ? [problem(`routes[${i}].rewrite.uri`, `must end with '/' on a route matching path prefix '${pair.uri!.exact}' by path element `
      + `(Istio's API rewrites its '${pair.uri!.exact}/' match, so '${pair.uri!.exact}/x' would become '${to}x')`, to, `rewrite to '${to}/'`)] : [];
  });
}
