import { Mesh } from '../../lib';
import { routing } from '../support/traffic';

/**
 * The Istio engine rule by rule, on small configurations written as YAML: how istiod's generated Envoy configuration
 * takes a request from a sidecar (VirtualService hosts, exportTo, Sidecar scoping, DestinationRule subsets,
 * ServiceEntries, headless and ExternalName Services, protocol sniffing, mesh config) or through a gateway.
 */

const deployment = (ns: string, name: string, labels: string, extra = '') => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${ns} }
spec:
  replicas: 1
  selector: { matchLabels: ${labels} }
  template: { metadata: { labels: ${labels} }, spec: { containers: [{ name: c, image: 'x:1'${extra} }] } }`;

const BASE = [
  'apiVersion: v1\nkind: Namespace\nmetadata: { name: shop, labels: { istio-injection: enabled } }',
  'apiVersion: v1\nkind: Namespace\nmetadata: { name: other, labels: { istio-injection: enabled } }',
  deployment('shop', 'client', '{ app: client }'),
  deployment('shop', 'web-v1', '{ app: web, version: v1 }', ', ports: [{ name: http-web, containerPort: 8080 }]'),
  deployment('shop', 'web-v2', '{ app: web, version: v2 }', ', ports: [{ name: http-web, containerPort: 8080 }]'),
  'apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: shop }\nspec: { selector: { app: web }, ports: [{ name: http, port: 80, targetPort: http-web }, { name: tcp-db, port: 5432 }] }',
  'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: web, namespace: shop }\nspec: { host: web, subsets: [{ name: v1, labels: { version: v1 } }, { name: v2, labels: { version: v2 } }] }',
  deployment('other', 'api', '{ app: api }'),
  'apiVersion: v1\nkind: Service\nmetadata: { name: api, namespace: other }\nspec: { selector: { app: api }, ports: [{ name: http, port: 8000 }] }',
];

const mesh = (...docs: string[]) => Mesh.fromYaml([...BASE, ...docs].join('\n---\n'));
const vs = (ns: string, name: string, spec: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: ${name}, namespace: ${ns} }\nspec:\n${spec}`;

