import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { IngressGateway, IngressGatewayRoute, MeshApp, MeshChart, MeshService, MeshValidationError, RouteAction, ServiceRouting } from '../../lib';

const outdir = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-imports-')), 'dist');
const attrs = { name: 'reviews', namespace: 'bookinfo', ports: [{ port: 9080 }] };

/** App A: the shop's frontend routes to bookinfo's reviews, which it imports. */
function appA(form: 'scoped' | 'unscoped'): MeshApp {
  const app = new MeshApp({ outdir: outdir() });
  const chart = new MeshChart(app, 'shop');
  const frontend = new MeshService(chart, 'frontend', { ports: [{ port: 80 }], image: 'frontend:1.0.0' });
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const reviews = form === 'scoped' ? MeshService.fromAttributes(chart, 'reviews', attrs) : MeshService.fromAttributes(attrs);
  new ServiceRouting(chart, 'to-reviews', { service: frontend, routes: [{ action: RouteAction.forward(reviews) }] });
  return app;
}

/** App B: a VirtualService routing to bookinfo's reviews, which B neither declares nor imports. */
function appB(): MeshApp {
  const app = new MeshApp({ outdir: outdir() });
  new ApiObject(new MeshChart(app, 'other'), 'vs', {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'vs', namespace: 'other' },
    spec: { hosts: ['vs'], http: [{ route: [{ destination: { host: 'reviews.bookinfo.svc.cluster.local' } }] }] },
  });
  return app;
}

const IST0101 = "Analysis found 1 error; nothing was written:\n  [other/vs] [IST0101] VirtualService 'vs' routes to host 'reviews.bookinfo.svc.cluster.local'";

describe('imports are scoped to their app', () => {
  test.each(['scoped', 'unscoped'] as const)('two apps in one process: A imports reviews (%s), B references a reviews it never declared: B\'s synth still reports IST0101', form => {
    expect(() => appB().synthFiles()).toThrow(IST0101);
    const a = appA(form);
    a.synthFiles();
    expect(a.report!.findings.filter(f => f.code === 'IST0101')).toStrictEqual([]);
    expect(() => appB().synthFiles()).toThrow(IST0101);
  });

  test('an import is a construct of its scope, and the objects are those of the deprecated form, byte for byte', () => {
    const files = (form: 'scoped' | 'unscoped') => {
      const app = appA(form);
      return { app, files: app.synthFiles() };
    };
    const scoped = files('scoped');
    expect(scoped.app.node.findChild('shop').node.tryFindChild('reviews')).toBeDefined();
    expect(scoped.files).toStrictEqual(files('unscoped').files);
  });

  test('a gateway imported into the app: a gateway route binds to it, and the analysis counts it in that app only', () => {
    const a = new MeshApp({ outdir: outdir() });
    const chart = new MeshChart(a, 'shop');
    const gateway = IngressGateway.fromAttributes(chart, 'public', { name: 'public', namespace: 'istio-ingress', servers: [{ port: 80, hosts: ['*.example.com'] }] });
    expect(gateway.servers).toStrictEqual([{ port: 80, portName: 'http', protocol: 'HTTP', hosts: ['*.example.com'] }]);
    new IngressGatewayRoute(chart, 'r', { gateway, hosts: ['reviews.example.com'], routes: [{ action: RouteAction.forward(MeshService.fromAttributes(chart, 'reviews', attrs)) }] });
    a.synthFiles();
    expect(a.report!.findings.filter(f => f.code === 'IST0101')).toStrictEqual([]);
    // app B binds a route to the same gateway, which it does not import
    const b = new MeshApp({ outdir: outdir() });
    new ApiObject(new MeshChart(b, 'other'), 'vs', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'vs', namespace: 'other' },
      spec: { hosts: ['reviews.example.com'], gateways: ['istio-ingress/public'], http: [{ route: [{ destination: { host: 'reviews.other.svc.cluster.local' } }] }] },
    });
    expect(() => b.synthFiles()).toThrow(/\[IST0101\] VirtualService 'vs' .*gateway 'istio-ingress\/public'/);
  });

  test('fails if a scoped import\'s attributes are wrong: the message names the import\'s path and the factory', () => {
    const chart = new MeshChart(new MeshApp({ outdir: outdir() }), 'shop');
    expect(() => MeshService.fromAttributes(chart, 'reviews', { name: 'reviews', ports: [] }))
      .toThrow(new MeshValidationError("[shop/reviews] MeshService.fromAttributes: 'ports' must hold at least one port: got '[]'"));
    expect(() => IngressGateway.fromAttributes(chart, 'gw', { name: 'gw', namespace: 'istio-system', servers: [{ port: 80, hosts: ['a.com:80'] }] }))
      .toThrow(/^\[shop\/gw\] IngressGateway\.fromAttributes: 'servers\.hosts' must be a DNS name/);
    expect(() => MeshService.fromAttributes(chart, '', attrs))
      .toThrow("[shop] MeshService.fromAttributes: 'id' must be a non-empty string: got ''; the construct id names the objects it creates");
  });
});
