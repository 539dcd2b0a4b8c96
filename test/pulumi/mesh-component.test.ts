import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import { buildBookinfoMesh } from '../../examples/bookinfo/ambient';
import { buildBookinfo } from '../../examples/bookinfo/app';
import { buildBringYourOwn } from '../../examples/bring-your-own/app';
import { ANALYSIS, buildIstioAddons } from '../../examples/observability/app';
import {
  Autoscaling, DataPlane, InstallOutput, IstioGateway, IstioInstallation, IstioProfile, MeshChart, MeshNamespace, MeshService, MeshValidationError,
  RouteAction, ServiceRouting, renderApp,
} from '../../lib';
import { MeshComponent, planResources } from '../../lib/pulumi';

interface Registered { type: string; name: string; inputs: Record<string, unknown>; provider?: string }
const registered: Registered[] = [];

void pulumi.runtime.setMocks({
  newResource: args => {
    registered.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
    return { id: `${args.name}-id`, state: args.inputs };
  },
  call: args => args.inputs,
}, 'mesh-kit', 'test', false);

/** Resolves when every resource of the component is registered; returns their URNs. */
function urnsOf(c: MeshComponent): Promise<string[]> {
  return new Promise(resolve => pulumi.all(Object.values(c.resources).map(r => r.urn)).apply(resolve));
}

function bookinfoApp(): App {
  const app = new App();
  buildBookinfo(app, { scenarios: ['virtual-service-reviews-test-v2'] });
  return app;
}

