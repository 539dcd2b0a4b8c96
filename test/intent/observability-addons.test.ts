import { App, Duration, JsonPatch, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import * as YAML from 'yaml';
import {
  ADDON_IMAGES, ExposedAddon, GatewayProtocol, GatewayTls, GrafanaDashboard, GrafanaRole, IngressGateway, KialiAuth, MeshChart, MeshProvider,
  ObservabilityAddons, ObservabilityAddonsProps, TracingBackend,
} from '../../lib';
import { errorOf } from '../support/errors';
import { expectSchemaValid } from '../support/schemas';
import { K8sObject } from '../support/shared';
import { only, synthError, synthObjects } from '../support/synth';

const istio = (props: ObservabilityAddonsProps = {}) => synthObjects(app => { new ObservabilityAddons(new MeshChart(app, 'c'), 'Addons', props); });
const linkerd = (props: ObservabilityAddonsProps = {}) =>
  synthObjects(app => { new ObservabilityAddons(new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD }), 'Addons', props); });
const ids = (objects: K8sObject[]) => objects.map(o => `${o.kind}/${o.metadata.name}`);
const data = (o: K8sObject, file: string) => (o.data as { [f: string]: string })[file];
const pod = (objects: K8sObject[], name: string) => (only(objects, 'Deployment', name).spec as any).template;
const gatewayIn = (chart: MeshChart, hosts = ['*.mesh.example.com']) =>
  new IngressGateway(chart, 'telemetry-gateway', { namespace: { name: 'istio-system' }, servers: [{ port: 80, hosts }] });

