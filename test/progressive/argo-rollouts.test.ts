import { ApiObject, App, Duration, JsonPatch } from 'cdk8s';
import {
  ArgoPause, ArgoRolloutObjects, ArgoScaleDown, ArgoWorkload, CanaryAnalysis, CanaryDriver, CanaryOverride, CanaryPlan, CanaryRelease,
  CanaryReleaseProps, Autoscaling, HeaderMatch, IngressGateway, IngressGatewayRoute, LoadBalancer, MeshApp, MeshChart, MeshNamespace, MeshProvider,
  MeshService, MetricsSource, ObservabilityAddons, Protocol,
  RouteAction, ServiceRouting, TrafficApi, DataPlane,
} from '../../lib';
import { errorOf } from '../support/errors';
import { expectLinkerdValid, expectSchemaValid } from '../support/schemas';
import { parseObjects } from '../support/shared';

type Objects = ReturnType<typeof parseObjects>;
interface Shop { app: MeshApp; chart: MeshChart; namespace: MeshNamespace; svc: MeshService; addons: ObservabilityAddons }

function shop(settings: { trafficApi?: TrafficApi; mesh?: MeshProvider; dataPlane?: DataPlane } = {}, replicas: number | null = 3): Shop {
  const app = new MeshApp();
  const chart = new MeshChart(app, 'platform', settings);
  const addons = settings.mesh === MeshProvider.NONE ? undefined as never : new ObservabilityAddons(new MeshChart(app, 'addons', { mesh: settings.mesh }), 'addons', {});
  const namespace = new MeshNamespace(chart, 'Namespace', { name: 'shop' });
  const svc = new MeshService(chart, 'reviews', { namespace, ports: [{ port: 9080 }], replicas: replicas ?? undefined });
  svc.addVersion('v1', { image: 'reviews:1.0' });
  svc.addVersion('v3', { image: 'reviews:3.0' });
  return { app, chart, namespace, svc, addons };
}

function release(s: Shop, extra: Partial<CanaryReleaseProps> = {}): CanaryRelease {
  return new CanaryRelease(s.app, 'reviews-canary', {
    service: s.svc,
    stable: s.svc.version('v1'),
    canary: s.svc.version('v3'),
    plan: CanaryPlan.stages([10, 50, 100]),
    driver: CanaryDriver.argoRollouts(),
    ...extra,
  });
}

function synth(s: Shop): Objects {
  const out = s.app.synthFiles();
  const objects = parseObjects(out.get('platform.k8s.yaml')!);
  expectSchemaValid(objects);
  return objects;
}

const kindsOf = (objects: Objects) => objects.map(o => `${o.kind}/${o.metadata.name}`);
const one = (objects: Objects, kind: string) => objects.find(o => o.kind === kind) as unknown as { spec: any; metadata: any };
const analysis = (s: Shop) => CanaryAnalysis.meshMetrics({ metrics: MetricsSource.addons(s.addons) });