describe('VirtualService rules at a sidecar', () => {
  const m = mesh(vs('shop', 'web', `
  hosts: [web]
  http:
  - match: [{ uri: { prefix: /api }, headers: { x-canary: { exact: 'yes' } } }]
    rewrite: { uri: /v2/api }
    headers: { request: { set: { x-env: canary }, remove: [x-debug] } }
    route: [{ destination: { host: web, subset: v2 } }]
  - match: [{ uri: { prefix: /old } }]
    redirect: { uri: /new, redirectCode: 302 }
  - match: [{ uri: { exact: /gone } }]
    fault: { abort: { httpStatus: 503, percentage: { value: 100 } } }
    route: [{ destination: { host: web, subset: v1 } }]
  - name: rest
    route: [{ destination: { host: web, subset: v1 }, weight: 80 }, { destination: { host: web, subset: v3 }, weight: 20 }]
    mirror: { host: web, subset: v2 }
    timeout: 3s
  - route: [{ destination: { host: web, subset: v2 } }]
`));

  test('matches on path and headers; rewrites the path, sets and removes headers', () => {
    const r = m.request({ from: 'shop/client', host: 'web', path: '/api/items?q=1', headers: { 'x-canary': 'yes', 'x-debug': '1' } });
    expect(r.route).toStrictEqual({ kind: 'VirtualService', namespace: 'shop', name: 'web', rule: 0, match: 0 });
    expect(routing(r.destinations)).toStrictEqual([{ service: 'shop/web', port: 80, subset: 'v2', version: 'v2', workloads: ['shop/web-v2'], weight: 100 }]);
    expect(r.upstreamRequest).toStrictEqual({ path: '/v2/api/items?q=1', host: 'web', method: 'GET' });
    expect(r.requestHeaders).toStrictEqual({ 'x-canary': 'yes', 'host': 'web', 'x-env': 'canary' });
    expect(r.filters.rewrite).toStrictEqual({ path: '/v2/api' });
    expect(r.filters.requestHeaders).toStrictEqual({ set: { 'x-env': 'canary' }, remove: ['x-debug'] });
  });

  test('without the header the first rule does not match: first match wins among the others', () => {
    expect(m.request({ from: 'shop/client', host: 'web', path: '/api/items' }).route).toMatchObject({ rule: 3, ruleName: 'rest' });
  });

  test('a redirect', () => {
    const r = m.request({ from: 'shop/client', host: 'web', path: '/old/page?x=1' });
    expect([r.outcome, r.status, r.redirect]).toStrictEqual(['redirected', 302, { location: 'http://web/new?x=1', status: 302 }]);
  });

  test('a fault aborting every request', () => {
    const r = m.request({ from: 'shop/client', host: 'web', path: '/gone' });
    expect([r.outcome, r.status, r.reason]).toStrictEqual(['unavailable', 503, 'VirtualService shop/web http[2] injects a fault: every request is aborted with 503']);
    expect(r.filters.fault).toStrictEqual({ abort: { status: 503, percent: 100 } });
  });

  test('weights, a mirror, a timeout; a subset no DestinationRule defines gets no cluster (its share fails)', () => {
    const r = m.request({ from: 'shop/client', host: 'web.shop.svc.cluster.local' });
    expect(r.outcome).toBe('routed');
    expect(routing(r.destinations)).toStrictEqual([
      { service: 'shop/web', port: 80, subset: 'v1', version: 'v1', workloads: ['shop/web-v1'], weight: 80 },
      {
        service: 'shop/web',
        port: 80,
        subset: 'v3',
        workloads: [],
        weight: 20,
        unavailable: 'DestinationRule shop/web defines no subset \'v3\', so Envoy has no cluster outbound|80|v3|web.shop.svc.cluster.local (503)',
      },
    ]);
    expect(r.filters.mirrors).toStrictEqual([{ service: 'shop/web', port: 80, subset: 'v2', version: 'v2', workloads: ['shop/web-v2'], weight: 100 }]);
    expect(r.filters.timeout).toBe('3s');
  });

  test('a TCP port of the service: its own listener on the VIP, the service\'s pods', () => {
    const r = m.request({ from: 'shop/client', host: 'web', port: 5432, protocol: 'tcp' });
    expect(r.envoy).toStrictEqual({ listener: '10.96.0.2_5432', cluster: 'outbound|5432||web.shop.svc.cluster.local' });
    expect(r.destinations.map(d => [d.version, d.weight])).toStrictEqual([['v1', 50], ['v2', 50]]);
    expect(r.notes).toStrictEqual(['Service shop/web declares no clusterIP: the model gives it 10.96.0.2 (as the API server allocates one), which names listener 10.96.0.2_5432']);
  });
});

describe('which VirtualServices a sidecar sees', () => {
  test('a short host is the VirtualService\'s namespace\'s: `web` written in `other` is web.other, not shop\'s web', () => {
    const m = mesh(vs('other', 'web', '  hosts: [web]\n  http: [{ route: [{ destination: { host: api } }] }]'));
    expect(m.request({ from: 'shop/client', host: 'web' }).route).toBeNull();
  });

  test('a full host written elsewhere applies to every namespace it is exported to', () => {
    const m = mesh(vs('other', 'to-api', '  hosts: [web.shop.svc.cluster.local]\n  http: [{ route: [{ destination: { host: api, port: { number: 8000 } } }] }]'));
    const r = m.request({ from: 'shop/client', host: 'web' });
    expect(r.route).toStrictEqual({ kind: 'VirtualService', namespace: 'other', name: 'to-api', rule: 0 });
    expect(routing(r.destinations)).toStrictEqual([{ service: 'other/api', port: 8000, workloads: ['other/api'], weight: 100 }]);
  });

  test('exportTo: . keeps a VirtualService to its own namespace', () => {
    const m = mesh(vs('other', 'to-api', '  hosts: [web.shop.svc.cluster.local]\n  exportTo: [.]\n  http: [{ route: [{ destination: { host: api } }] }]'));
    expect(m.request({ from: 'shop/client', host: 'web' }).route).toBeNull();
    expect(m.request({ from: 'other/api', host: 'web.shop' }).route).toMatchObject({ name: 'to-api' });
  });

  test('a wildcard host covers the services it matches', () => {
    const m = mesh(vs('shop', 'all', '  hosts: [\'*.shop.svc.cluster.local\']\n  http: [{ route: [{ destination: { host: web, subset: v2 } }] }]'));
    expect(m.request({ from: 'shop/client', host: 'web' }).destinations).toMatchObject([{ subset: 'v2', weight: 100 }]);
  });

  test('a Sidecar\'s egress hosts: a service it does not import is reached as the original destination (PassthroughCluster)', () => {
    const m = mesh('apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: { name: default, namespace: shop }\nspec: { egress: [{ hosts: [./*] }] }');
    const r = m.request({ from: 'shop/client', host: 'api.other', port: 8000 });
    expect(r.envoy).toStrictEqual({ listener: 'virtualOutbound', filterChain: 'virtualOutbound-catchall-tcp', cluster: 'PassthroughCluster' });
    expect(routing(r.destinations)).toStrictEqual([{ service: 'other/api', port: 8000, workloads: ['other/api'], weight: 100 }]);
    expect(m.request({ from: 'shop/client', host: 'web' }).envoy?.routeConfig).toBe('80');
  });
});