describe('ObservabilityAddons under Istio, by default', () => {
  const objects = expectSchemaValid(istio());

  test('installs Prometheus, Grafana, Kiali and Jaeger with the Services Istio expects, the Telemetry and the mesh config; exposes nothing', () => {
    expect(ids(objects)).toStrictEqual([
      'ServiceAccount/prometheus', 'ConfigMap/prometheus', 'ClusterRole/prometheus', 'ClusterRoleBinding/prometheus', 'Service/prometheus', 'Deployment/prometheus',
      'ServiceAccount/grafana', 'ConfigMap/grafana', 'Service/grafana', 'Deployment/grafana',
      'ServiceAccount/kiali', 'ConfigMap/kiali', 'ClusterRole/kiali', 'ClusterRoleBinding/kiali', 'Service/kiali', 'Deployment/kiali',
      'Deployment/jaeger', 'Service/tracing', 'ConfigMap/jaeger', 'Service/zipkin', 'Service/jaeger-collector',
      'Telemetry/mesh-default', 'ConfigMap/istio-tracing-mesh-config',
    ]);
    expect(objects.filter(o => /VirtualService|Gateway|DestinationRule/.test(o.kind))).toStrictEqual([]);
    expect(objects.filter(o => o.kind === 'Service').map(o => (o.spec as any).type)).toStrictEqual(Array(6).fill('ClusterIP'));
  });

  test('every namespaced object is in istio-system', () => {
    const namespaced = objects.filter(o => !o.kind.startsWith('Cluster'));
    expect([...new Set(namespaced.map(o => o.metadata.namespace))]).toStrictEqual(['istio-system']);
  });

  test('the Service ports of Istio\'s samples', () => {
    const ports = (name: string) => (only(objects, 'Service', name).spec as any).ports.map((p: any) => `${p.name}:${p.port}->${p.targetPort}`);
    expect(ports('prometheus')).toStrictEqual(['http:9090->9090']);
    expect(ports('grafana')).toStrictEqual(['service:3000->3000']);
    expect(ports('kiali')).toStrictEqual(['http:20001->20001', 'http-metrics:9090->9090']);
    expect(ports('tracing')).toStrictEqual(['http-query:80->16686', 'grpc-query:16685->16685']);
    expect(ports('zipkin')).toStrictEqual(['http-query:9411->9411']);
    expect(ports('jaeger-collector')).toStrictEqual([
      'jaeger-collector-http:14268->14268', 'jaeger-collector-grpc:14250->14250', 'http-zipkin:9411->9411', 'grpc-otel:4317->4317', 'http-otel:4318->4318',
    ]);
  });

  test('every pod runs non-root, restricted, with resource requests, outside the mesh, with a pinned image', () => {
    for (const d of objects.filter(o => o.kind === 'Deployment')) {
      const t = (d.spec as any).template;
      expect(t.metadata.labels['sidecar.istio.io/inject']).toBe('false');
      expect(t.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(t.spec.securityContext.runAsUser).toBeGreaterThan(0);
      for (const c of [...t.spec.containers, ...(t.spec.initContainers ?? [])]) {
        expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
        expect(c.resources.requests.cpu).toBeDefined();
        expect(c.image).toMatch(/:[^:/]+$/);
        expect(c.image).not.toMatch(/:latest$/);
      }
    }
  });

  test('the documented default images', () => {
    const images = objects.filter(o => o.kind === 'Deployment').flatMap(d => (d.spec as any).template.spec.containers.map((c: any) => c.image));
    expect(images).toStrictEqual([
      ADDON_IMAGES.prometheusConfigReloader, ADDON_IMAGES.prometheus, ADDON_IMAGES.grafana, ADDON_IMAGES.kiali, ADDON_IMAGES.jaeger,
    ]);
  });

  test('the documented default resources', () => {
    const requests = (name: string, container: string) => pod(objects, name).spec.containers.find((c: any) => c.name === container).resources;
    expect(requests('prometheus', 'prometheus')).toStrictEqual({ requests: { cpu: '50m', memory: '512Mi' }, limits: { memory: '2Gi' } });
    expect(requests('grafana', 'grafana')).toStrictEqual({ requests: { cpu: '10m', memory: '64Mi' } });
    expect(requests('kiali', 'kiali')).toStrictEqual({ requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '1Gi' } });
    expect(requests('jaeger', 'jaeger')).toStrictEqual({ requests: { cpu: '10m', memory: '128Mi' } });
  });

  test('only Prometheus and Kiali, which read the API, mount a token; their ClusterRoles grant no write by default', () => {
    const tokens = objects.filter(o => o.kind === 'Deployment').map(d => `${d.metadata.name}=${(d.spec as any).template.spec.automountServiceAccountToken}`);
    expect(tokens).toStrictEqual(['prometheus=true', 'grafana=false', 'kiali=true', 'jaeger=false']);
    expect((only(objects, 'ClusterRole', 'prometheus').rules as any[]).flatMap(r => r.verbs)).not.toContain('patch');
  });

  test('Prometheus: 15s scrape interval, 15 days retention, istiod and Envoy jobs, annotated pods, itself', () => {
    const config = YAML.parse(data(only(objects, 'ConfigMap', 'prometheus'), 'prometheus.yml'));
    expect(config.global).toStrictEqual({ scrape_interval: '15s', evaluation_interval: '1m' });
    expect(config.scrape_configs.map((j: any) => j.job_name)).toStrictEqual(['istiod', 'envoy-stats', 'kubernetes-pods', 'prometheus']);
    expect(config.scrape_configs[0]).toStrictEqual({
      job_name: 'istiod',
      kubernetes_sd_configs: [{ role: 'endpoints', namespaces: { names: ['istio-system'] } }],
      relabel_configs: [{ source_labels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpoint_port_name'], action: 'keep', regex: 'istiod;http-monitoring' }],
    });
    expect(config.scrape_configs[1].metrics_path).toBe('/stats/prometheus');
    expect(config.scrape_configs[1].relabel_configs[0]).toStrictEqual({ source_labels: ['__meta_kubernetes_pod_container_port_name'], action: 'keep', regex: '.*-envoy-prom' });
    expect(pod(objects, 'prometheus').spec.containers[1].args).toContain('--storage.tsdb.retention.time=15d');
  });

  test('Grafana: Prometheus and Jaeger data sources, no anonymous access, admin credentials from the Secret grafana-admin', () => {
    const config = only(objects, 'ConfigMap', 'grafana');
    expect(YAML.parse(data(config, 'datasources.yaml')).datasources.map((d: any) => `${d.name} ${d.type} ${d.url} default=${d.isDefault}`)).toStrictEqual([
      'Prometheus prometheus http://prometheus.istio-system.svc.cluster.local:9090 default=true',
      'Jaeger jaeger http://tracing.istio-system.svc.cluster.local:80/jaeger default=false',
    ]);
    expect(data(config, 'grafana.ini')).toContain('[auth.anonymous]\nenabled = false\n');
    expect(data(config, 'grafana.ini')).toContain('[users]\nallow_sign_up = false\n');
    expect(pod(objects, 'grafana').spec.containers[0].env).toStrictEqual([
      { name: 'GF_SECURITY_ADMIN_USER', valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'admin-user' } } },
      { name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'admin-password' } } },
    ]);
  });

  test('Kiali: token login with the signing key from the Secret kiali-signing-key, wired to Prometheus, Grafana and Jaeger, not view-only', () => {
    const config = YAML.parse(data(only(objects, 'ConfigMap', 'kiali'), 'config.yaml'));
    expect(config.auth).toStrictEqual({ strategy: 'token' });
    expect(config.deployment.view_only_mode).toBe(false);
    expect(config.external_services.prometheus).toStrictEqual({ url: 'http://prometheus.istio-system.svc.cluster.local:9090' });
    expect(config.external_services.grafana).toStrictEqual({ enabled: true, internal_url: 'http://grafana.istio-system.svc.cluster.local:3000', auth: { type: 'basic' } });
    expect(config.external_services.tracing).toStrictEqual({
      enabled: true, provider: 'jaeger', use_grpc: true, internal_url: 'http://tracing.istio-system.svc.cluster.local:16685/jaeger',
    });
    const spec = pod(objects, 'kiali').spec;
    expect(spec.volumes.filter((v: any) => v.secret)).toStrictEqual([
      { name: 'login-token-signing-key', secret: { secretName: 'kiali-signing-key', items: [{ key: 'key', path: 'value.txt' }] } },
      { name: 'grafana-username', secret: { secretName: 'grafana-admin', items: [{ key: 'admin-user', path: 'value.txt' }] } },
      { name: 'grafana-password', secret: { secretName: 'grafana-admin', items: [{ key: 'admin-password', path: 'value.txt' }] } },
    ]);
    expect(spec.containers[0].volumeMounts.filter((m: any) => m.name !== 'config').map((m: any) => m.mountPath)).toStrictEqual([
      '/kiali-override-secrets/login-token-signing-key', '/kiali-override-secrets/grafana-username', '/kiali-override-secrets/grafana-password',
    ]);
    expect((only(objects, 'ClusterRole', 'kiali').rules as any[]).find(r => r.apiGroups.includes('networking.istio.io')).verbs)
      .toStrictEqual(['get', 'list', 'watch', 'create', 'delete', 'patch']);
  });

  test('1% of requests traced to Jaeger over OTLP: the Telemetry and the extension provider name the same provider', () => {
    expect(only(objects, 'Telemetry').spec).toStrictEqual({ tracing: [{ providers: [{ name: 'jaeger' }], randomSamplingPercentage: 1 }] });
    const values = only(objects, 'ConfigMap', 'istio-tracing-mesh-config');
    const provider = { name: 'jaeger', opentelemetry: { service: 'jaeger-collector.istio-system.svc.cluster.local', port: 4317 } };
    expect(YAML.parse(data(values, 'values.yaml'))).toStrictEqual({ meshConfig: { enableTracing: true, extensionProviders: [provider] } });
    expect(YAML.parse(data(values, 'istio-operator.yaml'))).toStrictEqual({
      apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', spec: { meshConfig: { enableTracing: true, extensionProviders: [provider] } },
    });
  });

  test('the extension provider and mesh config are readable from the construct', () => {
    const app = new App();
    const addons = new ObservabilityAddons(new MeshChart(app, 'c'), 'Addons');
    expect(addons.extensionProvider).toStrictEqual({ name: 'jaeger', opentelemetry: { service: 'jaeger-collector.istio-system.svc.cluster.local', port: 4317 } });
    expect(addons.meshConfig).toStrictEqual({ enableTracing: true, extensionProviders: [addons.extensionProvider] });
    expect(addons.linkerdVizValues).toBeUndefined();
    expect(addons.namespace).toBe('istio-system');
    expect(addons.exposedHosts).toStrictEqual({});
    expect(addons.prometheusUrl).toBe('http://prometheus.istio-system.svc.cluster.local:9090');
  });

  test('the Prometheus URL follows the namespace, and there is none without Prometheus', () => {
    const app = new App();
    expect(new ObservabilityAddons(new MeshChart(app, 'a'), 'Addons', { namespace: 'monitoring' }).prometheusUrl)
      .toBe('http://prometheus.monitoring.svc.cluster.local:9090');
    expect(new ObservabilityAddons(new MeshChart(app, 'b'), 'Addons', { prometheus: { enabled: false }, kiali: { enabled: false } }).prometheusUrl).toBeUndefined();
  });
});

