import { Mesh } from '../../lib';
import { inboundTlsMode } from '../../lib/dataplane/istio';
import { routing } from '../support/traffic';

/**
 * Istio gateways (networking.istio.io Gateway) rule by rule: server selection by port, host, SNI and `ns/host`,
 * VirtualServices merged on a host, HTTPS redirect and termination, the gateway Service's target port, Ingresses;
 * and the inbound mutual TLS mode exported for the policy engine.
 */

const GATEWAY_PODS = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: istio-ingressgateway, namespace: istio-system }
spec:
  selector: { matchLabels: { istio: ingressgateway } }
  template: { metadata: { labels: { istio: ingressgateway } }, spec: { containers: [{ name: istio-proxy, image: 'istio/proxyv2:1.28.0' }] } }
---
apiVersion: v1
kind: Service
metadata: { name: istio-ingressgateway, namespace: istio-system }
spec: { selector: { istio: ingressgateway }, ports: [{ name: http2, port: 80, targetPort: 8080 }, { name: https, port: 443, targetPort: 8443 }] }`;

const APPS = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { istio-injection: enabled } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec: { selector: { matchLabels: { app: web } }, template: { metadata: { labels: { app: web } }, spec: { containers: [{ name: c, image: 'x:1' }] } } }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ name: http, port: 80 }, { name: tls, port: 443 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: shop-api, namespace: shop }
spec: { selector: { matchLabels: { app: api } }, template: { metadata: { labels: { app: api } }, spec: { containers: [{ name: c, image: 'x:1' }] } } }
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ name: http, port: 8000 }] }`;

