import { ApiObject, Chart, Duration, JsonPatch } from 'cdk8s';
import {
  Autoscaling, CanaryAnalysis, CanaryDriver, CanaryOverride, CanaryPlan, CanaryRelease, DataPlane, FlaggerOptions, FlaggerProvider,
  HeaderMatch, IngressGateway, IngressGatewayRoute, LinkerdVersion, LoadBalancer, MeshApp, MeshChart, MeshProvider, MeshService, MetricsSource,
  ObservabilityAddons, Protocol, RouteAction, TrafficApi,
} from '../../lib';
import type { CanaryReleaseProps, MeshChartProps } from '../../lib';
import { errorOf } from '../support/errors';
import { expectSchemaValid } from '../support/schemas';
import { parseObjects } from '../support/shared';

type Objects = ReturnType<typeof parseObjects>;

interface Setup {
  readonly chart?: MeshChartProps;
  readonly props?: Partial<CanaryReleaseProps>;
  readonly flagger?: FlaggerOptions;
  readonly service?: (svc: MeshService) => void;
  readonly prometheusUrl?: string;
}

/** A `reviews` service with v1 (stable) and v2 (canary) in namespace `shop`, released by Flagger. */
function build(app: MeshApp, s: Setup = {}): { svc: MeshService; release: CanaryRelease } {
  const chart = new MeshChart(app, 'shop', { namespace: 'shop', ...s.chart });
  const addons = s.prometheusUrl === undefined ? new ObservabilityAddons(new MeshChart(app, 'addons', { mesh: s.chart?.mesh }), 'addons') : undefined;
  const svc = new MeshService(chart, 'reviews', { ports: [{ port: 9080 }] });
  const v1 = svc.addVersion('v1', { image: 'reviews:1.0' });
  const v2 = svc.addVersion('v2', { image: 'reviews:2.0' });
  s.service?.(svc);
  const metrics = s.prometheusUrl !== undefined ? MetricsSource.prometheus(s.prometheusUrl) : MetricsSource.addons(addons!);
  const release = new CanaryRelease(app, 'reviews-canary', {
    service: svc,
    stable: v1,
    canary: v2,
    plan: CanaryPlan.stages([10, 20, 30, 100]),
    driver: CanaryDriver.flagger(s.flagger),
    analysis: CanaryAnalysis.meshMetrics({ metrics }),
    ...s.props,
  });
  return { svc, release };
}

function synth(s: Setup = {}): Objects {
  const app = new MeshApp({ analysis: { printWarnings: false } });
  build(app, s);
  const files = app.synthFiles();
  const objects = parseObjects(files.get('shop.k8s.yaml')!);
  expectSchemaValid(objects);
  return objects;
}

const find = (objects: Objects, kind: string, name?: string) =>
  objects.find(o => o.kind === kind && (name === undefined || o.metadata.name === name));
const specOf = (objects: Objects, kind: string, name?: string) => find(objects, kind, name)!.spec as any;
const failure = (s: Setup) => errorOf(() => build(new MeshApp(), s));

