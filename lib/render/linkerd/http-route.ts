import { wholeUnits } from '../../core/duration';
import { GrpcRouteSpec, HttpRouteSpec } from '../../imports/gateway.networking.k8s.io';
import { renderHttpRoute } from '../gateway-api/http-route';
import { renderGrpcRoute } from '../gateway-api/routes';
import { metadataOf } from '../metadata';
import { DestinationModel, Manifest, RetriesModel, VirtualServiceModel } from '../model';

/** The gRPC status codes Linkerd's `retry.linkerd.io/grpc` takes. */
export const LINKERD_GRPC_RETRY_ON = ['cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable'];

/**
 * Linkerd's retry annotations of a route (Linkerd 2.16 and later read them on HTTPRoutes and GRPCRoutes): `http` takes
 * status codes and classes, `grpc` status names.
 */
export function retryAnnotations(r: RetriesModel, grpc = false): { [key: string]: string } {
  const out: { [key: string]: string } = grpc
    ? { 'retry.linkerd.io/grpc': r.retryOn ?? 'cancelled,unavailable' }
    : { 'retry.linkerd.io/http': r.retryOn ?? '5xx' };
  out['retry.linkerd.io/limit'] = String(r.attempts);
  if (r.perTryTimeout !== undefined) out['retry.linkerd.io/timeout'] = wholeUnits(r.perTryTimeout);
  return out;
}

/**
 * The request timeout written as Linkerd's `timeout.linkerd.io/request` annotation rather than the rules' Gateway API
 * field: on a GRPCRoute (it has no timeouts field), and beside a response or idle timeout when every rule has the same
 * one (Linkerd's timeouts reference writes the three together; the annotation takes priority over the field,
 * `policy-controller/k8s/index/src/outbound/index/http.rs`). Undefined: each rule keeps its field.
 */
function annotatedRequestTimeout(vs: VirtualServiceModel, grpc: boolean): string | undefined {
  if (grpc) return vs.http.find(r => r.timeout !== undefined)?.timeout;
  const t = vs.linkerdTimeouts;
  if (!t || (t.response === undefined && t.idle === undefined)) return undefined;
  const timeouts = new Set(vs.http.map(r => r.timeout));
  return timeouts.size === 1 ? [...timeouts][0] : undefined;
}

/**
 * Where Linkerd's route annotations for the retries and timeouts of a routing object come from: retries, the request
 * timeout where it is annotated, the response and idle timeouts (`parse_timeouts`,
 * `policy-controller/k8s/index/src/outbound/index.rs`).
 */
function routeAnnotations(vs: VirtualServiceModel, grpc: boolean): { [key: string]: string } | undefined {
  const retries = vs.http.find(r => r.retries !== undefined && r.retries.attempts > 0)?.retries;
  const request = annotatedRequestTimeout(vs, grpc);
  const t = vs.linkerdTimeouts ?? {};
  const out = {
    ...(retries ? retryAnnotations(retries, grpc) : {}),
    // `parse_duration` takes no fractions: `0.5s` is written `500ms`
    ...(request ? { 'timeout.linkerd.io/request': wholeUnits(request) } : {}),
    ...(t.response ? { 'timeout.linkerd.io/response': wholeUnits(t.response) } : {}),
    ...(t.idle ? { 'timeout.linkerd.io/idle': wholeUnits(t.idle) } : {}),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * A version the service's own Service selects alone (a canary's stable) is sent to that Service, as Linkerd's
 * traffic-shifting task writes it (backendRefs `bb` and `bb-v2`, bb selecting v1): the same pods as its per-version Service.
 */
function toSelectingService(vs: VirtualServiceModel): VirtualServiceModel {
  if (!vs.http.some(r => r.destinations.some(d => d.selectedByService))) return vs;
  const toService = (d: DestinationModel): DestinationModel => (d.selectedByService ? { ...d, subset: undefined } : d);
  return { ...vs, http: vs.http.map(r => ({ ...r, destinations: r.destinations.map(toService) })) };
}

/**
 * Renders mesh routing for Linkerd, attached to its Service (`group: core`, as Linkerd documents it): the Gateway API
 * rule shape Linkerd serves (matches, request header and redirect filters, weighted `backendRefs` to per-version
 * Services, request timeouts), with retries as Linkerd's `retry.linkerd.io/*` annotations and the route's response and
 * idle timeouts as `timeout.linkerd.io/response` and `/idle` (the request timeout then with them when every rule has the same). `apiVersion` is the
 * Gateway API's `gateway.networking.k8s.io/v1` (Linkerd 2.20; only fields of Gateway API v1.2.1: no rule names, no
 * `retry`) or Linkerd's own `policy.linkerd.io/v1beta3`.
 * Assumes the route passed `linkerdRouteProblems` (so every route has the same retries).
 */
export function renderLinkerdHttpRoute(vs: VirtualServiceModel, apiVersion = 'policy.linkerd.io/v1beta3'): Manifest {
  const spec = renderHttpRoute(toSelectingService(vs)).spec as HttpRouteSpec;
  const annotated = annotatedRequestTimeout(vs, false) !== undefined;
  return {
    apiVersion,
    kind: 'HTTPRoute',
    metadata: metadataOf(vs.name, vs.namespace, undefined, routeAnnotations(vs, false)),
    spec: {
      parentRefs: (spec.parentRefs ?? []).map(p => ({ ...p, group: 'core' })),
      rules: (spec.rules ?? []).map(({ name: _name, retry: _retry, timeouts, ...rule }) => ({
        ...rule,
        timeouts: timeouts?.request !== undefined && !annotated ? { request: timeouts.request } : undefined,
      })),
    },
  };
}

/**
 * Renders a gRPC service's routing for Linkerd 2.20 as a Gateway API GRPCRoute attached to its Service: method and header
 * matches, weighted backends, no rule names (Gateway API v1.2.1); retries as `retry.linkerd.io/grpc` and the request
 * timeout as `timeout.linkerd.io/request`.
 */
export function renderLinkerdGrpcRoute(vs: VirtualServiceModel): Manifest {
  const spec = renderGrpcRoute(toSelectingService(vs)).spec as GrpcRouteSpec;
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GRPCRoute',
    metadata: metadataOf(vs.name, vs.namespace, undefined, routeAnnotations(vs, true)),
    spec: {
      parentRefs: (spec.parentRefs ?? []).map(p => ({ ...p, group: 'core' })),
      rules: (spec.rules ?? []).map(({ name: _name, ...rule }) => rule),
    },
  };
}