const gateway = (spec: string) => `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: { name: gw, namespace: istio-system }\nspec:\n  selector: { istio: ingressgateway }\n${spec}`;
const vs = (name: string, spec: string, ns = 'shop') => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: ${name}, namespace: ${ns} }\nspec:\n${spec}`;
const mesh = (...docs: string[]) => Mesh.fromYaml([GATEWAY_PODS, APPS, ...docs].join('\n---\n'));

describe('an Istio gateway with its pods and Service', () => {
  const m = mesh(
    gateway(`  servers:
  - port: { number: 80, name: http, protocol: HTTP }
    hosts: [shop/www.example.com, 'api.example.com']
    tls: { httpsRedirect: true }
  - port: { number: 443, name: https, protocol: HTTPS }
    hosts: [shop/www.example.com]
    tls: { mode: SIMPLE, credentialName: www-cert }
  - port: { number: 443, name: tls, protocol: TLS }
    hosts: ['*.internal.example.com']
    tls: { mode: PASSTHROUGH }`),
    vs('www', '  hosts: [www.example.com]\n  gateways: [istio-system/gw]\n  http: [{ match: [{ uri: { prefix: /api } }], route: [{ destination: { host: api, port: { number: 8000 } } }] }]'),
    vs('www-rest', '  hosts: [www.example.com]\n  gateways: [istio-system/gw]\n  http: [{ route: [{ destination: { host: web, port: { number: 80 } } }] }]'),
    vs('internal', '  hosts: [\'*.internal.example.com\']\n  gateways: [istio-system/gw]\n  tls: [{ match: [{ sniHosts: [db.internal.example.com] }], route: [{ destination: { host: web, port: { number: 443 } } }] }]'),
    vs('elsewhere', '  hosts: [www.example.com]\n  gateways: [istio-system/gw]\n  http: [{ route: [{ destination: { host: api.shop.svc.cluster.local } }] }]', 'other'),
  );

  test('HTTPS: the server terminates TLS; the VirtualServices of the host are merged in order (www, then www-rest)', () => {
    const api = m.request({ gateway: 'istio-system/gw', host: 'www.example.com', port: 443, path: '/api/x' });
    expect(api.outcome).toBe('routed');
    expect(api.listener).toStrictEqual({ kind: 'Gateway', namespace: 'istio-system', name: 'gw', listener: 'https', port: 443, protocol: 'HTTPS', hostnames: ['shop/www.example.com'] });
    expect(api.envoy).toStrictEqual({
      listener: '0.0.0.0_8443', routeConfig: 'https.443.https.gw.istio-system', virtualHost: 'www.example.com:443', cluster: 'outbound|8000||api.shop.svc.cluster.local',
    });
    expect(api.notes).toStrictEqual(['server port 443 listens on the gateway pods\' target port 8443']);
    const rest = m.request({ gateway: 'istio-system/gw', host: 'www.example.com', port: 443, path: '/' });
    expect(rest.route).toStrictEqual({ kind: 'VirtualService', namespace: 'shop', name: 'www-rest', rule: 0 });
  });

  test('`shop/www.example.com`: a VirtualService of another namespace does not bind to it', () => {
    const r = m.request({ gateway: 'istio-system/gw', host: 'www.example.com', port: 443, path: '/' });
    expect(r.route).not.toMatchObject({ name: 'elsewhere' });
  });

  test('HTTP on a server with httpsRedirect: 301 to HTTPS', () => {
    const r = m.request({ gateway: 'istio-system/gw', host: 'www.example.com', path: '/cart?id=1' });
    expect([r.outcome, r.status, r.redirect]).toStrictEqual(['redirected', 301, { location: 'https://www.example.com/cart?id=1', status: 301 }]);
    expect(r.envoy).toStrictEqual({ listener: '0.0.0.0_8080', routeConfig: 'http.8080', virtualHost: 'www.example.com:80' });
  });

  test('TLS passthrough: the filter chain is chosen by SNI; an unknown SNI matches none', () => {
    const r = m.request({ gateway: 'istio-system/gw', host: 'db.internal.example.com', port: 443, protocol: 'tls' });
    expect(r.outcome).toBe('routed');
    expect(r.route).toStrictEqual({ kind: 'VirtualService', namespace: 'shop', name: 'internal', rule: 0 });
    expect(routing(r.destinations)).toStrictEqual([{ service: 'shop/web', port: 443, workloads: ['shop/web'], weight: 100 }]);
    const other = m.request({ gateway: 'istio-system/gw', host: 'cache.internal.example.com', port: 443, protocol: 'tls' });
    expect([other.outcome, other.reason]).toStrictEqual(['no-route', 'no filter chain of listener 0.0.0.0_8443 accepts the connection (tls, SNI cache.internal.example.com): it is closed']);
  });

  test('plaintext to a TLS server: the handshake fails', () => {
    const r = m.request({ gateway: 'istio-system/gw', host: 'www.example.com', port: 443, tls: false });
    expect(r.outcome).toBe('no-route');
  });
});

describe('servers sharing a port', () => {
  test('the server reported is the one whose hosts take the request', () => {
    const m = mesh(
      gateway(`  servers:
  - { port: { number: 80, name: http-a, protocol: HTTP }, hosts: [a.example.com] }
  - { port: { number: 80, name: http-b, protocol: HTTP }, hosts: [b.example.com] }`),
      vs('ab', '  hosts: [a.example.com, b.example.com]\n  gateways: [istio-system/gw]\n  http: [{ route: [{ destination: { host: web, port: { number: 80 } } }] }]'),
    );
    expect(m.request({ gateway: 'istio-system/gw', host: 'b.example.com' }).listener).toMatchObject({ listener: 'http-b', hostnames: ['b.example.com'] });
    expect(m.request({ gateway: 'istio-system/gw', host: 'a.example.com' }).listener).toMatchObject({ listener: 'http-a', hostnames: ['a.example.com'] });
  });
});

describe('gateways merged on one proxy', () => {
  test('two Gateways on one port: the first (by creation, then name) takes a conflicting protocol; the second is dropped', () => {
    const m = mesh(
      gateway('  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: [\'*\'] }]'),
      'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: { name: zz-tcp, namespace: istio-system }\nspec:\n  selector: { istio: ingressgateway }\n  servers: [{ port: { number: 80, name: tcp, protocol: TCP }, hosts: [\'*\'] }]',
      vs('tcp', '  hosts: [\'*\']\n  gateways: [istio-system/zz-tcp]\n  tcp: [{ route: [{ destination: { host: web, port: { number: 80 } } }] }]'),
    );
    const r = m.request({ gateway: 'istio-system/zz-tcp', host: 'x', protocol: 'tcp' });
    expect(r.envoy?.listener).toBe('0.0.0.0_8080');
    expect(r.outcome).toBe('no-route');
    expect(r.reason).toBe('listener 0.0.0.0_8080 handles HTTP on port 8080 and the client speaks tcp: the connection fails');
  });
});

describe('Kubernetes Ingress of class istio', () => {
  test('istiod\'s generated Gateway merges into the proxy of the gateway pods; the route names the Ingress rule and path', () => {
    const m = mesh(
      gateway('  servers: [{ port: { number: 443, name: https, protocol: HTTPS }, hosts: [\'*\'], tls: { mode: SIMPLE, credentialName: cert } }]'),
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop, namespace: shop, annotations: { kubernetes.io/ingress.class: istio } }
spec:
  rules:
  - host: shop.example.com
    http: { paths: [{ path: /api, pathType: Prefix, backend: { service: { name: api, port: { number: 8000 } } } }] }`,
    );
    const r = m.request({ gateway: 'istio-system/gw', host: 'shop.example.com', port: 80, path: '/api/v1' });
    expect(r.outcome).toBe('routed');
    expect(r.route).toStrictEqual({ kind: 'Ingress', namespace: 'shop', name: 'shop', rule: 0, match: 0 });
    expect(r.listener).toMatchObject({ name: 'shop-istio-autogenerated-k8s-ingress-shop', port: 80, hostnames: ['*'] });
    expect(r.envoy).toMatchObject({ listener: '0.0.0.0_8080', routeConfig: 'http.8080', cluster: 'outbound|8000||api.shop.svc.cluster.local' });
    expect(routing(r.destinations)).toStrictEqual([{ service: 'shop/api', port: 8000, workloads: ['shop/shop-api'], weight: 100 }]);
    // a path-separated prefix (Ingress semantics): /apis is not under /api
    expect(m.request({ gateway: 'istio-system/gw', host: 'shop.example.com', port: 80, path: '/apis' }).status).toBe(404);
  });
});

