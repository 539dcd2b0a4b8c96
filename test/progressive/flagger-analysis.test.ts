import { CanaryAnalysis, CanaryDriver, CanaryOverride, CanaryPlan, CanaryRelease, DataPlane, HeaderMatch, MeshApp, MeshChart, MeshProvider, MeshService, MetricsSource, ObservabilityAddons, TrafficApi } from '../../lib';
import type { MeshChartProps } from '../../lib';
import { objectsOfYaml } from '../../lib/analysis/load';
import { analyze } from '../../lib/analysis/run';
import { FLAGGER_FIXTURE_YAML as Y } from '../analysis/finding-shapes/flagger';

const found = (yaml: string, code: string) => analyze(objectsOfYaml(yaml, 'test.yaml'), { world: 'closed' }).findings.filter(f => f.code === code);

describe('MK0050 FlaggerTargetNotFound', () => {
  test('fails if the Canary targets a Deployment that does not exist', () => {
    const [f, ...rest] = found(Y.namespace() + Y.canary({ target: 'reviews-v2' }), 'MK0050');
    expect(rest).toHaveLength(0);
    expect(f.message).toBe("[MK0050] Canary 'reviews' targets Deployment 'reviews-v2', which does not exist in namespace 'shop': Flagger never initializes the canary "
      + "(fluxcd/flagger pkg/canary/deployment_controller.go, Initialize: the target is read first); name the Deployment whose pod template is rolled out, in namespace 'shop'");
    expect(f).toMatchObject({ field: 'spec.targetRef.name', value: 'reviews-v2', level: 'Error' });
  });

  test('fails if the target selects its pods by none of the labels Flagger goes by', () => {
    const [f] = found(Y.namespace() + Y.deployment('reviews', { selector: 'component: reviews' }) + Y.canary(), 'MK0050');
    expect(f.message).toBe("[MK0050] Canary 'reviews' targets Deployment 'reviews', whose selector has none of the labels Flagger selects pods by (app, name, app.kubernetes.io/name): "
      + "Flagger refuses it (pkg/canary/deployment_controller.go, getSelectorLabel); select the pods of Deployment 'reviews' by an app label (spec.selector.matchLabels.app)");
  });

  test('stays quiet if the target exists and is selected by app', () => {
    expect(found(Y.namespace() + Y.deployment('reviews') + Y.canary(), 'MK0050')).toStrictEqual([]);
  });
});

describe('MK0051 FlaggerTargetNotSelectedByService', () => {
  test('fails if the Service the Canary manages selects another app than its target\'s', () => {
    const [f, ...rest] = found(Y.namespace() + Y.deployment('reviews-v2') + Y.service('reviews', 'app: reviews') + Y.canary({ target: 'reviews-v2', service: 'reviews' }), 'MK0051');
    expect(rest).toHaveLength(0);
    expect(f.message).toBe("[MK0051] Canary 'reviews' manages Service 'reviews', which selects app=reviews, but its target Deployment 'reviews-v2' runs pods labelled app=reviews-v2: "
      + 'Flagger sets the Service\'s selector to app=reviews-v2-primary (pkg/router/kubernetes_default.go, reconcileService), so its callers reach another app\'s pods; '
      + "target the Deployment whose pods Service 'reviews' selects, or give the Canary its own service.name");
    expect(f).toMatchObject({ field: 'spec.targetRef.name', value: 'reviews-v2', level: 'Warning' });
  });

  test('stays quiet if the Service selects the target\'s primary, or no Service is written', () => {
    expect(found(Y.namespace() + Y.deployment('reviews') + Y.service('reviews', 'app: reviews-primary') + Y.canary(), 'MK0051')).toStrictEqual([]);
    expect(found(Y.namespace() + Y.deployment('reviews') + Y.canary(), 'MK0051')).toStrictEqual([]);
  });
});

describe('MK0052 FlaggerMetricTemplateNotFound', () => {
  test('fails if a metric names a MetricTemplate that does not exist', () => {
    const [f, ...rest] = found(Y.namespace() + Y.deployment('reviews') + Y.canary({ templateRef: 'success-rate' }), 'MK0052');
    expect(rest).toHaveLength(0);
    expect(f.message).toBe("[MK0052] Canary 'reviews' reads metric 'success-rate' from MetricTemplate 'success-rate' of namespace 'shop', which does not exist: "
      + 'each check of the analysis fails, and Flagger rolls the canary back (pkg/controller/scheduler_metrics.go, runMetricChecks); '
      + "write MetricTemplate 'success-rate' in namespace 'shop', or name an existing one");
    expect(f).toMatchObject({ field: 'spec.analysis.metrics[0].templateRef.name', value: 'success-rate', level: 'Error' });
  });

  test('stays quiet if the template exists, or the metric is a built-in', () => {
    expect(found(Y.namespace() + Y.deployment('reviews') + Y.template('success-rate', Y.ISTIO_QUERY) + Y.canary({ templateRef: 'success-rate' }), 'MK0052')).toStrictEqual([]);
    expect(found(Y.namespace() + Y.deployment('reviews') + Y.canary(), 'MK0052')).toStrictEqual([]);
  });
});