describe('CanaryDriver.flagger()', () => {
  test('under Istio: the target Deployment, the apex Service, the Canary with the plan\'s linear steps and the built-in metrics', () => {
    const objects = synth();
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual(['Service/reviews', 'ServiceAccount/reviews', 'Deployment/reviews', 'Canary/reviews']);
    expect(specOf(objects, 'Service').selector).toStrictEqual({ app: 'reviews-primary' });
    const deployment = specOf(objects, 'Deployment');
    expect(deployment.selector).toStrictEqual({ matchLabels: { app: 'reviews' } });
    expect(deployment.template.metadata.labels).toStrictEqual({ app: 'reviews', version: 'v2' });
    expect(deployment.template.spec.containers[0].image).toBe('reviews:2.0');
    expect(specOf(objects, 'Canary')).toStrictEqual({
      provider: 'istio',
      metricsServer: 'http://prometheus.istio-system.svc.cluster.local:9090',
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'reviews' },
      service: { port: 9080, portName: 'http', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } },
      analysis: {
        interval: '1m',
        threshold: 5,
        stepWeight: 10,
        maxWeight: 30,
        metrics: [
          { name: 'request-success-rate', interval: '1m', thresholdRange: { min: 99 } },
          { name: 'request-duration', interval: '1m', thresholdRange: { max: 500 } },
        ],
      },
    });
  });

  test('a plan that is not linear is written as stepWeights; the stages of the release are the plan\'s', () => {
    const app = new MeshApp();
    const { release } = build(app, { props: { plan: CanaryPlan.stages([5, 25, 60, 100]) } });
    expect(release.stages).toStrictEqual([5, 25, 60, 100]);
    expect(release.stageCharts.size).toBe(0);
    expect(release.rollbackChart).toBeUndefined();
    const analysis = specOf(parseObjects(app.synthFiles().get('shop.k8s.yaml')!), 'Canary').analysis;
    expect([analysis.stepWeights, analysis.stepWeight, analysis.maxWeight]).toStrictEqual([[5, 25, 60], undefined, undefined]);
  });

  test('the analysis\'s thresholds, interval, failure limit, load test and Prometheus URL; the driver\'s options', () => {
    const app = new MeshApp();
    const chart = new MeshChart(app, 'shop', { namespace: 'shop' });
    const svc = new MeshService(chart, 'reviews', { ports: [{ port: 9080 }] });
    const v1 = svc.addVersion('v1', { image: 'reviews:1.0' });
    const v2 = svc.addVersion('v2', { image: 'reviews:2.0' });
    new CanaryRelease(app, 'reviews-canary', {
      service: svc,
      stable: v1,
      canary: v2,
      plan: CanaryPlan.linear({ stepWeight: 20, maxWeight: 60 }),
      driver: CanaryDriver.flagger({ skipAnalysis: true, progressDeadline: Duration.minutes(5), revertOnDeletion: true }),
      analysis: CanaryAnalysis.meshMetrics({
        metrics: MetricsSource.prometheus('http://prom.monitoring:9090'),
        minSuccessRate: 95,
        maxLatency: Duration.seconds(1),
        interval: Duration.seconds(30),
        failureLimit: 3,
        loadTestUrl: 'http://flagger-loadtester.test/',
      }),
    });
    const spec = specOf(parseObjects(app.synthFiles().get('shop.k8s.yaml')!), 'Canary');
    expect([spec.metricsServer, spec.skipAnalysis, spec.progressDeadlineSeconds, spec.revertOnDeletion]).toStrictEqual(['http://prom.monitoring:9090', true, 300, true]);
    expect(spec.analysis).toStrictEqual({
      interval: '30s',
      threshold: 3,
      stepWeight: 20,
      maxWeight: 60,
      metrics: [
        { name: 'request-success-rate', interval: '30s', thresholdRange: { min: 95 } },
        { name: 'request-duration', interval: '30s', thresholdRange: { max: 1000 } },
      ],
      webhooks: [{ name: 'load-test', type: 'rollout', url: 'http://flagger-loadtester.test/', timeout: '5s', metadata: { cmd: 'hey -z 30s -q 10 -c 2 http://reviews-canary.shop:9080/' } }],
    });
  });

  test('under the Gateway API: provider gatewayapi:v1 attached to the Service, MetricTemplates with Istio\'s metrics, no per-version Services', () => {
    const objects = synth({ chart: { trafficApi: TrafficApi.GATEWAY_API } });
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual([
      'Service/reviews', 'ServiceAccount/reviews', 'Deployment/reviews', 'MetricTemplate/reviews-success-rate', 'MetricTemplate/reviews-latency', 'Canary/reviews',
    ]);
    const canary = specOf(objects, 'Canary');
    expect([canary.provider, canary.metricsServer, canary.service]).toStrictEqual(['gatewayapi:v1', undefined,
      { port: 9080, portName: 'http', gatewayRefs: [{ name: 'reviews', namespace: 'shop', group: 'core', kind: 'Service', port: 9080 }] }]);
    expect(canary.analysis.metrics).toStrictEqual([
      { name: 'success-rate', templateRef: { name: 'reviews-success-rate', namespace: 'shop' }, interval: '1m', thresholdRange: { min: 99 } },
      { name: 'latency', templateRef: { name: 'reviews-latency', namespace: 'shop' }, interval: '1m', thresholdRange: { max: 500 } },
    ]);
    expect(specOf(objects, 'MetricTemplate', 'reviews-success-rate')).toStrictEqual({
      provider: { type: 'prometheus', address: 'http://prometheus.istio-system.svc.cluster.local:9090' },
      query: 'sum(rate(istio_requests_total{reporter="destination", destination_workload_namespace="{{ namespace }}", destination_workload="{{ target }}", response_code!~"5.*"}[{{ interval }}]))'
        + ' / sum(rate(istio_requests_total{reporter="destination", destination_workload_namespace="{{ namespace }}", destination_workload="{{ target }}"}[{{ interval }}])) * 100',
    });
    expect(specOf(objects, 'MetricTemplate', 'reviews-latency').query).toBe(
      'histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{reporter="destination", destination_workload_namespace="{{ namespace }}", destination_workload="{{ target }}"}[{{ interval }}])) by (le))');
  });

  test('under ambient: the Gateway API, the waypoint\'s metrics (reporter="waypoint"), the Service keeps its waypoint', () => {
    const objects = synth({ chart: { dataPlane: DataPlane.AMBIENT } });
    expect(specOf(objects, 'Canary').provider).toBe('gatewayapi:v1');
    expect(specOf(objects, 'MetricTemplate', 'reviews-latency').query).toContain('reporter="waypoint"');
    expect(find(objects, 'Service', 'reviews')!.metadata.labels).toMatchObject({ 'istio.io/use-waypoint': 'reviews-waypoint' });
  });

  test('an A/B override under ambient is Flagger\'s A/B test: the header match on the HTTPRoute, for the iterations asked', () => {
    const objects = synth({
      chart: { dataPlane: DataPlane.AMBIENT },
      props: { override: CanaryOverride.header(HeaderMatch.exact('end-user', 'jason')) },
      flagger: { iterations: 10 },
    });
    const analysis = specOf(objects, 'Canary').analysis;
    expect([analysis.iterations, analysis.match, analysis.stepWeight, analysis.stepWeights]).toStrictEqual([10, [{ headers: { 'end-user': { exact: 'jason' } } }], undefined, undefined]);
  });

  test('a cookie override under Istio is a regex on the cookie header, as Flagger\'s A/B tutorial writes it', () => {
    const objects = synth({ props: { override: CanaryOverride.cookie('canary', 'always') }, flagger: { iterations: 5 } });
    expect(specOf(objects, 'Canary').analysis.match).toStrictEqual([{ headers: { cookie: { regex: '^(.*?;\\s*)?(canary=always)(;.*)?$' } } }]);
  });

  test('under Linkerd: the Gateway API with Linkerd\'s metrics by default; provider linkerd uses Flagger\'s built-ins', () => {
    const objects = synth({ chart: { mesh: MeshProvider.LINKERD } });
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).not.toContain('Service/reviews-v1');
    expect(specOf(objects, 'Canary').provider).toBe('gatewayapi:v1');
    expect(specOf(objects, 'MetricTemplate', 'reviews-success-rate')).toStrictEqual({
      provider: { type: 'prometheus', address: 'http://prometheus.linkerd-viz.svc.cluster.local:9090' },
      query: 'sum(rate(response_total{namespace="{{ namespace }}", deployment="{{ target }}", direction="inbound", classification!="failure"}[{{ interval }}]))'
        + ' / sum(rate(response_total{namespace="{{ namespace }}", deployment="{{ target }}", direction="inbound"}[{{ interval }}])) * 100',
    });
    expect(specOf(objects, 'Service', 'reviews').selector).toStrictEqual({ app: 'reviews-primary' });
    // Linkerd 2.16 to 2.19 read the Gateway API's v1beta1 routes: Flagger's Linkerd tutorial's provider
    expect(specOf(synth({ chart: { mesh: MeshProvider.LINKERD, linkerdVersion: LinkerdVersion.V2_16 } }), 'Canary').provider).toBe('gatewayapi:v1beta1');
    const smi = synth({ chart: { mesh: MeshProvider.LINKERD }, flagger: { provider: FlaggerProvider.LINKERD } });
    expect([specOf(smi, 'Canary').provider, specOf(smi, 'Canary').metricsServer, find(smi, 'MetricTemplate')]).toStrictEqual(['linkerd', 'http://prometheus.linkerd-viz.svc.cluster.local:9090', undefined]);
  });

  test('an autoscaling canary: the target\'s autoscaler, autoscalerRef with the primary\'s replicas, a budget for the target and one for the primary', () => {
    const app = new MeshApp();
    const chart = new MeshChart(app, 'shop', { namespace: 'shop' });
    const svc = new MeshService(chart, 'reviews', { ports: [{ port: 9080 }] });
    const v1 = svc.addVersion('v1', { image: 'reviews:1.0' });
    const v2 = svc.addVersion('v2', { image: 'reviews:2.0', autoscaling: Autoscaling.of({ minReplicas: 2, maxReplicas: 6, cpuUtilization: 80 }) });
    new CanaryRelease(app, 'reviews-canary', {
      service: svc,
      stable: v1,
      canary: v2,
      plan: CanaryPlan.stages([50, 100]),
      driver: CanaryDriver.flagger({ primaryScalerReplicas: { minReplicas: 3 } }),
      analysis: CanaryAnalysis.meshMetrics({ metrics: MetricsSource.prometheus('http://prom:9090') }),
    });
    const objects = expectSchemaValid(parseObjects(app.synthFiles().get('shop.k8s.yaml')!));
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual([
      'Service/reviews', 'ServiceAccount/reviews', 'Deployment/reviews', 'HorizontalPodAutoscaler/reviews', 'PodDisruptionBudget/reviews',
      'PodDisruptionBudget/reviews-primary', 'Canary/reviews',
    ]);
    expect(specOf(objects, 'HorizontalPodAutoscaler').scaleTargetRef).toStrictEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'reviews' });
    expect(specOf(objects, 'PodDisruptionBudget', 'reviews-primary')).toStrictEqual({ selector: { matchLabels: { app: 'reviews-primary' } }, maxUnavailable: 1 });
    expect(specOf(objects, 'Canary').autoscalerRef).toStrictEqual({
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'reviews', primaryScalerReplicas: { minReplicas: 3 },
    });
  });

  test('the documented defaults: no progress deadline, skipAnalysis or revertOnDeletion written (Flagger\'s own), and the primary\'s autoscaler as the canary\'s', () => {
    const app = new MeshApp();
    const chart = new MeshChart(app, 'shop', { namespace: 'shop' });
    const svc = new MeshService(chart, 'reviews', { ports: [{ port: 9080 }] });
    const v1 = svc.addVersion('v1', { image: 'reviews:1.0' });
    const v2 = svc.addVersion('v2', { image: 'reviews:2.0', autoscaling: Autoscaling.of({ minReplicas: 2, maxReplicas: 6, cpuUtilization: 80 }) });
    new CanaryRelease(app, 'reviews-canary', {
      service: svc,
      stable: v1,
      canary: v2,
      plan: CanaryPlan.stages([50, 100]),
      driver: CanaryDriver.flagger(),
      analysis: CanaryAnalysis.meshMetrics({ metrics: MetricsSource.prometheus('http://prom:9090') }),
    });
    const spec = specOf(parseObjects(app.synthFiles().get('shop.k8s.yaml')!), 'Canary');
    expect([spec.progressDeadlineSeconds, spec.skipAnalysis, spec.revertOnDeletion, spec.autoscalerRef])
      .toStrictEqual([undefined, undefined, undefined, { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'reviews' }]);
  });

  test('the same input writes the same bytes', () => {
    const once = () => {
      const app = new MeshApp();
      build(app, { chart: { trafficApi: TrafficApi.GATEWAY_API } });
      return app.synthFiles().get('shop.k8s.yaml');
    };
    expect(once()).toBe(once());
  });

  test('the Canary is checked against Flagger\'s pinned CRD at synth: a field of the wrong type is refused', () => {
    const app = new MeshApp();
    build(app);
    const canary = Chart.of(app.node.findChild('shop') as Chart).node.findAll().find(c => ApiObject.isApiObject(c) && c.kind === 'Canary') as ApiObject;
    canary.addJsonPatch(JsonPatch.add('/spec/analysis/stepWeight', 'ten'));
    expect(() => app.synthFiles()).toThrow(/IST0106.*Canary.*stepWeight/s);
  });
});