describe('MeshComponent (Pulumi, under mocks)', () => {
  beforeEach(() => { registered.length = 0; });

  test('registers exactly the objects cdk8s synth writes for Bookinfo: same count, kinds, names and inputs', async () => {
    const app = bookinfoApp();
    const expected = renderApp(app).flatMap(c => c.objects);
    const mesh = new MeshComponent('bookinfo', { app });
    const urns = await urnsOf(mesh);

    const custom = registered.filter(r => r.type !== 'mesh-kit:index:MeshComponent');
    expect(custom).toHaveLength(expected.length);
    expect(mesh.objectCount).toBe(expected.length);
    expect(custom.map(r => `${r.type}`).sort()).toStrictEqual(expected.map(o => `kubernetes:${o.apiVersion.includes('/') ? o.apiVersion : `core/${o.apiVersion}`}:${o.kind}`).sort());
    for (const o of expected) {
      const r = custom.find(x => x.inputs.kind === o.kind && (x.inputs.metadata as { name: string }).name === o.metadata.name)!;
      expect(r).toBeDefined();
      expect(r.inputs).toStrictEqual(JSON.parse(JSON.stringify(o)));
    }
    // typed classes for core kinds, CustomResource for Istio's
    expect(custom.find(r => r.inputs.kind === 'Deployment')!.type).toBe('kubernetes:apps/v1:Deployment');
    expect(custom.find(r => r.inputs.kind === 'VirtualService')!.type).toBe('kubernetes:networking.istio.io/v1:VirtualService');
    // every resource is a child of the component
    expect(urns.every(u => u.includes('mesh-kit:index:MeshComponent$kubernetes:'))).toBe(true);
  });

  test('registers a version\'s autoscaler and disruption budget with their typed classes', async () => {
    const app = new App();
    new MeshService(new MeshChart(app, 'shop'), 'web', { ports: [{ port: 80 }], autoscaling: Autoscaling.of({ minReplicas: 2, maxReplicas: 6 }) })
      .addVersion('v1', { image: 'nginx:1.27.0' });
    await urnsOf(new MeshComponent('shop', { app }));
    const types = registered.filter(r => r.type !== 'mesh-kit:index:MeshComponent').map(r => r.type);
    expect(types).toEqual(expect.arrayContaining(['kubernetes:autoscaling/v2:HorizontalPodAutoscaler', 'kubernetes:policy/v1:PodDisruptionBudget']));
  });

  test('carries brought workloads with what mesh-kit added to them (the bring-your-own example), as cdk8s synth writes them', async () => {
    const app = new App();
    buildBringYourOwn(app);
    await urnsOf(new MeshComponent('shop', { app }));
    const custom = registered.filter(r => r.type !== 'mesh-kit:index:MeshComponent');
    const inventory = custom.find(r => r.inputs.kind === 'Deployment' && (r.inputs.metadata as { name: string }).name === 'inventory')!;
    expect(inventory.type).toBe('kubernetes:apps/v1:Deployment');
    expect((inventory.inputs.spec as any).template.metadata.labels.app).toBe('inventory');
    const storefront = custom.filter(r => r.inputs.kind === 'Deployment' && /storefront/.test((r.inputs.metadata as { name: string }).name));
    expect(storefront.map(r => (r.inputs.spec as any).template.metadata.labels.version).sort()).toStrictEqual(['v1', 'v2']);
    expect(custom).toHaveLength(renderApp(app).flatMap(c => c.objects).length);
  });

  test('carries ambient output unchanged: waypoints, per-version Services, HTTPRoutes, targetRefs policies, as cdk8s synth writes them', async () => {
    const app = new App();
    buildBookinfoMesh(app, DataPlane.AMBIENT);
    const expected = renderApp(app).flatMap(c => c.objects);
    await urnsOf(new MeshComponent('ambient', { app }));
    const custom = registered.filter(r => r.type !== 'mesh-kit:index:MeshComponent');
    expect(custom).toHaveLength(expected.length);
    for (const o of expected) {
      const r = custom.find(x => x.inputs.kind === o.kind && (x.inputs.metadata as { name: string }).name === o.metadata.name)!;
      expect(r.inputs).toStrictEqual(JSON.parse(JSON.stringify(o)));
    }
    const waypoint = custom.find(r => r.inputs.kind === 'Gateway' && (r.inputs.metadata as { name: string }).name === 'bookinfo-reviews')!;
    expect(waypoint.type).toBe('kubernetes:gateway.networking.k8s.io/v1:Gateway');
    expect(custom.find(r => (r.inputs.metadata as { name: string }).name === 'reviews-viewer')!.inputs.spec).toMatchObject({ targetRefs: [{ kind: 'Service', name: 'reviews' }] });
  });

  test('carries the observability add-ons: typed RBAC classes, Telemetry as a CustomResource, the same inputs as cdk8s synth', async () => {
    const app = new App();
    buildIstioAddons(app);
    const expected = renderApp(app).flatMap(c => c.objects);
    await urnsOf(new MeshComponent('observability', { app, analysis: ANALYSIS }));
    const custom = registered.filter(r => r.type !== 'mesh-kit:index:MeshComponent');
    expect(custom).toHaveLength(expected.length);
    expect(custom.find(r => r.inputs.kind === 'ClusterRole')!.type).toBe('kubernetes:rbac.authorization.k8s.io/v1:ClusterRole');
    expect(custom.find(r => r.inputs.kind === 'ClusterRoleBinding')!.type).toBe('kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding');
    expect(custom.find(r => r.inputs.kind === 'Telemetry')!.type).toBe('kubernetes:telemetry.istio.io/v1:Telemetry');
    for (const o of expected) {
      const r = custom.find(x => x.inputs.kind === o.kind && (x.inputs.metadata as { name: string }).name === o.metadata.name)!;
      expect(r.inputs).toStrictEqual(JSON.parse(JSON.stringify(o)));
    }
  });

  test('names are derived from the component name and stable across runs', async () => {
    const first = new MeshComponent('shop', { app: bookinfoApp() }).plan.map(p => p.name);
    const second = new MeshComponent('shop2', { app: bookinfoApp() }).plan.map(p => p.name);
    expect(second).toStrictEqual(first.map(n => n.replace(/^shop-/, 'shop2-')));
    expect(first).toContain('shop-bookinfo-deployment-reviews-v2');
    expect(first).toContain('shop-virtual-service-reviews-test-v2-virtualservice-reviews');
  });

  test('passes the given provider to every resource', async () => {
    const provider = new k8s.Provider('cluster-a', { kubeconfig: 'fake' });
    const mesh = new MeshComponent('withprovider', { app: bookinfoApp(), provider });
    await urnsOf(mesh);
    const ours = registered.filter(r => r.name.startsWith('withprovider-'));
    expect(ours.length).toBe(mesh.objectCount);
    expect(ours.every(r => (r.provider ?? '').includes('cluster-a'))).toBe(true);
  });

  test('Namespaces come first and everything else depends on them', () => {
    const app = new App();
    const chart = new Chart(app, 'shop');
    const ns = new MeshNamespace(chart, 'shop');
    new MeshService(chart, 'web', { ports: [{ port: 80 }], namespace: ns }).addVersion('v1', { image: 'web:1' });
    const plan = planResources('c', renderApp(app));
    expect(plan[0]).toMatchObject({ gvk: 'v1/Namespace', name: 'c-shop-namespace-shop', dependsOn: [] });
    expect(plan.slice(1).map(p => p.dependsOn)).toStrictEqual(Array(plan.length - 1).fill(['c-shop-namespace-shop']));
  });

  test('runs the synth-time analysis: an error registers nothing; the report is on the component', async () => {
    const build = (subset: string) => {
      const app = new App();
      const chart = new Chart(app, 'c');
      const web = new MeshService(chart, 'web', { ports: [{ port: 80 }] });
      web.addVersion('v1', { image: 'nginx:1.27.0' });
      const routing = new ServiceRouting(chart, 'r', { service: web, routes: [{ action: RouteAction.forward(web.version('v1')) }] });
      ApiObject.of(routing.resource).addJsonPatch(JsonPatch.replace('/spec/http/0/route/0/destination/subset', subset));
      return app;
    };
    expect(() => new MeshComponent('broken', { app: build('v2') }))
      .toThrow("[c/r/VirtualService] [IST0101] VirtualService 'web' routes to subset 'v2' of host 'web' (http[0].route[0]), which no DestinationRule visible from namespace 'default' defines");
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(registered.filter(r => r.name.startsWith('broken'))).toStrictEqual([]);
    expect(new MeshComponent('fine', { app: build('v1') }).report.findings).toStrictEqual([]);
  });

  test('fails if validation fails, before registering anything', async () => {
    const app = new App();
    new MeshService(new Chart(app, 'c'), 'web');
    expect(() => new MeshComponent('bad', { app })).toThrow("[c/web] 'ports' must hold at least one port");
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(registered.filter(r => r.name.startsWith('bad'))).toStrictEqual([]);
  });

  test('fails if two charts hold the same object (alternative scenarios belong in separate components)', () => {
    const app = new App();
    buildBookinfo(app);
    let error: unknown;
    try {
      planResources('x', renderApp(app));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MeshValidationError);
    expect((error as Error).message).toBe("[virtual-service-reviews-test-v2/reviews/VirtualService] 'charts' must not hold the same object twice in one Pulumi component: "
      + "got 'VirtualService 'reviews' in 'virtual-service-all-v1' and 'virtual-service-reviews-test-v2''; 'virtual-service-all-v1/reviews/VirtualService' makes it already: "
      + 'deploy alternative scenarios with separate components (or stacks), one chart each');
  });
  test('installs an installation\'s Helm releases in order, before every object (installation → workloads → routes)', async () => {
    const app = new App();
    const istio = new MeshChart(app, 'istio', { namespace: 'istio-system' });
    const installation = new IstioInstallation(istio, 'istio', { version: '1.28.0', profile: IstioProfile.AMBIENT });
    new IstioGateway(istio, 'istio-ingressgateway', { installation });
    const mesh = new MeshComponent('mesh', { app });
    expect(mesh.releasePlan.map(r => [r.name, r.after])).toStrictEqual([
      ['mesh-istio-release-istio-base', undefined],
      ['mesh-istio-release-istiod', 'mesh-istio-release-istio-base'],
      ['mesh-istio-release-istio-cni', 'mesh-istio-release-istiod'],
      ['mesh-istio-release-ztunnel', 'mesh-istio-release-istio-cni'],
    ]);
    await new Promise(resolve => pulumi.all(Object.values(mesh.releases).map(r => r.urn)).apply(resolve));
    const releases = registered.filter(r => r.type === 'kubernetes:helm.sh/v3:Release');
    expect(releases.map(r => r.name)).toStrictEqual(mesh.releasePlan.map(r => r.name));
    expect(releases[1].inputs).toMatchObject({
      name: 'istiod',
      chart: 'istiod',
      version: '1.28.0',
      namespace: 'istio-system',
      createNamespace: true,
      repositoryOpts: { repo: 'https://istio-release.storage.googleapis.com/charts' },
      values: { profile: 'ambient', autoscaleEnabled: true, autoscaleMin: 2 },
    });
    expect(Object.keys(mesh.resources)).toContain('mesh-istio-deployment-istio-system-istio-ingressgateway');
  });

  test('fails on istioctl output: istioctl cannot run in a Pulumi program', () => {
    const app = new App();
    new IstioInstallation(new MeshChart(app, 'istio'), 'istio', { version: '1.28.0', output: InstallOutput.istioOperator() });
    expect(() => new MeshComponent('op', { app })).toThrow(
      "'output' must be Helm or GitOps under Pulumi: istioctl cannot run in a Pulumi program: got 'istioOperator()'; use InstallOutput.helm() for 'istio/istio' (the component installs the charts as helm.v3.Releases)");
  });

  test('resource options for all or selected objects (later entries win), provider annotations, aliases, transforms that see and change each object', async () => {
    const app = new App();
    new MeshService(new MeshChart(app, 'shop', { namespace: 'shop' }), 'web', { ports: [{ port: 8080 }], image: 'nginx:1.27.1' });
    const seen = new Map<string, pulumi.CustomResourceOptions>();
    const mesh = new MeshComponent('renamed', {
      app,
      resourceOptions: [
        { protect: true },
        { select: { kind: 'Deployment' }, protect: false, ignoreChanges: ['spec.replicas'], customTimeouts: { create: '5m' }, skipAwait: true, fieldManager: 'platform' },
        { select: { kind: 'Service', name: 'web', namespace: 'shop', chart: 'shop' }, retainOnDelete: true, deleteBeforeReplace: true, forceConflicts: true },
      ],
      aliases: { component: ['old'], charts: { shop: 'store' } },
      transforms: [
        a => ({ manifest: { ...a.manifest, metadata: { ...a.manifest.metadata, labels: { ...a.manifest.metadata.labels, team: 'shop' } } } }),
        a => { seen.set(a.name, a.options); return undefined; },
      ],
    });
    await urnsOf(mesh);
    const deployment = seen.get('renamed-shop-deployment-shop-web')!;
    expect(deployment).toMatchObject({ protect: false, ignoreChanges: ['spec.replicas'], customTimeouts: { create: '5m' } });
    expect(deployment.aliases).toStrictEqual([
      { name: 'renamed-store-deployment-shop-web' }, { name: 'old-shop-deployment-shop-web' }, { name: 'old-store-deployment-shop-web' },
    ]);
    expect(seen.get('renamed-shop-service-shop-web')).toMatchObject({ protect: true, retainOnDelete: true, deleteBeforeReplace: true });
    expect(seen.get('renamed-shop-serviceaccount-shop-web')).toMatchObject({ protect: true });
    const inputs = (n: string) => registered.find(r => r.name === n)!.inputs as any;
    expect(inputs('renamed-shop-deployment-shop-web').metadata.annotations).toStrictEqual({ 'pulumi.com/skipAwait': 'true', 'pulumi.com/patchFieldManager': 'platform' });
    expect(inputs('renamed-shop-service-shop-web').metadata.annotations).toStrictEqual({ 'pulumi.com/patchForce': 'true' });
    expect(inputs('renamed-shop-service-shop-web').metadata.labels.team).toBe('shop');
  });

  test('fails on options naming a kind, object, namespace or chart the component does not have, listing the valid ones', () => {
    const build = () => {
      const app = new App();
      new MeshService(new MeshChart(app, 'shop', { namespace: 'shop' }), 'web', { ports: [{ port: 8080 }], image: 'nginx:1.27.1' });
      new MeshService(new MeshChart(app, 'other', { namespace: 'shop' }), 'api', { ports: [{ port: 8080 }], image: 'nginx:1.27.1' });
      return app;
    };
    expect(() => new MeshComponent('o1', { app: build(), resourceOptions: [{ select: { kind: 'Deploymnt' }, protect: true }] }))
      .toThrow("'resourceOptions[0].select.kind' must name a kind of the component's objects: got 'Deploymnt'; did you mean 'Deployment'?");
    expect(() => new MeshComponent('o2', { app: build(), resourceOptions: [{}, { select: { name: 'ap' } }] }))
      .toThrow("'resourceOptions[1].select.name' must name a name of the component's objects: got 'ap'; did you mean 'api'?");
    expect(() => new MeshComponent('o3', { app: build(), resourceOptions: [{ select: { name: 'web', chart: 'other' } }] }))
      .toThrow("'resourceOptions[0].select' must match at least one of the component's objects");
    expect(() => new MeshComponent('o4', { app: build(), aliases: { charts: { store: 'shop' } } }))
      .toThrow("'aliases.charts.store' must name a chart file of the component: got 'shop'; chart files: other, shop");
  });
});