describe('CanaryDriver.argoRollouts() under Istio\'s API', () => {
  test('the service\'s chart holds the Rollout in place of the versions\' Deployments, the Argo subsets and the split route; no stage files', () => {
    const s = shop();
    const r = release(s, { analysis: analysis(s) });
    const objects = synth(s);
    expect([...s.app.synthFiles().keys()].filter(f => f.endsWith('.k8s.yaml'))).toStrictEqual(['platform.k8s.yaml', 'addons.k8s.yaml']);
    expect(kindsOf(objects)).toStrictEqual(['Namespace/shop', 'Service/reviews', 'ServiceAccount/reviews', 'PodDisruptionBudget/reviews', 'AnalysisTemplate/reviews-mesh-metrics',
      'Rollout/reviews', 'DestinationRule/reviews', 'VirtualService/reviews']);
    expect(r.stages).toStrictEqual([10, 50, 100]);
    expect(r.stageCharts.size).toBe(0);
    expect(r.rollbackChart).toBeUndefined();
    expect(one(objects, 'DestinationRule').spec.subsets).toStrictEqual([{ name: 'stable', labels: { app: 'reviews' } }, { name: 'canary', labels: { app: 'reviews' } }]);
    expect(one(objects, 'VirtualService').spec).toStrictEqual({
      hosts: ['reviews'],
      http: [{ name: 'canary-split', route: [{ destination: { host: 'reviews', subset: 'stable' }, weight: 100 }, { destination: { host: 'reviews', subset: 'canary' }, weight: 0 }] }],
    });
  });

  test('the Rollout: the canary\'s pod template, the service\'s replicas and selector, a setWeight and a 5m pause per stage below 100, the background analysis', () => {
    const s = shop();
    release(s, { analysis: analysis(s) });
    const rollout = one(synth(s), 'Rollout');
    expect(rollout.spec.replicas).toBe(3);
    expect(rollout.spec.selector).toStrictEqual({ matchLabels: { app: 'reviews' } });
    expect(rollout.spec.template.metadata.labels).toStrictEqual({ app: 'reviews', version: 'v3' });
    expect(rollout.spec.template.spec.containers[0].image).toBe('reviews:3.0');
    expect(rollout.spec.strategy.canary).toStrictEqual({
      analysis: {
        args: [{ name: 'service', value: 'reviews' }, { name: 'namespace', value: 'shop' }, { name: 'canary-version', value: 'v3' }],
        startingStep: 0,
        templates: [{ templateName: 'reviews-mesh-metrics' }],
      },
      steps: [{ setWeight: 10 }, { pause: { duration: '5m' } }, { setWeight: 50 }, { pause: { duration: '5m' } }],
      trafficRouting: {
        istio: {
          destinationRule: { canarySubsetName: 'canary', name: 'reviews', stableSubsetName: 'stable' },
          virtualService: { name: 'reviews', routes: ['canary-split'] },
        },
      },
    });
  });

  test('the AnalysisTemplate: Istio\'s success rate and p99 latency of the canary\'s pods from the add-ons\' Prometheus, with the defaults', () => {
    const s = shop();
    release(s, { analysis: analysis(s) });
    const t = one(synth(s), 'AnalysisTemplate');
    const selector = 'reporter="destination",destination_service_name="{{args.service}}",destination_service_namespace="{{args.namespace}}",destination_version="{{args.canary-version}}"';
    expect(t.spec).toStrictEqual({
      args: [{ name: 'service' }, { name: 'namespace' }, { name: 'canary-version' }],
      metrics: [
        {
          name: 'success-rate',
          interval: '1m',
          failureLimit: 4,
          successCondition: 'result[0] >= 0.99',
          provider: { prometheus: { address: 'http://prometheus.istio-system.svc.cluster.local:9090', query: `sum(rate(istio_requests_total{${selector},response_code!~"5.*"}[1m])) / sum(rate(istio_requests_total{${selector}}[1m]))` } },
        },
        {
          name: 'latency',
          interval: '1m',
          failureLimit: 4,
          successCondition: 'result[0] <= 500',
          provider: { prometheus: { address: 'http://prometheus.istio-system.svc.cluster.local:9090', query: `histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{${selector}}[1m])) by (le))` } },
        },
      ],
    });
  });

  test('thresholds, interval, failure limit, a Prometheus of its own and a load test are carried', () => {
    const s = shop();
    release(s, {
      analysis: CanaryAnalysis.meshMetrics({
        metrics: MetricsSource.prometheus('http://prom.monitoring:9090'),
        minSuccessRate: 99.5,
        maxLatency: Duration.seconds(1),
        interval: Duration.seconds(30),
        failureLimit: 2,
        loadTestUrl: 'http://loadtester.test/',
      }),
    });
    const metrics = one(synth(s), 'AnalysisTemplate').spec.metrics;
    const shown = metrics.map((m: any) => [m.name, m.interval, m.failureLimit, m.successCondition,
      m.provider.prometheus?.address ?? m.provider.web.url]);
    expect(shown).toStrictEqual([
      ['load-test', '30s', 1, undefined, 'http://loadtester.test/'],
      ['success-rate', '30s', 1, 'result[0] >= 0.995', 'http://prom.monitoring:9090'],
      ['latency', '30s', 1, 'result[0] <= 1000', 'http://prom.monitoring:9090'],
    ]);
    expect(metrics[1].provider.prometheus.query).toContain('[30s]');
  });

  test('the override becomes a managed header route set before the first weight; the mirror a managed mirror route', () => {
    const s = shop();
    release(s, { analysis: analysis(s), override: CanaryOverride.header(HeaderMatch.exact('end-user', 'jason')), mirrorPercentage: 5 });
    const canary = one(synth(s), 'Rollout').spec.strategy.canary;
    expect(canary.steps.slice(0, 3)).toStrictEqual([
      { setHeaderRoute: { name: 'canary-override', match: [{ headerName: 'end-user', headerValue: { exact: 'jason' } }] } },
      { setMirrorRoute: { name: 'canary-mirror', percentage: 5, match: [{ path: { prefix: '/' } }] } },
      { setWeight: 10 },
    ]);
    expect(canary.trafficRouting.managedRoutes).toStrictEqual([{ name: 'canary-override' }, { name: 'canary-mirror' }]);
    expect(canary.analysis.startingStep).toBe(2);
  });

  test('a cookie override is a regex header route', () => {
    const s = shop();
    release(s, { override: CanaryOverride.cookie('canary', 'always') });
    expect(one(synth(s), 'Rollout').spec.strategy.canary.steps[0].setHeaderRoute.match)
      .toStrictEqual([{ headerName: 'cookie', headerValue: { regex: '^(.*?;\\s*)?(canary=always)(;.*)?$' } }]);
  });

  test('without an analysis the pauses wait for a promotion, and no AnalysisTemplate is written', () => {
    const s = shop();
    release(s);
    const objects = synth(s);
    expect(kindsOf(objects)).not.toContain('AnalysisTemplate/reviews-mesh-metrics');
    expect(one(objects, 'Rollout').spec.strategy.canary.steps).toStrictEqual([{ setWeight: 10 }, { pause: {} }, { setWeight: 50 }, { pause: {} }]);
  });

  test('the options: a pause, dynamicStableScale, abortScaleDownDelay', () => {
    const s = shop();
    const options = { pause: ArgoPause.of(Duration.minutes(2)), dynamicStableScale: true, abortScaleDownDelay: Duration.seconds(60) };
    release(s, { driver: CanaryDriver.argoRollouts(options) });
    const canary = one(synth(s), 'Rollout').spec.strategy.canary;
    expect([canary.steps[1], canary.dynamicStableScale, canary.abortScaleDownDelaySeconds]).toStrictEqual([{ pause: { duration: '2m' } }, true, 60]);
  });

  test('ArgoWorkload.deploymentRef(): the canary\'s Deployment stays without replicas and the Rollout references it', () => {
    const s = shop();
    release(s, { driver: CanaryDriver.argoRollouts({ workload: ArgoWorkload.deploymentRef({ scaleDown: ArgoScaleDown.PROGRESSIVELY }) }) });
    const objects = synth(s);
    expect(kindsOf(objects).filter(k => k.startsWith('Deployment'))).toStrictEqual(['Deployment/reviews-v3']);
    expect(one(objects, 'Deployment').spec.replicas).toBeUndefined();
    const rollout = one(objects, 'Rollout').spec;
    expect([rollout.template, rollout.workloadRef]).toStrictEqual([undefined, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'reviews-v3', scaleDown: 'progressively' }]);
  });

  test('ArgoWorkload.deploymentRef() defaults to scaling the Deployment down on success', () => {
    const s = shop();
    release(s, { driver: CanaryDriver.argoRollouts({ workload: ArgoWorkload.deploymentRef() }) });
    expect(one(synth(s), 'Rollout').spec.workloadRef.scaleDown).toBe('onsuccess');
  });

  test('the canary\'s autoscaler scales the Rollout; the versions\' own autoscalers and budgets are gone', () => {
    const s = shop({}, null);
    s.svc.addVersion('v4', { image: 'reviews:4.0', autoscaling: Autoscaling.of({ minReplicas: 2, maxReplicas: 4, cpuUtilization: 80 }) });
    release(s, { canary: s.svc.version('v4') });
    const objects = synth(s);
    expect(kindsOf(objects).filter(k => /Autoscaler|Budget|Deployment/.test(k))).toStrictEqual(['Deployment/reviews-v3', 'HorizontalPodAutoscaler/reviews', 'PodDisruptionBudget/reviews']);
    expect(one(objects, 'HorizontalPodAutoscaler').spec.scaleTargetRef).toStrictEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'reviews' });
    expect(one(objects, 'PodDisruptionBudget').spec.selector).toStrictEqual({ matchLabels: { app: 'reviews' } });
    expect(one(objects, 'Rollout').spec.replicas).toBeUndefined();
  });

  test('a third version keeps its Deployment and subset', () => {
    const s = shop();
    s.svc.addVersion('v2', { image: 'reviews:2.0' });
    release(s);
    const objects = synth(s);
    expect(kindsOf(objects).filter(k => k.startsWith('Deployment'))).toStrictEqual(['Deployment/reviews-v2']);
    expect(one(objects, 'DestinationRule').spec.subsets.map((x: any) => x.name)).toStrictEqual(['v2', 'stable', 'canary']);
  });

  test('at a gateway, the VirtualService Argo shifts is bound to the gateway and its hosts', () => {
    const s = shop();
    const gateway = new IngressGateway(s.chart, 'gw', { namespace: s.namespace, servers: [{ port: 80, hosts: ['shop.example.com'] }] });
    release(s, { ingress: { gateway, hosts: ['shop.example.com'] }, name: 'reviews-ingress' });
    const vs = synth(s).find(o => o.kind === 'VirtualService' && o.metadata.name === 'reviews-ingress')! as any;
    expect([vs.spec.hosts, vs.spec.gateways, vs.spec.http[0].route[0].destination]).toStrictEqual([
      ['shop.example.com'], ['gw'], { host: 'reviews.shop.svc.cluster.local', subset: 'stable', port: { number: 9080 } },
    ]);
  });

  test('under ambient the analysis reads the waypoint\'s metrics', () => {
    const s = shop({ dataPlane: DataPlane.AMBIENT });
    release(s, { analysis: analysis(s) });
    const out = s.app.synthFiles();
    const t = parseObjects(out.get('platform.k8s.yaml')!).find(o => o.kind === 'AnalysisTemplate') as any;
    expect(t.spec.metrics[0].provider.prometheus.query).toContain('reporter="waypoint"');
  });

  test('ArgoRolloutObjects.of() gives the objects as escape hatches', () => {
    const s = shop();
    const r = release(s, { analysis: analysis(s) });
    const objects = ArgoRolloutObjects.of(r);
    expect([objects.rollout.kind, objects.route.kind, objects.destinationRule?.kind, objects.analysisTemplate?.kind, objects.stableService])
      .toStrictEqual(['Rollout', 'VirtualService', 'DestinationRule', 'AnalysisTemplate', undefined]);
    ApiObject.of(objects.rollout).addJsonPatch(JsonPatch.add('/spec/revisionHistoryLimit', 3));
    expect(one(synth(s), 'Rollout').spec.revisionHistoryLimit).toBe(3);
  });

  test('the same program writes the same bytes', () => {
    const build = () => {
      const s = shop();
      release(s, { analysis: analysis(s), override: CanaryOverride.header(HeaderMatch.exact('end-user', 'jason')) });
      return s.app.synthFiles().get('platform.k8s.yaml');
    };
    expect(build()).toBe(build());
  });
});

