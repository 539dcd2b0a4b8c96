import { App, Chart, Duration } from 'cdk8s';
import {
  CanaryOverride,
  CanaryPlan,
  CanaryRelease,
  HeaderMatch,
  IngressGateway,
  IngressGatewayRoute,
  IstioApiVersion,
  LoadBalancer,
  Mesh,
  MeshApp,
  MeshChart,
  MeshNamespace,
  MeshService,
  RouteAction,
  TrafficApi,
} from '../../lib';
import { errorOf } from '../support/errors';
import { expectSchemaValid } from '../support/schemas';
import { parseObjects } from '../support/shared';


function shop(app: App, props: { istioApiVersion?: IstioApiVersion } = {}) {
  const svc = new MeshService(new MeshChart(app, 'platform', props), 'shop', { ports: [{ port: 8080 }] });
  return { svc, v1: svc.addVersion('v1', { image: 'shop:1.0' }), v2: svc.addVersion('v2', { image: 'shop:2.0' }) };
}

function files(build: (app: MeshApp) => void): Map<string, ReturnType<typeof parseObjects>> {
  const app = new MeshApp();
  build(app);
  const out = new Map([...app.synthFiles()].filter(([f]) => f.endsWith('.k8s.yaml')).map(([f, y]) => [f, parseObjects(y)]));
  expectSchemaValid([...out.values()].flat());
  return out;
}

const split = (objects: ReturnType<typeof parseObjects>) =>
  (objects.find(o => o.kind === 'VirtualService')!.spec as any).http.find((r: any) => r.name === 'canary-split');