describe('ObservabilityAddons options', () => {
  test('each add-on can be left out', () => {
    const objects = istio({ prometheus: { enabled: false }, grafana: { enabled: false }, kiali: { enabled: false }, tracing: TracingBackend.none() });
    expect(ids(objects)).toStrictEqual([]);
  });

  test('Zipkin instead of Jaeger: Deployment zipkin, Services tracing and zipkin, the Zipkin provider; Kiali shows no traces', () => {
    const objects = expectSchemaValid(istio({ tracing: TracingBackend.zipkin(), samplingPercentage: 10 }));
    expect(ids(objects).filter(i => /zipkin|tracing|jaeger/.test(i))).toStrictEqual(['Deployment/zipkin', 'Service/tracing', 'Service/zipkin', 'ConfigMap/istio-tracing-mesh-config']);
    expect((only(objects, 'Service', 'tracing').spec as any).ports).toStrictEqual([{ name: 'http-query', port: 80, protocol: 'TCP', targetPort: 9411 }]);
    expect(only(objects, 'Telemetry').spec).toStrictEqual({ tracing: [{ providers: [{ name: 'zipkin' }], randomSamplingPercentage: 10 }] });
    expect(YAML.parse(data(only(objects, 'ConfigMap', 'istio-tracing-mesh-config'), 'values.yaml')).meshConfig.extensionProviders)
      .toStrictEqual([{ name: 'zipkin', zipkin: { service: 'zipkin.istio-system.svc.cluster.local', port: 9411 } }]);
    expect(YAML.parse(data(only(objects, 'ConfigMap', 'kiali'), 'config.yaml')).external_services.tracing).toStrictEqual({ enabled: false });
    expect(pod(objects, 'zipkin').spec.containers[0]).toMatchObject({ image: ADDON_IMAGES.zipkin, env: [{ name: 'STORAGE_METHOD', value: 'mem' }] });
  });

  test('images, retention, scrape interval, resources, namespace and root namespace are overridable', () => {
    const objects = istio({
      namespace: 'observability',
      istioRootNamespace: 'istio-config',
      prometheus: { image: 'quay.io/prometheus/prometheus:v3.5.0', retention: Duration.hours(36), scrapeInterval: Duration.minutes(1), resources: { cpu: { request: Cpu.millis(500) } } },
      grafana: { image: 'grafana/grafana@sha256:' + 'a'.repeat(64) },
      tracing: TracingBackend.jaeger({ image: 'jaegertracing/jaeger:2.10.0', resources: { memory: { request: Size.gibibytes(1) } } }),
    });
    expect(pod(objects, 'prometheus').spec.containers[1]).toMatchObject({
      image: 'quay.io/prometheus/prometheus:v3.5.0', resources: { requests: { cpu: '500m' } },
    });
    expect(pod(objects, 'prometheus').spec.containers[1].args[0]).toBe('--storage.tsdb.retention.time=36h');
    expect(YAML.parse(data(only(objects, 'ConfigMap', 'prometheus'), 'prometheus.yml')).global.scrape_interval).toBe('1m');
    expect(pod(objects, 'grafana').spec.containers[0].image).toBe(`grafana/grafana@sha256:${'a'.repeat(64)}`);
    expect(pod(objects, 'jaeger').spec.containers[0]).toMatchObject({ image: 'jaegertracing/jaeger:2.10.0', resources: { requests: { memory: '1Gi' } } });
    expect(only(objects, 'Deployment', 'grafana').metadata.namespace).toBe('observability');
    expect(only(objects, 'Telemetry').metadata.namespace).toBe('istio-config');
    expect(only(objects, 'ClusterRoleBinding', 'prometheus').subjects).toStrictEqual([{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'observability' }]);
  });

  test('Grafana: anonymous access only with a role asked for; admin Secret renamed', () => {
    const objects = istio({ grafana: { anonymousRole: GrafanaRole.VIEWER, adminSecret: { secretName: 'ops-grafana', userKey: 'user', passwordKey: 'pass' } } });
    expect(data(only(objects, 'ConfigMap', 'grafana'), 'grafana.ini')).toContain('[auth.anonymous]\nenabled = true\norg_role = Viewer\n');
    expect(pod(objects, 'grafana').spec.containers[0].env.map((e: any) => `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`)).toStrictEqual(['ops-grafana/user', 'ops-grafana/pass']);
  });

  test('Grafana dashboards: JSON ones in <provider>-grafana-dashboards, grafana.com ones downloaded at pinned revisions beside them', () => {
    const objects = expectSchemaValid(istio({
      grafana: {
        dashboards: [
          GrafanaDashboard.fromGrafanaCom('istio-mesh', 7639, 202),
          GrafanaDashboard.fromJson('mine', '{"title":"Mine"}'),
          GrafanaDashboard.fromJson('services', '{"title":"Services"}', { provider: 'istio-services', folder: 'Istio' }),
        ],
      },
    }));
    expect(ids(objects).filter(i => i.includes('dashboards'))).toStrictEqual(['ConfigMap/istio-grafana-dashboards', 'ConfigMap/istio-services-grafana-dashboards']);
    expect(only(objects, 'ConfigMap', 'istio-grafana-dashboards').data).toStrictEqual({ 'mine.json': '{"title":"Mine"}' });
    const config = only(objects, 'ConfigMap', 'grafana');
    expect(YAML.parse(data(config, 'dashboardproviders.yaml')).providers.map((p: any) => `${p.name} ${p.folder} ${p.options.path}`)).toStrictEqual([
      'istio istio /var/lib/grafana/dashboards/istio', 'istio-services Istio /var/lib/grafana/dashboards/istio-services',
    ]);
    expect(data(config, 'download-dashboards.sh')).toBe([
      'set -eu',
      'mkdir -p /var/lib/grafana/dashboards/istio',
      'curl -fsSL --retry 3 --max-time 60 \'https://grafana.com/api/dashboards/7639/revisions/202/download\' | sed \'s/${DS_PROMETHEUS}/Prometheus/g\' > /var/lib/grafana/dashboards/istio/istio-mesh.json',
      '',
    ].join('\n'));
    const t = pod(objects, 'grafana');
    expect(t.spec.initContainers.map((c: any) => `${c.name} ${c.image}`)).toStrictEqual([`download-dashboards ${ADDON_IMAGES.dashboardDownloader}`]);
    // istio mixes downloads and JSON: file by file; istio-services holds JSON only: the whole ConfigMap
    expect(t.spec.containers[0].volumeMounts.filter((m: any) => m.name.startsWith('dashboards-'))).toStrictEqual([
      { name: 'dashboards-istio', mountPath: '/var/lib/grafana/dashboards/istio/mine.json', subPath: 'mine.json', readOnly: true },
      { name: 'dashboards-istio-services', mountPath: '/var/lib/grafana/dashboards/istio-services', readOnly: true },
    ]);
  });

  test('no init container without grafana.com dashboards', () => {
    expect(pod(istio(), 'grafana').spec.initContainers).toBeUndefined();
  });

  test('Kiali anonymous is view-only by default, with a ClusterRole to match, and no signing key', () => {
    const objects = istio({ kiali: { auth: KialiAuth.anonymous() } });
    const config = YAML.parse(data(only(objects, 'ConfigMap', 'kiali'), 'config.yaml'));
    expect(config.auth).toStrictEqual({ strategy: 'anonymous' });
    expect(config.deployment.view_only_mode).toBe(true);
    const verbs = (only(objects, 'ClusterRole', 'kiali').rules as any[]).flatMap(r => r.verbs);
    expect(verbs.filter(v => ['patch', 'delete'].includes(v))).toStrictEqual([]);
    expect(pod(objects, 'kiali').spec.volumes.map((v: any) => v.name)).not.toContain('login-token-signing-key');
  });

  test('Kiali with OpenID Connect and a signing key Secret of its own', () => {
    const objects = istio({
      kiali: { auth: KialiAuth.openId({ issuerUri: 'https://sso.example.com', clientId: 'kiali', signingKey: { secretName: 'kiali-key', key: 'value' } }), viewOnly: true },
    });
    expect(YAML.parse(data(only(objects, 'ConfigMap', 'kiali'), 'config.yaml')).auth).toStrictEqual({
      strategy: 'openid', openid: { issuer_uri: 'https://sso.example.com', client_id: 'kiali', username_claim: 'sub' },
    });
    expect(pod(objects, 'kiali').spec.volumes.find((v: any) => v.name === 'login-token-signing-key').secret).toStrictEqual({
      secretName: 'kiali-key', items: [{ key: 'value', path: 'value.txt' }],
    });
  });

  test('resource() is the escape hatch to every emitted object', () => {
    const app = new App();
    const addons = new ObservabilityAddons(new MeshChart(app, 'c'), 'Addons');
    addons.resource('Deployment', 'grafana').addJsonPatch(JsonPatch.replace('/spec/replicas', 2));
    expect(addons.resource('Deployment', 'grafana').node.id).toBe('GrafanaDeployment');
    expect(addons.resource('Service', 'jaeger-collector').node.id).toBe('JaegerCollectorService');
    expect(app.synthYaml()).toContain('replicas: 2');
  });
});

