/**
 * Routes declared in order, rendered for the Gateway API (most specific match first) and Linkerd: the declared order is
 * kept by rules of combined conditions, or refused; and `HttpMatch.pathPrefix`, the same requests on every back-end.
 * Each case is also held to the data-plane model: the request goes where the declaration says.
 */
import { App } from 'cdk8s';
import {
  HeaderMatch, HttpMatch, HttpRouteOptions, Mesh, MeshChart, MeshNamespace, MeshProvider, MeshService, RouteAction, ServiceRouting, TrafficApi,
} from '../../lib';
import { expectSchemaValid } from '../support/schemas';
import { only, synthError, synthObjects } from '../support/synth';

type Backend = 'istio' | 'gateway-api' | 'linkerd';

/** An app of one service `shop` (versions v1, v2, v3) in namespace `shop`, routed by `routes`, and a caller `client`. */
function build(app: App, backend: Backend, routes: (svc: MeshService) => HttpRouteOptions[]): void {
  const chart = new MeshChart(app, 'c', {
    namespace: 'shop',
    ...(backend === 'gateway-api' ? { trafficApi: TrafficApi.GATEWAY_API } : backend === 'linkerd' ? { mesh: MeshProvider.LINKERD } : {}),
  });
  const namespace = new MeshNamespace(chart, 'ns', { name: 'shop' });
  new MeshService(chart, 'client', { namespace, ports: [{ port: 80 }], image: 'registry.example.com/client:1.0.0' });
  const svc = new MeshService(chart, 'shop', { namespace, ports: [{ port: 8080, name: 'http' }] });
  for (const v of ['v1', 'v2', 'v3']) svc.addVersion(v, { image: `registry.example.com/shop:${v}` });
  new ServiceRouting(chart, 'routing', { service: svc, routes: routes(svc) });
}

const rulesOf = (backend: Backend, routes: (svc: MeshService) => HttpRouteOptions[]) =>
  (only(expectSchemaValid(synthObjects(app => build(app, backend, routes))), 'HTTPRoute').spec as { rules: unknown[] }).rules;

/** The version a request reaches, per the data-plane model. */
function versionOf(backend: Backend, routes: (svc: MeshService) => HttpRouteOptions[], path: string, headers?: { [k: string]: string }): string {
  const app = new App();
  build(app, backend, routes);
  const r = Mesh.fromApp(app).request({ from: 'shop/client', host: 'shop', port: 8080, path, ...(headers ? { headers } : {}) });
  return r.destinations.map(d => `${d.version}:${d.weight}`).join(',');
}

const to = (svc: MeshService, v: string) => RouteAction.forward(svc.version(v));

