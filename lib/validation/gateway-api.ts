/**
 * What the Gateway API back-end cannot express: each rule names the feature, so that config is
 * refused at synth rather than silently dropped. Pure functions over the model, like rules.ts.
 *
 * @module
 */
import { Problem, problem } from '../core/errors';
import { gatewayApiMatches, inPrecedenceOrder } from '../render/gateway-api/precedence';
import { DestinationModel, GatewayModel, MatchModel, ServiceModel, VirtualServiceModel } from '../render/model';

const CANNOT = 'cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API)';
const FIX = 'remove it, or render this chart with TrafficApi.ISTIO';

/** Route features without a Gateway API equivalent. */
export function gatewayApiRouteProblems(vs: VirtualServiceModel): Problem[] {
  const errors: Problem[] = [];
  for (const [i, r] of vs.http.entries()) {
    const at = `routes[${i}]`;
    if (r.fault) errors.push(problem(`${at}.fault`, `${CANNOT}: it has no fault injection`, r.fault.delay ? 'delay' : 'abort', FIX));
    if (r.delegate) errors.push(problem(`${at}.action`, `${CANNOT}: it has no route delegation`, r.delegate.name, 'attach each team\'s route to the gateway directly, or render this chart with TrafficApi.ISTIO'));
    if (r.retries?.retryOn) errors.push(problem(`${at}.retries.retryOn`, `${CANNOT}: it retries on HTTP status codes only`, r.retries.retryOn, FIX));
    for (const m of r.match) {
      if (m.ignoreUriCase) errors.push(problem(`${at}.match.ignoreUriCase`, `${CANNOT}: path matches are case-sensitive`, true, FIX));
      errors.push(...headerPrefixProblems(`${at}.match.headers`, m, CANNOT));
      errors.push(...jwtClaimProblems(`${at}.match.headers`, m, CANNOT));
      errors.push(...istioOnlyMatchProblems(`${at}.match`, m, CANNOT, FIX));
    }
    const matches = gatewayApiMatches(r.match);
    const prefixOnly = matches.length === 0 || (matches.length === 1 && matches[0].uri?.prefix !== undefined);
    if (r.rewrite?.uri !== undefined && !prefixOnly) {
      // the HTTPRoute CRD's own CEL rule: ReplacePrefixMatch needs exactly one PathPrefix match
      errors.push(problem(`${at}.rewrite.uri`, `${CANNOT} on this route: a prefix rewrite needs exactly one match, on a path prefix`,
        matches.map(m => (m.uri?.exact !== undefined ? 'exact path' : m.uri?.regex !== undefined ? 'path regex' : m.uri?.prefix !== undefined ? 'path prefix' : 'no path')),
        'match HttpMatch.prefix(...) alone on the rewriting route, or render this chart with TrafficApi.ISTIO'));
    }
    for (const o of r.cors?.allowOrigins ?? []) {
      if (o.exact === undefined) errors.push(problem(`${at}.cors.allowOrigins`, `${CANNOT}: origins are exact strings`, o.prefix ?? o.regex, FIX));
    }
    errors.push(...backendPortProblems(`${at}.port`, [...r.destinations, ...(r.mirror ? [r.mirror.destination] : [])], 'the Gateway API back-end'));
    errors.push(...externalSubsetProblems(`${at}.destination`, [...r.destinations, ...(r.mirror ? [r.mirror.destination] : [])]));
  }
  if (vs.grpc) errors.push(...grpcRouteProblems(vs));
  else errors.push(...precedenceProblems(vs));
  if (vs.mesh) {
    errors.push(problem('mesh', `${CANNOT}: a gateway's route and the mesh's are routes of their own (a Gateway parent, a Service parent)`, true,
      'declare a ServiceRouting for the in-mesh callers, or render this chart with TrafficApi.ISTIO'));
  }
  errors.push(...layer4Problems(vs));
  for (const [i, r] of (vs.tcp ?? []).entries()) errors.push(...externalSubsetProblems(`tcpRoutes[${i}].destination`, r.destinations));
  for (const [i, r] of (vs.tls ?? []).entries()) errors.push(...externalSubsetProblems(`tlsRoutes[${i}].destination`, r.destinations));
  return errors;
}