describe('ObservabilityAddons exposure (opt-in)', () => {
  const build = (app: App, props: Partial<ObservabilityAddonsProps> = {}, tls = false) => {
    const chart = new MeshChart(app, 'c');
    const gateway = new IngressGateway(chart, 'telemetry-gateway', {
      namespace: { name: 'istio-system' },
      servers: [tls
        ? { port: 443, protocol: GatewayProtocol.HTTPS, hosts: ['*.mesh.example.com'], tls: GatewayTls.simple('cert') }
        : { port: 80, hosts: ['*.mesh.example.com'] }],
    });
    return new ObservabilityAddons(chart, 'Addons', { expose: { gateway, domain: 'mesh.example.com' }, ...props });
  };

  test('Grafana, Kiali and the tracing UI on <addon>.<domain>, each with a DestinationRule in plain text; never Prometheus unless asked', () => {
    const objects = expectSchemaValid(synthObjects(app => { build(app); }));
    expect(ids(objects.filter(o => /VirtualService|DestinationRule/.test(o.kind)))).toStrictEqual([
      'VirtualService/grafana', 'DestinationRule/grafana', 'VirtualService/kiali', 'DestinationRule/kiali', 'VirtualService/tracing', 'DestinationRule/tracing',
    ]);
    expect(only(objects, 'DestinationRule', 'kiali').spec).toStrictEqual({ host: 'kiali.istio-system.svc.cluster.local', trafficPolicy: { tls: { mode: 'DISABLE' } } });
    expect(only(objects, 'VirtualService', 'kiali')).toMatchObject({
      metadata: { name: 'kiali', namespace: 'istio-system' },
      spec: {
        hosts: ['kiali.mesh.example.com'],
        gateways: ['telemetry-gateway'],
        http: [
          { name: 'home', match: [{ uri: { exact: '/' } }], redirect: { uri: '/kiali', redirectCode: 302 } },
          { name: 'kiali', route: [{ destination: { host: 'kiali', port: { number: 20001 } } }] },
        ],
      },
    });
    expect((only(objects, 'VirtualService', 'grafana').spec as any).http).toStrictEqual([{ name: 'grafana', route: [{ destination: { host: 'grafana', port: { number: 3000 } } }] }]);
  });

  test('the public URLs reach Grafana (root_url) and Kiali (links), https when the gateway terminates TLS', () => {
    const objects = synthObjects(app => { build(app, {}, true); });
    expect(data(only(objects, 'ConfigMap', 'grafana'), 'grafana.ini')).toContain('[server]\nroot_url = https://grafana.mesh.example.com/\n');
    expect(data(only(objects, 'ConfigMap', 'grafana'), 'grafana.ini')).toContain('cookie_secure = true');
    const kiali = YAML.parse(data(only(objects, 'ConfigMap', 'kiali'), 'config.yaml'));
    expect(kiali.external_services.grafana.external_url).toBe('https://grafana.mesh.example.com/');
    expect(kiali.external_services.tracing.external_url).toBe('https://tracing.mesh.example.com/jaeger');
    expect(kiali.server).toMatchObject({ web_fqdn: 'kiali.mesh.example.com', web_schema: 'https' });
    const plain = synthObjects(app => { build(app); });
    expect(data(only(plain, 'ConfigMap', 'grafana'), 'grafana.ini')).toContain('root_url = http://grafana.mesh.example.com/');
  });

  test('only the add-ons named', () => {
    const app = new App();
    const addons = build(app, { expose: undefined });
    expect(addons.exposedHosts).toStrictEqual({});
    const app2 = new App();
    const chart = new MeshChart(app2, 'c');
    const gateway = gatewayIn(chart);
    const some = new ObservabilityAddons(chart, 'Addons', { expose: { gateway, domain: 'mesh.example.com', addons: [ExposedAddon.PROMETHEUS] } });
    expect(some.exposedHosts).toStrictEqual({ prometheus: 'prometheus.mesh.example.com' });
  });

  test('fails if the gateway does not serve an add-on\'s host', () => {
    expect(synthError(app => {
      const chart = new MeshChart(app, 'c');
      new ObservabilityAddons(chart, 'Addons', { expose: { gateway: gatewayIn(chart, ['grafana.mesh.example.com']), domain: 'mesh.example.com', addons: [ExposedAddon.GRAFANA, ExposedAddon.KIALI] } });
    })).toContain('[c/Addons/ExposeKiali] \'hosts\' must be served by gateway \'telemetry-gateway\'');
  });

  test('fails if an exposed add-on is not installed', () => {
    expect(errorOf(() => build(new App(), { kiali: { enabled: false }, expose: { gateway: gatewayIn(new MeshChart(new App(), 'g')), domain: 'mesh.example.com', addons: [ExposedAddon.KIALI] } })))
      .toBe('[c/Addons] \'expose.addons\' must name installed add-ons: got \'kiali\'; install kiali, or do not expose it');
  });

  test('fails if an add-on is named twice', () => {
    expect(errorOf(() => build(new App(), { expose: { gateway: gatewayIn(new MeshChart(new App(), 'g')), domain: 'mesh.example.com', addons: [ExposedAddon.GRAFANA, ExposedAddon.GRAFANA] } })))
      .toBe('[c/Addons] \'expose.addons\' must name each add-on once: got \'grafana\'');
  });

  test('fails if the domain is a wildcard or not a DNS name', () => {
    const gateway = gatewayIn(new MeshChart(new App(), 'g'));
    expect(errorOf(() => build(new App(), { expose: { gateway, domain: '*.example.com' } })))
      .toBe('[c/Addons] \'expose.domain\' must be a domain, not a wildcard: got \'*.example.com\'');
    expect(errorOf(() => build(new App(), { expose: { gateway, domain: 'Example_com' } })))
      .toMatch(/^\[c\/Addons\] 'expose\.domain' must be a DNS name/);
  });
});

