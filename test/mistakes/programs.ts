import { Mistake, QUIET_PART } from './measure';
import {
  AuthorizedClient, CanaryPlan, CanaryRelease, HeaderMatch, HttpMatch, IngressGateway, IngressGatewayRoute, MeshApp, MeshChart,
  MeshClient, MeshNamespace, MeshProvider, MeshService, MeshSettings, NamespaceInjection, RetryOn, RouteAction, ServiceAuthorization,
} from '../../lib';

/** What a JavaScript caller (or a JSON config) can pass where TypeScript would refuse it. */
const js = <T>(v: unknown): T => v as T;

/** The quickstart, to make one mistake in: a namespace, a service with two versions, a gateway. */
function shop(app: MeshApp, opts: { mesh?: MeshProvider } = {}) {
  const chart = new MeshChart(app, 'shop');
  if (opts.mesh) MeshSettings.apply(chart, { mesh: opts.mesh });
  const namespace = new MeshNamespace(chart, 'ns', { name: 'shop' });
  const reviews = new MeshService(chart, 'reviews', { namespace, ports: [{ port: 9080 }] });
  const v1 = reviews.addVersion('v1', { image: 'example/reviews:1.0.0' });
  const v2 = reviews.addVersion('v2', { image: 'example/reviews:2.0.0' });
  return { chart, namespace, reviews, v1, v2 };
}
const gateway = (s: ReturnType<typeof shop>, hosts = ['shop.example.com']) =>
  new IngressGateway(s.chart, 'gw', { namespace: s.namespace, servers: [{ port: 8080, hosts }] });