describe('which DestinationRule a sidecar applies', () => {
  const dr = (ns: string, name: string, spec: string) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: ${name}, namespace: ${ns} }\nspec: ${spec}`;

  test('rules of one host in one namespace merge their subsets; the caller\'s namespace\'s rule comes before the service\'s', () => {
    const m = mesh(
      dr('shop', 'web-more', '{ host: web.shop.svc.cluster.local, subsets: [{ name: canary, labels: { version: v2 } }] }'),
      dr('other', 'web-for-other', '{ host: web.shop.svc.cluster.local, subsets: [{ name: v1, labels: { version: v1 } }] }'),
      vs('shop', 'web', '  hosts: [web.shop.svc.cluster.local]\n  http: [{ route: [{ destination: { host: web.shop.svc.cluster.local, subset: canary } }] }]'),
    );
    expect(routing(m.request({ from: 'shop/client', host: 'web' }).destinations)).toStrictEqual([
      { service: 'shop/web', port: 80, subset: 'canary', version: 'v2', workloads: ['shop/web-v2'], weight: 100 },
    ]);
    const other = m.request({ from: 'other/api', host: 'web.shop' });
    expect([other.outcome, other.status, other.destinations[0].unavailable]).toStrictEqual(['unavailable', 503,
      'DestinationRule other/web-for-other defines no subset \'canary\', so Envoy has no cluster outbound|80|canary|web.shop.svc.cluster.local (503)']);
  });
});

describe('services the registry knows', () => {
  test('a ServiceEntry lets an external host through under REGISTRY_ONLY (mesh config from the istio ConfigMap); others are dropped', () => {
    const m = mesh(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: istio, namespace: istio-system }\ndata:\n  mesh: "outboundTrafficPolicy:\\n  mode: REGISTRY_ONLY\\n"',
      'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: payments, namespace: shop }\nspec: { hosts: [api.payments.example], location: MESH_EXTERNAL, resolution: DNS, ports: [{ name: tls, number: 443, protocol: TLS }] }',
    );
    const ok = m.request({ from: 'shop/client', host: 'api.payments.example', protocol: 'tls' });
    expect(ok.outcome).toBe('routed');
    expect(ok.envoy).toStrictEqual({ listener: '0.0.0.0_443', cluster: 'outbound|443||api.payments.example' });
    expect(routing(ok.destinations)).toStrictEqual([{ service: 'api.payments.example', port: 443, workloads: [], weight: 100 }]);
    const other = m.request({ from: 'shop/client', host: 'api.other.example', protocol: 'tls' });
    expect([other.outcome, other.envoy?.cluster]).toStrictEqual(['no-route', 'BlackHoleCluster']);
  });

  test('a headless Service: a listener per pod address for its TCP port', () => {
    const m = mesh('apiVersion: v1\nkind: Service\nmetadata: { name: db, namespace: shop }\nspec: { clusterIP: None, selector: { app: web }, ports: [{ name: tcp, port: 5432 }] }');
    const r = m.request({ from: 'shop/client', host: 'db', protocol: 'tcp' });
    expect(r.envoy).toStrictEqual({ listener: '10.244.0.2_5432', cluster: 'outbound|5432||db.shop.svc.cluster.local' });
    expect(r.destinations.map(d => d.version)).toStrictEqual(['v1', 'v2']);
  });

  test('an ExternalName Service: a VirtualService on the alias applies to the alias\'s full name, the route goes to the Service it names', () => {
    const m = mesh(
      'apiVersion: v1\nkind: Service\nmetadata: { name: www, namespace: shop }\nspec: { type: ExternalName, externalName: web.shop.svc.cluster.local }',
      vs('shop', 'www', '  hosts: [www.shop.svc.cluster.local]\n  http: [{ name: alias, route: [{ destination: { host: web.shop.svc.cluster.local, subset: v2 } }] }]'),
    );
    expect(m.request({ from: 'shop/client', host: 'www.shop.svc.cluster.local' }).route).toMatchObject({ name: 'www', ruleName: 'alias' });
    const short = m.request({ from: 'shop/client', host: 'www' });
    expect(short.route).toBeNull();
    expect(short.envoy).toMatchObject({ virtualHost: 'web.shop.svc.cluster.local:80', route: 'default' });
  });

  test('a port without a protocol name is sniffed: HTTP to the service\'s own route, anything else over TCP', () => {
    const m = mesh('apiVersion: v1\nkind: Service\nmetadata: { name: auto, namespace: shop }\nspec: { selector: { app: web }, ports: [{ port: 9000 }] }');
    const http = m.request({ from: 'shop/client', host: 'auto', path: '/x' });
    expect(http.envoy).toStrictEqual({
      listener: '10.96.0.2_9000',
      routeConfig: 'auto.shop.svc.cluster.local:9000',
      virtualHost: 'auto.shop.svc.cluster.local:9000',
      route: 'default',
      cluster: 'outbound|9000||auto.shop.svc.cluster.local',
    });
    expect(m.request({ from: 'shop/client', host: 'auto', protocol: 'tcp' }).envoy).toStrictEqual({ listener: '10.96.0.2_9000', cluster: 'outbound|9000||auto.shop.svc.cluster.local' });
  });

  test('appProtocol declares the protocol as the port name would', () => {
    const m = mesh('apiVersion: v1\nkind: Service\nmetadata: { name: app, namespace: shop }\nspec: { selector: { app: web }, ports: [{ name: web, port: 9100, appProtocol: http }] }');
    expect(m.request({ from: 'shop/client', host: 'app' }).envoy).toMatchObject({ listener: '0.0.0.0_9100', routeConfig: '9100' });
  });

  test('a Gateway API HTTPRoute attached to a Service (GAMMA) is istiod\'s VirtualService for sidecars, named after the route', () => {
    const m = mesh(`apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: web-canary, namespace: shop }