describe('ObservabilityAddons under Linkerd', () => {
  const objects = expectSchemaValid(linkerd());

  test('Prometheus, Grafana and Jaeger in linkerd-viz, not injected; no Kiali, no Istio objects; the linkerd-viz values', () => {
    expect(ids(objects)).toStrictEqual([
      'ServiceAccount/prometheus', 'ConfigMap/prometheus', 'ClusterRole/prometheus', 'ClusterRoleBinding/prometheus', 'Service/prometheus', 'Deployment/prometheus',
      'ServiceAccount/grafana', 'ConfigMap/grafana', 'Service/grafana', 'Deployment/grafana',
      'Deployment/jaeger', 'Service/tracing', 'ConfigMap/jaeger', 'Service/zipkin', 'Service/jaeger-collector',
      'ConfigMap/linkerd-viz-values',
    ]);
    expect([...new Set(objects.filter(o => o.metadata.namespace).map(o => o.metadata.namespace))]).toStrictEqual(['linkerd-viz']);
    for (const d of objects.filter(o => o.kind === 'Deployment')) {
      expect((d.spec as any).template.metadata.annotations['linkerd.io/inject']).toBe('disabled');
      expect((d.spec as any).template.metadata.labels['sidecar.istio.io/inject']).toBeUndefined();
    }
  });

  test('Prometheus scrapes Linkerd\'s control plane and proxies', () => {
    const config = YAML.parse(data(only(objects, 'ConfigMap', 'prometheus'), 'prometheus.yml'));
    expect(config.scrape_configs.map((j: any) => j.job_name)).toStrictEqual(['linkerd-controller', 'linkerd-proxy', 'kubernetes-pods', 'prometheus']);
    expect(config.scrape_configs[1].relabel_configs[0]).toStrictEqual({
      source_labels: ['__meta_kubernetes_pod_container_name', '__meta_kubernetes_pod_container_port_name', '__meta_kubernetes_pod_label_linkerd_io_control_plane_ns'],
      action: 'keep',
      regex: '^linkerd-proxy;linkerd-admin;linkerd$',
    });
  });

  test('linkerd-viz is pointed at this Prometheus (its own off), Grafana and Jaeger', () => {
    const values = {
      prometheusUrl: 'http://prometheus.linkerd-viz.svc.cluster.local:9090',
      prometheus: { enabled: false },
      grafana: { url: 'grafana.linkerd-viz.svc.cluster.local:3000' },
      jaegerUrl: 'tracing.linkerd-viz.svc.cluster.local:80',
    };
    expect(YAML.parse(data(only(objects, 'ConfigMap', 'linkerd-viz-values'), 'values.yaml'))).toStrictEqual(values);
    const app = new App();
    const addons = new ObservabilityAddons(new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD }), 'Addons');
    expect(addons.linkerdVizValues).toStrictEqual(values);
    expect(addons.prometheusUrl).toBe(values.prometheusUrl);
    expect(addons.meshConfig).toBeUndefined();
    expect(addons.extensionProvider).toBeUndefined();
  });

  test('without Grafana and tracing, only the Prometheus URL', () => {
    const values = YAML.parse(data(only(linkerd({ grafana: { enabled: false }, tracing: TracingBackend.none() }), 'ConfigMap', 'linkerd-viz-values'), 'values.yaml'));
    expect(values).toStrictEqual({ prometheusUrl: 'http://prometheus.linkerd-viz.svc.cluster.local:9090', prometheus: { enabled: false } });
  });

  const inLinkerd = (props: ObservabilityAddonsProps) => () => new ObservabilityAddons(new MeshChart(new App(), 'c', { mesh: MeshProvider.LINKERD }), 'Addons', props);

  test('fails if Kiali is asked for', () => {
    expect(errorOf(inLinkerd({ kiali: { enabled: true } }))).toBe('[c/Addons] \'kiali.enabled\' Kiali reads Istio\'s configuration: it cannot be expressed with the Linkerd back-end '
      + '(MeshProvider.LINKERD): got true; use the linkerd-viz dashboard (its values are emitted), or put the add-ons in an Istio chart');
  });

  test('fails if a sampling rate or Istio root namespace is set', () => {
    expect(errorOf(inLinkerd({ samplingPercentage: 5 }))).toBe('[c/Addons] \'samplingPercentage\' a sampling rate (Istio\'s Telemetry) cannot be expressed with the Linkerd back-end '
      + '(MeshProvider.LINKERD): got 5; Linkerd\'s proxies follow the sampling decision of the trace\'s first hop');
    expect(errorOf(inLinkerd({ istioRootNamespace: 'istio-system' }))).toMatch(/^\[c\/Addons\] 'istioRootNamespace' Istio's root namespace cannot be expressed/);
  });

  test('fails if exposed (Linkerd has no ingress gateway)', () => {
    expect(errorOf(() => {
      const app = new App();
      const gateway = gatewayIn(new MeshChart(app, 'istio'));
      new ObservabilityAddons(new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD }), 'Addons', { expose: { gateway, domain: 'mesh.example.com' } });
    })).toMatch(/^\[c\/Addons\/ExposeGrafana\] 'mesh' IngressGatewayRoute cannot be expressed with the Linkerd back-end/);
  });
});