/** Typed programs with one wrong prop each. */
export const PROGRAMS: readonly Mistake[] = [
  { id: 'istio/weights-sum-110', area: 'istio-sidecar', program: app => { const s = shop(app); s.reviews.addRoute({ action: RouteAction.weightedForward([{ target: s.v1, weight: 90 }, { target: s.v2, weight: 20 }]) }); } },
  { id: 'istio/weight-negative', area: 'istio-sidecar', program: app => { const s = shop(app); s.reviews.addRoute({ action: RouteAction.weightedForward([{ target: s.v1, weight: 110 }, { target: s.v2, weight: -10 }]) }); } },
  { id: 'istio/weighted-forward-empty', area: 'istio-sidecar', program: app => { const s = shop(app); s.reviews.addRoute({ action: RouteAction.weightedForward([]) }); } },
  { id: 'istio/port-out-of-range', area: 'istio-sidecar', program: app => { const c = new MeshChart(app, 'c'); new MeshService(c, 'api', { ports: [{ port: 70000 }] }); } },
  { id: 'istio/port-name-convention', area: 'istio-sidecar', program: app => { const c = new MeshChart(app, 'c'); new MeshService(c, 'api', { ports: [{ port: 80, name: 'web' }] }).addVersion('v1', { image: 'api:1.0' }); } },
  { id: 'istio/version-name-uppercase', area: 'istio-sidecar', program: app => { const c = new MeshChart(app, 'c'); new MeshService(c, 'api', { ports: [{ port: 80 }] }).addVersion('V1', { image: 'api:1.0' }); } },
  { id: 'istio/version-twice', area: 'istio-sidecar', program: app => { const s = shop(app); s.reviews.addVersion('v1', { image: 'example/reviews:1.0.1' }); } },
  { id: 'istio/image-empty', area: 'istio-sidecar', program: app => { const c = new MeshChart(app, 'c'); new MeshService(c, 'api', { ports: [{ port: 80 }] }).addVersion('v1', { image: '' }); } },
  { id: 'istio/image-latest', area: 'istio-sidecar', program: app => { const c = new MeshChart(app, 'c'); new MeshService(c, 'api', { ports: [{ port: 80 }] }).addVersion('v1', { image: 'api:latest' }); } },
  { id: 'istio/prefix-without-slash', area: 'istio-sidecar', program: app => { const s = shop(app); s.reviews.addRoute({ match: [HttpMatch.prefix('reviews')], action: RouteAction.forward(s.v1) }); } },
  { id: 'istio/header-name-empty', area: 'istio-sidecar', program: app => { const s = shop(app); s.reviews.addRoute({ match: [HttpMatch.headers(HeaderMatch.exact('', 'jason'))], action: RouteAction.forward(s.v2) }); } },
  { id: 'istio/namespace-name-invalid', area: 'istio-sidecar', program: app => { new MeshNamespace(new MeshChart(app, 'c'), 'ns', { name: 'Shop_NS' }); } },
  { id: 'istio/same-service-twice', area: 'istio-sidecar', program: app => { const c = new MeshChart(app, 'c'); new MeshService(c, 'a', { name: 'api', ports: [{ port: 80 }] }); new MeshService(c, 'b', { name: 'api', ports: [{ port: 80 }] }); } },
  { id: 'istio/retries-fractional', area: 'istio-sidecar', program: app => { const s = shop(app); s.reviews.addRoute({ action: RouteAction.forward(s.v1), retries: { attempts: 2.5 } }); } },
  {
    id: 'istio/grpc-retries-on-5xx',
    area: 'istio-sidecar',
    quietList: true,
    codes: QUIET_PART,
    program: app => {
      const c = new MeshChart(app, 'c');
      const api = new MeshService(c, 'api', { ports: [{ port: 50051, name: 'grpc' }] });
      const v1 = api.addVersion('v1', { image: 'api:1.0' });
      api.addRoute({ action: RouteAction.forward(v1), retries: { attempts: 3, retryOn: [RetryOn.FIVE_XX] } });
    },
  },
  {
    id: 'istio/redirect-to-itself',
    area: 'istio-sidecar',
    quietList: true,
    codes: QUIET_PART,
    program: app => {
      const s = shop(app);
      const gw = gateway(s);
      new IngressGatewayRoute(s.chart, 'r', {
        namespace: s.namespace,
        gateway: gw,
        hosts: ['shop.example.com'],
        routes: [{ match: [HttpMatch.prefix('/old')], action: RouteAction.redirect({ uri: '/old' }) }],
      });
    },
  },
  {
    id: 'istio/canary-single-stage-100',
    area: 'istio-sidecar',
    quietList: true,
    codes: QUIET_PART,
    program: app => {
      const s = shop(app);
      new CanaryRelease(s.chart, 'canary', { service: s.reviews, stable: s.v1, canary: s.v2, plan: CanaryPlan.stages([100]) });
    },
  },
  {
    id: 'istio/canary-stages-decreasing',
    area: 'istio-sidecar',
    program: app => {
      const s = shop(app);
      new CanaryRelease(s.chart, 'canary', { service: s.reviews, stable: s.v1, canary: s.v2, plan: CanaryPlan.stages([50, 10, 100]) });
    },
  },
  {
    id: 'istio/canary-stable-is-canary',
    area: 'istio-sidecar',
    program: app => {
      const s = shop(app);
      new CanaryRelease(s.chart, 'canary', { service: s.reviews, stable: s.v1, canary: s.v1, plan: CanaryPlan.stages([10, 50, 100]) });
    },
  },
  {
    id: 'istio/gateway-route-host-not-served',
    area: 'istio-sidecar',
    program: app => {
      const s = shop(app);
      new IngressGatewayRoute(s.chart, 'r', { namespace: s.namespace, gateway: gateway(s), hosts: ['api.example.com'], routes: [{ action: RouteAction.forward(s.reviews) }] });
    },
  },
  { id: 'istio/gateway-port-zero', area: 'istio-sidecar', program: app => { const s = shop(app); new IngressGateway(s.chart, 'gw', { namespace: s.namespace, servers: [{ port: 0, hosts: ['shop.example.com'] }] }); } },
  { id: 'istio/gateway-host-with-scheme', area: 'istio-sidecar', program: app => { const s = shop(app); gateway(s, ['https://shop.example.com']); } },
  {
    id: 'istio/gateway-route-port-not-served',
    area: 'istio-sidecar',
    program: app => {
      const s = shop(app);
      new IngressGatewayRoute(s.chart, 'r', { namespace: s.namespace, gateway: gateway(s), hosts: ['shop.example.com'], gatewayPort: 443, routes: [{ action: RouteAction.forward(s.reviews) }] });
    },
  },
  { id: 'istio/authorization-empty-clients', area: 'istio-sidecar', program: app => { const s = shop(app); new ServiceAuthorization(s.chart, 'authz', { service: s.reviews, allowFrom: [AuthorizedClient.namespace('')] }); } },
  { id: 'istio/authorization-bad-cidr', area: 'istio-sidecar', program: app => { const s = shop(app); new ServiceAuthorization(s.chart, 'authz', { service: s.reviews, allowFrom: [AuthorizedClient.network('10.0.0.0/33')] }); } },
  {
    id: 'istio/caller-namespace-not-injected',
    area: 'istio-sidecar',
    quietList: true,
    codes: QUIET_PART,
    program: app => {
      const s = shop(app);
      const other = new MeshNamespace(s.chart, 'web-ns', { name: 'web', injection: NamespaceInjection.disabled() });
      const web = new MeshClient(s.chart, 'web', { namespace: other, image: 'example/web:1.0.0' });
      new ServiceAuthorization(s.chart, 'authz', { service: s.reviews, allowFrom: [AuthorizedClient.workload(web)] });
    },
  },
  { id: 'app/settings-mesh-unknown', area: 'app', program: app => { MeshSettings.apply(new MeshChart(app, 'c'), { mesh: js<MeshProvider>('consul') }); } },
  { id: 'app/settings-after-constructs', area: 'app', program: app => { const c = new MeshChart(app, 'c'); new MeshNamespace(c, 'ns', { name: 'shop' }); MeshSettings.apply(c, { mesh: MeshProvider.LINKERD }); } },
  { id: 'app/two-charts-same-file', area: 'app', program: app => { new MeshNamespace(new MeshChart(app, 'a', { fileName: 'shop' }), 'ns', { name: 'a' }); new MeshNamespace(new MeshChart(app, 'b', { fileName: 'shop' }), 'ns', { name: 'b' }); } },
  { id: 'app/chart-dependency-cycle', area: 'app', program: app => { const a = shop(app).chart; const b = new MeshChart(app, 'b'); new MeshNamespace(b, 'ns', { name: 'b' }); a.addDependency(b); b.addDependency(a); } },
  { id: 'app/chart-file-name-up', area: 'app', program: app => { new MeshChart(app, 'c', { fileName: '../up' }); } },
  {
    id: 'linkerd/authorization-caller-not-meshed',
    area: 'linkerd',
    quietList: true,
    codes: ['MK0040'],
    program: app => {
      const s = shop(app, { mesh: MeshProvider.LINKERD });
      const other = new MeshNamespace(s.chart, 'web-ns', { name: 'web', injection: NamespaceInjection.disabled() });
      const web = new MeshClient(s.chart, 'web', { namespace: other, image: 'example/web:1.0.0' });
      new ServiceAuthorization(s.chart, 'authz', { service: s.reviews, allowFrom: [AuthorizedClient.workload(web)] });
    },
  },
];