/**
 * What a GRPCRoute (a gRPC service's routes) lacks of HTTP routes: paths, query parameters, and of `lacks` (timeouts,
 * retries, rewrites, redirects, CORS; Linkerd sets timeouts and retries with annotations).
 */
export function grpcRouteProblems(vs: VirtualServiceModel, backend = CANNOT,
  fix = 'remove it, set grpcRoute: false (an HTTPRoute, which Istio applies to gRPC too), or render this chart with TrafficApi.ISTIO',
  lacks: ReadonlyArray<'timeout' | 'retries' | 'rewrite' | 'redirect' | 'cors'> = ['timeout', 'retries', 'rewrite', 'redirect', 'cors']): Problem[] {
  const cannot = `${backend} on a gRPC service (its routes are a GRPCRoute)`;
  return vs.http.flatMap((r, i) => {
    const at = `routes[${i}]`;
    const unsupported = lacks.filter(k => r[k] !== undefined);
    return [
      ...unsupported.map(k => problem(`${at}.${k}`, `${cannot}: a GRPCRoute has no ${k}`, k, fix)),
      ...r.match.filter(m => m.uri !== undefined && !m.grpc).map(m => problem(`${at}.match`, `${cannot}: it matches gRPC methods, not paths`,
        m.uri!.exact ?? m.uri!.prefix ?? m.uri!.regex, 'match with HttpMatch.grpc(service, method), or set grpcRoute: false')),
      ...r.match.filter(m => m.queryParams).map(m => problem(`${at}.match.queryParams`, `${cannot}: gRPC has no query parameters`, Object.keys(m.queryParams!), fix)),
    ];
  });
}

/** TCPRoute and TLSRoute: one rule each, without matches (a TLSRoute's hostnames are its SNI hosts). */
function layer4Problems(vs: VirtualServiceModel): Problem[] {
  const errors: Problem[] = [];
  const fix = 'put each route in a routing of its own (one TCPRoute or TLSRoute per ServiceRouting), or render this chart with TrafficApi.ISTIO';
  for (const [field, routes, kind] of [['tcpRoutes', vs.tcp ?? [], 'TCPRoute'], ['tlsRoutes', vs.tls ?? [], 'TLSRoute']] as const) {
    if (routes.length > 1) errors.push(problem(field, `${CANNOT}: a ${kind} holds one rule`, routes.length, fix));
    for (const [i, r] of routes.entries()) {
      for (const m of r.match) {
        const conditions = (['port', 'sourceLabels', 'sourceNamespace'] as const).filter(k => m[k] !== undefined);
        if (conditions.length > 0) {
          errors.push(problem(`${field}[${i}].match`, `${CANNOT}: a ${kind} does not match on ${conditions.join(', ')}`, conditions.map(k => m[k]),
            'attach the routing to one port (a service with one port, or gatewayPort), or render this chart with TrafficApi.ISTIO'));
        }
      }
    }
  }
  return errors;
}

/** External hosts (ServiceEntries), which a route of the Gateway API (or Linkerd's) cannot name as a backend or a parent. */
export function externalProblems(field: string, destinations: ReadonlyArray<{ readonly service: DestinationModel['service'] }>,
  cannot = `${CANNOT}: an external host is an Istio ServiceEntry, which its routes do not name`,
  fix = 'route to the external host in a chart rendered with TrafficApi.ISTIO'): Problem[] {
  return destinations.filter(d => d.service.external).map(d => problem(field, cannot, d.service.name, fix));
}

/**
 * Subsets of external hosts: Istio's Gateway API routes name an external host as a `Hostname` backend (and attach to its
 * ServiceEntry), which has no subsets (a subset is a DestinationRule's, which the Gateway API back-end does not write).
 */