spec:
  parentRefs: [{ group: '', kind: Service, name: web, port: 80 }]
  rules:
  - matches: [{ path: { type: PathPrefix, value: /beta } }]
    backendRefs: [{ name: api, namespace: other, port: 8000 }]
  - backendRefs: [{ name: web, port: 80 }]`);
    const beta = m.request({ from: 'shop/client', host: 'web', path: '/beta/x' });
    expect(beta.route).toStrictEqual({ kind: 'HTTPRoute', namespace: 'shop', name: 'web-canary', rule: 0, match: 0 });
    expect(routing(beta.destinations)).toStrictEqual([{ service: 'other/api', port: 8000, workloads: ['other/api'], weight: 100 }]);
    expect(beta.envoy?.route).toBe('shop.web-canary.0');
    expect(m.request({ from: 'shop/client', host: 'web', path: '/' }).route).toStrictEqual({ kind: 'HTTPRoute', namespace: 'shop', name: 'web-canary', rule: 1 });
  });
});

describe('what the model cannot decide', () => {
  test('a route matching a JWT claim: the outcome says so', () => {
    const m = mesh(vs('shop', 'web', `
  hosts: [web]
  http:
  - match: [{ headers: { '@request.auth.claims.group': { exact: admin } } }]
    route: [{ destination: { host: web, subset: v2 } }]
  - route: [{ destination: { host: web, subset: v1 } }]`));
    const r = m.request({ from: 'shop/client', host: 'web' });
    expect([r.outcome, r.reason, r.destinations]).toStrictEqual(['undecided', 'route (unnamed) matches on a JWT claim, which the model cannot evaluate', []]);
  });
});

describe('odd input never throws', () => {
  test('VirtualServices, DestinationRules and Gateways of any shape', () => {
    const m = mesh(
      vs('shop', 'odd', '  hosts: [web, 7]\n  http: [null, 3, { match: "x", route: [{ destination: 5 }] }, { route: [{ destination: { host: web, port: { number: "x" } } }] }]'),
      'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: odd, namespace: shop }\nspec: { host: 3, subsets: [null, { name: 7 }] }',
      'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: { name: odd, namespace: shop }\nspec: { servers: [null, { port: 80 }, { port: { number: 81, protocol: HTTP }, hosts: 5 }] }',
    );
    expect(() => m.request({ from: 'shop/client', host: 'web' })).not.toThrow();
    expect(() => m.request({ gateway: 'shop/odd', host: 'x' })).not.toThrow();
  });
});
