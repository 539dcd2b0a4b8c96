import { DR, GOOD, NS, PLUGIN, ROLLOUT, TEMPLATE, VS } from './argo-yaml';
import { objectsOfYaml } from '../../lib/analysis/load';
import { analyze } from '../../lib/analysis/run';

const found = (yaml: string, code: string, world: 'closed' | 'partial' = 'closed') =>
  analyze(objectsOfYaml(yaml, 'test.yaml'), { world }).findings.filter(f => f.code === code);
const ARGO_CODES = ['MK0043', 'MK0044', 'MK0045', 'MK0046', 'MK0047', 'MK0048', 'MK0049'];

describe('the Argo Rollouts checks (issue 35)', () => {
  test('stay quiet on a good Istio set-up and a good Gateway API plugin set-up', () => {
    for (const yaml of [GOOD, PLUGIN()]) {
      expect(analyze(objectsOfYaml(yaml, 'test.yaml'), { world: 'closed' }).findings.filter(f => ARGO_CODES.includes(f.code)).map(f => f.message)).toStrictEqual([]);
    }
  });

  test('a Rollout\'s template counts as the pods of its Services and subsets (no IST0173 or KIA on them)', () => {
    const codes = analyze(objectsOfYaml(GOOD, 'test.yaml'), { world: 'closed' }).findings.map(f => f.code);
    expect(codes).not.toContain('IST0173');
  });
});

describe('MK0043 ArgoVirtualServiceRouteNotFound', () => {
  test('fails if virtualService.routes names a route the VirtualService does not have', () => {
    const [f, ...rest] = found(NS + VS('split') + DR() + TEMPLATE() + ROLLOUT(), 'MK0043');
    expect(rest).toHaveLength(0);
    expect(f.message).toBe("[MK0043] Rollout 'reviews' shifts route 'primary' of VirtualService 'reviews', which has no route of that name (it has 'split'): "
      + 'Argo stops the rollout at its first step (argo-rollouts rollout/trafficrouting/istio/istio.go, ValidateHTTPRoutes: the rollout is not reconciled) (mesh-kit MK0043); '
      + "give the route to split the name 'primary' in VirtualService 'reviews', or name one of its routes");
    expect(f).toMatchObject({ field: 'spec.strategy.canary.trafficRouting.istio.virtualService.routes[0]', value: 'primary', level: 'Error' });
  });

  test('fails if the VirtualService does not exist', () => {
    const [f] = found(NS + DR() + TEMPLATE() + ROLLOUT(), 'MK0043');
    expect(f).toMatchObject({ field: 'spec.strategy.canary.trafficRouting.istio.virtualService.name', value: 'reviews' });
    expect(f.message).toContain("VirtualService 'reviews' of namespace 'shop', which does not exist");
  });

  test('stays quiet if the route exists, or in an app when the VirtualService lives in another namespace', () => {
    expect(found(GOOD, 'MK0043')).toHaveLength(0);
    expect(found(NS + DR() + TEMPLATE() + ROLLOUT({
      routing: `        istio:
          virtualService: { name: reviews.mesh, routes: [primary] }`,
    }), 'MK0043', 'partial')).toHaveLength(0);
  });
});

describe('MK0044 ArgoDestinationRuleSubsetNotFound', () => {
  test('fails if the canary subset is not a subset of the DestinationRule', () => {
    const [f, ...rest] = found(NS + VS() + DR(['stable', 'v3']) + TEMPLATE() + ROLLOUT(), 'MK0044');
    expect(rest).toHaveLength(0);
    expect(f.message).toBe("[MK0044] Rollout 'reviews' names subset 'canary' of DestinationRule 'reviews' as its canary subset, which the rule does not have "
      + "(it has 'stable', 'v3') (argo-rollouts rollout/trafficrouting/istio/istio.go, validateDestinationRule and UpdateHash) (mesh-kit MK0044); "
      + "add a subset 'canary' to DestinationRule 'reviews' (labels: the Rollout's pod labels; Argo adds the pod-template hash)");
    expect(f).toMatchObject({ field: 'spec.strategy.canary.trafficRouting.istio.destinationRule.canarySubsetName', value: 'canary' });
  });

  test('stays quiet if both subsets exist', () => {
    expect(found(GOOD, 'MK0044')).toHaveLength(0);
  });
});