describe('the declared order under the Gateway API and Linkerd', () => {
  const headerFirst = (svc: MeshService): HttpRouteOptions[] => [
    { name: 'jason', match: [HttpMatch.headers(HeaderMatch.exact('end-user', 'jason'))], action: to(svc, 'v1') },
    { name: 'api', match: [HttpMatch.pathPrefix('/api')], action: to(svc, 'v2') },
    { name: 'rest', action: to(svc, 'v3') },
  ];

  test('a header route before a longer path: a rule of both conditions, with the first route\'s action, comes before the path\'s', () => {
    expect(rulesOf('gateway-api', headerFirst)).toStrictEqual([
      { name: 'jason', matches: [{ headers: [{ name: 'end-user', value: 'jason' }] }], backendRefs: [{ name: 'shop-v1', port: 8080 }] },
      {
        name: 'jason-1',
        matches: [{ path: { type: 'PathPrefix', value: '/api' }, headers: [{ name: 'end-user', value: 'jason' }] }],
        backendRefs: [{ name: 'shop-v1', port: 8080 }],
      },
      { name: 'api', matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: 'shop-v2', port: 8080 }] },
      { name: 'rest', backendRefs: [{ name: 'shop-v3', port: 8080 }] },
    ]);
  });

  test.each(['istio', 'gateway-api', 'linkerd'] as const)('%s: jason reaches v1 on every path, others v2 under /api and v3 elsewhere', backend => {
    expect([
      versionOf(backend, headerFirst, '/api/x', { 'end-user': 'jason' }),
      versionOf(backend, headerFirst, '/api', { 'end-user': 'jason' }),
      versionOf(backend, headerFirst, '/api/x'),
      versionOf(backend, headerFirst, '/apis'),
      versionOf(backend, headerFirst, '/'),
    ]).toStrictEqual(['v1:100', 'v1:100', 'v2:100', 'v3:100', 'v3:100']);
  });

  test('routes with the same action need no rule of both; disjoint paths need none', () => {
    const rules = rulesOf('gateway-api', svc => [
      { match: [HttpMatch.headers(HeaderMatch.exact('end-user', 'jason'))], action: to(svc, 'v1') },
      { match: [HttpMatch.pathPrefix('/api')], action: to(svc, 'v1') },
      { match: [HttpMatch.exact('/login')], action: to(svc, 'v2') },
      { match: [HttpMatch.pathPrefix('/static')], action: to(svc, 'v3') },
    ]);
    // the header route meets /login (exact, more specific) and /static (longer): two rules of both; /api shares its action
    expect(rules).toHaveLength(6);
    const disjoint = rulesOf('gateway-api', svc => [
      { match: [HttpMatch.exact('/login')], action: to(svc, 'v1') },
      { match: [HttpMatch.pathPrefix('/static')], action: to(svc, 'v2') },
    ]);
    expect(disjoint).toHaveLength(2);
  });

  test('a route that takes every request, declared first, keeps them: the later route\'s conditions with its action come first', () => {
    const first = (svc: MeshService): HttpRouteOptions[] => [
      { name: 'all', match: [HttpMatch.pathPrefix('/')], action: to(svc, 'v1') },
      { name: 'api', match: [HttpMatch.pathPrefix('/api')], action: to(svc, 'v2') },
    ];
    expect(rulesOf('gateway-api', first)).toStrictEqual([
      { name: 'all', backendRefs: [{ name: 'shop-v1', port: 8080 }] },
      { name: 'all-1', matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: 'shop-v1', port: 8080 }] },
      { name: 'api', matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: 'shop-v2', port: 8080 }] },
    ]);
    expect(versionOf('gateway-api', first, '/api/x')).toBe('v1:100');
  });

  test('a regular expression before the rest: the rest is written with matches: [] (not PathPrefix /, which Istio ranks first)', () => {
    const regexFirst = (svc: MeshService): HttpRouteOptions[] => [
      { match: [HttpMatch.regex('/v[0-9]+/.*')], action: to(svc, 'v1') },
      { action: to(svc, 'v2') },
    ];
    expect(rulesOf('gateway-api', regexFirst)).toStrictEqual([
      { matches: [{ path: { type: 'RegularExpression', value: '/v[0-9]+/.*' } }], backendRefs: [{ name: 'shop-v1', port: 8080 }] },
      { matches: [], backendRefs: [{ name: 'shop-v2', port: 8080 }] },
    ]);
    expect([versionOf('gateway-api', regexFirst, '/v1/x'), versionOf('gateway-api', regexFirst, '/x')]).toStrictEqual(['v1:100', 'v2:100']);
  });

  test('a regular expression before a header route cannot be kept first: a synth error naming both routes and the fix', () => {
    const message = synthError(app => build(app, 'gateway-api', svc => [
      { match: [HttpMatch.regex('/v[0-9]+/.*')], action: to(svc, 'v1') },
      { match: [HttpMatch.headers(HeaderMatch.exact('end-user', 'jason'))], action: to(svc, 'v2') },
    ]));
    expect(message).toContain("[c/routing] 'routes[1].match' ranks before routes[0] (path regex /v[0-9]+/.*) under the Gateway API, which takes the most "
      + 'specific match first, not the first route: the requests both take would skip routes[0], and a regular expression (/v[0-9]+/.*) ranks after a '
      + "prefix: got 'any path, header end-user'; put routes[1] first or make the two routes take different requests, or render them with TrafficApi.ISTIO");
    // Istio's API reads routes in order: the same declaration is fine there
    expect(versionOf('istio', svc => [
      { match: [HttpMatch.regex('/v[0-9]+/.*')], action: to(svc, 'v1') },
      { match: [HttpMatch.headers(HeaderMatch.exact('end-user', 'jason'))], action: to(svc, 'v2') },
    ], '/v1/x', { 'end-user': 'jason' })).toBe('v1:100');
  });
});

