import { millisOfDurationString, wholeUnits } from '../../core/duration';
import {
  HttpRouteSpecRulesFiltersCorsAllowMethods as CorsMethod,
  HttpRouteSpecRulesFiltersRequestRedirectPathType as PathTypeRedirect,
  HttpRouteSpecRulesFiltersRequestRedirectScheme as RedirectScheme,
  HttpRouteSpecRulesFiltersRequestRedirectStatusCode as RedirectStatus,
  HttpRouteSpecRulesFiltersUrlRewritePathType as PathTypeRewrite,
  HttpRouteSpec,
  HttpRouteSpecRules,
  HttpRouteSpecRulesFilters,
  HttpRouteSpecRulesFiltersType as FilterType,
  HttpRouteSpecRulesMatches,
  HttpRouteSpecRulesMatchesHeadersType as HeaderType,
  HttpRouteSpecRulesMatchesPathType as PathType,
  HttpRouteSpecRulesMatchesQueryParamsType as QueryParamType,
} from '../../imports/gateway.networking.k8s.io';
import { versionServiceName } from '../hosts';
import { metadataOf } from '../metadata';
import { DestinationModel, HeaderOpsModel, HttpRouteModel, Manifest, MatchModel, StringMatchModel, VirtualServiceModel } from '../model';
import { gatewayApiMatches, inPrecedenceOrder } from './precedence';
import { validatedEnumValue, enumValue } from '../wire-values';

/** A reference's namespace, written only when it differs from the route's. */
function otherNamespace(target: string | undefined, routeNamespace: string | undefined): string | undefined {
  return target !== undefined && target !== routeNamespace ? target : undefined;
}

/** The name of a destination's Service backend: the per-version Service for a subset, the Service itself otherwise. */
export function backendNameOf(d: DestinationModel): string {
  return d.subset !== undefined ? versionServiceName(d.service.name, d.subset) : d.service.name;
}

/**
 * A Service backend: the per-version Service for a subset, on the container port behind the service port asked (the
 * port that Service exposes: a backendRef's port must be one of its Service's, Gateway API's BackendObjectReference),
 * the Service itself otherwise.
 */
export function backendOf(d: DestinationModel, routeNamespace: string | undefined) {
  // Istio's backend kind for an external host (a ServiceEntry's): `networking.istio.io/Hostname`, the host as its name
  // (istio.io docs tasks/traffic-management/egress/egress-gateway, Gateway API tab; istio/istio pilot/pkg/config/kube/gateway)
  if (d.service.external) return { group: 'networking.istio.io', kind: 'Hostname', name: d.service.name, port: d.port ?? d.onlyPort };
  const port = d.port ?? d.onlyPort;
  return {
    name: backendNameOf(d),
    namespace: otherNamespace(d.service.namespace, routeNamespace),
    port: d.subset !== undefined && port !== undefined ? d.versionPorts?.[port] ?? port : port,
  };
}

function pathOf(uri: StringMatchModel | undefined): HttpRouteSpecRulesMatches['path'] {
  if (!uri) return undefined;
  if (uri.exact !== undefined) return { type: enumValue<PathType>('Exact'), value: uri.exact };
  if (uri.prefix !== undefined) return { type: enumValue<PathType>('PathPrefix'), value: uri.prefix };
  return { type: enumValue<PathType>('RegularExpression'), value: uri.regex };
}

/**
 * One match as an HTTPRoute match (path, headers, query parameters). @internal (its type is a CRD import the package does not ship)
 * An exact header or query parameter match writes no `type`: `Exact` is the Gateway API's default
 * (kubernetes-sigs/gateway-api `apis/v1/httproute_types.go`, HTTPHeaderMatch and HTTPQueryParamMatch
 * `+kubebuilder:default=Exact`), and Istio's docs write it so.
 */
export function matchOf(m: MatchModel): HttpRouteSpecRulesMatches {
  return {
    path: pathOf(m.uri),
    headers: m.headers
      ? Object.entries(m.headers).map(([name, v]) => (v.regex !== undefined
        ? { name, type: enumValue<HeaderType>('RegularExpression'), value: v.regex }
        : { name, value: v.exact! }))
      : undefined,
    queryParams: m.queryParams
      ? Object.entries(m.queryParams).map(([name, v]) => (v.regex !== undefined
        ? { name, type: enumValue<QueryParamType>('RegularExpression'), value: v.regex }
        : { name, value: v.exact! }))
      : undefined,
  };
}

/** Header operations as a Gateway API header modifier filter's body. */
export function headerModifier(ops: HeaderOpsModel) {
  const list = (o: { readonly [k: string]: string } | undefined) => (o ? Object.entries(o).map(([name, value]) => ({ name, value })) : undefined);
  return { set: list(ops.set), add: list(ops.add), remove: ops.remove };
}

