import { Mesh, MeshMatchers, MeshValidationError, meshMatchers } from '../../lib';

expect.extend(meshMatchers);
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
    interface Matchers<R, T = {}> extends MeshMatchers<R> {}
  }
}

const deployment = (ns: string, name: string, labels: Record<string, string>, replicas = 1, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'x:1' }], ...extra } } },
});
const service = (ns: string, name: string, selector: Record<string, string>, ports: number[] = [80]) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { selector, ports: ports.map(port => ({ name: `http-${port}`, port })) },
});

describe('Mesh', () => {
  const plain = Mesh.fromObjects([
    deployment('shop', 'client', { app: 'client' }),
    deployment('shop', 'reviews-v1', { app: 'reviews', version: 'v1' }, 3),
    deployment('shop', 'reviews-v2', { app: 'reviews', version: 'v2' }, 1),
    service('shop', 'reviews', { app: 'reviews' }, [9080]),
    service('shop', 'empty', { app: 'nothing' }),
  ]);

  test('a call without a mesh: kube-proxy spreads it over the pods, by version', () => {
    const r = plain.request({ from: 'shop/client', host: 'reviews' });
    expect(r.outcome).toBe('routed');
    expect(r.status).toBe(200);
    expect(r.dataPlane).toBe('kubernetes');
    expect(r.route).toBeNull();
    expect(r.destinations).toStrictEqual([
      { service: 'shop/reviews', port: 9080, version: 'v1', workloads: ['shop/reviews-v1'], weight: 75 },
      { service: 'shop/reviews', port: 9080, version: 'v2', workloads: ['shop/reviews-v2'], weight: 25 },
    ]);
    expect(r.requestHeaders).toStrictEqual({ host: 'reviews' });
  });

  test('a Service without pods is unavailable (503)', () => {
    const r = plain.request({ from: 'shop/client', host: 'empty.shop.svc.cluster.local' });
    expect(r.outcome).toBe('unavailable');
    expect(r.status).toBe(503);
    expect(r.destinations).toStrictEqual([{ service: 'shop/empty', port: 80, workloads: [], weight: 100, unavailable: 'no pod matches shop/empty' }]);
  });

  test('a port the Service does not declare is no route', () => {
    const r = plain.request({ from: 'shop/client', host: 'reviews', port: 80 });
    expect(r.outcome).toBe('no-route');
    expect(r.reason).toBe('Service shop/reviews has no port 80 (its ports: 9080): the connection is refused');
  });

  test('a host outside the cluster leaves as addressed', () => {
    const r = plain.request({ from: 'shop/client', host: 'api.example.com', protocol: 'tls' });
    expect(r.outcome).toBe('routed');
    expect(r.status).toBeUndefined();
    expect(r.destinations).toStrictEqual([{ service: 'api.example.com', port: 443, workloads: [], weight: 100 }]);
  });

  test('fromObjects takes Kubernetes objects as they come (any metadata, status)', () => {
    const withExtras = { ...service('shop', 'web', { app: 'web' }), status: { loadBalancer: {} } };
    const m = Mesh.fromObjects([
      { ...deployment('shop', 'c', { app: 'c' }), metadata: { name: 'c', namespace: 'shop', creationTimestamp: '2026-01-01T00:00:00Z', uid: 'x' } },
      withExtras,
    ]);
    expect(m.request({ from: 'shop/c', host: 'web' }).outcome).toBe('unavailable');
    expect(() => Mesh.fromObjects('x' as never)).toThrow(MeshValidationError);
  });

  test('every namespace carries kubernetes.io/metadata.name, declared or not (namespace selectors use it)', () => {
    const m = Mesh.fromObjects([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { team: 'x' } } }, service('b', 'web', { app: 'web' })]);
    expect(m.world.namespace('a').labels).toStrictEqual({ 'team': 'x', 'kubernetes.io/metadata.name': 'a' });
    expect(m.world.namespace('b').labels).toStrictEqual({ 'kubernetes.io/metadata.name': 'b' });
    expect(m.world.namespaces()).toStrictEqual(['a', 'b']);
  });

  describe('bad requests are errors naming the nearest names', () => {
    test.each([
      [{ from: 'shop/clinet', host: 'reviews' }, 'Mesh.request: \'request.from\' must name a workload (namespace/name of a Deployment, StatefulSet, DaemonSet, Job or Pod): got \'shop/clinet\'; did you mean \'shop/client\'?'],
      [{ from: 'shop/client', host: 'reveiws' }, 'Mesh.request: \'request.host\' must name a Service (from namespace \'shop\'): got \'reveiws\'; did you mean \'reviews\'?'],
      [{ gateway: 'istio-system/ingress', host: 'x' }, 'Mesh.request: \'request.gateway\' must name a Gateway (namespace/name): got \'istio-system/ingress\'; there is no gateway in the configuration'],
      [{ from: 'shop/client', gateway: 'a/b' }, 'Mesh.request: \'request.from\' or \'gateway\' must be given, not both nor neither: got {"from":"shop/client","gateway":"a/b"}; e.g. from: \'shop/productpage\' or gateway: \'istio-system/ingress\''],
      [{ from: 'shop/client', host: 'reviews', port: 0 }, 'Mesh.request: \'request.port\' must be an integer from 1 to 65535: got 0'],
      [{ from: 'shop/client', host: 'reviews', protocol: 'udp' }, 'Mesh.request: \'request.protocol\' must be one of \'grpc\', \'http\', \'http2\', \'tcp\', \'tls\': got \'udp\'; write one of the values listed'],
      [{ from: 'shop/client', host: 'reviews', header: {} }, 'Mesh.request: \'request.header\' is not a property of TrafficRequest: got {}; did you mean \'headers\'?'],
      [{ from: 'shop/client', host: 'reviews', path: 'x' }, 'Mesh.request: \'request.path\' must start with \'/\': got \'x\'; e.g. \'/x\''],
    ])('%j', (request, message) => {
      expect(() => plain.request(request as never)).toThrow(new MeshValidationError(message));
    });
  });

  describe('expectations, for any test runner', () => {
    const request = { from: 'shop/client', host: 'reviews' };
    test('check() lists each difference; expectRoute() throws them', () => {
      expect(plain.check(request, { versions: { v1: 75, v2: 25 }, outcome: 'routed', route: null })).toStrictEqual([]);
      expect(plain.check(request, { versions: { v2: 100 } })).toStrictEqual(['versions.v1: expected 0%, got 75%', 'versions.v2: expected 100%, got 25%']);
      expect(() => plain.expectRoute(request, { outcome: 'denied' })).toThrow(new MeshValidationError(
        'Mesh.expectRoute: from shop/client: GET http://reviews/ does not do what is expected:\n  outcome: expected denied, got routed (kube-proxy spreads connections to shop/reviews:9080 over its pods)'));
      expect(() => plain.expectRoute(request, { outcome: 'routed' })).not.toThrow();
    });

    test('an expectation with a field that does not exist is an error, not a silent pass', () => {
      expect(() => plain.check(request, { version: 'v2' } as never)).toThrow(MeshValidationError);
      expect(() => plain.check(request, { destinations: [{ service: 'shop/reviews', wieght: 1 }] } as never)).toThrow(
        'Mesh.check: \'expected.destinations[0].wieght\' is not a property of ExpectedDestination: got 1; did you mean \'weight\'?');
    });

    test('Jest matchers: toRoute and toDeny, with their messages', () => {
      expect(plain).toRoute(request, { versions: { v1: 75, v2: 25 } });
      expect(plain).not.toRoute(request, { versions: { v1: 100 } });
      expect(plain).not.toDeny(request);
      expect(() => expect(plain).toRoute(request, { status: 404 })).toThrow(
        'from shop/client: GET http://reviews/ does not do what is expected:\n  status: expected 404, got 200 (kube-proxy spreads connections to shop/reviews:9080 over its pods)');
      expect(() => expect({}).toRoute(request, {})).toThrow('toRoute: expect() must be given a Mesh (Mesh.fromApp(app), Mesh.fromFiles(\'dist\')): got {}');
    });
  });
});