describe('HttpMatch.pathPrefix: by path element on every back-end', () => {
  const api = (svc: MeshService): HttpRouteOptions[] => [
    { name: 'api', match: [HttpMatch.pathPrefix('/api/')], action: to(svc, 'v2') },
    { name: 'rest', action: to(svc, 'v1') },
  ];

  test('Istio\'s API: two matches (the path, and under it); the Gateway API: one PathPrefix', () => {
    const vs = only(expectSchemaValid(synthObjects(app => build(app, 'istio', api))), 'VirtualService');
    expect((vs.spec as { http: Array<{ match?: unknown }> }).http[0].match).toStrictEqual([{ uri: { exact: '/api' } }, { uri: { prefix: '/api/' } }]);
    expect(rulesOf('gateway-api', api)[0]).toStrictEqual({ name: 'api', matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: 'shop-v2', port: 8080 }] });
  });

  test.each(['istio', 'gateway-api', 'linkerd'] as const)('%s: /api and /api/x reach v2, /apis does not', backend => {
    expect(['/api', '/api/x', '/apis', '/'].map(p => versionOf(backend, api, p))).toStrictEqual(['v2:100', 'v2:100', 'v1:100', 'v1:100']);
  });

  test('HttpMatch.prefix keeps each API\'s meaning: /apis is under prefix /api for Istio\'s API, not for the Gateway API', () => {
    const prefix = (svc: MeshService): HttpRouteOptions[] => [{ match: [HttpMatch.prefix('/api')], action: to(svc, 'v2') }, { action: to(svc, 'v1') }];
    expect([versionOf('istio', prefix, '/apis'), versionOf('gateway-api', prefix, '/apis')]).toStrictEqual(['v2:100', 'v1:100']);
  });

  test('pathPrefix(\'/\') is every path; the value must start with \'/\'', () => {
    const all = (svc: MeshService): HttpRouteOptions[] => [{ match: [HttpMatch.pathPrefix('/')], action: to(svc, 'v2') }];
    expect(versionOf('istio', all, '/anything')).toBe('v2:100');
    expect(() => HttpMatch.pathPrefix('api')).toThrow("'uri' must start with '/': got 'api'; use '/api'");
  });

  test('Istio\'s API: a rewrite to a prefix without a trailing \'/\' is refused (Envoy would write /v2x for /api/x)', () => {
    const message = synthError(app => build(app, 'istio', svc => [{ match: [HttpMatch.pathPrefix('/api')], rewrite: { uri: '/v2' }, action: to(svc, 'v2') }]));
    expect(message).toContain("'routes[0].rewrite.uri' must end with '/' on a route matching path prefix '/api' by path element (Istio's API rewrites "
      + "its '/api/' match, so '/api/x' would become '/v2x'): got '/v2'; rewrite to '/v2/'");
    // the Gateway API's ReplacePrefixMatch replaces the path element
    const rules = rulesOf('gateway-api', svc => [{ match: [HttpMatch.pathPrefix('/api')], rewrite: { uri: '/v2' }, action: to(svc, 'v2') }]);
    expect(rules[0]).toMatchObject({ matches: [{ path: { type: 'PathPrefix', value: '/api' } }], filters: [{ type: 'URLRewrite' }] });
  });
});