function filtersOf(r: HttpRouteModel, ns: string | undefined): HttpRouteSpecRulesFilters[] {
  const filters: HttpRouteSpecRulesFilters[] = [];
  if (r.headers?.request) filters.push({ type: enumValue<FilterType>('RequestHeaderModifier'), requestHeaderModifier: headerModifier(r.headers.request) });
  if (r.headers?.response) filters.push({ type: enumValue<FilterType>('ResponseHeaderModifier'), responseHeaderModifier: headerModifier(r.headers.response) });
  if (r.mirror) {
    const backendRef = backendOf(r.mirror.destination, ns);
    filters.push({ type: enumValue<FilterType>('RequestMirror'), requestMirror: { backendRef, percent: r.mirror.percentage } });
  }
  if (r.rewrite) {
    filters.push({
      type: enumValue<FilterType>('URLRewrite'),
      urlRewrite: {
        hostname: r.rewrite.authority,
        path: r.rewrite.uri !== undefined ? { type: enumValue<PathTypeRewrite>('ReplacePrefixMatch'), replacePrefixMatch: r.rewrite.uri } : undefined,
      },
    });
  }
  if (r.redirect) {
    const x = r.redirect;
    filters.push({
      type: enumValue<FilterType>('RequestRedirect'),
      requestRedirect: {
        scheme: x.scheme !== undefined ? validatedEnumValue<RedirectScheme>(x.scheme) : undefined,
        hostname: x.authority,
        port: x.port,
        statusCode: validatedEnumValue<RedirectStatus>(x.redirectCode ?? 301),
        path: x.uri !== undefined ? { type: enumValue<PathTypeRedirect>('ReplaceFullPath'), replaceFullPath: x.uri } : undefined,
      },
    });
  }
  if (r.cors) {
    const c = r.cors;
    filters.push({
      type: enumValue<FilterType>('CORS'),
      cors: {
        allowOrigins: c.allowOrigins.map(o => o.exact!),
        allowMethods: c.allowMethods?.map(m => validatedEnumValue<CorsMethod>(m)),
        allowHeaders: c.allowHeaders,
        exposeHeaders: c.exposeHeaders,
        maxAge: c.maxAge !== undefined ? seconds(c.maxAge) : undefined,
        allowCredentials: c.allowCredentials,
      },
    });
  }
  return filters;
}

/** '24h', '86400s' or '500ms' to whole seconds, rounded up (CORS maxAge is an integer number of seconds). */
function seconds(d: string): number {
  return Math.ceil(millisOfDurationString(d) / 1000);
}

/** A rule; `lastResort`: it takes every request and is written with `matches: []`, to rank after every match. */
function ruleOf(r: HttpRouteModel, ns: string | undefined, lastResort = false): HttpRouteSpecRules {
  const filters = filtersOf(r, ns);
  const matches = gatewayApiMatches(r.match);
  return {
    name: r.name,
    matches: lastResort ? [] : matches.length > 0 ? matches.map(matchOf) : undefined,
    backendRefs: r.redirect ? undefined : r.destinations.map(d => ({ ...backendOf(d, ns), weight: d.weight })),
    filters: filters.length > 0 ? filters : undefined,
    timeouts: r.timeout !== undefined || r.retries?.perTryTimeout !== undefined
      // GEP-2257 durations have no fractions: `0.5s` is written `500ms`
      ? {
        request: r.timeout !== undefined ? wholeUnits(r.timeout) : undefined,
        backendRequest: r.retries?.perTryTimeout !== undefined ? wholeUnits(r.retries.perTryTimeout) : undefined,
      }
      : undefined,
    retry: r.retries ? { attempts: r.retries.attempts } : undefined,
  };
}

/** A route's parents: its Service (GAMMA) for mesh routes, on its one port; its gateways otherwise, on the listener port. */
export function parentRefsOf(vs: VirtualServiceModel) {
  const ns = vs.namespace;
  // the routes of an external host attach to its ServiceEntry, as GAMMA routes attach to a Service (Istio's egress under the
  // Gateway API: istio.io docs tasks/traffic-management/egress/egress-gateway, `parentRefs: [{ kind: ServiceEntry, ... }]`)
  if (vs.meshService?.external) {
    return [{
      group: 'networking.istio.io',
      kind: 'ServiceEntry',
      name: vs.meshService.entryName ?? vs.meshService.name,
      namespace: otherNamespace(vs.meshService.namespace, ns),
      port: vs.meshService.port,
    }];
  }
  return vs.meshService
    ? [{
      group: '',
      kind: 'Service',
      name: vs.meshService.name,
      namespace: otherNamespace(vs.meshService.namespace, ns),
      port: vs.meshService.port,
    }]
    : vs.gateways.map(g => ({ name: g.name, namespace: otherNamespace(g.namespace, ns), port: vs.gatewayPort }));
}

/**
 * Renders routing as a Gateway API HTTPRoute: attached to its Service (GAMMA) for mesh routes, to
 * its Gateway otherwise. Versions are reached through their per-version Services.
 * Routes keep the declared order (first match wins): where a later route's match is more specific, rules of both
 * routes' conditions keep the earlier one's requests ({@link inPrecedenceOrder}).
 * Assumes the route passed {@link gatewayApiRouteProblems}.
 */
export function renderHttpRoute(vs: VirtualServiceModel): Manifest {
  const ns = vs.namespace;
  const ordered = inPrecedenceOrder(vs.http);
  const spec: HttpRouteSpec = {
    parentRefs: parentRefsOf(vs),
    hostnames: vs.meshService || vs.hosts.includes('*') ? undefined : vs.hosts,
    // the declared order kept: the Gateway API takes the most specific match first
    rules: ordered.routes.map(r => ruleOf(r, ns, ordered.lastResort.has(r))),
  };
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: metadataOf(vs.name, ns),
    spec,
  };
}