describe('ObservabilityAddons errors', () => {
  const inIstio = (props: ObservabilityAddonsProps) => () => new ObservabilityAddons(new MeshChart(new App(), 'c'), 'Addons', props);

  test('fails if an image is not pinned', () => {
    expect(errorOf(inIstio({ grafana: { image: 'grafana/grafana' } })))
      .toBe('[c/Addons] \'grafana.image\' must pin a version (a tag other than \'latest\', or a digest): got \'grafana/grafana\'; e.g. \'docker.io/grafana/grafana:12.0.1\'');
    expect(errorOf(inIstio({ prometheus: { configReloaderImage: 'localhost:5000/reloader:latest' } })))
      .toMatch(/^\[c\/Addons\] 'prometheus\.configReloaderImage' must pin a version .*: got 'localhost:5000\/reloader:latest'/);
    expect(errorOf(() => TracingBackend.zipkin({ image: 'openzipkin/zipkin:latest' })))
      .toBe('TracingBackend.zipkin: \'image\' must pin a version (a tag other than \'latest\', or a digest): got \'openzipkin/zipkin:latest\'; e.g. \'docker.io/grafana/grafana:12.0.1\'');
  });

  test('fails if Kiali is installed without Prometheus', () => {
    expect(errorOf(inIstio({ prometheus: { enabled: false } }))).toBe('[c/Addons] \'kiali.enabled\' needs Prometheus: Kiali draws the mesh from its metrics: got true; '
      + 'install Prometheus too (prometheus.enabled), or set kiali.enabled: false');
  });

  test('fails if the sampling percentage is out of range', () => {
    expect(errorOf(inIstio({ samplingPercentage: 120 }))).toBe('[c/Addons] \'samplingPercentage\' must be a percentage between 0 and 100: got 120');
  });

  test('fails if a namespace is not a DNS label', () => {
    expect(errorOf(inIstio({ namespace: 'Istio_System' }))).toBe('[c/Addons] \'namespace\' must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters): got \'Istio_System\'; write it as \'istio-system\'');
  });

  test('fails if retention is not whole seconds', () => {
    expect(errorOf(inIstio({ prometheus: { retention: Duration.millis(1500) } })))
      .toBe('[c/Addons] \'prometheus.retention\' must be a whole number of seconds, at least 1: got \'1.5s\'');
  });

  test('fails if a dashboard is named twice in a provider, or a provider spans two folders', () => {
    expect(errorOf(inIstio({ grafana: { dashboards: [GrafanaDashboard.fromJson('a', '{}'), GrafanaDashboard.fromGrafanaCom('a', 1, 1)] } })))
      .toBe('[c/Addons] \'grafana.dashboards\' must name each dashboard once per provider: got \'istio/a.json\'; give one of them another name or provider');
    expect(errorOf(inIstio({ grafana: { dashboards: [GrafanaDashboard.fromJson('a', '{}'), GrafanaDashboard.fromJson('b', '{}', { folder: 'Other' })] } })))
      .toBe('[c/Addons] \'grafana.dashboards\' must put every dashboard of provider \'istio\' in one folder: got \'Other\'; its first dashboard is in \'istio\'');
  });

  test('fails if the Grafana admin Secret is not a valid reference', () => {
    expect(errorOf(inIstio({ grafana: { adminSecret: { secretName: 'grafana', passwordKey: 'pass word' } } })))
      .toBe('[c/Addons] \'adminSecret.key\' must be a Secret key (letters, digits, \'-\', \'_\', \'.\'): got \'pass word\'');
  });

  test('fails if rendered for no mesh', () => {
    expect(errorOf(() => new ObservabilityAddons(new MeshChart(new App(), 'c', { mesh: MeshProvider.NONE }), 'Addons')))
      .toBe('[c/Addons] \'mesh\' ObservabilityAddons needs a mesh to observe: this chart is rendered for MeshProvider.NONE: got \'none\'; render the chart for MeshProvider.ISTIO or LINKERD');
  });

  test('fails if resource() names an object that is not emitted', () => {
    const addons = new ObservabilityAddons(new MeshChart(new App(), 'c'), 'Addons', { grafana: { enabled: false }, kiali: { enabled: false }, tracing: TracingBackend.none() });
    expect(errorOf(() => addons.resource('Deployment', 'grafana'))).toBe('[c/Addons] \'resource\' must name an object these add-ons emit: got \'Deployment/grafana\'; they emit '
      + '\'ServiceAccount/prometheus\', \'ConfigMap/prometheus\', \'ClusterRole/prometheus\', \'ClusterRoleBinding/prometheus\', \'Service/prometheus\', \'Deployment/prometheus\'');
  });
});

