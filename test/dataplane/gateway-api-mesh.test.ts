import { backend, httpRoute, meshOf, namespace, route } from './gateway-api-fixtures';
import { routeOnService } from '../../lib/dataplane/gateway-api';
import { normalizeRequest } from '../../lib/dataplane/request';
import { RouteDecision } from '../../lib/dataplane/result';
import { TrafficRequest } from '../../lib/dataplane/types';

/** GAMMA: routes whose parentRef is a Service (gateway-api GEP-1426), as `routeOnService` applies them for the mesh engines. */

const onService = (port?: number, sectionName?: string) => ({ parentRefs: [{ group: '', kind: 'Service', name: 'reviews', ...(port ? { port } : {}), ...(sectionName ? { sectionName } : {}) }] });
const split = (v1: number, v2: number) => ({ backendRefs: [{ name: 'reviews-v1', port: 9080, weight: v1 }, { name: 'reviews-v2', port: 9080, weight: v2 }] });
const BASE = [
  namespace('shop'), namespace('fast'), namespace('other'),
  ...backend('shop', 'reviews', { ports: [9080, 9090] }), ...backend('shop', 'reviews-v1', { ports: [9080] }), ...backend('shop', 'reviews-v2', { ports: [9080] }),
  ...backend('shop', 'client'), ...backend('fast', 'client'), ...backend('other', 'client'),
];

function decide(objects: unknown[], request: TrafficRequest, port = 9080, reader: 'istio' | 'linkerd' = 'istio'): RouteDecision | undefined {
  const mesh = meshOf(...BASE, ...objects as never[]);
  const world = mesh.world;
  const service = world.service('shop', 'reviews')!;
  return routeOnService(world, service, port, normalizeRequest(world, request), reader);
}
const shares = (d: RouteDecision | undefined) => d?.destinations.map(x => `${x.service} ${x.weight}`);

