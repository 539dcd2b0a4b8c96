import { HttpRouteSpec } from '../../imports/gateway.networking.k8s.io';
import { renderHttpRoute } from '../gateway-api/http-route';
import { metadataOf } from '../metadata';
import { Manifest, RetriesModel, VirtualServiceModel } from '../model';

/** Linkerd's retry annotations for an HTTPRoute (Linkerd 2.16 and later read them on routes). */
export function retryAnnotations(r: RetriesModel): { [key: string]: string } {
  const out: { [key: string]: string } = {
    'retry.linkerd.io/http': r.retryOn ?? '5xx',
    'retry.linkerd.io/limit': String(r.attempts),
  };
  if (r.perTryTimeout !== undefined) out['retry.linkerd.io/timeout'] = r.perTryTimeout;
  return out;
}

/**
 * Renders mesh routing as Linkerd's `policy.linkerd.io/v1beta3` HTTPRoute, attached to its Service
 * (`group: core`, as Linkerd documents it): the Gateway API rule shape Linkerd serves (matches,
 * request header and redirect filters, weighted `backendRefs` to per-version Services, request
 * timeouts), with retries as Linkerd's `retry.linkerd.io/*` annotations.
 * Assumes the route passed `linkerdRouteProblems` (so every route has the same retries).
 */
export function renderLinkerdHttpRoute(vs: VirtualServiceModel): Manifest {
  const spec = renderHttpRoute(vs).spec as HttpRouteSpec;
  const retries = vs.http.find(r => r.retries !== undefined && r.retries.attempts > 0)?.retries;
  return {
    apiVersion: 'policy.linkerd.io/v1beta3',
    kind: 'HTTPRoute',
    metadata: metadataOf(vs.name, vs.namespace, undefined, retries ? retryAnnotations(retries) : undefined),
    spec: {
      parentRefs: (spec.parentRefs ?? []).map(p => ({ ...p, group: 'core' })),
      rules: (spec.rules ?? []).map(({ name: _name, retry: _retry, timeouts, ...rule }) => ({
        ...rule,
        timeouts: timeouts?.request !== undefined ? { request: timeouts.request } : undefined,
      })),
    },
  };
}
