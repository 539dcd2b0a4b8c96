import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Include } from 'cdk8s';
import * as plus27 from 'cdk8s-plus-27';
import * as plus34 from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import {
  AuthorizedClient, DestinationPolicy, LoadBalancer, MeshChart, MeshNamespace, MeshProvider, MeshService, Protocol, RouteAction, ServiceAuthorization,
  SidecarInjection, TrafficApi,
} from '../../lib';
import { SchemaValidation } from '../../lib/schema/schema-validation';
import { errorOf } from '../support/errors';
import { K8sObject } from '../support/shared';
import { only, synthError, synthObjects } from '../support/synth';

const pinned = SchemaValidation.pinned();

function objectsOf(build: (chart: Chart) => void): K8sObject[] {
  const objects = synthObjects(app => build(new MeshChart(app, 'test', { namespace: 'shop' })));
  expect(objects.flatMap(o => pinned.validate(o as never).problems.map(p => `${o.kind}/${o.metadata.name} ${p}`))).toStrictEqual([]);
  return objects;
}

/** A Deployment as plain YAML arrives (Helm output, a file of another team), read with cdk8s's Include. */
function includeYaml(scope: Construct, id: string, yaml: string): Include {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-byo-')), 'workload.yaml');
  fs.writeFileSync(file, yaml);
  return new Include(scope, id, { url: file });
}

const LEGACY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: legacy
  namespace: shop
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: legacy
  template:
    metadata:
      labels:
        app.kubernetes.io/name: legacy
    spec:
      serviceAccountName: legacy-runner
      containers:
        - name: legacy
          image: example/legacy:3.2.1
          ports:
            - containerPort: 8080
              name: http
