import { AnalyzedObject, analyze } from '../../lib';
import { AnalyzeOptions } from '../../lib/analysis';
import { Manifest } from '../../lib/render/model';

type M = Partial<Manifest> & { kind: string; metadata: Manifest['metadata'] & { creationTimestamp?: string } };

/** Objects as an Istio chart (or a YAML file) holds them. */
const objs = (...manifests: M[]): AnalyzedObject[] =>
  manifests.map(m => ({ manifest: { apiVersion: m.apiVersion ?? api(m.kind), ...m } as Manifest, file: 'f', mesh: 'istio' }));
function api(kind: string): string {
  if (['VirtualService', 'Gateway'].includes(kind)) return 'networking.istio.io/v1';
  if (['HTTPRoute', 'GRPCRoute'].includes(kind)) return 'gateway.networking.k8s.io/v1';
  return 'v1';
}
/** The messages of the findings with a code (closed world, as istioctl reads files). */
const found = (objects: AnalyzedObject[], code: string, options: AnalyzeOptions = {}) =>
  analyze(objects, options).findings.filter(f => f.code === code).map(f => f.message);


const at = (t: string) => ({ creationTimestamp: t });
const ns = (name: string, labels: { [k: string]: string } = { 'istio-injection': 'enabled' }): M => ({ kind: 'Namespace', metadata: { name, labels } });
const svc = (name: string, namespace: string, labels?: { [k: string]: string }): M =>
  ({ kind: 'Service', metadata: { name, namespace, labels }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 9080 }] } });
const ingressPod: M = { kind: 'Pod', metadata: { name: 'ingress', namespace: 'istio-system', labels: { istio: 'ingressgateway' } }, spec: { containers: [{ name: 'istio-proxy', image: 'proxy:1' }] } };
const gateway: M = { kind: 'Gateway', metadata: { name: 'web', namespace: 'istio-system' }, spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] } };
const to = (host: string) => ({ route: [{ destination: { host } }] });
const gvs = (name: string, http: object[], extra: object = {}, meta: object = {}): M =>
  ({ kind: 'VirtualService', metadata: { name, namespace: 'shop', ...meta }, spec: { hosts: ['shop.example.com'], gateways: ['istio-system/web'], http, ...extra } });
const prefix = (p: string, extra: object = {}) => ({ match: [{ uri: { prefix: p }, ...extra }] });

const kgw = (listeners: object[]): M => ({ kind: 'Gateway', apiVersion: 'gateway.networking.k8s.io/v1', metadata: { name: 'web', namespace: 'infra' }, spec: { gatewayClassName: 'istio', listeners } });
const http = (name = 'http', extra: object = {}) => ({ name, port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } }, ...extra });
const backend = { backendRefs: [{ name: 'shop', port: 9080 }] };
const route = (name: string, namespace: string, rules: object[], extra: object = {}, meta: object = {}): M =>
  ({ kind: 'HTTPRoute', metadata: { name, namespace, ...meta }, spec: { parentRefs: [{ name: 'web', namespace: 'infra' }], rules, ...extra } });
const path = (type: string, value: string, extra: object = {}) => ({ matches: [{ path: { type, value }, ...extra }], ...backend });

const VS_ORDER = 'Istio merges the VirtualServices of one gateway host in creation order, then by name (pilot/pkg/model/virtualservice_controller.go)';
const VS_MERGED = 'as VirtualService routes of one gateway host are merged in order (exportTo visibility, creation time, name; catch-all routes last: '
  + 'istio/istio pilot/pkg/networking/core/gateway.go) (mesh-kit MK0012)';
/** MK0012's fix: remove rule `b`, or narrow `a`, the one before it. */
const NARROW = (b: string, a: string) => `; remove ${b}, or narrow ${a} so that it no longer matches all its requests`;
const GIT = 'which re-applying from Git does not reproduce';
const HERE = 'at gateway \'istio-system/web\' for host \'shop.example.com\'';