describe('MK0045 ArgoServiceNotFound', () => {
  const services = (stable: string) => `
      stableService: ${stable}
      canaryService: reviews`;
  test('fails if the stable Service does not exist', () => {
    const [f, ...rest] = found(GOOD.replace(ROLLOUT(), ROLLOUT({ services: services('reviews-stable') })), 'MK0045');
    expect(rest).toHaveLength(0);
    expect(f.message).toBe("[MK0045] Rollout 'reviews' names Service 'reviews-stable' as its stable Service, which does not exist in namespace 'shop': Argo refuses the rollout "
      + "(argo-rollouts rollout/service.go, reconcileStableAndCanaryService) (mesh-kit MK0045); create Service 'reviews-stable' in namespace 'shop' selecting the Rollout's pods, or name one that exists");
  });

  test('fails if a Service selects none of the Rollout\'s pods', () => {
    const yaml = GOOD.replace(ROLLOUT(), ROLLOUT({ services: services('reviews') })).replace('spec: { selector: { app: reviews }', 'spec: { selector: { app: reviews, version: v1 }');
    const [f] = found(yaml, 'MK0045');
    expect(f).toMatchObject({ field: 'spec.strategy.canary.stableService', value: 'reviews' });
    expect(f.message).toContain('whose selector (version=v1) selects none of the Rollout\'s pods');
  });

  test('stays quiet if both Services exist and select the pods', () => {
    expect(found(GOOD.replace(ROLLOUT(), ROLLOUT({ services: services('reviews') })), 'MK0045')).toHaveLength(0);
  });
});

describe('MK0046 ArgoManagedRouteNotFound', () => {
  test('fails if a setHeaderRoute step names a route managedRoutes does not list', () => {
    const [f, ...rest] = found(NS + VS() + DR() + TEMPLATE() + ROLLOUT({ headerRoute: 'end-user' }), 'MK0046');
    expect(rest).toHaveLength(0);
    expect(f.message).toBe("[MK0046] Rollout 'reviews' step 0 (setHeaderRoute) sets route 'end-user', which spec.strategy.canary.trafficRouting.managedRoutes does not list ('jason'): "
      + 'Argo refuses the Rollout (argo-rollouts pkg/apis/rollouts/validation/validation.go, InvalideStepRouteNameNotFoundInManagedRoutes) (mesh-kit MK0046); '
      + 'add { name: end-user } to spec.strategy.canary.trafficRouting.managedRoutes');
    expect(f).toMatchObject({ field: 'spec.strategy.canary.steps[0].setHeaderRoute.name', value: 'end-user' });
  });

  test('stays quiet if the route is managed', () => {
    expect(found(GOOD, 'MK0046')).toHaveLength(0);
  });
});

describe('MK0047 ArgoAnalysisTemplateNotFound', () => {
  test('fails if the background analysis names a template that does not exist', () => {
    const [f, ...rest] = found(NS + VS() + DR() + TEMPLATE('success-rate') + ROLLOUT(), 'MK0047');
    expect(rest).toHaveLength(0);
    expect(f.message).toBe("[MK0047] Rollout 'reviews' runs AnalysisTemplate 'mesh-metrics', which does not exist in namespace 'shop': Argo cannot start the analysis run, "
      + "and the rollout is not analysed (argo-rollouts rollout/analysis.go, getAnalysisTemplatesFromRefs) (mesh-kit MK0047); create AnalysisTemplate 'mesh-metrics' in namespace 'shop', or name one that exists");
    expect(f).toMatchObject({ field: 'spec.strategy.canary.analysis.templates[0].templateName', value: 'mesh-metrics' });
  });

  test('stays quiet if the template exists', () => {
    expect(found(GOOD, 'MK0047')).toHaveLength(0);
  });
});