describe('CanaryDriver.flagger() refuses what Flagger cannot carry', () => {
  test.each([
    ['stage', { props: { stage: 20 } },
      "'stage' cannot be used with CanaryDriver.flagger(): Flagger goes through every stage itself: got 20; remove stage"],
    ['mirrorPercentage', { props: { mirrorPercentage: 5 } },
      "'mirrorPercentage' cannot be carried by Flagger: it mirrors only in a blue/green run (analysis.mirror), not at each stage of a canary: got 5; remove mirrorPercentage, or use CanaryDriver.stagedFiles()"],
    ['stickySessions', { props: { stickySessions: LoadBalancer.consistentHashBySourceIp() } },
      "'stickySessions' cannot be carried by Flagger: its routes go to the primary and canary Services, not to subsets a consistent hash could keep: got 'LoadBalancer'; remove stickySessions; keep users on the canary with override (an A/B test)"],
    ['name', { props: { name: 'reviews-route' } },
      "'name' must be the service's name under Flagger: Flagger names its route after the Service ('reviews'): got 'reviews-route'; remove name"],
    ['port', { props: { port: 9081 } }, "'port' must be the service's port: got 9081; use 9080, or remove port"],
    ['override without iterations', { props: { override: CanaryOverride.header(HeaderMatch.exact('end-user', 'jason')) } },
      "'iterations' must be given with override: Flagger's A/B test sends the matched requests to the canary for that many analysis runs, instead of the plan's weights: got 'none'; give iterations on CanaryDriver.flagger({ iterations: 10 })"],
    ['iterations without override', { flagger: { iterations: 10 } },
      "'iterations' is for an A/B test (with override): without one, Flagger would run a blue/green release instead of the plan: got 10; remove iterations, or give override"],
    ['a prefix header match under the Gateway API', { chart: { trafficApi: TrafficApi.GATEWAY_API }, flagger: { iterations: 3 }, props: { override: CanaryOverride.header(HeaderMatch.prefix('end-user', 'ja')) } },
      "'override.headers.end-user' must be exact or a regex under the Gateway API: Flagger maps no prefix match to an HTTPRoute (pkg/router/gateway_api.go, mapRouteMatches): got 'ja'; use HeaderMatch.regex('end-user', '^ja.*')"],
    ['an override with an SMI TrafficSplit', { chart: { mesh: MeshProvider.LINKERD }, flagger: { iterations: 3, provider: FlaggerProvider.LINKERD }, props: { override: CanaryOverride.header(HeaderMatch.exact('end-user', 'jason')) } },
      "'override' cannot be carried by an SMI TrafficSplit (provider linkerd): it splits by weight only: got 'override'; use FlaggerProvider.GATEWAY_API"],
    ['provider istio under Linkerd', { chart: { mesh: MeshProvider.LINKERD }, flagger: { provider: FlaggerProvider.ISTIO } },
      "'provider' cannot be istio for a Linkerd service: got 'istio'; use FlaggerProvider.GATEWAY_API, or leave provider out"],
    ['provider istio under ambient', { chart: { dataPlane: DataPlane.AMBIENT }, flagger: { provider: FlaggerProvider.ISTIO } },
      "'provider' cannot be istio under ambient mode: waypoints apply Gateway API routes (Istio's VirtualService there is alpha and Flagger's carries the sidecars' mesh gateway): got 'istio'; use FlaggerProvider.GATEWAY_API, or leave provider out"],
    ['provider linkerd under Istio', { flagger: { provider: FlaggerProvider.LINKERD } },
      "'provider' can be linkerd (an SMI TrafficSplit) only for a Linkerd service: got 'linkerd'; use FlaggerProvider.ISTIO, or leave provider out"],
    ['an unknown provider (JavaScript)', { flagger: { provider: 'nginx' as FlaggerProvider } },
      "'options.provider' must be one of 'gatewayapi:v1', 'gatewayapi:v1beta1', 'istio', 'linkerd': got 'nginx'; write one of the values listed"],
    ['iterations of 0', { flagger: { iterations: 0 } }, "'iterations' must be a whole number of at least 1: got 0; e.g. 10"],
    ['a progress deadline of a fraction of a second', { flagger: { progressDeadline: Duration.millis(1500) } },
      "'progressDeadline' must be a Duration of whole seconds, at least 1: got a Duration; e.g. Duration.minutes(10)"],
    ['primaryScalerReplicas without autoscaling', { flagger: { primaryScalerReplicas: { minReplicas: 2 } } },
      "'primaryScalerReplicas' needs the canary version to autoscale: Flagger copies the target's autoscaler for the primary: got 'given'; give the canary version autoscaling, or remove primaryScalerReplicas"],
    ['a loadTestCommand without loadTestUrl', { flagger: { loadTestCommand: 'hey http://reviews-canary.shop:9080/' } },
      "'loadTestCommand' needs the analysis's loadTestUrl: it is the command Flagger's load tester runs: got 'hey http://reviews-canary.shop:9080/'; give analysis loadTestUrl, or remove loadTestCommand"],
  ] as Array<[string, Setup, string]>)('fails on %s', (_, setup, message) => {
    // the options' shapes are checked where the driver is made (CanaryDriver.flagger), the rest by the release
    expect(failure(setup)).toBe(message.startsWith("'options.") ? `CanaryDriver.flagger: ${message}` : `[reviews-canary] ${message}`);
  });

  test('fails on a service with two ports, a TCP service, a third version, an external canary, and routes of the service\'s own', () => {
    expect(failure({ service: svc => svc.addPort({ port: 9443, name: 'http-admin' }) })).toBe(
      "[reviews-canary] 'service.ports' must be exactly one port under Flagger: the Service Flagger manages has one port, and would drop the others: got [9080, 9443]; give the service one port, or use CanaryDriver.stagedFiles()");
    expect(failure({ service: svc => svc.addVersion('v3', { image: 'reviews:3.0' }) })).toBe(
      "[reviews-canary] 'service.versions' must be the stable and canary versions only under Flagger: the pods of another version would be taken for the canary's (Flagger selects them by app): got 'v3'; remove version 'v3' from service 'reviews'");
    expect(failure({ service: svc => svc.addRoute({ action: RouteAction.forward(svc.version('v1')) }) })).toBe(
      "[reviews-canary] 'service' must have no routes of its own under Flagger: Flagger writes the VirtualService 'reviews' itself, and the two would fight: got 'reviews'; remove the service's routes (addRoute, ServiceRouting) from its chart");
    const app = new MeshApp();
    const chart = new MeshChart(app, 'shop', { namespace: 'shop' });
    const tcp = new MeshService(chart, 'db', { ports: [{ port: 5432, protocol: Protocol.TCP }] });
    const external = new MeshService(chart, 'api', { ports: [{ port: 80 }] });
    const analysis = CanaryAnalysis.meshMetrics({ metrics: MetricsSource.prometheus('http://prom:9090') });
    expect(errorOf(() => new CanaryRelease(app, 'db-canary', {
      service: tcp, stable: tcp.addVersion('v1', { image: 'db:1' }), canary: tcp.addVersion('v2', { image: 'db:2' }), plan: CanaryPlan.stages([10, 100]), driver: CanaryDriver.flagger(), analysis,
    }))).toBe("[db-canary] 'service.ports' must carry HTTP under the Flagger driver: its analysis reads request metrics, and its A/B matches are HTTP: got 'tcp'; use CanaryDriver.stagedFiles() for a TCP service");
    expect(errorOf(() => new CanaryRelease(app, 'api-canary', {
      service: external, stable: external.addVersion('v1', { image: 'api:1' }), canary: external.addExternalVersion('v2'), plan: CanaryPlan.stages([10, 100]), driver: CanaryDriver.flagger(), analysis,
    }))).toBe("[api-canary] 'canary' must be a version this app deploys (addVersion): Flagger starts a rollout from the pod template of the Deployment it targets: got 'v2'; declare it with api.addVersion('v2', { image })");
  });

  test('fails on a version\'s own traffic policy and on per-port policies: Flagger\'s DestinationRules have neither', () => {
    const app = new MeshApp();
    const chart = new MeshChart(app, 'shop', { namespace: 'shop' });
    const analysis = CanaryAnalysis.meshMetrics({ metrics: MetricsSource.prometheus('http://prom:9090') });
    const svc = new MeshService(chart, 'reviews', { ports: [{ port: 9080 }] });
    const v1 = svc.addVersion('v1', { image: 'reviews:1.0' });
    const v2 = svc.addVersion('v2', { image: 'reviews:2.0', trafficPolicy: { loadBalancer: LoadBalancer.roundRobin() } });
    expect(errorOf(() => new CanaryRelease(app, 'reviews-canary', { service: svc, stable: v1, canary: v2, plan: CanaryPlan.stages([10, 100]), driver: CanaryDriver.flagger(), analysis })))
      .toBe("[reviews-canary] 'versions.v2.trafficPolicy' cannot be carried by Flagger: its DestinationRules for the primary and canary have no subsets: got 'v2'; "
        + "set the policy on service 'reviews' (trafficPolicy) instead");
    const ported = new MeshService(chart, 'ratings', { ports: [{ port: 9080 }], trafficPolicy: { ports: [{ port: 9080, loadBalancer: LoadBalancer.roundRobin() }] } });
    expect(errorOf(() => new CanaryRelease(app, 'ratings-canary', {
      service: ported,
      stable: ported.addVersion('v1', { image: 'ratings:1.0' }),
      canary: ported.addVersion('v2', { image: 'ratings:2.0' }),
      plan: CanaryPlan.stages([10, 100]),
      driver: CanaryDriver.flagger(),
      analysis,
    }))).toBe("[ratings-canary] 'service.trafficPolicy.ports' cannot be carried by Flagger: its service.trafficPolicy has no per-port settings: got 'ports'; set the policy for the whole service");
  });

  test('fails at synth on a version or a route of the service added after the release', () => {
    const later = new MeshApp();
    const { svc } = build(later);
    svc.addVersion('v3', { image: 'reviews:3.0' });
    expect(() => later.synthFiles()).toThrow("[reviews-canary] 'service.versions' must be the stable and canary versions only under Flagger");
    const routed = new MeshApp();
    const built = build(routed);
    built.svc.addRoute({ action: RouteAction.forward(built.svc.version('v2')) });
    expect(() => routed.synthFiles()).toThrow("[reviews-canary] 'service' must have no routes of its own under Flagger: Flagger writes the VirtualService 'reviews' itself");
  });

  test('fails on a chart of no mesh', () => {
    expect(errorOf(() => build(new MeshApp(), { chart: { mesh: MeshProvider.NONE }, prometheusUrl: 'http://prom:9090' }))).toBe(
      "[reviews-canary] 'driver' needs a mesh: Flagger shifts traffic through Istio, the Gateway API or Linkerd: got 'MeshProvider.NONE'; put the service in an Istio or Linkerd chart, or use CanaryDriver.stagedFiles()");
  });

  test('fails on ingress with the Gateway API provider or a gatewayPort, on hosts the gateway does not serve, and on a gateway route of the service\'s own under sidecars', () => {
    const gateway = (app: MeshApp, trafficApi?: TrafficApi) =>
      new IngressGateway(new MeshChart(app, 'gw', { namespace: 'istio-ingress', trafficApi }), 'gw', { servers: [{ port: 80, hosts: ['shop.example.com'] }] });
    const gwApp = new MeshApp();
    expect(errorOf(() => build(gwApp, { chart: { trafficApi: TrafficApi.GATEWAY_API }, props: { ingress: { gateway: gateway(gwApp, TrafficApi.GATEWAY_API), hosts: ['shop.example.com'] } } }))).toBe(
      "[reviews-canary] 'ingress' is carried by the Flagger driver with the istio provider only: an HTTPRoute of gatewayapi:v1 Flagger writes for the Service (GAMMA): got ['shop.example.com']; remove ingress, or use CanaryDriver.stagedFiles()");
    const portApp = new MeshApp();
    expect(errorOf(() => build(portApp, { props: { ingress: { gateway: gateway(portApp), hosts: ['shop.example.com'], gatewayPort: 80 } } }))).toBe(
      "[reviews-canary] 'ingress.gatewayPort' cannot be carried by Flagger: its VirtualService binds to every listener of the gateway: got 80; remove gatewayPort");
    const hostsApp = new MeshApp();
    build(hostsApp, { props: { ingress: { gateway: gateway(hostsApp), hosts: ['admin.example.com'] } } });
    expect(() => hostsApp.synthFiles()).toThrow("[reviews-canary] 'ingress.hosts' must be served by gateway 'gw': got 'admin.example.com'");
    const routeApp = new MeshApp();
    const { svc } = build(routeApp);
    expect(errorOf(() => new IngressGatewayRoute(new MeshChart(routeApp, 'edge'), 'shop', {
      gateway: gateway(routeApp), hosts: ['shop.example.com'], routes: [{ action: RouteAction.forward(svc, { port: 9080 }) }],
    }))).toBe("[reviews-canary] 'service' must not be routed by a gateway route of its own under Flagger: Flagger's VirtualService applies in the mesh only, so the gateway would send every request "
      + "to the primary: got 'edge/shop'; give the release ingress: { gateway, hosts } (Flagger then binds its VirtualService to the gateway) and remove the gateway route to 'reviews'");
  });

  test('ingress under Istio: Flagger\'s VirtualService binds to the gateway and its hosts; under ambient a gateway route goes through the waypoint', () => {
    const app = new MeshApp();
    const gw = new IngressGateway(new MeshChart(app, 'gw', { namespace: 'istio-ingress' }), 'gw', { servers: [{ port: 80, hosts: ['shop.example.com'] }] });
    build(app, { props: { ingress: { gateway: gw, hosts: ['shop.example.com'] } } });
    const service = specOf(parseObjects(app.synthFiles().get('shop.k8s.yaml')!), 'Canary').service;
    expect([service.gateways, service.hosts]).toStrictEqual([['istio-ingress/gw'], ['shop.example.com']]);
    const ambient = new MeshApp({ analysis: { printWarnings: false } });
    const { svc } = build(ambient, { chart: { dataPlane: DataPlane.AMBIENT } });
    const edge = new MeshChart(ambient, 'edge', { dataPlane: DataPlane.AMBIENT });
    const agw = new IngressGateway(edge, 'gw', { namespace: { name: 'shop' }, servers: [{ port: 80, hosts: ['shop.example.com'] }] });
    new IngressGatewayRoute(edge, 'shop', { gateway: agw, namespace: { name: 'shop' }, hosts: ['shop.example.com'], routes: [{ action: RouteAction.forward(svc, { port: 9080 }) }] });
    expect(find(parseObjects(ambient.synthFiles().get('shop.k8s.yaml')!), 'Service', 'reviews')!.metadata.labels).toMatchObject({ 'istio.io/ingress-use-waypoint': 'true' });
  });

  test('fails on an analysis missing, without a metrics source, or with thresholds out of range', () => {
    expect(failure({ props: { analysis: undefined } })).toBe(
      "[reviews-canary] 'analysis' must be given with CanaryDriver.flagger(): without it Flagger moves to each next weight with nothing checked: got 'none'; give analysis: CanaryAnalysis.meshMetrics({ metrics: MetricsSource.addons(addons) }), or set skipAnalysis: true on the driver to promote without checks");
    const app = new MeshApp();
    const addons = new ObservabilityAddons(new MeshChart(app, 'addons'), 'addons', { prometheus: { enabled: false }, kiali: { enabled: false } });
    expect(errorOf(() => build(app, { prometheusUrl: 'http://unused:9090', props: { analysis: CanaryAnalysis.meshMetrics({ metrics: MetricsSource.addons(addons) }) } }))).toBe(
      "[reviews-canary] 'analysis.metrics' must be a Prometheus: the ObservabilityAddons 'addons/addons' install none (prometheus.enabled: false): got 'MetricsSource.addons(...)'; "
      + 'install Prometheus with the add-ons, or give MetricsSource.prometheus(<its URL>)');
    const metrics = MetricsSource.prometheus('http://prom:9090');
    expect(failure({ props: { analysis: CanaryAnalysis.meshMetrics({ metrics, minSuccessRate: 120 }) } })).toBe(
      "[reviews-canary] 'analysis.minSuccessRate' must be a percentage above 0 and at most 100: got 120; e.g. 99");
    expect(failure({ props: { analysis: CanaryAnalysis.meshMetrics({ metrics, failureLimit: 0 }) } })).toBe(
      "[reviews-canary] 'analysis.failureLimit' must be a whole number, at least 1: got 0; e.g. 5");
    expect(failure({ props: { analysis: CanaryAnalysis.meshMetrics({ metrics, interval: Duration.millis(500) }) } })).toBe(
      "[reviews-canary] 'analysis.interval' must be whole seconds, at least 30s (two scrapes of Prometheus at its 15s default, for rate() to have samples): got '0.5s'; "
      + 'e.g. Duration.minutes(1)');
    expect(failure({ props: { analysis: CanaryAnalysis.meshMetrics({ metrics, loadTestUrl: 'flagger-loadtester' }) } })).toBe(
      "[reviews-canary] 'analysis.loadTestUrl' must be an http(s) URL: got 'flagger-loadtester'; e.g. http://loadtester.test/");
    expect(failure({ chart: { namespace: undefined }, props: { analysis: CanaryAnalysis.meshMetrics({ metrics, loadTestUrl: 'http://flagger-loadtester.test/' }) } })).toBe(
      "[reviews-canary] 'analysis.loadTestUrl' needs the service's namespace: the load tester calls the canary Service from its own namespace: got 'http://flagger-loadtester.test/'; give the service (or its chart) a namespace, or give loadTestCommand");
  });
});
