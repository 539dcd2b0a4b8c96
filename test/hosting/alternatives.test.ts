import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, JsonPatch } from 'cdk8s';
import { CanaryPlan, CanaryRelease, MeshApp, MeshChart, MeshService, RouteAction, ServiceRouting } from '../../lib';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-alternatives-'));

/** A task in two steps, each a file routing `reviews` with a VirtualService of its own name (as Istio's docs name them). */
function steps(alternativeGroup?: string) {
  const app = new MeshApp({ outdir: tmp() });
  const base = new MeshChart(app, 'bookinfo');
  const reviews = new MeshService(base, 'reviews', { ports: [{ port: 9080 }] });
  reviews.addVersion('v1', { image: 'reviews:1.0.0' });
  reviews.addVersion('v2', { image: 'reviews:2.0.0' });
  const step1 = new MeshChart(app, 'step-1', { alternativeGroup });
  new ServiceRouting(step1, 'all-v1', { service: reviews, name: 'reviews-all-v1', routes: [{ action: RouteAction.forward(reviews.version('v1')) }] });
  const step2 = new MeshChart(app, 'step-2', { alternativeGroup });
  new ServiceRouting(step2, 'all-v2', { service: reviews, name: 'reviews-all-v2', routes: [{ action: RouteAction.forward(reviews.version('v2')) }] });
  return { app, reviews };
}

describe('alternatives: charts never applied together', () => {
  test('two steps with different names in one app are one world without alternatives (the false finding this fixes)', () => {
    const { app } = steps();
    expect(() => app.synthFiles()).toThrow('[step-1/all-v1/VirtualService] [IST0109] VirtualService \'default/reviews-all-v1\' and \'default/reviews-all-v2\', '
      + 'bound to the mesh gateway and visible in a common namespace, define the host \'reviews.default.svc.cluster.local\'');
  });

  test('steps of one alternative group are analyzed each with the base, never together: no false finding', () => {
    const { app } = steps('reviews-task');
    app.synthFiles();
    expect(app.report!.findings.filter(f => f.code === 'IST0109')).toStrictEqual([]);
  });

  test('a real mistake inside one step is still reported', () => {
    const { app, reviews } = steps('reviews-task');
    const step3 = new MeshChart(app, 'step-3', { alternativeGroup: 'reviews-task' });
    // two VirtualServices of one host inside one step: a conflict within the step, IST0109 as Istio reports it
    new ServiceRouting(step3, 'a', { service: reviews, name: 'reviews-a', routes: [{ action: RouteAction.forward(reviews.version('v1')) }] });
    new ServiceRouting(step3, 'b', { service: reviews, name: 'reviews-b', routes: [{ action: RouteAction.forward(reviews.version('v2')) }] });
    expect(() => app.synthFiles()).toThrow([
      'Analysis found 2 errors; nothing was written:',
      '  [step-3/a/VirtualService] [IST0109] VirtualService \'default/reviews-a\' and \'default/reviews-b\', bound to the mesh gateway and visible in a common namespace, '
        + 'define the host \'reviews.default.svc.cluster.local\'; merge \'default/reviews-a\', \'default/reviews-b\' into one VirtualService, or separate them with exportTo',
      '  [step-3/b/VirtualService] [IST0109] VirtualService \'default/reviews-b\' and \'default/reviews-a\', bound to the mesh gateway and visible in a common namespace, '
        + 'define the host \'reviews.default.svc.cluster.local\'; merge \'default/reviews-b\', \'default/reviews-a\' into one VirtualService, or separate them with exportTo',
    ].join('\n'));
  });

  test('each finding names its world: base, or the base with one alternative; one found in the base is reported once', () => {
    const { app, reviews } = steps('reviews-task');
    // TLS origination without a CA (IST0128, a warning) on the base's DestinationRule: in every world, reported once
    ApiObject.of(reviews.destinationRule!).addJsonPatch(JsonPatch.replace('/spec/trafficPolicy/tls/mode', 'SIMPLE'));
    app.synthFiles();
    expect(app.report!.findings.filter(f => f.code === 'IST0128').map(f => [f.object, f.world])).toStrictEqual([['DestinationRule reviews', 'base']]);
  });

  test('an app without groups is one world, the base', () => {
    const app = new MeshApp({ outdir: tmp() });
    const chart = new MeshChart(app, 'bookinfo');
    const reviews = new MeshService(chart, 'reviews', { ports: [{ port: 9080 }] });
    reviews.addVersion('v1', { image: 'reviews:1.0.0' });
    ApiObject.of(reviews.destinationRule!).addJsonPatch(JsonPatch.replace('/spec/trafficPolicy/tls/mode', 'SIMPLE'));
    app.synthFiles();
    expect(app.report!.findings.map(f => `${f.code} ${f.world}`)).toStrictEqual(['IST0128 base']);
  });

  test('a CanaryRelease\'s stages and rollback are one group of alternatives', () => {
    const app = new MeshApp({ outdir: tmp() });
    const chart = new MeshChart(app, 'shop');
    const nginx = new MeshService(chart, 'nginx', { ports: [{ port: 80 }] });
    nginx.addVersion('v1', { image: 'nginx:1.27.0' });
    nginx.addVersion('v2', { image: 'nginx:1.27.1' });
    const canary = new CanaryRelease(app, 'nginx-canary', { service: nginx, stable: nginx.version('v1'), canary: nginx.version('v2'), plan: CanaryPlan.stages([10, 100]) });
    expect([...canary.stageCharts.values(), canary.rollbackChart!].map(c => [c.fileName, c.alternativeGroup])).toStrictEqual([
      ['nginx-canary.stage-10', 'nginx-canary'], ['nginx-canary.stage-100', 'nginx-canary'], ['nginx-canary.rollback', 'nginx-canary'],
    ]);
    expect(chart.alternativeGroup).toBeUndefined();
  });

  test('a bad alternativeGroup is refused with the chart path, the field and the fix', () => {
    const app = new MeshApp({ outdir: tmp() });
    expect(() => new MeshChart(app, 'step', { alternativeGroup: ' ' })).toThrow(
      "[step] 'alternativeGroup' must be a non-empty string naming the group of charts never applied together: got ' '; "
      + "e.g. 'egress-task' on each step's chart, or leave it out for a chart applied with everything");
  });
});