describe('routeOnService (GAMMA)', () => {
  test('no route attached to the Service port: undefined (the Service\'s own endpoints answer)', () => {
    expect(decide([], { from: 'shop/client', host: 'reviews' })).toBeUndefined();
    expect(decide([httpRoute('shop', 'r', { ...onService(9090), rules: [split(1, 1)] })], { from: 'shop/client', host: 'reviews' })).toBeUndefined();
  });

  test('a producer route (the Service\'s namespace) applies to clients of every namespace', () => {
    const r = [httpRoute('shop', 'split', { ...onService(9080), rules: [split(90, 10)] })];
    for (const from of ['shop/client', 'fast/client', 'other/client']) {
      const d = decide(r, { from, host: 'reviews.shop' });
      expect([d?.outcome, shares(d), d?.route]).toStrictEqual(['routed', ['shop/reviews-v1 90', 'shop/reviews-v2 10'], { kind: 'HTTPRoute', namespace: 'shop', name: 'split', rule: 0, match: 0 }]);
    }
  });

  test('a consumer route applies to its own namespace only, and replaces the producer routes there', () => {
    const objects = [
      httpRoute('shop', 'producer', { ...onService(9080), rules: [split(90, 10)] }),
      // its backendRefs name their namespace: they default to the route's
      httpRoute('fast', 'consumer', { parentRefs: [{ group: '', kind: 'Service', name: 'reviews', namespace: 'shop', port: 9080 }], rules: [{ backendRefs: [{ name: 'reviews-v2', namespace: 'shop', port: 9080 }] }] }),
    ];
    const fast = decide(objects, { from: 'fast/client', host: 'reviews.shop' });
    expect(shares(fast)).toStrictEqual(['shop/reviews-v2 100']);
    expect(fast?.notes).toStrictEqual(['the consumer route of namespace fast (HTTPRoute fast/consumer) replaces the producer routes of shop']);
    expect(shares(decide(objects, { from: 'other/client', host: 'reviews.shop' }))).toStrictEqual(['shop/reviews-v1 90', 'shop/reviews-v2 10']);
  });

  test('a route without port applies to every port; sectionName names a port by its name', () => {
    expect(shares(decide([httpRoute('shop', 'r', { ...onService(), rules: [split(1, 1)] })], { from: 'shop/client', host: 'reviews', port: 9090 }, 9090)))
      .toStrictEqual(['shop/reviews-v1 50', 'shop/reviews-v2 50']);
    expect(decide([httpRoute('shop', 'r', { ...onService(undefined, 'http-9090'), rules: [split(1, 1)] })], { from: 'shop/client', host: 'reviews' }, 9080)).toBeUndefined();
    expect(decide([httpRoute('shop', 'r', { ...onService(undefined, 'http-9080'), rules: [split(1, 1)] })], { from: 'shop/client', host: 'reviews' }, 9080)?.outcome).toBe('routed');
  });

  test('routes attached but no rule matches: the request is rejected (404); hostnames are not consulted', () => {
    const objects = [httpRoute('shop', 'r', { ...onService(9080), hostnames: ['elsewhere.example.com'], rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/api' } }], ...split(1, 0) }] })];
    expect(shares(decide(objects, { from: 'shop/client', host: 'reviews', path: '/api/x' }))).toStrictEqual(['shop/reviews-v1 100']);
    const d = decide(objects, { from: 'shop/client', host: 'reviews', path: '/other' });
    expect([d?.outcome, d?.status, d?.reason]).toStrictEqual(['no-route', 404, 'HTTPRoute shop/r is attached to Service shop/reviews:9080, and no rule matches GET /other: the request is rejected (404)']);
  });

  test('one route kind applies to a Service port: GRPCRoute before HTTPRoute (GEP-1426)', () => {
    const objects = [
      httpRoute('shop', 'http', { ...onService(9080), rules: [split(1, 0)] }),
      route('GRPCRoute', 'shop', 'grpc', { ...onService(9080), rules: [{ matches: [{ method: { service: 'shop.Reviews' } }], ...split(0, 1) }] }),
    ];
    expect(shares(decide(objects, { from: 'shop/client', host: 'reviews', protocol: 'grpc', path: '/shop.Reviews/Get' }))).toStrictEqual(['shop/reviews-v2 100']);
    const http = decide(objects, { from: 'shop/client', host: 'reviews' });
    expect([http?.status, http?.notes]).toStrictEqual([404, ['HTTPRoute shop/http is ignored: GRPCRoutes take this Service port first (GEP-1426)']]);
  });

  test('TCP connections meet TCPRoutes: the oldest', () => {
    const objects = [route('TCPRoute', 'shop', 'tcp', { ...onService(9080), rules: [split(1, 3)] })];
    expect(shares(decide(objects, { from: 'shop/client', host: 'reviews', protocol: 'tcp' }))).toStrictEqual(['shop/reviews-v1 25', 'shop/reviews-v2 75']);
    expect(decide(objects, { from: 'shop/client', host: 'reviews' })).toBeUndefined();
  });

  test('backendRefs to other namespaces need no ReferenceGrant; filters apply as at a gateway (a redirect keeps the Service port)', () => {
    const d = decide([httpRoute('shop', 'r', { ...onService(9080), rules: [{ backendRefs: [{ name: 'client', namespace: 'other', port: 8080 }] }] })], { from: 'shop/client', host: 'reviews' });
    expect(shares(d)).toStrictEqual(['other/client 100']);
    const redirect = decide([httpRoute('shop', 'r', { ...onService(9080), rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: '/v2' } } }] }] })],
      { from: 'shop/client', host: 'reviews', path: '/v1' });
    expect(redirect?.redirect).toStrictEqual({ location: 'http://reviews:9080/v2', status: 302 });
  });

  describe('the Linkerd reader', () => {
    const linkerdRoute = (apiVersion: string) => ({
      apiVersion, kind: 'HTTPRoute', metadata: { name: 'linkerd', namespace: 'shop' }, spec: { ...onService(9080), rules: [split(0, 1)] },
    });

    test.each(['policy.linkerd.io/v1beta2', 'policy.linkerd.io/v1beta3'])('reads Linkerd\'s own HTTPRoute (%s); Istio does not', apiVersion => {
      expect(shares(decide([linkerdRoute(apiVersion)], { from: 'shop/client', host: 'reviews' }, 9080, 'linkerd'))).toStrictEqual(['shop/reviews-v2 100']);
      expect(decide([linkerdRoute(apiVersion)], { from: 'shop/client', host: 'reviews' }, 9080, 'istio')).toBeUndefined();
    });

    test('does not accept a Gateway API route with a field newer than v1.2.1 (Linkerd 2.20); Istio reads it', () => {
      const named = httpRoute('shop', 'named', { ...onService(9080), rules: [{ name: 'to-v2', ...split(0, 1) }] });
      const plain = httpRoute('shop', 'plain', { ...onService(9080), rules: [split(1, 0)] });
      const linkerd = decide([named, plain], { from: 'shop/client', host: 'reviews' }, 9080, 'linkerd');
      expect(shares(linkerd)).toStrictEqual(['shop/reviews-v1 100']);
      expect(linkerd?.notes).toStrictEqual(['Linkerd 2.20 reads Gateway API v1.2.1 and does not accept HTTPRoute shop/named: /spec/rules/0: must NOT have additional properties: \'name\'']);
      const istio = decide([named, plain], { from: 'shop/client', host: 'reviews' }, 9080, 'istio');
      expect([shares(istio), istio?.route?.ruleName]).toStrictEqual([['shop/reviews-v2 100'], 'to-v2']);
    });

    test('reads TLSRoutes and TCPRoutes of v1alpha2 only', () => {
      const tcp = (apiVersion: string) => ({ apiVersion, kind: 'TCPRoute', metadata: { name: 'tcp', namespace: 'shop' }, spec: { ...onService(9080), rules: [split(1, 0)] } });
      expect(shares(decide([tcp('gateway.networking.k8s.io/v1alpha2')], { from: 'shop/client', host: 'reviews', protocol: 'tcp' }, 9080, 'linkerd'))).toStrictEqual(['shop/reviews-v1 100']);
      expect(decide([tcp('gateway.networking.k8s.io/v1')], { from: 'shop/client', host: 'reviews', protocol: 'tcp' }, 9080, 'linkerd')).toBeUndefined();
    });
  });
});
