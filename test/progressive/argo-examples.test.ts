import * as YAML from 'yaml';
import { buildBookinfoArgo } from '../../examples/progressive-delivery/bookinfo-argo';
import { buildNginxArgo } from '../../examples/progressive-delivery/nginx-argo';
import { CanaryDriver, CanaryPlan, CanaryRelease, Mesh, MeshApp, MeshChart, MeshNamespace, MeshService, ObservabilityAddons, TrafficApi } from '../../lib';
import { synthExample } from '../support/examples';
import { SchemaValidator } from '../support/schemas';
import { HAS_SHARED, describeWithShared, parseObjects } from '../support/shared';
import { routing } from '../support/traffic';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: { [k: string]: string } }; spec?: any };

const out = synthExample('progressive-delivery');
const argoFiles = ['nginx-argo.k8s.yaml', 'bookinfo-argo.k8s.yaml'];

describeWithShared('the progressive-delivery example\'s Argo objects are valid against the pinned Argo Rollouts CRDs (../shared/schemas/argo-rollouts-crds.yaml)', () => {
  const argo = HAS_SHARED ? SchemaValidator.forSharedCrds('argo-rollouts-crds.yaml') : undefined;
  test.each(argoFiles)('%s', file => {
    const objects = parseObjects(out.get(file)!).filter(o => o.apiVersion.startsWith('argoproj.io/'));
    expect(objects.map(o => o.kind).sort()).toStrictEqual(['AnalysisTemplate', 'Rollout']);
    expect(objects.flatMap(o => argo!.validate(o))).toStrictEqual([]);
  });
});

describe('the progressive-delivery example', () => {
  test('writes each driver\'s files: stages and rollbacks for the staged files, one file for Argo Rollouts, one for Flagger', () => {
    expect([...out.keys()].filter(f => f.endsWith('.k8s.yaml'))).toStrictEqual([
      'bookinfo-argo.k8s.yaml', 'bookinfo-staged.k8s.yaml', 'flagger/bookinfo.k8s.yaml', 'flagger/nginx.k8s.yaml', 'istio.k8s.yaml', 'nginx-argo.k8s.yaml', 'nginx-staged-canary.rollback.k8s.yaml',
      'nginx-staged-canary.stage-10.k8s.yaml', 'nginx-staged-canary.stage-100.k8s.yaml', 'nginx-staged-canary.stage-50.k8s.yaml', 'nginx-staged.k8s.yaml',
      'observability.k8s.yaml', 'reviews-staged-canary.rollback.k8s.yaml', 'reviews-staged-canary.stage-100.k8s.yaml', 'reviews-staged-canary.stage-50.k8s.yaml',
    ]);
  });

  test('Argo CD installs the Argo Rollouts controller after istiod, pinned (ProgressiveDeliveryController)', () => {
    const apps = parseObjects(out.get('istio.k8s.yaml')!).filter(o => o.kind === 'Application') as unknown as Array<Obj & { metadata: { annotations: { [k: string]: string } } }>;
    const rollouts = apps.find(a => a.metadata.name === 'argo-rollouts')!;
    expect([rollouts.spec.source.chart, rollouts.spec.source.targetRevision, rollouts.spec.destination.namespace]).toStrictEqual(['argo-rollouts', '2.41.0', 'argo-rollouts']);
    const wave = (name: string) => Number(apps.find(a => a.metadata.name === name)!.metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(wave('argo-rollouts')).toBeGreaterThan(wave('istiod'));
  });

  test('under Argo, the reviews versions\' Deployments give way to the Rollout; v2 keeps its own', () => {
    const kinds = parseObjects(out.get('bookinfo-argo.k8s.yaml')!).filter(o => o.metadata.name.startsWith('reviews')).map(o => `${o.kind}/${o.metadata.name}`);
    expect(kinds).toStrictEqual(['Service/reviews', 'Deployment/reviews-v2', 'AnalysisTemplate/reviews-mesh-metrics', 'Rollout/reviews', 'DestinationRule/reviews',
      'VirtualService/reviews']);
  });
});

/**
 * What Argo Rollouts does to the objects at a step (argo-rollouts rollout/trafficrouting/istio/istio.go): the stable and
 * canary ReplicaSets run the two templates, labelled with their pod-template hash; the DestinationRule's subsets get the
 * hashes; the route the Rollout names gets the step's weights; a header route, once set, is put first.
 */
function argoAt(objects: Obj[], rollout: string, stableVersion: string, weight: number, headerRoute: boolean): Obj[] {
  const r = objects.find(o => o.kind === 'Rollout' && o.metadata.name === rollout)!;
  const canary = r.spec.strategy.canary;
  const rs = (hash: string, version: string): Obj => {
    const labels = { ...r.spec.template.metadata.labels, 'version': version, 'rollouts-pod-template-hash': hash };
    return {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `${rollout}-${hash}`, namespace: r.metadata.namespace, labels },
      spec: { selector: { matchLabels: labels }, template: { ...r.spec.template, metadata: { labels } } },
    };
  };
  const canaryVersion = r.spec.template.metadata.labels.version;
  const drName = canary.trafficRouting.istio.destinationRule.name;
  const vsName = canary.trafficRouting.istio.virtualService.name;
  const route = canary.trafficRouting.istio.virtualService.routes[0];
  const edited = objects.filter(o => o.kind !== 'Rollout').map(o => {
    if (o.kind === 'DestinationRule' && o.metadata.name === drName) {
      const hash = (name: string) => (name === 'stable' ? 'stable1' : name === 'canary' ? 'canary1' : undefined);
      return { ...o, spec: { ...o.spec, subsets: o.spec.subsets.map((s: any) => (hash(s.name) ? { ...s, labels: { ...s.labels, 'rollouts-pod-template-hash': hash(s.name) } } : s)) } };
    }
    if (o.kind === 'VirtualService' && o.metadata.name === vsName) {
      const http = o.spec.http.map((h: any) => (h.name !== route ? h : {
        ...h, route: h.route.map((d: any) => ({ ...d, weight: d.destination.subset === 'canary' ? weight : 100 - weight })),
      }));
      const step = canary.steps.find((s: any) => s.setHeaderRoute)?.setHeaderRoute;
      const header = headerRoute && step ? [{
        name: step.name,
        match: step.match.map((m: any) => ({ headers: { [m.headerName]: m.headerValue } })),
        route: [{ destination: { ...http[0].route[1].destination }, weight: 100 }],
      }] : [];
      return { ...o, spec: { ...o.spec, http: [...header, ...http] } };
    }
    return o;
  });
  return [...edited, rs('stable1', stableVersion), rs('canary1', canaryVersion)];
}

