import { App } from 'cdk8s';
import { buildBookinfo } from '../../examples/bookinfo/app';
import { buildBookinfoSecurity } from '../../examples/bookinfo/security';
import { buildBookinfoSidecars } from '../../examples/bookinfo/sidecars';
import {
  AuthorizationAction, AuthorizationPolicy, AuthorizedClient, DataPlane, MeshChart, MeshService, RequestSource, ServiceAuthorization, ServiceEntry,
  SidecarScoping, WorkloadSelector,
} from '../../lib';
import { SchemaValidation } from '../../lib/schema/schema-validation';
import { errorOf } from '../support/errors';
import { K8sObject } from '../support/shared';
import { only, synthObjects } from '../support/synth';

const pinned = SchemaValidation.pinned();
const egress = (o: K8sObject) => (o.spec as any).egress[0].hosts;

describe('Sidecars scoped to what each service calls', () => {
  const objects = synthObjects(app => {
    const chart = new MeshChart(app, 'c', { namespace: 'shop' });
    const svc = (name: string, extra = {}) => {
      const s = new MeshService(chart, name, { ports: [{ port: 80 }], ...extra });
      s.addVersion('v1', { image: 'x/y:1' });
      return s;
    };
    const db = svc('db');
    const cache = svc('cache');
    const api = svc('api', { dependsOn: [db] });
    const web = svc('web');
    const audit = svc('audit');
    new ServiceAuthorization(chart, 'api-callers', { service: api, allowFrom: [AuthorizedClient.service(web)] });
    const p = new AuthorizationPolicy(chart, 'cache-callers', { workload: WorkloadSelector.service(cache) });
    p.addRule({ from: [RequestSource.service(api)] });
    // a DENY rule names no caller
    new AuthorizationPolicy(chart, 'deny', { workload: WorkloadSelector.service(db), action: AuthorizationAction.DENY, rules: [{ from: [RequestSource.service(audit)] }] });
    api.addDependency(db); // declared twice: once
    // an extra host must be declared: an external API the egress namespace lets out
    new ServiceEntry(new MeshChart(app, 'egress', { namespace: 'egress' }), 'api', { hosts: ['api.example.com'], exportTo: ['*'] });
    new SidecarScoping(chart, 'scoping', { services: [web, api, db, audit], registryOnly: true, extraHosts: ['egress/api.example.com'] });
  });

  test('declared dependencies first, then those authorization lets it call; istio-system/* and extra hosts always', () => {
    expect(egress(only(objects, 'Sidecar', 'api'))).toStrictEqual([
      'shop/db.shop.svc.cluster.local', 'shop/cache.shop.svc.cluster.local', 'istio-system/*', 'egress/api.example.com',
    ]);
    expect(egress(only(objects, 'Sidecar', 'web'))).toStrictEqual(['shop/api.shop.svc.cluster.local', 'istio-system/*', 'egress/api.example.com']);
    expect(egress(only(objects, 'Sidecar', 'audit'))).toStrictEqual(['istio-system/*', 'egress/api.example.com']);
  });

  test('selects the service\'s pods, REGISTRY_ONLY when asked, schema-valid', () => {
    const s = only(objects, 'Sidecar', 'db');
    expect(s.spec).toMatchObject({ workloadSelector: { labels: { app: 'db' } }, outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });
    expect(objects.flatMap(o => pinned.validate(o as never).problems)).toStrictEqual([]);
  });

  test('Bookinfo: from its zero-trust policies alone, each sidecar keeps 0 to 2 of the 4 services instead of all of them', () => {
    const bookinfo = synthObjects(app => {
      const services = buildBookinfo(app, { scenarios: [] });
      buildBookinfoSecurity(app, services);
      buildBookinfoSidecars(app, services);
    });
    const hosts = Object.fromEntries(bookinfo.filter(o => o.kind === 'Sidecar').map(o => [o.metadata.name, egress(o).filter((h: string) => h !== 'istio-system/*').length]));
    expect(hosts).toStrictEqual({ productpage: 2, details: 0, reviews: 1, ratings: 0 });
    // Istio's default: every sidecar holds every service of the mesh (4 here): 16 service entries in all, 3 scoped
    expect(Object.values(hosts).reduce((a, b) => a + b, 0)).toBe(3);
  });

  test('bad input: ambient charts, no services, a malformed extra host, a service itself as dependency', () => {
    const app = new App();
    const ambient = new MeshChart(app, 'a', { dataPlane: DataPlane.AMBIENT });
    const s = new MeshService(ambient, 'x', { ports: [{ port: 80 }] });
    expect(errorOf(() => new SidecarScoping(ambient, 'sc', { services: [s] }))).toMatch(/^\[a\/sc\] 'dataPlane' must be Istio's sidecar mode/);
    const chart = new MeshChart(app, 'c');
    const t = new MeshService(chart, 't', { ports: [{ port: 80 }] });
    expect(errorOf(() => new SidecarScoping(chart, 'none', { services: [] }))).toBe("[c/none] 'services' must name at least one service: got []");
    expect(errorOf(() => new SidecarScoping(chart, 'bad', { services: [t], extraHosts: ['api.example.com'] })))
      .toBe("[c/bad] 'extraHosts[0]' must be 'namespace/host' (namespace may be '*', '.' or '~'): got 'api.example.com'");
    expect(errorOf(() => t.addDependency(t))).toBe("[c/t] 'dependsOn' must not name the service itself: got 't'");
  });
});