describe('MK0012 and MK0013: VirtualServices merged at one gateway host', () => {
  const world = [ingressPod, gateway];
  const a = gvs('a', [{ ...prefix('/api'), ...to('a') }, to('a')]);
  const b = (meta: object = {}) => gvs('b', [{ ...prefix('/api/v2'), ...to('b') }, { ...prefix('/web'), ...to('b') }, to('b')], {}, meta);

  test('MK0013: creation time decides between them: a rule covered by the other\'s, two catch-all rules; nothing certain, so no MK0012', () => {
    const objects = objs(...world, a, b());
    expect(found(objects, 'MK0013')).toStrictEqual([
      `[MK0013] VirtualService 'shop/b' rule http[0] match[0] (path prefix '/api/v2') is never used ${HERE} when VirtualService 'shop/a' is created first: `
        + `its rule http[0] match[0] (path prefix '/api') matches all its requests; ${VS_ORDER}, ${GIT} (mesh-kit MK0013); `
        + 'make the matches of rule http[0] match[0] of VirtualService \'shop/b\' and rule http[0] match[0] of VirtualService \'shop/a\' differ, or merge the VirtualServices into one',
      `[MK0013] VirtualService 'shop/b' rule http[2] and VirtualService 'shop/a' rule http[1] match the same requests (no match: every request) ${HERE}: `
        + `${VS_ORDER}, so which one serves them depends on creation timestamps, ${GIT} (mesh-kit MK0013); `
        + 'keep a catch-all rule in one of VirtualService \'shop/b\' and VirtualService \'shop/a\' only, or merge the VirtualServices into one',
    ]);
    expect(found(objects, 'MK0012')).toStrictEqual([]);
  });

  test('MK0012: a VirtualService exported to the gateway\'s namespace by name comes before those exported to all: its rule hides the other\'s', () => {
    const first = gvs('c', [{ ...prefix('/web'), ...to('c') }], { exportTo: ['istio-system'] });
    expect(found(objs(...world, first, b()), 'MK0012')).toStrictEqual([
      `[MK0012] VirtualService 'shop/b' rule http[1] match[0] (path prefix '/web') is never used ${HERE}: rule http[0] match[0] of VirtualService 'shop/c' `
        + `(path prefix '/web'), before it, matches all its requests, ${VS_MERGED}${NARROW('rule http[1] match[0] of VirtualService \'shop/b\'', 'rule http[0] match[0] of VirtualService \'shop/c\'')}`,
    ]);
    // exported elsewhere, it is not applied at the gateway at all
    expect(found(objs(...world, gvs('c', [{ ...prefix('/web'), ...to('c') }], { exportTo: ['other'] }), b()), 'MK0012')).toStrictEqual([]);
  });

  test('MK0012 with creation timestamps (objects read from a cluster): the older first; catch-all routes go last, so a catch-all hides only another catch-all', () => {
    const objects = objs(...world, gvs('a', [{ ...prefix('/api'), ...to('a') }, to('a')], {}, at('2026-01-01T00:00:00Z')), b(at('2026-02-01T00:00:00Z')));
    expect(found(objects, 'MK0012')).toStrictEqual([
      `[MK0012] VirtualService 'shop/b' rule http[0] match[0] (path prefix '/api/v2') is never used ${HERE}: rule http[0] match[0] of VirtualService 'shop/a' `
        + `(path prefix '/api'), before it, matches all its requests, ${VS_MERGED}${NARROW('rule http[0] match[0] of VirtualService \'shop/b\'', 'rule http[0] match[0] of VirtualService \'shop/a\'')}`,
      `[MK0012] VirtualService 'shop/b' rule http[2] (no match: every request) is never used ${HERE}: rule http[1] of VirtualService 'shop/a' `
        + `(no match: every request), before it, matches all its requests, ${VS_MERGED}${NARROW('rule http[2] of VirtualService \'shop/b\'', 'rule http[1] of VirtualService \'shop/a\'')}`,
    ]);
    expect(found(objects, 'MK0013')).toStrictEqual([]);
    // equal timestamps: Istio orders by name, then namespace
    const tie = objs(...world, gvs('z', [{ ...prefix('/api'), ...to('a') }], {}, at('2026-01-01T00:00:00Z')), gvs('y', [{ ...prefix('/api'), ...to('b') }], {}, at('2026-01-01T00:00:00Z')));
    expect(found(tie, 'MK0012')).toStrictEqual([
      `[MK0012] VirtualService 'shop/z' rule http[0] match[0] (path prefix '/api') is never used ${HERE}: rule http[0] match[0] of VirtualService 'shop/y' `
        + `(path prefix '/api'), before it, matches all its requests, ${VS_MERGED}${NARROW('rule http[0] match[0] of VirtualService \'shop/z\'', 'rule http[0] match[0] of VirtualService \'shop/y\'')}`,
    ]);
  });

  test('quiet: other hosts, other gateways, matches of another port or gateway, different regular expressions, one VirtualService in two files', () => {
    const other = gvs('b', [{ ...prefix('/api'), ...to('b') }], { hosts: ['other.example.com'] });
    const port = gvs('b', [{ ...prefix('/api', { port: 443 }), ...to('b') }]);
    const elsewhere = gvs('b', [{ ...prefix('/api', { gateways: ['istio-system/other'] }), ...to('b') }]);
    const regex = (name: string, r: string) => gvs(name, [{ match: [{ uri: { regex: r } }], ...to(name) }]);
    for (const objects of [objs(...world, a, other), objs(...world, a, port), objs(...world, a, elsewhere), objs(...world, regex('a', '/a.*'), regex('b', '/a/.*'))]) {
      expect(analyze(objects).findings.filter(f => ['MK0012', 'MK0013'].includes(f.code))).toStrictEqual([]);
    }
    // the same regular expression is the same set of requests
    expect(found(objs(...world, regex('a', '/a.*'), regex('b', '/a.*')), 'MK0013')).toHaveLength(1);
    const twoFiles = [...objs(...world, a), { ...objs(a)[0], file: 'g' }];
    expect(analyze(twoFiles).findings.filter(f => f.code.startsWith('MK'))).toStrictEqual([]);
  });
});

