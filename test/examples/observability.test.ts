import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { ANALYSIS, DOMAIN, buildIstioAddons, buildIstioZipkin, buildLinkerdAddons } from '../../examples/observability/app';
import { MeshApp } from '../../lib';
import { HAS_SHARED, K8sObject, SHARED_DIR, describeWithShared, loadObjects, parseObjects } from '../support/shared';
import { only, synthFiles } from '../support/synth';

const files = synthFiles(app => {
  buildIstioAddons(app);
  buildIstioZipkin(app);
  buildLinkerdAddons(app);
}, outdir => new MeshApp({ outdir, analysis: ANALYSIS }));
const file = (f: string) => parseObjects(files.get(f)!);
const all = [...files.values()].flatMap(parseObjects);

describe('observability example', () => {
  test('three flavours: Istio with Jaeger, Istio with Zipkin, Linkerd', () => {
    expect([...files.keys()]).toStrictEqual(['istio-zipkin/zipkin.k8s.yaml', 'istio/addons.k8s.yaml', 'linkerd/addons.k8s.yaml']);
  });

  test('Istio: Grafana, Kiali and Jaeger exposed over HTTPS on the example domain; Prometheus not exposed', () => {
    const objects = file('istio/addons.k8s.yaml');
    const gateway = only(objects, 'Gateway', 'telemetry-gateway').spec as any;
    expect(gateway.servers.map((s: any) => `${s.port.protocol}:${s.port.number} ${s.hosts} ${s.tls?.mode ?? ''}${s.tls?.httpsRedirect ? 'redirect' : ''}`))
      .toStrictEqual([`HTTPS:443 *.${DOMAIN} SIMPLE`, `HTTP:80 *.${DOMAIN} redirect`]);
    expect(objects.filter(o => o.kind === 'VirtualService').map(o => (o.spec as any).hosts[0]))
      .toStrictEqual([`grafana.${DOMAIN}`, `kiali.${DOMAIN}`, `tracing.${DOMAIN}`]);
    expect(objects.filter(o => o.kind === 'DestinationRule').map(o => (o.spec as any).trafficPolicy.tls.mode)).toStrictEqual(['DISABLE', 'DISABLE', 'DISABLE']);
    expect(YAML.parse((only(objects, 'ConfigMap', 'kiali').data as any)['config.yaml']).deployment.view_only_mode).toBe(true);
  });

  test('Istio: the Istio dashboards provisioned from grafana.com at revision 202, and the example\'s own two from JSON', () => {
    const objects = file('istio/addons.k8s.yaml');
    const script = (only(objects, 'ConfigMap', 'grafana').data as any)['download-dashboards.sh'] as string;
    expect(script.match(/dashboards\/\d+\/revisions\/\d+/g)).toStrictEqual([
      'dashboards/7645/revisions/202', 'dashboards/7639/revisions/202', 'dashboards/7636/revisions/202', 'dashboards/7630/revisions/202',
    ]);
    expect(Object.keys(only(objects, 'ConfigMap', 'istio-grafana-dashboards').data as object)).toStrictEqual(['golden-signals.json']);
    expect(Object.keys(only(objects, 'ConfigMap', 'istio-services-grafana-dashboards').data as object)).toStrictEqual(['canary.json']);
    for (const cm of ['istio-grafana-dashboards', 'istio-services-grafana-dashboards']) {
      for (const json of Object.values(only(objects, 'ConfigMap', cm).data as object)) expect(JSON.parse(json as string).panels.length).toBeGreaterThan(0);
    }
  });

  test('Istio with Zipkin: 10% sampling to the Zipkin provider', () => {
    const objects = file('istio-zipkin/zipkin.k8s.yaml');
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual([
      'Deployment/zipkin', 'Service/tracing', 'Service/zipkin', 'ConfigMap/istio-tracing-mesh-config', 'Telemetry/mesh-default', // MeshApp: workloads and config before mesh objects
    ]);
    expect(only(objects, 'Telemetry').spec).toStrictEqual({ tracing: [{ providers: [{ name: 'zipkin' }], randomSamplingPercentage: 10 }] });
  });

  test('Linkerd: the linkerd-viz values point at the example\'s Prometheus, Grafana and Jaeger', () => {
    const values = YAML.parse((only(file('linkerd/addons.k8s.yaml'), 'ConfigMap', 'linkerd-viz-values').data as any)['values.yaml']);
    expect(values).toStrictEqual({
      prometheusUrl: 'http://prometheus.linkerd-viz.svc.cluster.local:9090',
      prometheus: { enabled: false },
      grafana: { url: 'grafana.linkerd-viz.svc.cluster.local:3000' },
      jaegerUrl: 'tracing.linkerd-viz.svc.cluster.local:80',
    });
  });
});

/** What `conformance.py --presence` compares: kind, name, namespace, and a Service's port numbers and names. */
function presence(o: K8sObject): string {
  const ports = o.kind === 'Service' ? ` ${(o.spec as any).ports.map((p: any) => `${p.name}:${p.port}`).join(',')}` : '';
  return `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}${ports}`;
}

describeWithShared('observability example emits every object of Istio\'s samples/addons', () => {
  const dir = path.join(SHARED_DIR, 'reference', 'istio', 'addons');
  const refs = HAS_SHARED ? fs.readdirSync(dir).sort().flatMap(f => loadObjects(path.join(dir, f)).map(o => [f, o] as const)) : [];
  const ours = new Set(all.map(presence));

  test('there are 26 upstream objects in 5 files', () => expect(refs.length).toBe(26));

  test.each(refs.map(([f, o]) => [f, presence(o)] as const))('%s: %s', (_f, id) => {
    expect(ours).toContain(id);
  });
});