describe('the data-plane model: at each step Argo takes, the split is the stage\'s (issue 35)', () => {
  function build(which: 'bookinfo' | 'nginx'): Obj[] {
    const app = new MeshApp();
    const addons = new ObservabilityAddons(new MeshChart(app, 'observability'), 'addons', {});
    if (which === 'bookinfo') buildBookinfoArgo(app, addons);
    else buildNginxArgo(app, addons);
    return [...app.synthFiles()].filter(([f]) => f.endsWith('.k8s.yaml')).flatMap(([, y]) => YAML.parseAllDocuments(y).map(d => d.toJSON() as Obj));
  }
  const bookinfo = build('bookinfo');

  test.each([50])('reviews at the %i% step: the stable and canary ReplicaSets get the stage\'s weights; jason reaches v3 alone', weight => {
    const mesh = Mesh.fromObjects(argoAt(bookinfo, 'reviews', 'v1', weight, true));
    const r = mesh.request({ from: 'bookinfo-argo/productpage-v1', host: 'reviews', port: 9080 });
    expect(r.outcome).toBe('routed');
    expect(routing(r.destinations).map(d => [d.subset, d.workloads, d.weight])).toStrictEqual([
      ['stable', ['bookinfo-argo/reviews-stable1'], 100 - weight], ['canary', ['bookinfo-argo/reviews-canary1'], weight],
    ]);
    const jason = mesh.request({ from: 'bookinfo-argo/productpage-v1', host: 'reviews', port: 9080, headers: { 'end-user': 'jason' } });
    expect(routing(jason.destinations).map(d => [d.subset, d.workloads, d.weight])).toStrictEqual([['canary', ['bookinfo-argo/reviews-canary1'], 100]]);
  });

  test('reviews before the first step: every request to the stable ReplicaSet (v2\'s pods are never reached)', () => {
    const mesh = Mesh.fromObjects(argoAt(bookinfo, 'reviews', 'v1', 0, false));
    const r = mesh.request({ from: 'bookinfo-argo/productpage-v1', host: 'reviews', port: 9080, headers: { 'end-user': 'jason' } });
    expect(routing(r.destinations).filter(d => d.weight! > 0).map(d => [d.subset, d.workloads])).toStrictEqual([['stable', ['bookinfo-argo/reviews-stable1']]]);
  });

  test.each([10, 50])('nginx through its gateway at the %i% step: the stage\'s weights', weight => {
    const mesh = Mesh.fromObjects(argoAt(build('nginx'), 'nginx-svc', '1.16', weight, false));
    const r = mesh.request({ gateway: 'nginx-argo/nginx-gateway', host: 'nginx-argo.hung.org.hk', path: '/' });
    expect(r.outcome).toBe('routed');
    expect(routing(r.destinations).map(d => [d.subset, d.workloads, d.weight])).toStrictEqual([
      ['stable', ['nginx-argo/nginx-svc-stable1'], 100 - weight], ['canary', ['nginx-argo/nginx-svc-canary1'], weight],
    ]);
  });

  test('the Rollouts\' weights are the plans\' stages below 100 (the last, 100, is the promotion)', () => {
    const weights = (objects: Obj[]) => objects.find(o => o.kind === 'Rollout')!.spec.strategy.canary.steps.filter((x: any) => x.setWeight !== undefined).map((x: any) => x.setWeight);
    expect([weights(bookinfo), weights(build('nginx'))]).toStrictEqual([[50], [10, 50]]);
  });

  test.each([10, 50])('under the Gateway API at the %i% step: the plugin\'s weights on the stable and canary Services', weight => {
    const app = new MeshApp();
    const chart = new MeshChart(app, 'platform', { trafficApi: TrafficApi.GATEWAY_API });
    const namespace = new MeshNamespace(chart, 'Namespace', { name: 'shop' });
    const svc = new MeshService(chart, 'reviews', { namespace, ports: [{ port: 9080 }] });
    svc.addVersion('v1', { image: 'reviews:1.0' });
    svc.addVersion('v3', { image: 'reviews:3.0' });
    const web = new MeshService(chart, 'web', { namespace, ports: [{ port: 8080 }] });
    web.addVersion('v1', { image: 'web:1.0' });
    new CanaryRelease(app, 'c', { service: svc, stable: svc.version('v1'), canary: svc.version('v3'), plan: CanaryPlan.stages([10, 50, 100]), driver: CanaryDriver.argoRollouts() });
    const objects = [...app.synthFiles()].filter(([f]) => f.endsWith('.k8s.yaml')).flatMap(([, y]) => YAML.parseAllDocuments(y).map(d => d.toJSON() as Obj));
    const r = objects.find(o => o.kind === 'Rollout')!;
    const hashes: { [service: string]: [string, string] } = { [r.spec.strategy.canary.stableService]: ['stable1', 'v1'], [r.spec.strategy.canary.canaryService]: ['canary1', 'v3'] };
    const edited = objects.filter(o => o.kind !== 'Rollout').map(o => {
      if (o.kind === 'Service' && hashes[o.metadata.name]) return { ...o, spec: { ...o.spec, selector: { ...o.spec.selector, 'rollouts-pod-template-hash': hashes[o.metadata.name][0] } } };
      if (o.kind === 'HTTPRoute') {
        return { ...o, spec: { ...o.spec, rules: o.spec.rules.map((rule: any) => ({ ...rule, backendRefs: rule.backendRefs.map((b: any) => ({ ...b, weight: b.name.endsWith('-canary') ? weight : 100 - weight })) })) } };
      }
      return o;
    });
    const rs = Object.values(hashes).map(([hash, version]) => {
      const labels = { ...r.spec.template.metadata.labels, version, 'rollouts-pod-template-hash': hash };
      return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `reviews-${hash}`, namespace: 'shop', labels }, spec: { selector: { matchLabels: labels }, template: { ...r.spec.template, metadata: { labels } } } };
    });
    const mesh = Mesh.fromObjects([...edited, ...rs]);
    const req = mesh.request({ from: 'shop/web-v1', host: 'reviews', port: 9080 });
    expect(req.outcome).toBe('routed');
    expect(routing(req.destinations).map(d => [d.service, d.workloads, d.weight])).toStrictEqual([
      ['shop/reviews-stable', ['shop/reviews-stable1'], 100 - weight], ['shop/reviews-canary', ['shop/reviews-canary1'], weight],
    ]);
  });
});