const GW_FIRST = 'the Gateway API gives a tie in precedence to the first rule of the route (mesh-kit MK0012)';
const GW_PRECEDENCE = 'the Gateway API\'s precedence puts it first (exact path, longest prefix, method, most headers, most query parameters, then the oldest route: '
  + 'apis/v1/httproute_types.go) (mesh-kit MK0012)';
const GW_TIE = 'with equal precedence the Gateway API gives them to the older route, then by namespace/name (apis/v1/httproute_types.go)';
const LISTENER = 'on Gateway \'infra/web\' listener \'http\'';

describe('MK0012 and MK0013: Gateway API routes on one listener or Service', () => {
  test('MK0012 within one route: a match repeated by a later rule; nothing said where the two readings of a prefix\'s length disagree; a rule after a rule without matches (PathPrefix /); a longer prefix later still wins', () => {
    const r = route('shop', 'shop', [
      path('PathPrefix', '/api'),
      path('PathPrefix', '/api/'),
      { ...backend },
      path('PathPrefix', '/'),
      path('PathPrefix', '/web'),
      { name: 'exact', ...path('Exact', '/api') },
      path('PathPrefix', '/web'),
    ]);
    // '/api' and '/api/' tie as Istio counts a prefix (its trailing '/' dropped) but not as written: which one the
    // specification's "number of characters" ranks first is left open, so MK0012 says nothing of rule 1
    expect(found(objs(kgw([http()]), r), 'MK0012')).toStrictEqual([
      `[MK0012] HTTPRoute 'shop/shop' rule 3 match 0 (path prefix '/') is never used ${LISTENER}: rule 2 of the same route (no match: every request), before it, `
        + `matches all its requests, as ${GW_FIRST}${NARROW('rule 3 match 0 of HTTPRoute \'shop/shop\'', 'rule 2 of the same route')}`,
      `[MK0012] HTTPRoute 'shop/shop' rule 6 match 0 (path prefix '/web') is never used ${LISTENER}: rule 4 match 0 of the same route (path prefix '/web'), before it, `
        + `matches all its requests, as ${GW_FIRST}${NARROW('rule 6 match 0 of HTTPRoute \'shop/shop\'', 'rule 4 match 0 of the same route')}`,
    ]);
  });

  test('MK0013: two routes with the same match, decided by creation time; MK0012 once timestamps order them; a method makes the other more precise', () => {
    const one = (name: string, namespace: string, meta: object = {}) => route(name, namespace, [path('PathPrefix', '/api')], {}, meta);
    expect(found(objs(kgw([http()]), one('shop', 'b'), one('shop', 'a')), 'MK0013')).toStrictEqual([
      `[MK0013] HTTPRoute 'b/shop' rule 0 match 0 and HTTPRoute 'a/shop' rule 0 match 0 match the same requests (path prefix '/api') ${LISTENER}: ${GW_TIE}, `
        + `so which one serves them depends on creation timestamps, ${GIT} (mesh-kit MK0013); `
        + 'make the matches of rule 0 match 0 of HTTPRoute \'b/shop\' and rule 0 match 0 of HTTPRoute \'a/shop\' differ, or merge the routes into one',
    ]);
    // three: one finding per route a tie in creation time puts behind, naming the first competitor and counting the others
    expect(found(objs(kgw([http()]), one('shop', 'a'), one('shop', 'b'), one('shop', 'c')), 'MK0013').map(m => m.slice(0, m.indexOf(' match the same'))))
      .toStrictEqual([
        '[MK0013] HTTPRoute \'b/shop\' rule 0 match 0 and HTTPRoute \'a/shop\' rule 0 match 0',
        '[MK0013] HTTPRoute \'c/shop\' rule 0 match 0 and HTTPRoute \'a/shop\' rule 0 match 0 (and 1 other rule)',
      ]);
    const dated = objs(kgw([http()]), one('new', 'a', at('2026-02-01T00:00:00Z')), one('old', 'b', at('2026-01-01T00:00:00Z')));
    expect(found(dated, 'MK0012')).toStrictEqual([
      `[MK0012] HTTPRoute 'a/new' rule 0 match 0 (path prefix '/api') is never used ${LISTENER}: rule 0 match 0 of HTTPRoute 'b/old' (path prefix '/api'), before it, `
        + `matches all its requests, as ${GW_PRECEDENCE}${NARROW('rule 0 match 0 of HTTPRoute \'a/new\'', 'rule 0 match 0 of HTTPRoute \'b/old\'')}`,
    ]);
    expect(found(dated, 'MK0013')).toStrictEqual([]);
    // a listener that admits namespaces by selector: Kubernetes' kubernetes.io/metadata.name label is known without the Namespace
    const bySelector = http('http', { allowedRoutes: { namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['a', 'b'] }] } } } });
    expect(found(objs(kgw([bySelector]), one('shop', 'b'), one('shop', 'a')), 'MK0013')).toHaveLength(1);
    expect(found(objs(kgw([bySelector]), one('shop', 'c'), one('shop', 'a')), 'MK0013')).toStrictEqual([]);
    const get = route('get', 'a', [path('PathPrefix', '/api', { method: 'GET' })]);
    expect(analyze(objs(kgw([http()]), one('shop', 'b'), get)).findings.filter(f => f.code.startsWith('MK'))).toStrictEqual([]);
  });

  test('quiet: other listeners, a listener that does not admit the namespace, hostnames the other route lacks, regular-expression paths', () => {
    const one = (name: string, namespace: string, extra: object = {}, meta: object = {}) => route(name, namespace, [path('PathPrefix', '/api')], extra, meta);
    const mk = (objects: AnalyzedObject[]) => analyze(objects).findings.filter(f => f.code.startsWith('MK')).map(f => f.message);
    const sections = (s: string) => ({ parentRefs: [{ name: 'web', namespace: 'infra', sectionName: s }] });
    expect(mk(objs(kgw([http('a'), http('b')]), one('x', 'shop', sections('a')), one('y', 'shop', sections('b'))))).toStrictEqual([]);
    expect(mk(objs(kgw([http('http', { allowedRoutes: undefined })]), one('x', 'a'), one('y', 'b')))).toStrictEqual([]);
    // the newer route also serves b.example.com, where it is the only one: not never used
    const hosts = objs(kgw([http()]), one('old', 'a', { hostnames: ['a.example.com'] }, at('2026-01-01T00:00:00Z')),
      one('new', 'a', { hostnames: ['a.example.com', 'b.example.com'] }, at('2026-02-01T00:00:00Z')));
    expect(mk(hosts)).toStrictEqual([]);
    expect(mk(objs(kgw([http()]), one('x', 'a', { hostnames: ['a.example.com'] }), one('y', 'a', { hostnames: ['b.example.com'] })))).toStrictEqual([]);
    // `matches: []` is not defaulted to PathPrefix / by the API server, and Istio orders such a rule last: unsure
    expect(mk(objs(kgw([http()]), route('x', 'a', [{ matches: [], ...backend }, path('PathPrefix', '/')])))).toStrictEqual([]);
    const regex = (name: string) => route(name, 'a', [path('RegularExpression', '/api.*')]);
    expect(mk(objs(kgw([http()]), regex('x'), regex('y')))).toStrictEqual([]);
  });

  test('GAMMA: routes of one namespace on one Service and port are merged (MK0013); a route of another namespace or port is a separate one', () => {
    const mesh = (name: string, namespace: string, port?: number) =>
      route(name, namespace, [path('PathPrefix', '/api')], { parentRefs: [{ group: '', kind: 'Service', name: 'shop', namespace: 'shop', port }] });
    const world = [svc('shop', 'shop')];
    expect(found(objs(...world, mesh('y', 'shop', 9080), mesh('x', 'shop', 9080)), 'MK0013')).toStrictEqual([
      '[MK0013] HTTPRoute \'shop/y\' rule 0 match 0 and HTTPRoute \'shop/x\' rule 0 match 0 match the same requests (path prefix \'/api\') on Service \'shop/shop\' port 9080: '
        + `${GW_TIE}, so which one serves them depends on creation timestamps, ${GIT} (mesh-kit MK0013); `
        + 'make the matches of rule 0 match 0 of HTTPRoute \'shop/y\' and rule 0 match 0 of HTTPRoute \'shop/x\' differ, or merge the routes into one',
    ]);
    expect(found(objs(...world, mesh('y', 'shop'), mesh('x', 'client')), 'MK0013')).toStrictEqual([]);
    expect(found(objs(...world, mesh('y', 'shop', 9080), mesh('x', 'shop')), 'MK0013')).toStrictEqual([]);
  });
});