describe('CanaryDriver.argoRollouts() under the Gateway API', () => {
  test('stable and canary Services in place of the versions\' Services, an HTTPRoute of one rule to both, the plugin\'s configuration', () => {
    const s = shop({ trafficApi: TrafficApi.GATEWAY_API });
    release(s, { analysis: analysis(s), override: CanaryOverride.header(HeaderMatch.exact('end-user', 'jason')) });
    const objects = synth(s);
    expect(kindsOf(objects)).toStrictEqual(['Namespace/shop', 'Service/reviews', 'ServiceAccount/reviews', 'PodDisruptionBudget/reviews', 'Service/reviews-stable', 'Service/reviews-canary',
      'AnalysisTemplate/reviews-mesh-metrics', 'Rollout/reviews', 'HTTPRoute/reviews']);
    expect(objects.find(o => o.metadata.name === 'reviews-canary')!.spec).toStrictEqual({ ports: [{ name: 'http', port: 9080 }], selector: { app: 'reviews' } });
    expect(one(objects, 'HTTPRoute').spec).toStrictEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'reviews', port: 9080 }],
      rules: [{ backendRefs: [{ name: 'reviews-stable', port: 9080, weight: 100 }, { name: 'reviews-canary', port: 9080, weight: 0 }] }],
    });
    const canary = one(objects, 'Rollout').spec.strategy.canary;
    expect([canary.stableService, canary.canaryService, canary.trafficRouting]).toStrictEqual(['reviews-stable', 'reviews-canary', {
      managedRoutes: [{ name: 'canary-override' }],
      plugins: { 'argoproj-labs/gatewayAPI': { httpRoutes: [{ name: 'reviews', useHeaderRoutes: true }], namespace: 'shop' } },
    }]);
  });

  test('at a gateway, the HTTPRoute the plugin shifts attaches to the Gateway and its hosts', () => {
    const s = shop({ trafficApi: TrafficApi.GATEWAY_API });
    const gateway = new IngressGateway(s.chart, 'gw', { namespace: s.namespace, servers: [{ port: 80, hosts: ['shop.example.com'] }] });
    release(s, { ingress: { gateway, hosts: ['shop.example.com'] }, name: 'reviews-ingress' });
    const route = synth(s).find(o => o.kind === 'HTTPRoute' && o.metadata.name === 'reviews-ingress') as unknown as { spec: any };
    expect([route.spec.parentRefs, route.spec.hostnames]).toStrictEqual([[{ name: 'gw' }], ['shop.example.com']]);
  });

  test('the plugin\'s name can be the one argo-rollouts-config registers', () => {
    const s = shop({ trafficApi: TrafficApi.GATEWAY_API });
    release(s, { driver: CanaryDriver.argoRollouts({ gatewayApiPlugin: 'example.com/gateway-api' }) });
    expect(Object.keys(one(synth(s), 'Rollout').spec.strategy.canary.trafficRouting.plugins)).toStrictEqual(['example.com/gateway-api']);
  });
});