describe('CanaryRelease', () => {
  test('one file per stage and a rollback, each with the stage\'s weights and the subsets', () => {
    const out = files(app => {
      const { svc, v1, v2 } = shop(app);
      new CanaryRelease(app, 'shop-canary', { service: svc, stable: v1, canary: v2, plan: CanaryPlan.stages([10, 25, 50, 100]) });
    });
    expect([...out.keys()]).toStrictEqual([
      'platform.k8s.yaml', 'shop-canary.stage-10.k8s.yaml', 'shop-canary.stage-25.k8s.yaml',
      'shop-canary.stage-50.k8s.yaml', 'shop-canary.stage-100.k8s.yaml', 'shop-canary.rollback.k8s.yaml',
    ]);
    const weights = (f: string) => split(out.get(f)!).route.map((r: any) => [r.destination.subset, r.weight]);
    expect(weights('shop-canary.stage-10.k8s.yaml')).toStrictEqual([['v1', 90], ['v2', 10]]);
    expect(weights('shop-canary.stage-100.k8s.yaml')).toStrictEqual([['v1', 0], ['v2', 100]]);
    expect(weights('shop-canary.rollback.k8s.yaml')).toStrictEqual([['v1', 100], ['v2', 0]]);
    const stage = out.get('shop-canary.stage-25.k8s.yaml')!;
    expect(stage.map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual(['VirtualService/shop', 'DestinationRule/shop']);
    expect(stage[0].spec).toStrictEqual({
      hosts: ['shop'],
      http: [{ name: 'canary-split', route: [{ destination: { host: 'shop', subset: 'v1' }, weight: 75 }, { destination: { host: 'shop', subset: 'v2' }, weight: 25 }] }],
    });
    expect(stage[1].spec).toStrictEqual({
      host: 'shop', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }], trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
    });
  });

  test('A/B override, mirroring before 100 and sticky sessions; the rollback has none of them', () => {
    const out = files(app => {
      const { svc, v1, v2 } = shop(app);
      new CanaryRelease(app, 'c', {
        service: svc,
        stable: v1,
        canary: v2,
        plan: CanaryPlan.stages([20, 100]),
        override: CanaryOverride.cookie('canary', 'always'),
        mirrorPercentage: 5,
        stickySessions: LoadBalancer.consistentHashByCookie('session', Duration.hours(1)),
      });
    });
    const stage20 = out.get('c.stage-20.k8s.yaml')!;
    const http = (stage20[0].spec as any).http;
    expect(http[0]).toStrictEqual({
      name: 'canary-override',
      match: [{ headers: { cookie: { regex: '^(.*?;\\s*)?(canary=always)(;.*)?$' } } }],
      route: [{ destination: { host: 'shop', subset: 'v2' } }],
    });
    expect(http[1].mirror).toStrictEqual({ host: 'shop', subset: 'v2' });
    expect(http[1].mirrorPercentage).toStrictEqual({ value: 5 });
    expect((stage20[1].spec as any).trafficPolicy).toStrictEqual({ loadBalancer: { consistentHash: { httpCookie: { name: 'session', ttl: '1h' } } }, tls: { mode: 'ISTIO_MUTUAL' } });
    expect(split(out.get('c.stage-100.k8s.yaml')!).mirror).toBeUndefined();
    const rollback = (out.get('c.rollback.k8s.yaml')![0].spec as any).http;
    expect(rollback.map((r: any) => r.name)).toStrictEqual(['canary-split']);
    expect(rollback[0].mirror).toBeUndefined();
  });

  test('a header override, an ingress gateway, the service\'s Istio API version, and a single selected stage', () => {
    const out = files(app => {
      const { svc, v1, v2 } = shop(app, { istioApiVersion: IstioApiVersion.V1BETA1 });
      const gateway = new IngressGateway(new MeshChart(app, 'edge'), 'gw', { servers: [{ port: 80, hosts: ['*.example.com'] }] });
      new CanaryRelease(app, 'c', {
        service: svc,
        stable: v1,
        canary: v2,
        stage: 30,
        plan: CanaryPlan.linear({ stepWeight: 15, maxWeight: 50 }),
        override: CanaryOverride.header(HeaderMatch.exact('x-beta', 'yes')),
        ingress: { gateway, hosts: ['shop.example.com'] },
      });
    });
    expect([...out.keys()]).toStrictEqual(['platform.k8s.yaml', 'edge.k8s.yaml', 'c.stage-30.k8s.yaml', 'c.rollback.k8s.yaml']);
    const vs = out.get('c.stage-30.k8s.yaml')![0];
    expect(vs.apiVersion).toBe('networking.istio.io/v1beta1');
    expect(vs.spec).toMatchObject({ hosts: ['shop.example.com'], gateways: ['gw'] });
    expect((vs.spec as any).http[0].match).toStrictEqual([{ headers: { 'x-beta': { exact: 'yes' } } }]);
    expect(split([vs]).route.map((r: any) => [r.destination.port, r.weight])).toStrictEqual([[{ number: 8080 }, 70], [{ number: 8080 }, 30]]);
  });

  test('a linear plan steps up to maxWeight, then promotes', () => {
    expect(CanaryPlan.linear({ stepWeight: 10, maxWeight: 50 }).weights).toStrictEqual([10, 20, 30, 40, 50, 100]);
    expect(CanaryPlan.linear({ stepWeight: 25, maxWeight: 100 }).weights).toStrictEqual([25, 50, 75, 100]);
  });

  describe('the base file: every request to the stable version until a stage is applied', () => {
    test('Istio: a VirtualService of the stage\'s name in the service\'s file, which each stage file replaces', () => {
      const out = files(app => {
        const { svc, v1, v2 } = shop(app);
        new CanaryRelease(app, 'shop-canary', { service: svc, stable: v1, canary: v2, plan: CanaryPlan.stages([10, 100]) });
      });
      const base = out.get('platform.k8s.yaml')!.filter(o => o.kind === 'VirtualService');
      expect(base.map(o => [o.metadata.name, o.spec])).toStrictEqual([
        ['shop', { hosts: ['shop'], http: [{ name: 'canary-stable', route: [{ destination: { host: 'shop', subset: 'v1' } }] }] }],
      ]);
      const stage = out.get('shop-canary.stage-10.k8s.yaml')!.find(o => o.kind === 'VirtualService')!;
      expect([stage.metadata.name, stage.metadata.namespace]).toStrictEqual([base[0].metadata.name, base[0].metadata.namespace]);
    });

    test('the model: the base alone sends everything to v1; with stage 10 applied, 90/10', () => {
      const app = new MeshApp();
      const { svc, v1, v2 } = shop(app);
      // the caller has a sidecar (a caller outside the mesh is spread by kube-proxy whatever the routes say)
      new MeshNamespace(Chart.of(svc), 'ns', { name: 'default' });
      new MeshService(Chart.of(svc), 'client', { ports: [{ port: 80 }], image: 'client:1.0' });
      new CanaryRelease(app, 'shop-canary', { service: svc, stable: v1, canary: v2, plan: CanaryPlan.stages([10, 100]) });
      const request = { from: 'default/client', host: 'shop' };
      expect(Mesh.fromApp(app, { files: ['platform'] }).check(request, { versions: { v1: 100 } })).toStrictEqual([]);
      expect(Mesh.fromApp(app, { files: ['platform', 'shop-canary.stage-10'] }).check(request, { versions: { v1: 90, v2: 10 } })).toStrictEqual([]);
      expect(Mesh.fromApp(app, { files: ['platform', 'shop-canary.stage-10', 'shop-canary.rollback'] }).check(request, { versions: { v1: 100 } })).toStrictEqual([]);
    });

    test('a gateway route to the whole service moves with the stages: each stage file carries it with the stage\'s routes', () => {
      const app = new MeshApp();
      const { svc, v1, v2 } = shop(app);
      const chart = Chart.of(svc);
      new MeshNamespace(chart, 'ns', { name: 'default' });
      const gateway = new IngressGateway(chart, 'gw', { servers: [{ port: 80, hosts: ['shop.example.com'] }] });
      const route = new IngressGatewayRoute(chart, 'public', { gateway, hosts: ['shop.example.com'] });
      new CanaryRelease(app, 'shop-canary', { service: svc, stable: v1, canary: v2, plan: CanaryPlan.stages([10, 100]) });
      // a route added after the canary is carried too
      route.addRoute({ action: RouteAction.forward(svc) });
      const request = { gateway: 'default/gw', host: 'shop.example.com', port: 80 };
      expect(Mesh.fromApp(app, { files: ['platform'] }).check(request, { versions: { v1: 100 } })).toStrictEqual([]);
      expect(Mesh.fromApp(app, { files: ['platform', 'shop-canary.stage-10'] }).check(request, { versions: { v1: 90, v2: 10 } })).toStrictEqual([]);
      expect(Mesh.fromApp(app, { files: ['platform', 'shop-canary.stage-100'] }).check(request, { versions: { v2: 100 } })).toStrictEqual([]);
      expect(Mesh.fromApp(app, { files: ['platform', 'shop-canary.stage-100', 'shop-canary.rollback'] }).check(request, { versions: { v1: 100 } })).toStrictEqual([]);
      const stage = [...app.synthFiles()].find(([f]) => f === 'shop-canary.stage-10.k8s.yaml')![1];
      const gatewayVs = parseObjects(stage).filter(o => o.kind === 'VirtualService' && (o.spec as any).gateways);
      expect(gatewayVs.map(o => [o.metadata.name, (o.spec as any).http[0].route.map((r: any) => [r.destination.subset, r.weight])])).toStrictEqual([
        ['public', [['v1', 90], ['v2', 10]]],
      ]);
    });

    test('the gateway route\'s copy in a stage file is the same object: its namespace, not the stage chart\'s (found by the synth property test)', () => {
      const app = new MeshApp();
      const chart = new MeshChart(app, 'platform', { namespace: 'shop' });
      const svc = new MeshService(chart, 'shop', { ports: [{ port: 8080 }] });
      const [v1, v2] = [svc.addVersion('v1', { image: 'shop:1.0' }), svc.addVersion('v2', { image: 'shop:2.0' })];
      const gateway = new IngressGateway(chart, 'gw', { servers: [{ port: 80, hosts: ['shop.example.com'] }] });
      new IngressGatewayRoute(chart, 'public', { gateway, hosts: ['shop.example.com'], routes: [{ action: RouteAction.forward(svc) }] });
      new CanaryRelease(app, 'shop-canary', { service: svc, stable: v1, canary: v2, plan: CanaryPlan.stages([10, 100]) });
      const out = app.synthFiles();
      const ingress = (file: string) => parseObjects(out.get(file)!).filter(o => o.kind === 'VirtualService' && o.metadata.name === 'public')
        .map(o => `${o.metadata.namespace}/${o.metadata.name}`);
      expect([ingress('platform.k8s.yaml'), ingress('shop-canary.stage-10.k8s.yaml'), ingress('shop-canary.rollback.k8s.yaml')])
        .toStrictEqual([['shop/public'], ['shop/public'], ['shop/public']]);
      expect(app.report!.findings.filter(f => f.code === 'MK0013')).toStrictEqual([]);
    });

    test('the Gateway API: an HTTPRoute to the stable version\'s Service', () => {
      const out = files(app => {
        const svc = new MeshService(new MeshChart(app, 'platform', { trafficApi: TrafficApi.GATEWAY_API }), 'shop', { ports: [{ port: 8080 }] });
        const [v1, v2] = [svc.addVersion('v1', { image: 'shop:1.0' }), svc.addVersion('v2', { image: 'shop:2.0' })];
        new CanaryRelease(app, 'shop-canary', { service: svc, stable: v1, canary: v2, plan: CanaryPlan.stages([50, 100]) });
      });
      const route = out.get('platform.k8s.yaml')!.find(o => o.kind === 'HTTPRoute')!;
      expect((route.spec as any).rules).toStrictEqual([{ name: 'canary-stable', backendRefs: [{ name: 'shop-v1', port: 8080 }] }]);
    });

    test('none at a gateway (the canary routes the gateway\'s traffic), none when the service\'s file routes it already', () => {
      const out = files(app => {
        const { svc, v1, v2 } = shop(app);
        const gateway = new IngressGateway(Chart.of(svc), 'gw', { servers: [{ port: 80, hosts: ['shop.example.com'] }] });
        new CanaryRelease(app, 'shop-canary', { service: svc, stable: v1, canary: v2, plan: CanaryPlan.stages([10, 100]), ingress: { gateway, hosts: ['shop.example.com'] } });
      });
      expect(out.get('platform.k8s.yaml')!.filter(o => o.kind === 'VirtualService')).toStrictEqual([]);
      const routed = files(app => {
        const { svc, v1, v2 } = shop(app);
        svc.addRoute({ action: RouteAction.forward(v2) });
        const canary = new CanaryRelease(app, 'shop-canary', { service: svc, stable: v1, canary: v2, plan: CanaryPlan.stages([10, 100]) });
        expect(canary.baseRouting).toBeUndefined();
      });
      expect(routed.get('platform.k8s.yaml')!.filter(o => o.kind === 'VirtualService').map(o => (o.spec as any).http[0].route[0].destination.subset)).toStrictEqual(['v2']);
    });
  });

  describe('fails', () => {
    test.each([
      ['the stages do not increase', () => CanaryPlan.stages([10, 50, 30, 100]), "CanaryPlan.stages: 'stages' must increase from stage to stage: got '50 then 30'; order the stages by weight, each once: [10, 30, 50, 100]"],
      ['a stage weight is outside 0-100', () => CanaryPlan.stages([10, 120]), "CanaryPlan.stages: 'stages' must be whole-number weights between 0 and 100: got 120"],
      ['the final stage is not 100', () => CanaryPlan.stages([10, 50]), "CanaryPlan.stages: 'stages' must end at 100 (the canary promoted): got 50; append 100: [10, 50, 100]"],
      ['there is no stage', () => CanaryPlan.stages([]), "CanaryPlan.stages: 'stages' must hold at least one stage: got '[]'; e.g. [10, 50, 100]"],
      ['maxWeight is below stepWeight', () => CanaryPlan.linear({ stepWeight: 20, maxWeight: 10 }), "CanaryPlan.linear: 'maxWeight' must be a whole number between stepWeight (20) and 100: got 10"],
      ['stepWeight is 0', () => CanaryPlan.linear({ stepWeight: 0, maxWeight: 10 }), "CanaryPlan.linear: 'stepWeight' must be a whole number between 1 and 100: got 0"],
    ])('fails if %s', (_name, fn, message) => expect(errorOf(fn)).toBe(message));

    const release = (extra: object) => () => {
      const app = new App();
      const { svc, v1, v2 } = shop(app);
      new CanaryRelease(app, 'c', { service: svc, stable: v1, canary: v2, plan: CanaryPlan.stages([50, 100]), ...extra });
    };
    test.each([
      ['stable and canary are the same version', (app: App) => {
        const { svc, v1 } = shop(app);
        return { service: svc, stable: v1, canary: v1 };
      }, "[c] 'canary' must differ from the stable version: got 'v1'; name the new version as canary (shop.version('<new version>')), and the one serving now as stable"],
      ['a version belongs to another service', (app: App) => {
        const { svc, v1 } = shop(app);
        const other = new MeshService(new Chart(app, 'o'), 'other', { ports: [{ port: 80 }] });
        return { service: svc, stable: v1, canary: other.addVersion('v2', { image: 'o:2' }) };
      }, "[c] 'canary' must be a version of service 'shop': got 'other/v2'; use shop.version(...)"],
    ])('fails if %s', (_name, setup, message) => {
      expect(errorOf(() => {
        const app = new App();
        new CanaryRelease(app, 'c', { ...setup(app), plan: CanaryPlan.stages([50, 100]) });
      })).toBe(message);
    });

    // a single stage at 100 is a deploy, not a canary (issue 37): refused at construct time, with the construct's path
    const SINGLE = "[c] 'plan' must shift part of the traffic before all of it: a single stage at 100 sends every request to the canary at once (a deploy, not a canary): "
      + "got '[100]'; add stages below 100, e.g. CanaryPlan.stages([10, 50, 100]); to switch every request at once, route to the new version with a ServiceRouting instead";
    test('fails if the plan is a single stage at 100', () => {
      expect(errorOf(release({ plan: CanaryPlan.stages([100]) }))).toBe(SINGLE);
    });
    test('fails if a linear plan steps to 100 at once', () => {
      expect(errorOf(release({ plan: CanaryPlan.linear({ stepWeight: 100, maxWeight: 100 }) }))).toBe(SINGLE);
    });
    test('stays quiet if one stage comes before 100, even with only the last stage emitted', () => {
      expect(release({ plan: CanaryPlan.stages([90, 100]), stage: 100 })).not.toThrow();
    });
    test('fails if the selected stage is not in the plan', () => {
      expect(errorOf(release({ stage: 30 }))).toBe("[c] 'stage' must be one of the plan's stages: got 30; the plan has 50, 100");
    });
    test('fails if sticky sessions are not a consistent hash', () => {
      expect(errorOf(release({ stickySessions: LoadBalancer.roundRobin() })))
        .toBe("[c] 'stickySessions' must be a consistent-hash load balancer: got 'ROUND_ROBIN'; use LoadBalancer.consistentHashByCookie(), ByHeader() or BySourceIp()");
    });
    test('fails if the mirror percentage is out of range', () => {
      expect(errorOf(release({ mirrorPercentage: 150 }))).toBe("'mirrorPercentage' must be a percentage between 0 and 100: got 150");
    });
    test('fails if the id cannot prefix a file name', () => {
      expect(errorOf(() => {
        const app = new App();
        const { svc, v1, v2 } = shop(app);
        new CanaryRelease(app, 'Shop Canary', { service: svc, stable: v1, canary: v2, plan: CanaryPlan.stages([50, 100]) });
      })).toMatch(/^\[Shop Canary\] 'id \(the file name prefix\)' must be a DNS-1123 label/);
    });
  });
});
