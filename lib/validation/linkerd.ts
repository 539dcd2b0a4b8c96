/**
 * What the Linkerd back-end cannot express: each rule names the feature, so that config is refused
 * at synth rather than silently dropped. Pure functions over the model, like rules.ts.
 *
 * @module
 */
import { backendPortProblems, externalProblems, grpcRouteProblems, headerPrefixProblems, istioOnlyMatchProblems, jwtClaimProblems, precedenceProblems } from './gateway-api';
import { Problem, problem } from '../core/errors';
import { inPrecedenceOrder } from '../render/gateway-api/precedence';
import { LINKERD_GRPC_RETRY_ON, LINKERD_MAX_FAILURES_LIMIT } from '../render/linkerd';
import { ServiceModel, ServiceRef, VirtualServiceModel } from '../render/model';

const CANNOT = 'cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD)';
const FIX = 'remove it, or render this chart for MeshProvider.ISTIO';

/** The `retryOn` conditions Linkerd's `retry.linkerd.io/http` annotation takes. */
export const LINKERD_RETRY_ON = ['5xx', 'gateway-error'];

/**
 * Route features without a Linkerd equivalent (its HTTPRoute, Gateway API or `policy.linkerd.io`; with `grpcRoute`, the
 * Gateway API GRPCRoute of Linkerd 2.20).
 */
export function linkerdRouteProblems(vs: VirtualServiceModel, grpcRoute = false): Problem[] {
  const errors: Problem[] = [];
  const kind = grpcRoute ? 'GRPCRoute' : 'HTTPRoute';
  const retries = vs.http.map(r => JSON.stringify(r.retries ?? null));
  if (new Set(retries).size > 1) {
    errors.push(problem('routes.retries', `${CANNOT} per route: Linkerd sets retries on the whole ${kind} (its retry.linkerd.io annotations)`,
      retries.join(' / '), 'give every route the same retries, or put the routes that differ in a ServiceRouting of their own'));
  }
  if (grpcRoute) {
    // a GRPCRoute has no timeouts field: the one timeout.linkerd.io/request annotation holds for all its routes
    const timeouts = vs.http.map(r => r.timeout ?? 'none');
    if (new Set(timeouts).size > 1) {
      errors.push(problem('routes.timeout', `${CANNOT} per route on a gRPC service: Linkerd sets the timeout of a whole GRPCRoute (timeout.linkerd.io/request)`,
        timeouts.join(' / '), 'give every route the same timeout, or put the routes that differ in a ServiceRouting of their own'));
    }
    errors.push(...grpcRouteProblems(vs, CANNOT, FIX, ['rewrite', 'redirect', 'cors']));
  }
  for (const [field, n] of [['tcpRoutes', vs.tcp?.length ?? 0], ['tlsRoutes', vs.tls?.length ?? 0]] as const) {
    if (n > 0) {
      errors.push(problem(field, `${CANNOT} by mesh-kit yet: its TCP and TLS routes are Gateway API TCPRoute and TLSRoute objects (Linkerd 2.17 and later)`, n,
        'render this chart for Istio (MeshProvider.ISTIO)'));
    }
  }
  const external = (field: string, ds: ReadonlyArray<{ readonly service: ServiceRef }>) => externalProblems(field, ds,
    `${CANNOT}: Linkerd routes to external hosts through an EgressNetwork, not a Service's routes`,
    'let the host out with ServiceEntry egressNetwork (or EgressNetwork.allow()), or render this chart for MeshProvider.ISTIO');
  if (vs.meshService) errors.push(...external('service', [{ service: vs.meshService }]));
  vs.http.forEach((r, i) => errors.push(...external(`routes[${i}].destination`, r.destinations)));
  if (!grpcRoute) errors.push(...precedenceProblems(vs));
  // the rules written: the routes, and the rules that keep their order under the Gateway API's precedence
  const rules = grpcRoute ? vs.http.length : inPrecedenceOrder(vs.http).routes.length;
  if (rules > 16) {
    errors.push(problem('routes', 'must hold at most 16 routes in a Linkerd HTTPRoute (its rules, with those that keep the declared order)', rules, 'split them'));
  }
  for (const [i, r] of vs.http.entries()) {
    const at = `routes[${i}]`;
    if (r.fault) errors.push(problem(`${at}.fault`, `${CANNOT}: it has no fault injection`, r.fault.delay ? 'delay' : 'abort', FIX));
    if (r.delegate) errors.push(problem(`${at}.action`, `${CANNOT}: it has no route delegation`, r.delegate.name, FIX));
    if (r.mirror) errors.push(problem(`${at}.mirror`, `${CANNOT}: it does not mirror requests`, r.mirror.destination.service.name, FIX));
    if (r.rewrite) errors.push(problem(`${at}.rewrite`, `${CANNOT}: its HTTPRoute has no URL rewrite filter`, r.rewrite.uri ?? r.rewrite.authority, FIX));
    if (r.cors) errors.push(problem(`${at}.cors`, `${CANNOT}: its HTTPRoute has no CORS filter`, r.cors.allowOrigins.length, FIX));
    if (r.headers?.response) {
      errors.push(problem(`${at}.headers.response`, `${CANNOT}: its route rules modify request headers only`, Object.keys({ ...r.headers.response.set, ...r.headers.response.add }).join(', '), FIX));
    }
    if (r.redirect?.redirectCode !== undefined && ![301, 302].includes(r.redirect.redirectCode)) {
      errors.push(problem(`${at}.redirect.redirectCode`, `${CANNOT}: redirects are 301 or 302`, r.redirect.redirectCode, 'use 301 or 302'));
    }
    for (const cond of r.retries?.retryOn?.split(',') ?? []) {
      if (grpcRoute && !LINKERD_GRPC_RETRY_ON.includes(cond)) {
        errors.push(problem(`${at}.retries.retryOn`, `${CANNOT}: Linkerd retries gRPC calls on the statuses ${LINKERD_GRPC_RETRY_ON.join(', ')} (retry.linkerd.io/grpc)`, cond,
          'use RetryOn.UNAVAILABLE, CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED or INTERNAL'));
      } else if (!grpcRoute && !LINKERD_RETRY_ON.includes(cond)) {
        errors.push(problem(`${at}.retries.retryOn`, `${CANNOT}: Linkerd retries on ${LINKERD_RETRY_ON.join(' or ')}`, cond, 'use RetryOn.FIVE_XX or RetryOn.GATEWAY_ERROR'));
      }
    }
    for (const m of r.match) {
      if (m.ignoreUriCase) errors.push(problem(`${at}.match.ignoreUriCase`, `${CANNOT}: path matches are case-sensitive`, true, FIX));
      errors.push(...headerPrefixProblems(`${at}.match.headers`, m, CANNOT));
      errors.push(...jwtClaimProblems(`${at}.match.headers`, m, CANNOT));
      errors.push(...istioOnlyMatchProblems(`${at}.match`, m, CANNOT, FIX));
    }
    errors.push(...backendPortProblems(`${at}.port`, r.destinations, 'the Linkerd back-end'));
  }
  return errors;
}

