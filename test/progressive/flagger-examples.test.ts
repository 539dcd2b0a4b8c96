import { buildBookinfoFlagger } from '../../examples/progressive-delivery/bookinfo-flagger';
import { buildNginxFlagger } from '../../examples/progressive-delivery/nginx-flagger';
import { MeshApp, MeshChart, ObservabilityAddons } from '../../lib';
import { expectSchemaValid } from '../support/schemas';
import { parseObjects } from '../support/shared';

/**
 * The Flagger examples of examples/progressive-delivery, synthesized as the folder's main.ts does (one app, the
 * add-ons' Prometheus shared), each valid against the pinned CRDs (Flagger's among them); test/examples/all-examples
 * pins their files with every example's.
 */
function synth(): Map<string, string> {
  const app = new MeshApp({ analysis: { printWarnings: false } });
  const addons = new ObservabilityAddons(new MeshChart(app, 'addons', { fileName: 'addons' }), 'addons');
  buildNginxFlagger(app, addons);
  buildBookinfoFlagger(app, addons);
  const files = app.synthFiles();
  expect(app.report!.findings.filter(f => f.level !== 'Info').map(f => f.message)).toStrictEqual([]);
  return new Map([...files].filter(([f]) => f.startsWith('flagger/')));
}

const files = synth();

describe('the Flagger examples', () => {
  test('write the nginx and Bookinfo canaries', () => {
    expect([...files.keys()]).toStrictEqual(['flagger/nginx.k8s.yaml', 'flagger/bookinfo.k8s.yaml']);
  });

  test.each([...files.keys()])('%s is schema-valid', file => {
    expectSchemaValid(parseObjects(files.get(file)!));
  });

  test('nginx: the plan as stepWeight/maxWeight, the built-in metrics, the load test; Bookinfo: the A/B test and the waypoint\'s metrics', () => {
    const nginx = parseObjects(files.get('flagger/nginx.k8s.yaml')!).find(o => o.kind === 'Canary')!.spec as any;
    const a = nginx.analysis;
    expect([nginx.provider, a.stepWeight, a.maxWeight, a.metrics.map((m: any) => m.name), a.webhooks[0].metadata.cmd])
      .toStrictEqual(['istio', 10, 50, ['request-success-rate', 'request-duration'], 'hey -z 30s -q 10 -c 2 http://nginx-canary.nginx-flagger:80/']);
    const bookinfo = parseObjects(files.get('flagger/bookinfo.k8s.yaml')!);
    const reviews = bookinfo.find(o => o.kind === 'Canary')!.spec as any;
    expect([reviews.provider, reviews.analysis.iterations, reviews.analysis.match]).toStrictEqual(['gatewayapi:v1', 10, [{ headers: { 'end-user': { exact: 'jason' } } }]]);
    expect(bookinfo.filter(o => o.kind === 'MetricTemplate').map(o => (o.spec as any).query).every((q: string) => q.includes('reporter="waypoint"'))).toBe(true);
  });
});