describe('inboundTlsMode (for the policy engine)', () => {
  const m = Mesh.fromYaml([APPS,
    'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: { name: default, namespace: istio-system }\nspec: { mtls: { mode: STRICT } }',
    'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: { name: web, namespace: shop }\nspec: { selector: { matchLabels: { app: web } }, portLevelMtls: { 8080: { mode: DISABLE } } }'].join('\n---\n'));
  const web = m.world.workload('shop/web')!;

  test('the mesh-wide STRICT mode; a workload\'s port-level DISABLE', () => {
    expect(inboundTlsMode(m.world, web, 80)).toStrictEqual({
      mode: 'STRICT',
      acceptsPlaintext: false,
      acceptsMutualTls: true,
      policies: [{ kind: 'PeerAuthentication', namespace: 'istio-system', name: 'default' }, { kind: 'PeerAuthentication', namespace: 'shop', name: 'web' }],
    });
    expect(inboundTlsMode(m.world, web, 8080)).toMatchObject({ mode: 'DISABLE', acceptsPlaintext: true, acceptsMutualTls: false });
  });

  test('no PeerAuthentication: Istio\'s default, PERMISSIVE', () => {
    const plain = Mesh.fromYaml(APPS);
    expect(inboundTlsMode(plain.world, plain.world.workload('shop/web')!, 80)).toStrictEqual({ mode: 'PERMISSIVE', acceptsPlaintext: true, acceptsMutualTls: true, policies: [] });
  });
});