describe('CanaryDriver.argoRollouts() under Linkerd', () => {
  test('the Gateway API plugin\'s objects (gateway.networking.k8s.io HTTPRoute, Linkerd 2.20\'s channel), the Service selecting every Rollout pod', () => {
    const s = shop({ mesh: MeshProvider.LINKERD });
    release(s, { analysis: analysis(s), override: CanaryOverride.header(HeaderMatch.exact('end-user', 'jason')) });
    const objects = synth(s);
    expectLinkerdValid(objects.filter(o => o.kind === 'HTTPRoute'));
    expect(kindsOf(objects)).toStrictEqual(['Namespace/shop', 'Service/reviews', 'ServiceAccount/reviews', 'PodDisruptionBudget/reviews', 'Service/reviews-stable',
      'Service/reviews-canary', 'AnalysisTemplate/reviews-mesh-metrics', 'Rollout/reviews', 'HTTPRoute/reviews']);
    expect(objects.find(o => o.kind === 'Service' && o.metadata.name === 'reviews')!.spec).toMatchObject({ selector: { app: 'reviews' } });
    expect(Object.keys(one(objects, 'Rollout').spec.strategy.canary.trafficRouting.plugins)).toStrictEqual(['argoproj-labs/gatewayAPI']);
  });

  test('the analysis reads Linkerd\'s inbound metrics of the canary\'s pods from the add-ons\' Prometheus (linkerd-viz)', () => {
    const s = shop({ mesh: MeshProvider.LINKERD });
    release(s, { analysis: analysis(s) });
    const objects = synth(s);
    const selector = 'direction="inbound",namespace="{{args.namespace}}",app="{{args.app}}",version="{{args.canary-version}}"';
    const t = one(objects, 'AnalysisTemplate').spec;
    expect(t.args).toStrictEqual([{ name: 'app' }, { name: 'namespace' }, { name: 'canary-version' }]);
    expect(t.metrics.map((m: any) => [m.name, m.provider.prometheus.address, m.provider.prometheus.query])).toStrictEqual([
      ['success-rate', 'http://prometheus.linkerd-viz.svc.cluster.local:9090',
        `sum(rate(response_total{${selector},classification!="failure"}[1m])) / sum(rate(response_total{${selector}}[1m]))`],
      ['latency', 'http://prometheus.linkerd-viz.svc.cluster.local:9090', `histogram_quantile(0.99, sum(rate(response_latency_ms_bucket{${selector}}[1m])) by (le))`],
    ]);
    expect(one(objects, 'Rollout').spec.strategy.canary.analysis.args).toStrictEqual([
      { name: 'app', value: 'reviews' }, { name: 'namespace', value: 'shop' }, { name: 'canary-version', value: 'v3' },
    ]);
  });

  test('the staged driver still has the Service select the stable version alone (Linkerd\'s traffic shifting)', () => {
    const s = shop({ mesh: MeshProvider.LINKERD });
    release(s, { driver: CanaryDriver.stagedFiles() });
    expect(synth(s).find(o => o.kind === 'Service' && o.metadata.name === 'reviews')!.spec).toMatchObject({ selector: { app: 'reviews', version: 'v1' } });
  });
});