describe('Mesh.fromFiles reads a repository as mesh-kit analyze does', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('fs') as typeof import('fs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const os = require('os') as typeof import('os');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const path = require('path') as typeof import('path');

  test('files that are not Kubernetes objects and links to nothing are skipped, each with a note; the objects are read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-fromfiles-'));
    fs.writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: shop\nversion: 0.1.0\n');
    fs.writeFileSync(path.join(dir, 'app.yaml'), [deployment('shop', 'client', { app: 'client' }), service('shop', 'reviews', { app: 'reviews' })]
      .map(o => JSON.stringify(o)).join('\n---\n'));
    fs.writeFileSync(path.join(dir, 'deployment.tpl.yaml'), 'kind: Deployment\nmetadata:\n  name: {{ .Values.name }}\n');
    fs.symlinkSync(path.join(dir, 'gone.yaml'), path.join(dir, 'link.yaml'));
    const mesh = Mesh.fromFiles(dir);
    expect(mesh.workloads).toStrictEqual(['shop/client']);
    expect(mesh.notes).toStrictEqual([
      `${path.join(dir, 'link.yaml')}: a symbolic link to nothing (ENOENT), skipped`,
      `${path.join(dir, 'Chart.yaml')}: skipped, a Helm chart's Chart.yaml, not a Kubernetes object`,
      `${path.join(dir, 'deployment.tpl.yaml')}: skipped, a template ('{{' at line 3): render it first (helm template)`,
    ]);
    expect(Mesh.fromObjects([]).notes).toStrictEqual([]);
  });
});
