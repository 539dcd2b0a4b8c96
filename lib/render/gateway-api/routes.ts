import {
  GrpcRouteSpec, GrpcRouteSpecRules, GrpcRouteSpecRulesFilters, GrpcRouteSpecRulesFiltersType as GrpcFilter, GrpcRouteSpecRulesMatches,
  GrpcRouteSpecRulesMatchesHeadersType as GrpcHeaderType, GrpcRouteSpecRulesMatchesMethodType as GrpcMethodType, TcpRouteSpec, TlsRouteSpec,
} from '../../imports/gateway.networking.k8s.io';
import { metadataOf } from '../metadata';
import { DestinationModel, HttpRouteModel, Manifest, MatchModel, VirtualServiceModel } from '../model';
import { backendOf, headerModifier, parentRefsOf } from './http-route';
import { enumValue } from '../wire-values';

const V1 = 'gateway.networking.k8s.io/v1';

const weighted = (ds: readonly DestinationModel[], ns: string | undefined) => ds.map(d => ({ ...backendOf(d, ns), weight: d.weight }));

function grpcMatchOf(m: MatchModel): GrpcRouteSpecRulesMatches {
  return {
    method: m.grpc ? { type: enumValue<GrpcMethodType>('Exact'), service: m.grpc.service, method: m.grpc.method } : undefined,
    headers: m.headers
      ? Object.entries(m.headers).map(([name, v]) => (v.regex !== undefined
        ? { name, type: enumValue<GrpcHeaderType>('RegularExpression'), value: v.regex }
        : { name, type: enumValue<GrpcHeaderType>('Exact'), value: v.exact! }))
      : undefined,
  };
}

function grpcRuleOf(r: HttpRouteModel, ns: string | undefined): GrpcRouteSpecRules {
  const filters: GrpcRouteSpecRulesFilters[] = [];
  if (r.headers?.request) filters.push({ type: enumValue<GrpcFilter>('RequestHeaderModifier'), requestHeaderModifier: headerModifier(r.headers.request) });
  if (r.headers?.response) filters.push({ type: enumValue<GrpcFilter>('ResponseHeaderModifier'), responseHeaderModifier: headerModifier(r.headers.response) });
  if (r.mirror) {
    const requestMirror = { backendRef: backendOf(r.mirror.destination, ns), percent: r.mirror.percentage };
    filters.push({ type: enumValue<GrpcFilter>('RequestMirror'), requestMirror });
  }
  return {
    name: r.name,
    matches: r.match.length > 0 ? r.match.map(grpcMatchOf) : undefined,
    backendRefs: weighted(r.destinations, ns),
    filters: filters.length > 0 ? filters : undefined,
  };
}

/**
 * Routing of a gRPC service as a GRPCRoute: a rule per route, matching gRPC service/method and headers.
 * Assumes the route passed {@link gatewayApiRouteProblems} (no paths, timeouts, retries, rewrites or redirects).
 */
export function renderGrpcRoute(vs: VirtualServiceModel): Manifest {
  const spec: GrpcRouteSpec = {
    parentRefs: parentRefsOf(vs),
    hostnames: vs.meshService || vs.hosts.includes('*') ? undefined : vs.hosts,
    rules: vs.http.map(r => grpcRuleOf(r, vs.namespace)),
  };
  return { apiVersion: V1, kind: 'GRPCRoute', metadata: metadataOf(vs.name, vs.namespace), spec };
}

/** The one TCP route as a TCPRoute (the Gateway API allows one rule, without matches). */
export function renderTcpRoute(vs: VirtualServiceModel): Manifest {
  const spec: TcpRouteSpec = {
    parentRefs: parentRefsOf(vs),
    rules: (vs.tcp ?? []).slice(0, 1).map(r => ({ backendRefs: weighted(r.destinations, vs.namespace) })),
  };
  return { apiVersion: V1, kind: 'TCPRoute', metadata: metadataOf(vs.name, vs.namespace), spec };
}

/**
 * The one TLS route as a TLSRoute: its SNI hosts as the hostnames, one rule. Always with hostnames: TLSRoute `v1` (the
 * pinned CRDs' storage version) requires them, where `v1alpha2` (Istio's egress-gateway task) lets a mesh route leave
 * them out for SNI `*` within its parent's host (istio/istio pilot/pkg/config/kube/gateway/conversion.go, `buildTLSMatch`).
 */
export function renderTlsRoute(vs: VirtualServiceModel): Manifest {
  const routes = (vs.tls ?? []).slice(0, 1);
  const spec: TlsRouteSpec = {
    parentRefs: parentRefsOf(vs),
    hostnames: [...new Set(routes.flatMap(r => r.match.flatMap(m => m.sniHosts)))],
    rules: routes.map(r => ({ backendRefs: weighted(r.destinations, vs.namespace) })),
  };
  return { apiVersion: V1, kind: 'TLSRoute', metadata: metadataOf(vs.name, vs.namespace), spec };
}