describe('MK0014: a VirtualService and a Gateway API route for one Service', () => {
  const gamma = (name: string, namespace: string, svcNs = 'shop'): M =>
    route(name, namespace, [{ ...backend }], { parentRefs: [{ group: '', kind: 'Service', name: 'reviews', namespace: svcNs, port: 9080 }] });
  const mvs = (name: string, namespace: string, extra: object = {}): M =>
    ({ kind: 'VirtualService', metadata: { name, namespace }, spec: { hosts: ['reviews.shop.svc.cluster.local'], http: [to('reviews.shop.svc.cluster.local')], ...extra } });
  const world = [ns('shop'), svc('reviews', 'shop')];
  const SIDECAR = 'a sidecar applies one VirtualService per host and Istio turns the HTTPRoute into one (pilot/pkg/networking/core/httproute.go, '
    + 'pilot/pkg/model/virtualservice.go SelectVirtualServices)';

  test('an error: sidecars apply one of them per host (the route for its own namespace\'s clients, the older elsewhere); exportTo by name puts the VirtualService first', () => {
    expect(found(objs(...world, gamma('reviews', 'shop'), mvs('reviews', 'shop')), 'MK0014')).toStrictEqual([
      `[MK0014] HTTPRoute 'shop/reviews' routes Service 'shop/reviews' port 9080 inside the mesh, and so does VirtualService 'shop/reviews': ${SIDECAR}: `
        + 'clients in namespace \'shop\' get the HTTPRoute (Istio prefers Gateway API routes of the client\'s own namespace); '
        + `clients in other namespaces get whichever of the two was created first (then by name), ${GIT} (mesh-kit MK0014); `
        + 'route Service \'shop/reviews\' with one of them: move the rules of VirtualService \'shop/reviews\' into the HTTPRoute and delete it, or remove this parentRef',
    ]);
    expect(found(objs(...world, gamma('reviews', 'shop'), mvs('reviews', 'shop', { exportTo: ['.', 'front'] })), 'MK0014')).toStrictEqual([
      `[MK0014] HTTPRoute 'shop/reviews' routes Service 'shop/reviews' port 9080 inside the mesh, and so does VirtualService 'shop/reviews': ${SIDECAR}: `
        + 'clients in namespace \'shop\' get the VirtualService (exported to it by name, it comes first); clients in \'front\' get the VirtualService (mesh-kit MK0014); '
        + 'route Service \'shop/reviews\' with one of them: move the rules of VirtualService \'shop/reviews\' into the HTTPRoute and delete it, or remove this parentRef',
    ]);
    expect(analyze(objs(...world, gamma('reviews', 'shop'), mvs('reviews', 'shop'))).findings.find(f => f.code === 'MK0014')!.level).toBe('Error');
  });

  test('quiet: a VirtualService bound to a gateway only, of another host, with TCP rules only, exported nowhere; a route of a Linkerd chart', () => {
    const quiet = (...extra: AnalyzedObject[]) => expect(found([...objs(...world, gamma('reviews', 'shop')), ...extra], 'MK0014')).toStrictEqual([]);
    quiet(...objs(mvs('reviews', 'shop', { gateways: ['istio-system/web'] })));
    quiet(...objs(mvs('reviews', 'shop', { hosts: ['ratings'] })));
    quiet(...objs(mvs('reviews', 'shop', { http: undefined, tcp: [to('reviews')] })));
    quiet(...objs(mvs('reviews', 'shop', { exportTo: ['~'] })));
    const linkerd = objs(...world, gamma('reviews', 'shop'), mvs('reviews', 'shop')).map(o => (o.manifest.kind === 'HTTPRoute' ? { ...o, mesh: 'linkerd' } : o));
    expect(found(linkerd, 'MK0014')).toStrictEqual([]);
  });

  test('ambient: at the waypoint, when both are in the Service\'s or the waypoint\'s namespace; without a waypoint neither applies (MK0006 says so)', () => {
    const ambient = [ns('shop', { 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' }), svc('reviews', 'shop')];
    expect(found(objs(...ambient, gamma('reviews', 'shop'), mvs('reviews', 'shop')), 'MK0014')).toStrictEqual([
      '[MK0014] HTTPRoute \'shop/reviews\' routes Service \'shop/reviews\' port 9080 inside the mesh, and so does VirtualService \'shop/reviews\': '
        + 'at the Service\'s waypoint \'shop/waypoint\', Istio before 1.30 applies only the first of the two and 1.30 and later chain their rules (istio/istio#59484), '
        + 'and Istio\'s ambient documentation calls mixing VirtualService and HTTPRoute for one workload unsupported (undefined behaviour) (mesh-kit MK0014); '
        + 'route Service \'shop/reviews\' with one of them: move the rules of VirtualService \'shop/reviews\' into the HTTPRoute and delete it, or remove this parentRef',
    ]);
    expect(found(objs(...ambient, gamma('reviews', 'client'), mvs('reviews', 'shop')), 'MK0014')).toStrictEqual([]);
    const noWaypoint = [ns('shop', { 'istio.io/dataplane-mode': 'ambient' }), svc('reviews', 'shop')];
    expect(found(objs(...noWaypoint, gamma('reviews', 'shop'), mvs('reviews', 'shop')), 'MK0014')).toStrictEqual([]);
  });
});

describe('MK0015: two VirtualServices for one Service at its waypoint', () => {
  const mvs = (name: string, namespace: string, extra: object = {}): M =>
    ({ kind: 'VirtualService', metadata: { name, namespace }, spec: { hosts: ['reviews.shop.svc.cluster.local'], http: [to('reviews.shop.svc.cluster.local')], ...extra } });
  const ambient = [ns('shop', { 'istio.io/dataplane-mode': 'ambient' }), svc('reviews', 'shop', { 'istio.io/use-waypoint': 'waypoint', 'istio.io/use-waypoint-namespace': 'infra' })];

  test('the waypoint takes those of the Service\'s and its own namespace: the first only before Istio 1.30, both chained since', () => {
    expect(found(objs(...ambient, mvs('b', 'shop'), mvs('a', 'infra')), 'MK0015')).toStrictEqual([
      '[MK0015] VirtualService \'shop/b\' and VirtualService \'infra/a\' both apply to Service \'shop/reviews\' at its waypoint \'infra/waypoint\': '
        + 'Istio before 1.30 applies only the first of them, 1.30 and later chain their rules in that order (istio/istio#59484, pilot/pkg/networking/core/listener_waypoint.go), '
        + 'first by exportTo, then by creation time and name, so a catch-all rule of the first hides the other and re-applying them from Git may change which is first '
        + '(mesh-kit MK0015); merge VirtualService \'shop/b\' into VirtualService \'infra/a\', or route the Service with an HTTPRoute (VirtualServices on waypoints are alpha)',
    ]);
  });

  test('a VirtualService of a wildcard host matching the Service counts (Istio\'s host.Name.Matches)', () => {
    const wildcard = mvs('all', 'shop', { hosts: ['*.shop.svc.cluster.local'] });
    expect(found(objs(...ambient, mvs('b', 'shop'), wildcard), 'MK0015').map(m => m.slice(0, m.indexOf(' both apply'))))
      .toStrictEqual(['[MK0015] VirtualService \'shop/b\' and VirtualService \'shop/all\'']);
  });

  test('quiet: a namespace not in ambient mode (IST0109\'s business), a VirtualService of a third namespace, one not visible to the waypoint, one object in two files', () => {
    const quiet = (objects: AnalyzedObject[]) => expect(found(objects, 'MK0015')).toStrictEqual([]);
    quiet(objs(ns('shop'), svc('reviews', 'shop', { 'istio.io/use-waypoint': 'waypoint' }), mvs('b', 'shop'), mvs('a', 'shop')));
    quiet(objs(...ambient, mvs('b', 'shop'), mvs('a', 'other')));
    quiet(objs(...ambient, mvs('b', 'shop', { exportTo: ['.'] }), mvs('a', 'infra')));
    quiet([...objs(...ambient, mvs('a', 'shop')), { ...objs(mvs('a', 'shop'))[0], file: 'g' }]);
  });
});

describe('suppressions', () => {
  test('the galley.istio.io/analyze-suppress annotation and istioctl-style rules set the new codes aside', () => {
    const a = gvs('a', [to('a')]);
    const b = gvs('b', [to('b')], {}, { annotations: { 'galley.istio.io/analyze-suppress': 'MK0013' } });
    const report = analyze(objs(ingressPod, gateway, a, b));
    expect(report.findings.filter(f => f.code === 'MK0013')).toStrictEqual([]);
    expect(report.suppressed.map(f => `${f.code} ${f.object} ${f.suppressedBecause}`)).toStrictEqual(['MK0013 VirtualService shop/b galley.istio.io/analyze-suppress annotation']);
    expect(analyze(objs(ingressPod, gateway, a, gvs('b', [to('b')])), { suppress: ['MK0013=VirtualService shop/*'] }).suppressed.map(f => f.code)).toStrictEqual(['MK0013']);
  });
});