describe('MK0053 FlaggerMetricNotExported', () => {
  test('fails if a Linkerd canary\'s template reads Istio\'s metric', () => {
    const [f, ...rest] = found(Y.namespace() + Y.deployment('reviews') + Y.template('success-rate', Y.ISTIO_QUERY) + Y.canary({ templateRef: 'success-rate', provider: 'linkerd' }), 'MK0053');
    expect(rest).toHaveLength(0);
    expect(f.message).toBe("[MK0053] MetricTemplate 'success-rate' (read by Canary 'reviews') queries istio_requests_total, which the Linkerd mesh of the canary does not export: "
      + "istio_requests_total is Istio's: Linkerd's proxies export response_total and response_latency_ms (labels deployment, namespace, direction, classification); "
      + 'the query finds no data and Flagger counts each check as failed (pkg/controller/scheduler_metrics.go); query response_total / response_latency_ms_bucket with direction="inbound"');
    expect(f).toMatchObject({ object: 'MetricTemplate shop/success-rate', field: 'spec.query', value: 'istio_requests_total', level: 'Warning' });
  });

  test('fails if Istio\'s metric is selected by Linkerd\'s labels, or by reporter="destination" in an ambient namespace', () => {
    const linkerdLabels = 'sum(rate(istio_requests_total{namespace="{{ namespace }}", deployment="{{ target }}"}[1m]))';
    const [f] = found(Y.namespace() + Y.deployment('reviews') + Y.template('success-rate', linkerdLabels) + Y.canary({ templateRef: 'success-rate' }), 'MK0053');
    expect([f.value, f.fix]).toStrictEqual(['istio_requests_total{deployment}', 'select by destination_workload and destination_workload_namespace']);
    const [g] = found(Y.namespace('ambient') + Y.deployment('reviews') + Y.template('success-rate', Y.ISTIO_QUERY) + Y.canary({ templateRef: 'success-rate', provider: 'gatewayapi:v1' }), 'MK0053');
    expect([g.value, g.fix]).toStrictEqual(['istio_requests_total{reporter="destination"}', 'select reporter="waypoint"']);
  });

  test('stays quiet if the query reads the mesh\'s own metrics with its labels', () => {
    expect(found(Y.namespace() + Y.deployment('reviews') + Y.template('success-rate', Y.ISTIO_QUERY) + Y.canary({ templateRef: 'success-rate' }), 'MK0053')).toStrictEqual([]);
  });
});

describe('MK0054 FlaggerStepsInvalid', () => {
  test('fails if maxWeight is below stepWeight, and on stepWeights that do not increase', () => {
    const [f, ...rest] = found(Y.namespace() + Y.deployment('reviews') + Y.canary({ steps: ['stepWeight: 20', 'maxWeight: 10'] }), 'MK0054');
    expect(rest).toHaveLength(0);
    expect(f.message).toBe("[MK0054] Canary 'reviews' has maxWeight 10 below its stepWeight 20: its first step already passes the largest weight, so the canary goes from 0 to promotion "
      + 'with no step analysed at a weight of its own (pkg/controller/scheduler.go, nextStepWeight); raise maxWeight to at least 20, or lower stepWeight');
    expect(f).toMatchObject({ field: 'spec.analysis.maxWeight', value: '10' });
    const [g] = found(Y.namespace() + Y.deployment('reviews') + Y.canary({ steps: ['stepWeights: [10, 50, 30]'] }), 'MK0054');
    expect([g.field, g.value]).toStrictEqual(['spec.analysis.stepWeights[2]', '30']);
  });

  test('stays quiet on steps Flagger can take', () => {
    expect(found(Y.namespace() + Y.deployment('reviews') + Y.canary({ steps: ['stepWeights: [10, 30, 50]'] }), 'MK0054')).toStrictEqual([]);
  });
});