describe('CanaryDriver.argoRollouts() refusals', () => {
  const refused = (build: (s: Shop) => void, settings: Parameters<typeof shop>[0] = {}) => errorOf(() => {
    const s = shop(settings);
    build(s);
    s.app.synthFiles();
  });

  test('fails if the service runs in no mesh', () => {
    expect(refused(s => release(s), { mesh: MeshProvider.NONE })).toBe("[reviews-canary] 'driver' needs a mesh to shift traffic by weight: without one, Argo can only scale ReplicaSets: "
      + "got 'CanaryDriver.argoRollouts()'; run the service in Istio (MeshProvider.ISTIO) or Linkerd, or use CanaryDriver.stagedFiles()");
  });

  test('fails if one stage is asked for', () => {
    expect(refused(s => release(s, { stage: 50 }))).toBe("[reviews-canary] 'stage' cannot be used with CanaryDriver.argoRollouts(): the Rollout walks every stage of the plan itself: "
      + 'got 50; remove stage (pause with ArgoPause.untilPromoted() to promote each step by hand)');
  });

  test('fails if a version is not deployed by the app (its pods come from elsewhere, not from the Rollout)', () => {
    expect(refused(s => {
      s.svc.addExternalVersion('v4');
      release(s, { canary: s.svc.version('v4') });
    })).toBe("[reviews-canary] 'canary' must be a version this app deploys: under Argo Rollouts the Rollout runs its pods: got 'v4'; "
      + 'declare it with reviews.addVersion(), or use CanaryDriver.stagedFiles()');
  });

  test('fails if a version has a subset traffic policy of its own', () => {
    expect(refused(s => {
      s.svc.addVersion('v4', { image: 'reviews:4.0', trafficPolicy: { loadBalancer: LoadBalancer.roundRobin() } });
      release(s, { canary: s.svc.version('v4') });
    })).toBe("[reviews-canary] 'canary.trafficPolicy' cannot be carried under CanaryDriver.argoRollouts(): Argo's stable and canary subsets hold each version in turn, "
      + "so a version's own subset policy has no subset to go to: got 'v4'; set it on the service (reviews's trafficPolicy), which applies to both subsets");
  });

  test('fails if the routed port carries TCP', () => {
    expect(refused(s => {
      const db = new MeshService(s.chart, 'db', { namespace: s.namespace, ports: [{ port: 5432, protocol: Protocol.TCP }] });
      db.addVersion('v1', { image: 'db:1.0' });
      db.addVersion('v2', { image: 'db:2.0' });
      new CanaryRelease(s.app, 'db-canary', { service: db, stable: db.version('v1'), canary: db.version('v2'), plan: CanaryPlan.stages([10, 100]), driver: CanaryDriver.argoRollouts() });
    })).toBe("[db-canary] 'port' must carry HTTP under CanaryDriver.argoRollouts(): mesh-kit drives Argo through HTTP routes: got 'every port'; "
      + 'name an HTTP port, or use CanaryDriver.stagedFiles() for a TCP service');
  });

  test('fails if sticky sessions are asked for', () => {
    expect(refused(s => release(s, { stickySessions: LoadBalancer.consistentHashByHeader('x-user') }))).toBe("[reviews-canary] 'stickySessions' cannot be used with "
      + "CanaryDriver.argoRollouts(): Argo routes by the stable and canary subsets it owns, and a hash within each keeps no user on one version: got 'stickySessions'; "
      + 'remove it; keep a user on the canary with override');
  });

  test('fails if the mirror is asked for under the Gateway API', () => {
    expect(refused(s => release(s, { mirrorPercentage: 5 }), { trafficApi: TrafficApi.GATEWAY_API })).toBe("[reviews-canary] 'mirrorPercentage' cannot be used with "
      + "CanaryDriver.argoRollouts() under the Gateway API: mesh-kit carries mirroring as Argo's setMirrorRoute on Istio's VirtualService only: got 5; "
      + "remove it, or route with Istio's API (TrafficApi.ISTIO)");
    expect(refused(s => release(s, { mirrorPercentage: 5 }), { mesh: MeshProvider.LINKERD })).toBe("[reviews-canary] 'mirrorPercentage' cannot be used with "
      + "CanaryDriver.argoRollouts() under Linkerd: mesh-kit carries mirroring as Argo's setMirrorRoute on Istio's VirtualService only: got 5; remove it");
  });

  test('fails if the analysis has no metrics source', () => {
    expect(errorOf(() => CanaryAnalysis.meshMetrics({} as never)))
      .toBe("CanaryAnalysis.meshMetrics: 'options.metrics' is required: got undefined; give a MetricsSource (The Prometheus the analysis queries)");
  });

  test('fails if the add-ons install no Prometheus', () => {
    expect(refused(s => {
      const addons = new ObservabilityAddons(new MeshChart(s.app, 'bare'), 'bare', { prometheus: { enabled: false }, kiali: { enabled: false } });
      release(s, { analysis: CanaryAnalysis.meshMetrics({ metrics: MetricsSource.addons(addons) }) });
    })).toBe("[reviews-canary] 'analysis.metrics' must be a Prometheus: the ObservabilityAddons 'bare/bare' install none (prometheus.enabled: false): "
      + "got 'MetricsSource.addons(...)'; install Prometheus with the add-ons, or give MetricsSource.prometheus(<its URL>)");
  });

  test.each([
    ['the success rate is out of range', { minSuccessRate: 0 }, "'analysis.minSuccessRate' must be a percentage above 0 and at most 100: got 0; e.g. 99"],
    ['the interval is shorter than two scrapes', { interval: Duration.seconds(10) },
      "'analysis.interval' must be whole seconds, at least 30s (two scrapes of Prometheus at its 15s default, for rate() to have samples): got '10s'; e.g. Duration.minutes(1)"],
    ['the failure limit is not a whole number', { failureLimit: 0.5 }, "'analysis.failureLimit' must be a whole number, at least 1: got 0.5; e.g. 5"],
    ['the latency is not whole milliseconds', { maxLatency: Duration.millis(0.5) }, "'analysis.maxLatency' must be whole milliseconds, at least 1ms: got '0.5ms'; e.g. Duration.millis(500)"],
    ['the load test is not a URL', { loadTestUrl: 'loadtester' }, "'analysis.loadTestUrl' must be an http(s) URL: got 'loadtester'; e.g. http://loadtester.test/"],
  ])('fails if %s', (_name, options, message) => {
    expect(refused(s => release(s, { analysis: CanaryAnalysis.meshMetrics({ metrics: MetricsSource.prometheus('http://p:9090'), ...options }) }))).toBe(`[reviews-canary] ${message}`);
  });

  test.each([
    ['abortScaleDownDelay is not whole seconds', { abortScaleDownDelay: Duration.millis(1500) }, "'driver.abortScaleDownDelay' must be whole seconds, 0 or more: got '1.5s'; e.g. Duration.seconds(30)"],
    ['the plugin name has no owner', { gatewayApiPlugin: 'gatewayAPI' }, "'driver.gatewayApiPlugin' must be a plugin name as argo-rollouts-config registers it, <owner>/<name>: got 'gatewayAPI'; e.g. 'argoproj-labs/gatewayAPI'"],
  ])('fails if %s', (_name, options, message) => {
    expect(refused(s => release(s, { driver: CanaryDriver.argoRollouts(options as never) }))).toBe(`[reviews-canary] ${message}`);
  });

  test('fails if the pause is not an ArgoPause, or dynamicStableScale not a boolean (the options\' shapes)', () => {
    expect(errorOf(() => CanaryDriver.argoRollouts({ pause: Duration.minutes(1) as never })))
      .toBe("CanaryDriver.argoRollouts: 'options.pause' must be an ArgoPause: got a Duration; build it with ArgoPause.of(), ArgoPause.untilPromoted()");
    expect(errorOf(() => CanaryDriver.argoRollouts({ dynamicStableScale: 'yes' as never })))
      .toBe("CanaryDriver.argoRollouts: 'options.dynamicStableScale' must be true or false: got 'yes'; write true, without quotes");
  });

  test('fails if a pause is shorter than a second', () => {
    expect(errorOf(() => ArgoPause.of(Duration.millis(500)))).toBe("ArgoPause.of: 'pause' must be whole seconds, at least 1s (Argo Rollouts' pause duration): got '0.5s'; e.g. ArgoPause.of(Duration.minutes(5))");
  });

  test('fails if scaleDown is not an ArgoScaleDown', () => {
    expect(errorOf(() => ArgoWorkload.deploymentRef({ scaleDown: 'always' as never })))
      .toBe("ArgoWorkload.deploymentRef: 'options.scaleDown' must be one of 'never', 'onsuccess', 'progressively': got 'always'; write one of the values listed");
  });

  test('fails if a ServiceRouting routes the service too (declared before, or after under another name)', () => {
    const message = "[reviews-canary] 'driver' cannot share the service's routing: Argo sets the weights of the route it manages, and the ServiceRouting 'platform/routing' routes "
      + "reviews too: got 'CanaryDriver.argoRollouts()'; remove the ServiceRouting (the Rollout's route sends every request to the stable version until a step moves it), "
      + 'or use CanaryDriver.stagedFiles()';
    expect(refused(s => {
      new ServiceRouting(s.chart, 'routing', { service: s.svc, routes: [{ action: RouteAction.forward(s.svc.version('v1')) }] });
      release(s);
    })).toBe(message);
    expect(refused(s => {
      release(s);
      new ServiceRouting(s.chart, 'routing', { service: s.svc, name: 'reviews-routes', routes: [{ action: RouteAction.forward(s.svc.version('v1')) }] });
    })).toContain(message.replace('[reviews-canary] ', ''));
  });

  test('fails at synth if a gateway route forwards to the service without ingress', () => {
    expect(refused(s => {
      release(s);
      const gateway = new IngressGateway(s.chart, 'gw', { servers: [{ port: 80, hosts: ['shop.example.com'] }] });
      new IngressGatewayRoute(s.chart, 'route', { gateway, hosts: ['shop.example.com'], routes: [{ action: RouteAction.forward(s.svc) }] });
    })).toContain("'ingress' must be given when a gateway route forwards to reviews: a gateway applies its own VirtualService, which Argo does not shift");
  });

  test('fails if an analysis is given to the staged driver (nothing would read it)', () => {
    expect(refused(s => release(s, { driver: CanaryDriver.stagedFiles(), analysis: analysis(s) }))).toBe("[reviews-canary] 'analysis' is run only by a self-driving driver: "
      + "staged files are promoted by whoever applies the next stage, and nothing would read it: got 'CanaryAnalysis.meshMetrics(...)'; "
      + 'give driver: CanaryDriver.argoRollouts() or CanaryDriver.flagger(), or remove analysis');
  });

  test('fails if ArgoRolloutObjects.of() is given a staged release', () => {
    const app = new App();
    const s = shop();
    const staged = new CanaryRelease(s.app, 'staged', { service: s.svc, stable: s.svc.version('v1'), canary: s.svc.version('v3'), plan: CanaryPlan.stages([10, 100]) });
    expect(app).toBeDefined();
    expect(errorOf(() => ArgoRolloutObjects.of(staged))).toBe("'release' must be a CanaryRelease driven by CanaryDriver.argoRollouts(): got 'staged'; "
      + 'pass the CanaryRelease whose driver is CanaryDriver.argoRollouts()');
  });

  test('a wrong field on the Rollout is refused by the schema validation at synth, and nothing is written', () => {
    expect(refused(s => {
      const r = release(s);
      ApiObject.of(ArgoRolloutObjects.of(r).rollout).addJsonPatch(JsonPatch.replace('/spec/strategy/canary/steps/0/setWeight', 'ten'));
    })).toContain('setWeight');
  });
});