function externalSubsetProblems(field: string, destinations: readonly DestinationModel[]): Problem[] {
  return destinations.filter(d => d.service.external && d.subset !== undefined).map(d => problem(field,
    `${CANNOT}: a Hostname backend (an external host) has no subsets`, `${d.service.name} subset ${d.subset}`,
    'route to the host as a whole, or render this chart with TrafficApi.ISTIO'));
}

/** Match conditions only Istio's own routes have: absent headers, the caller's labels or namespace, a port per match. */
export function istioOnlyMatchProblems(field: string, m: MatchModel, cannot: string, fix: string): Problem[] {
  return [
    ...(m.withoutHeaders ? [problem(`${field}.withoutHeaders`, `${cannot}: it matches no absent header`, Object.keys(m.withoutHeaders), fix)] : []),
    ...(m.sourceLabels ? [problem(`${field}.sourceLabels`, `${cannot}: routes do not match on the caller's labels`, m.sourceLabels, fix)] : []),
    ...(m.sourceNamespace !== undefined ? [problem(`${field}.sourceNamespace`, `${cannot}: routes do not match on the caller's namespace`, m.sourceNamespace, fix)] : []),
    ...(m.gateways ? [problem(`${field}.gateways`, `${cannot}: a route's rules apply to all its parents`, m.gateways.map(g => (g === 'mesh' ? 'mesh' : g.name)),
      'route each gateway with a route of its own, or render this chart with TrafficApi.ISTIO')] : []),
    ...(m.port !== undefined ? [problem(`${field}.port`, `${cannot} per match: a route applies to the ports its parentRef names`, m.port,
      'route per port with ServiceRouting on one port, or render this chart with TrafficApi.ISTIO')] : []),
  ];
}

/** Header prefix matches, which Gateway API and Linkerd routes lack, with the equivalent regex as the fix. */
export function headerPrefixProblems(field: string, m: MatchModel, cannot: string): Problem[] {
  return Object.entries(m.headers ?? {}).filter(([, v]) => v.prefix !== undefined).map(([name, v]) =>
    problem(field, `${cannot}: header matches are exact or regular expressions`, `${name} prefix ${v.prefix}`,
      `use HeaderMatch.regex('${name}', '^${v.prefix!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}')`));
}

/** JWT claim matches, which only Istio's own routes have. */
export function jwtClaimProblems(field: string, m: MatchModel, cannot: string): Problem[] {
  return Object.keys(m.headers ?? {}).filter(h => h.startsWith('@request.auth.claims.')).map(h =>
    problem(field, `${cannot}: it does not route on JWT claims`, h, 'route on a header your gateway sets from the token, or render this chart with TrafficApi.ISTIO'));
}

/** Backends without a port on a multi-port service: a Service backend needs one. */
export function backendPortProblems(field: string, destinations: DestinationModel[], backend: string): Problem[] {
  return destinations.filter(d => d.port === undefined && d.onlyPort === undefined).map(d =>
    problem(field, `must be given for ${backend}: service '${d.service.name}' exposes several ports`, 'none', 'pass RouteAction.forward(target, { port })'));
}

/** Gateway features without a Gateway API equivalent. */
export function gatewayApiGatewayProblems(gw: GatewayModel, selectorGiven: boolean): Problem[] {
  const errors: Problem[] = [];
  if (selectorGiven) {
    errors.push(problem('selector', `${CANNOT}: the GatewayClass deploys the gateway`, Object.entries(gw.selector).map(([k, v]) => `${k}=${v}`).join(','),
      'set gatewayClassName instead'));
  }
  errors.push(...allowedRoutesProblems(gw));
  for (const s of gw.servers) {
    const at = `servers[port ${s.port}]`;
    if (!['HTTP', 'HTTPS', 'TLS', 'TCP'].includes(s.protocol)) errors.push(problem(`${at}.protocol`, `${CANNOT} by HTTPRoute listeners`, s.protocol, FIX));
    if (s.tls?.httpsRedirect) {
      errors.push(problem(`${at}.httpsRedirect`, CANNOT, true, 'route the HTTP listener with RouteAction.redirect({ scheme: \'https\' }) instead'));
    }
    for (const h of s.hosts.filter(x => x.includes('/'))) {
      errors.push(problem(`${at}.hosts`, `${CANNOT}: listeners admit routes by allowedRoutes, not per host`, h, 'drop the namespace part'));
    }
  }
  return errors;
}