describe('GrafanaDashboard', () => {
  test('fails if the JSON does not parse, or is not an object', () => {
    expect(errorOf(() => GrafanaDashboard.fromJson('a', '{title:'))).toMatch(/^\w+\.\w+: 'json' must be valid JSON: got '\{title:'; /);
    expect(errorOf(() => GrafanaDashboard.fromJson('a', '[1]'))).toBe('GrafanaDashboard.fromJson: \'json\' must be a JSON object (a Grafana dashboard model): got \'[1]\'');
  });

  test('fails if the id or revision is not a positive whole number', () => {
    expect(errorOf(() => GrafanaDashboard.fromGrafanaCom('a', 7639, 0)))
      .toBe('GrafanaDashboard.fromGrafanaCom: \'revision\' must be a whole number of at least 1: got 0; see https://grafana.com/grafana/dashboards/');
    expect(errorOf(() => GrafanaDashboard.fromGrafanaCom('a', 1.5, 1))).toBe('GrafanaDashboard.fromGrafanaCom: \'id\' must be a whole number of at least 1: got 1.5; see https://grafana.com/grafana/dashboards/');
  });

  test('fails if the name, provider or folder is not usable', () => {
    expect(errorOf(() => GrafanaDashboard.fromJson('My Board', '{}'))).toMatch(/^\w+\.\w+: 'name' must be a DNS-1123 label .*: got 'My Board'; write it as 'my-board'$/);
    expect(errorOf(() => GrafanaDashboard.fromJson('a', '{}', { provider: 'A/B' }))).toMatch(/^\w+\.\w+: 'provider' must be a DNS-1123 label .*: got 'A\/B'; write it as 'a-b'$/);
    expect(errorOf(() => GrafanaDashboard.fromJson('a', '{}', { folder: ' ' }))).toBe('GrafanaDashboard.fromJson: \'folder\' must be a non-empty, one-line folder title: got \' \'');
  });
});

describe('KialiAuth', () => {
  test('fails if the OpenID issuer is not https, or the client id is empty', () => {
    expect(errorOf(() => KialiAuth.openId({ issuerUri: 'http://sso.example.com', clientId: 'kiali' })))
      .toBe('KialiAuth.openId: \'openId.issuerUri\' must be an https:// URL: got \'http://sso.example.com\'');
    expect(errorOf(() => KialiAuth.openId({ issuerUri: 'https://sso.example.com', clientId: ' ' }))).toBe('KialiAuth.openId: \'openId.clientId\' must not be empty: got \' \'');
  });

  test('fails if the signing key Secret is not a valid name', () => {
    expect(errorOf(() => KialiAuth.token({ signingKey: { secretName: 'Kiali Key', key: 'key' } }))).toMatch(/^\w+\.\w+: 'signingKey\.secretName' must be a DNS-1123 subdomain .*: got 'Kiali Key'; write it as 'kiali-key'$/);
  });
});