describe('MK0048 ArgoMetricLabelNotExported', () => {
  test('fails if an Istio metric is queried by a Linkerd label', () => {
    const [f, ...rest] = found(TEMPLATE('m', 'sum(rate(istio_requests_total{direction="inbound",deployment="reviews"}[1m]))'), 'MK0048');
    expect(rest).toHaveLength(0);
    expect(f.message).toBe("[MK0048] AnalysisTemplate 'm' metric 'success-rate' queries Istio's istio_requests_total by 'direction', 'deployment', a label Istio's proxies do not export "
      + '(istio.io docs reference/config/metrics): the query matches no series, so every measurement fails or errors and the rollout is aborted (mesh-kit MK0048); '
      + 'select the canary with Istio\'s labels: reporter="destination", destination_service_name, destination_service_namespace, destination_version (or destination_workload)');
    expect(f).toMatchObject({ field: 'spec.metrics[0].provider.prometheus.query', value: '["direction","deployment"]', level: 'Warning' });
  });

  test('fails if a Linkerd metric is queried by an Istio label', () => {
    const [f] = found(TEMPLATE('m', 'sum(rate(response_total{reporter="destination",destination_workload="reviews"}[1m]))'), 'MK0048');
    expect(f.value).toBe('["reporter","destination_workload"]');
  });

  test('fails if an Istio metric is queried in a namespace Linkerd meshes', () => {
    const linkerdNs = 'apiVersion: v1\nkind: Namespace\nmetadata: { name: shop, annotations: { linkerd.io/inject: enabled } }\n---';
    const [f, ...rest] = found(linkerdNs + TEMPLATE(), 'MK0048');
    expect(rest).toHaveLength(0);
    expect(f.message).toBe("[MK0048] AnalysisTemplate 'mesh-metrics' metric 'success-rate' queries Istio's istio_requests_total, but namespace 'shop' runs Linkerd's proxies, "
      + 'which export no such metric: the query matches no series, so every measurement fails or errors and the rollout is aborted (mesh-kit MK0048); '
      + 'query Linkerd\'s response_total / response_latency_ms_bucket (direction="inbound", namespace, deployment or the pods\' labels)');
    expect(f).toMatchObject({ field: 'spec.metrics[0].provider.prometheus.query', value: 'istio_requests_total' });
  });

  test('stays quiet on each mesh\'s own labels', () => {
    expect(found(TEMPLATE(), 'MK0048')).toHaveLength(0);
    expect(found(NS + TEMPLATE(), 'MK0048')).toHaveLength(0);
    expect(found(TEMPLATE('m', 'sum(rate(response_total{direction="inbound",deployment="reviews",classification!="failure"}[1m]))'), 'MK0048')).toHaveLength(0);
  });
});

describe('MK0049 ArgoHttpRouteNotFound', () => {
  test('fails if the plugin names an HTTPRoute that does not exist', () => {
    const [f, ...rest] = found(PLUGIN('reviews-split'), 'MK0049');
    expect(rest).toHaveLength(0);
    expect(f.message).toBe("[MK0049] Rollout 'reviews' shifts traffic through HTTPRoute 'reviews-split' of namespace 'shop', which does not exist: the plugin cannot set a weight and the rollout stops "
      + '(argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi pkg/plugin/httproute.go, SetHTTPRouteWeight) (mesh-kit MK0049); '
      + "create HTTPRoute 'reviews-split' in namespace 'shop' with a rule to Services 'reviews-stable' and 'reviews-canary', or name one that exists");
    expect(f).toMatchObject({ field: 'spec.strategy.canary.trafficRouting.plugins["argoproj-labs/gatewayAPI"].httpRoutes[0].name', value: 'reviews-split' });
  });

  test('fails if the route\'s rules name neither Service of the Rollout', () => {
    const [f] = found(PLUGIN('reviews', ['reviews', 'reviews-canary']), 'MK0049');
    expect(f.message).toContain("whose rules name no backend 'reviews-stable'");
  });

  test('stays quiet if the route sends to both Services', () => {
    expect(found(PLUGIN(), 'MK0049')).toHaveLength(0);
  });
});