/**
 * Routes that attach but would not be admitted: the Gateway API drops a route whose namespace the listener does not select
 * (gateway-api apis/v1/gateway_types.go `AllowedRoutes`; the route's status says `NotAllowedByListeners`), silently
 * for whoever applied it. A route without a namespace (its chart has none) lands in kubectl's current namespace at apply
 * time, which a Gateway of a set namespace cannot name: refused, not guessed.
 */
function allowedRoutesProblems(gw: GatewayModel): Problem[] {
  const a = gw.allowedRoutes;
  const unplaced = gw.unplacedRoutes ?? [];
  const others = gw.routeNamespaces ?? [];
  if (!a) {
    const errors: Problem[] = [];
    if (unplaced.length > 0) {
      errors.push(problem('allowedRoutes', `cannot admit routes of unknown namespace (without one, a route lands in kubectl's current namespace at apply time, and the Gateway in '${gw.namespace}' would not admit it)`,
        unplaced.join(', '), 'give each route (or its chart) a namespace, or set allowedRoutes (e.g. GatewayAllowedRoutes.fromNamespaces([\'default\']))'));
    }
    if (gw.namespace === undefined && gw.ownNamespaceRoutes && others.length > 0) {
      errors.push(problem('namespace', `must be set when routes attach both from the gateway's own namespace and from ${others.join(', ')} (listeners cannot select their own namespace by name without it)`,
        'none', 'give the gateway (or its chart) a namespace, or set allowedRoutes'));
    }
    return errors;
  }
  const admitted = (ns: string) => a.from === 'All' || (a.from === 'Same' ? false : a.names === undefined || a.names.includes(ns));
  const refused = [...others.filter(ns => !admitted(ns)),
    ...(gw.ownNamespaceRoutes && gw.namespace !== undefined && a.from === 'Selector' && a.names && !a.names.includes(gw.namespace) ? [gw.namespace] : [])];
  return refused.length === 0 ? [] : [problem('allowedRoutes', 'must admit the namespaces of the routes that attach to the gateway', refused.join(', '),
    `admit ${refused.join(', ')} (GatewayAllowedRoutes.fromNamespaces), or attach those routes to another gateway`)];
}

/** DestinationRule-only features of a service. */
export function gatewayApiServiceProblems(svc: ServiceModel): Problem[] {
  const errors: Problem[] = [];
  const set = (p: object) => Object.entries(p).filter(([, v]) => v !== undefined).map(([k]) => k).join(', ');
  if (svc.trafficPolicy) errors.push(problem('trafficPolicy', `${CANNOT}: it is a DestinationRule setting`, set(svc.trafficPolicy), FIX));
  for (const v of svc.versions.filter(x => x.trafficPolicy)) {
    errors.push(problem(`versions[${v.name}].trafficPolicy`, `${CANNOT}: it is a DestinationRule setting`, set(v.trafficPolicy!), FIX));
  }
  if (svc.exportTo) errors.push(problem('exportTo', `${CANNOT}: it is a DestinationRule setting`, [...svc.exportTo], FIX));
  return errors;
}

/** The declared order the Gateway API's precedence cannot keep (an HTTPRoute; shared with Linkerd, which orders its routes alike). */
export function precedenceProblems(vs: VirtualServiceModel): Problem[] {
  return inPrecedenceOrder(vs.http).problems.map(p => problem(p.field, p.rule, p.got, p.fix));
}