`;

const podLabels = (o: K8sObject) => (o.spec as any).template.metadata.labels;
const podSpec = (o: K8sObject) => (o.spec as any).template.spec;

describe('versions from workloads made elsewhere', () => {
  const objects = objectsOf(chart => {
    const web = new MeshService(chart, 'web', { ports: [{ port: 80, targetPort: 8080 }] });
    web.adoptVersion('v1', new plus27.Deployment(chart, 'web-v1', { containers: [{ image: 'nginx:1.27.0', portNumber: 8080 }] }));
    web.adoptVersion('v2', new plus34.Deployment(chart, 'web-v2', { containers: [{ image: 'nginx:1.27.1', portNumber: 8080 }] }));
    web.adoptVersion('v3', new plus27.k8s.KubeDeployment(chart, 'web-v3', {
      metadata: { name: 'web-v3' },
      spec: {
        selector: { matchLabels: { app: 'web', track: 'v3' } },
        template: { metadata: { labels: { app: 'web', track: 'v3' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27.2', ports: [{ containerPort: 8080 }] }] } },
      },
    }), { label: 'three' });
    web.addRoute({ action: RouteAction.weightedForward([{ target: web.version('v1'), weight: 90 }, { target: web.version('v2'), weight: 10 }]) });
    const legacy = new MeshService(chart, 'legacy', { ports: [{ port: 8080 }], workload: includeYaml(chart, 'legacy-yaml', LEGACY) });
    new ServiceAuthorization(chart, 'auth', { service: web, allowFrom: [AuthorizedClient.service(legacy)] });
  });
  const deployment = (name: RegExp) => objects.find(o => o.kind === 'Deployment' && name.test(o.metadata.name))!;

  test('cdk8s-plus 27 and 34 and the L1 KubeDeployment: app and version labels added to the pods, selectors untouched', () => {
    const v1 = deployment(/web-v1/);
    expect(podLabels(v1)).toMatchObject({ app: 'web', version: 'v1' });
    expect(Object.keys((v1.spec as any).selector.matchLabels)).toStrictEqual(['cdk8s.io/metadata.addr']);
    expect(podLabels(deployment(/web-v2/))).toMatchObject({ app: 'web', version: 'v2' });
    const v3 = deployment(/web-v3/);
    expect(podLabels(v3)).toStrictEqual({ app: 'web', track: 'v3', version: 'three' });
    expect((v3.spec as any).selector).toStrictEqual({ matchLabels: { app: 'web', track: 'v3' } });
  });

  test('pods naming no ServiceAccount run as the service\'s; subsets and routes follow', () => {
    expect(podSpec(deployment(/web-v3/)).serviceAccountName).toBe('web');
    expect((only(objects, 'DestinationRule', 'web').spec as any).subsets).toStrictEqual([
      { labels: { version: 'v1' }, name: 'v1' }, { labels: { version: 'v2' }, name: 'v2' }, { labels: { version: 'three' }, name: 'v3' },
    ]);
    expect((only(objects, 'VirtualService', 'web').spec as any).http[0].route.map((r: any) => r.destination.subset)).toStrictEqual(['v1', 'v2']);
  });

  test('a whole service from Included YAML: app label added; the ServiceAccount it names is its identity', () => {
    const legacy = only(objects, 'Deployment', 'legacy');
    expect(podLabels(legacy)).toStrictEqual({ 'app.kubernetes.io/name': 'legacy', 'app': 'legacy' });
    expect(podSpec(legacy).serviceAccountName).toBe('legacy-runner');
    expect((only(objects, 'AuthorizationPolicy', 'web').spec as any).rules[0].from[0].source.principals).toStrictEqual(['cluster.local/ns/shop/sa/legacy-runner']);
    expect((only(objects, 'DestinationRule', 'legacy').spec as any).subsets).toBeUndefined();
  });

  test('the service\'s injection setting is added to the pods (Istio label, Linkerd annotation)', () => {
    const istio = objectsOf(chart => {
      new MeshService(chart, 'legacy', { ports: [{ port: 8080 }], workload: includeYaml(chart, 'y', LEGACY), sidecarInjection: SidecarInjection.ENABLED });
    });
    expect(podLabels(only(istio, 'Deployment'))['sidecar.istio.io/inject']).toBe('true');
    const linkerd = synthObjects(app => {
      const chart = new MeshChart(app, 'test', { namespace: 'shop', mesh: MeshProvider.LINKERD });
      new MeshService(chart, 'legacy', { ports: [{ port: 8080 }], workload: includeYaml(chart, 'y', LEGACY), sidecarInjection: SidecarInjection.DISABLED });
    });
    expect((only(linkerd, 'Deployment').spec as any).template.metadata.annotations).toStrictEqual({ 'linkerd.io/inject': 'disabled' });
  });

  test('a StatefulSet too', () => {
    const sts = objectsOf(chart => {
      const db = new MeshService(chart, 'db', { ports: [{ port: 5432, protocol: Protocol.TCP }] });
      db.adoptVersion('v16', new ApiObject(chart, 'pg', {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'pg', namespace: 'shop' },
        spec: {
          serviceName: 'db',
          selector: { matchLabels: { sts: 'pg' } },
          template: { metadata: { labels: { sts: 'pg' } }, spec: { containers: [{ name: 'pg', image: 'postgres:16.4', ports: [{ containerPort: 5432 }] }] } },
        },
      }));
    });
    expect(podLabels(only(sts, 'StatefulSet', 'pg'))).toStrictEqual({ sts: 'pg', app: 'db', version: 'v16' });
  });

  test('under the Gateway API, a brought version gets its own Service as a route backend', () => {
    const gw = synthObjects(app => {
      const chart = new MeshChart(app, 'test', { namespace: 'shop', trafficApi: TrafficApi.GATEWAY_API });
      const web = new MeshService(chart, 'web', { ports: [{ port: 80, targetPort: 8080 }] });
      web.adoptVersion('v1', new plus27.Deployment(chart, 'web-v1', { containers: [{ image: 'nginx:1.27.0', portNumber: 8080 }] }));
    });
    expect((only(gw, 'Service', 'web-v1').spec as any).selector).toStrictEqual({ app: 'web', version: 'v1' });
  });
});

describe('what keeps a brought workload from the mesh: errors at synth', () => {
  const deploymentWith = (chart: Chart, id: string, spec: object, namespace?: string) =>
    new ApiObject(chart, id, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: id, namespace }, spec });
  const good = (labels: object, ports = [{ containerPort: 8080 }]) => ({
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'x/y:1', ports }] } },
  });
  const errorFor = (build: (chart: Chart, svc: MeshService) => void) => synthError(app => {
    const chart = new Chart(app, 'c');
    build(chart, new MeshService(chart, 'web', { ports: [{ port: 80, targetPort: 8080 }] }));
  });

  test('no container port for a service port', () => {
    expect(errorFor((c, s) => s.adoptVersion('v1', deploymentWith(c, 'd', good({ app: 'web' }, [{ containerPort: 9090 }])))))
      .toContain("[c/web/v1] 'versions.v1.workload.containers.ports' must hold port 8080, where service port 80 (http) sends traffic: got [9090]; "
        + "set the service port's targetPort to one of them, or declare 8080 in Deployment 'd''s container");
    expect(errorFor((c, s) => s.adoptVersion('v1', deploymentWith(c, 'd', good({ app: 'web' }, [])))))
      .toContain("declare containerPort 8080 in Deployment 'd''s container");
  });

  test('an app or version label of another value (mesh-kit never changes a label)', () => {
    expect(errorFor((c, s) => s.adoptVersion('v1', deploymentWith(c, 'd', good({ app: 'shop' })))))
      .toContain("'versions.v1.workload.spec.template.metadata.labels.app' must be 'web', which the mesh selects Deployment 'd''s pods by "
        + "(mesh-kit adds labels, never changes them): got 'shop'; set app: 'shop' on the MeshService");
    expect(errorFor((c, s) => s.adoptVersion('v1', deploymentWith(c, 'd', good({ version: 'stable' })))))
      .toContain("got 'stable'; pass label: 'stable' to the version");
  });

  test('a selector that does not select its own pods', () => {
    const spec = { ...good({ app: 'web' }), selector: { matchLabels: { app: 'other' } } };
    expect(errorFor((c, s) => s.adoptVersion('v1', deploymentWith(c, 'd', spec))))
      .toContain("'versions.v1.workload.spec.selector' must select Deployment 'd''s own pods (Kubernetes refuses a workload whose selector does not match its pod template's labels)");
  });

  test('a selector that would also take another version\'s pods (selectors cannot be changed in place)', () => {
    expect(errorFor((c, s) => {
      s.adoptVersion('v1', deploymentWith(c, 'd', good({ app: 'web' })));
      s.addVersion('v2', { image: 'x/y:2' });
    })).toContain("'versions.v1.workload.spec.selector' must not select the pods of version 'v2' too: two controllers would fight over them: got {\"app\":\"web\"}; "
      + "a selector cannot be changed in place: give Deployment 'd' a selector with a label only its pods carry, and re-create it");
  });

  test('another namespace', () => {
    expect(errorFor((c, s) => s.adoptVersion('v1', deploymentWith(c, 'd', good({ app: 'web' }), 'other'))))
      .toContain("'versions.v1.workload.metadata.namespace' must be the service's namespace (none)");
  });

  test('not a workload, an Include of two, the same workload twice, image and workload together: errors at once', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    const s = new MeshService(chart, 'web', { ports: [{ port: 80 }] });
    const svc = new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } });
    expect(errorOf(() => s.adoptVersion('v1', svc))).toBe("[c/web] 'versions.v1.workload' must be an apps/v1 Deployment or StatefulSet: got 'v1 Service/x'");
    const two = includeYaml(chart, 'two', `${LEGACY}---\n${LEGACY.replace('name: legacy\n  namespace', 'name: legacy2\n  namespace')}`);
    expect(errorOf(() => s.adoptVersion('v1', two))).toBe("[c/web] 'versions.v1.workload' must be a Deployment or StatefulSet, or a construct holding exactly one (an Include): "
      + "'c/two' holds 2: got ['Deployment/legacy', 'Deployment/legacy2']; pass the one to use: include.apiObjects.find(o => o.name === ...)");
    const d = deploymentWith(chart, 'd', good({ app: 'web' }));
    s.adoptVersion('v1', d);
    expect(errorOf(() => s.adoptVersion('v2', d))).toBe("[c/web] 'versions.v2.workload' is already version 'v1' of this service: got 'c/d'");
    expect(errorOf(() => new MeshService(chart, 'both', { ports: [{ port: 80 }], image: 'x/y:1', workload: d })))
      .toBe("[c/both] 'workload' cannot be combined with image: the service's pods come either from the image (deployed here) or from the workload: got 'c/d'");
    expect(errorOf(() => new MeshService(chart, 'one', { ports: [{ port: 80 }], workload: d }).addVersion('v2', { image: 'x/y:1' })))
      .toBe("[c/one] 'version' cannot be added to a service whose pods are one workload (the workload prop): got 'v2'; remove workload and add every version with addVersion() or adoptVersion()");
  });
});

describe('a DestinationRule for a Service deployed elsewhere (nothing deployed)', () => {
  const reviews = () => MeshService.fromAttributes({ name: 'reviews', namespace: 'bookinfo', ports: [{ port: 9080 }, { port: 9090, name: 'grpc' }], versions: ['v1', 'v2'] });

  test('subsets by label, per-port policy (default mutual TLS in each port\'s too), full host name from another namespace', () => {
    const objects = objectsOf(chart => {
      new DestinationPolicy(chart, 'reviews', {
        service: reviews(),
        namespace: MeshNamespace.fromName('shop'),
        subsets: [{ name: 'v1' }, { name: 'v2', labels: { track: 'canary' }, trafficPolicy: { loadBalancer: LoadBalancer.leastRequest() } }],
        trafficPolicy: { loadBalancer: LoadBalancer.roundRobin(), ports: [{ port: 9090, connectionPool: { http2MaxRequests: 100 } }] },
      });
    });
    expect(objects.map(o => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toStrictEqual(['DestinationRule/shop/reviews']);
    expect(only(objects, 'DestinationRule').spec).toStrictEqual({
      host: 'reviews.bookinfo.svc.cluster.local',
      subsets: [{ labels: { version: 'v1' }, name: 'v1' }, { labels: { track: 'canary' }, name: 'v2', trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } } }],
      trafficPolicy: {
        loadBalancer: { simple: 'ROUND_ROBIN' },
        portLevelSettings: [{ connectionPool: { http: { http2MaxRequests: 100 } }, port: { number: 9090 }, tls: { mode: 'ISTIO_MUTUAL' } }],
        tls: { mode: 'ISTIO_MUTUAL' },
      },
    });
  });

  test('subsets default to the service\'s versions; the rule lands in the service\'s namespace by default', () => {
    const objects = objectsOf(chart => new DestinationPolicy(chart, 'r', { service: reviews() }));
    expect(only(objects, 'DestinationRule').metadata.namespace).toBe('bookinfo');
    expect((only(objects, 'DestinationRule').spec as any).host).toBe('reviews');
    expect((only(objects, 'DestinationRule').spec as any).subsets.map((s: any) => s.labels)).toStrictEqual([{ version: 'v1' }, { version: 'v2' }]);
  });

  test('bad subsets and ports', () => {
    const chart = new MeshChart(new App(), 'c');
    expect(errorOf(() => new DestinationPolicy(chart, 'a', { service: reviews(), subsets: [{ name: 'v3' }] })))
      .toBe("[c/a] 'subsets[0].name' must be a version of service 'reviews', so that routes can name it: got 'v3'; its versions are 'v1', 'v2'");
    expect(errorOf(() => new DestinationPolicy(chart, 'b', { service: reviews(), trafficPolicy: { ports: [{ port: 8080, loadBalancer: LoadBalancer.roundRobin() }] } })))
      .toBe("[c/b] 'trafficPolicy.ports.port' must be a port of service 'reviews': got 8080; its ports are 9080, 9090");
    expect(errorOf(() => new DestinationPolicy(chart, 'c', { service: reviews(), trafficPolicy: { ports: [{ port: 9080 }] } })))
      .toBe("'ports[0]' must set at least one policy for the port: got 9080");
    expect(errorOf(() => new DestinationPolicy(chart, 'd', { service: reviews(), trafficPolicy: { ports: [{ port: 9080, connectionPool: { maxConnections: 0 } }] } })))
      .toBe("'ports[0].connectionPool.maxConnections' must be a whole number of at least 1: got 0");
  });

  test('a MeshService\'s per-port policy must name its ports', () => {
    expect(synthError(app => {
      const s = new MeshService(new Chart(app, 'c'), 'web', { ports: [{ port: 80 }], trafficPolicy: { ports: [{ port: 81, loadBalancer: LoadBalancer.roundRobin() }] } });
      s.addVersion('v1', { image: 'x/y:1' });
    })).toContain("[c/web] 'trafficPolicy.ports.port' must be a port of the service: got 81; its ports are 80");
  });
});