describe('MK0055 FlaggerOwnedObjectWritten', () => {
  test('fails on a primary Service and a VirtualService of the names Flagger creates, and on the Service selecting the target\'s own pods', () => {
    const yaml = Y.namespace() + Y.deployment('reviews') + Y.service('reviews', 'app: reviews') + Y.service('reviews-primary', 'app: reviews-primary') + Y.virtualService('reviews') + Y.canary();
    const all = found(yaml, 'MK0055');
    expect(all.map(f => [f.object, f.field, f.value])).toStrictEqual([
      ['Service shop/reviews-primary', 'metadata.name', 'reviews-primary'],
      ['VirtualService shop/reviews', 'metadata.name', 'reviews'],
      ['Service shop/reviews', 'spec.selector.app', 'reviews'],
    ]);
    expect(all[0].message).toBe("[MK0055] Service 'reviews-primary' is written by hand, but Flagger creates and updates it for Canary 'reviews': every sync (kubectl apply, Argo CD, Flux) "
      + "undoes what Flagger set, and Flagger sets it again (fluxcd/flagger pkg/router, pkg/canary); remove Service 'reviews-primary' from the manifests and leave it to Flagger");
    expect(all[2].message).toBe("[MK0055] Service 'reviews' selects app=reviews, the pods of Canary 'reviews''s target, but Flagger points it at app=reviews-primary "
      + '(pkg/router/kubernetes_default.go, reconcileService): every sync sends its traffic back to the canary\'s pods until Flagger sets it again; '
      + 'select app: reviews-primary, as Flagger does, or leave the Service to Flagger');
  });

  test('stays quiet if the Service selects the primary and nothing else of Flagger\'s is written', () => {
    expect(found(Y.namespace() + Y.deployment('reviews') + Y.service('reviews', 'app: reviews-primary') + Y.canary(), 'MK0055')).toStrictEqual([]);
  });
});

describe('MK0056 FlaggerRouteNotApplied', () => {
  test('fails if the Gateway API provider has no gatewayRefs', () => {
    const [f] = found(Y.namespace() + Y.deployment('reviews') + Y.canary({ provider: 'gatewayapi:v1' }), 'MK0056');
    expect(f.message).toBe("[MK0056] Canary 'reviews' uses provider gatewayapi:v1 without service.gatewayRefs: Flagger writes no HTTPRoute and stops (pkg/router/gateway_api.go, Reconcile: "
      + '"GatewayRefs must be specified"); attach the route to the Service itself: gatewayRefs [{ group: core, kind: Service, name: reviews }] (GAMMA), or to a gateway');
  });

  test('fails if an A/B canary routes a Service of an ambient namespace with no waypoint: the header matches are lost', () => {
    const [f] = found(Y.namespace('ambient') + Y.deployment('reviews') + Y.canary({ provider: 'gatewayapi:v1', gatewayRefs: true, match: true }), 'MK0056');
    expect(f.message).toBe("[MK0056] Canary 'reviews' routes Service 'reviews' of ambient namespace 'shop', which uses no waypoint: ztunnel is L4 and applies no route, so "
      + 'the header matches and the weights Flagger sets are never applied and every request reaches the primary; '
      + "give namespace 'shop' (or Service 'reviews') a waypoint: the label istio.io/use-waypoint");
    expect(f).toMatchObject({ field: 'spec.provider', value: 'gatewayapi:v1' });
  });

  test('stays quiet with a waypoint on the namespace, or gatewayRefs under sidecars', () => {
    expect(found(Y.namespace('ambient', 'waypoint') + Y.deployment('reviews') + Y.canary({ provider: 'gatewayapi:v1', gatewayRefs: true, match: true }), 'MK0056')).toStrictEqual([]);
    expect(found(Y.namespace() + Y.deployment('reviews') + Y.canary({ provider: 'gatewayapi:v1', gatewayRefs: true }), 'MK0056')).toStrictEqual([]);
  });
});

describe('what CanaryDriver.flagger() writes reports none of them', () => {
  test.each([
    ['Istio', {}],
    ['the Gateway API', { trafficApi: TrafficApi.GATEWAY_API }],
    ['ambient', { dataPlane: DataPlane.AMBIENT }],
    ['Linkerd', { mesh: MeshProvider.LINKERD }],
  ] as Array<[string, MeshChartProps]>)('under %s', (_, props) => {
    const app = new MeshApp({ analysis: { printWarnings: false } });
    const chart = new MeshChart(app, 'shop', { namespace: 'shop', ...props });
    const addons = new ObservabilityAddons(new MeshChart(app, 'addons', { mesh: props.mesh }), 'addons');
    const svc = new MeshService(chart, 'reviews', { ports: [{ port: 9080 }] });
    new CanaryRelease(app, 'reviews-canary', {
      service: svc,
      stable: svc.addVersion('v1', { image: 'reviews:1.0' }),
      canary: svc.addVersion('v2', { image: 'reviews:2.0' }),
      plan: CanaryPlan.stages([10, 50, 100]),
      override: props.mesh === MeshProvider.LINKERD ? undefined : CanaryOverride.header(HeaderMatch.exact('end-user', 'jason')),
      driver: CanaryDriver.flagger({ iterations: props.mesh === MeshProvider.LINKERD ? undefined : 10 }),
      analysis: CanaryAnalysis.meshMetrics({ metrics: MetricsSource.addons(addons) }),
    });
    app.synthFiles();
    expect(app.report!.findings.filter(f => /^MK005\d$/.test(f.code)).map(f => f.message)).toStrictEqual([]);
  });
});