/**
 * DestinationRule features of a service without a Linkerd equivalent: all but outlier detection by consecutive 5xx
 * errors and its base ejection time, which are Linkerd's failure accrual (circuit breaking) on the Service; and counts
 * Linkerd's breaker cannot use.
 */
export function linkerdServiceProblems(svc: ServiceModel): Problem[] {
  const set = (p: object) => Object.entries(p).filter(([, v]) => v !== undefined).map(([k]) => k).join(', ');
  const { outlierDetection, ...rest } = svc.trafficPolicy ?? {};
  const o = outlierDetection ?? {};
  const accrual = 'Linkerd\'s circuit breaking counts consecutive 5xx responses (consecutive5xxErrors) and backs off from a minimum penalty (baseEjectionTime)';
  const failures = o.consecutive5xxErrors;
  return [
    ...(Object.values(rest).some(v => v !== undefined)
      ? [problem('trafficPolicy', `${CANNOT}: it is an Istio DestinationRule setting (Linkerd balances by latency itself)`, set(rest), FIX)] : []),
    ...(['consecutiveGatewayErrors', 'interval', 'maxEjectionPercent'] as const).filter(k => o[k] !== undefined).map(k =>
      problem(`trafficPolicy.outlierDetection.${k}`, `${CANNOT}: ${accrual}`, o[k], 'use consecutive5xxErrors and baseEjectionTime, or render this chart for MeshProvider.ISTIO')),
    // linkerd2-proxy linkerd/app/outbound/src/http/breaker/consecutive_failures.rs trips when the count reaches max_failures: 0 never does
    ...(failures === 0
      ? [problem('trafficPolicy.outlierDetection.consecutive5xxErrors', 'must be at least 1 under the Linkerd back-end: its breaker trips when the consecutive failures '
        + 'reach this count, which 0 never does', 0, 'remove outlierDetection to turn circuit breaking off, or leave consecutive5xxErrors out for Linkerd\'s default (7)')] : []),
    // linkerd2 policy-controller/k8s/index/src/outbound/index.rs reads the count as a u32, and drops the whole failure accrual on a parse error
    ...(failures !== undefined && failures > LINKERD_MAX_FAILURES_LIMIT
      ? [problem('trafficPolicy.outlierDetection.consecutive5xxErrors', `must be at most ${LINKERD_MAX_FAILURES_LIMIT} under the Linkerd back-end: its policy controller `
        + 'reads a 32-bit count and applies no failure accrual at all when the annotation does not parse', failures)] : []),
    ...svc.versions.filter(v => v.trafficPolicy).map(v =>
      problem(`versions[${v.name}].trafficPolicy`, `${CANNOT}: it is an Istio DestinationRule setting`, set(v.trafficPolicy!), FIX)),
    ...(svc.exportTo ? [problem('exportTo', `${CANNOT}: it is an Istio DestinationRule setting`, [...svc.exportTo], FIX)] : []),
  ];
}
