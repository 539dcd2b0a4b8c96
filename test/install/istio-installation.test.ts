import * as YAML from 'yaml';
import {
  AccessLogEncoding, AuthorizationAction, AuthorizationPolicy, Autoscaling, DataPlane, DisruptionBudget, InstallOutput, IstioGateway,
  IngressGateway, IstioInstallation,
  IstioPlatform, IstioProfile, MeshApp, MeshChart, MeshExtensionProvider, MeshNamespace, MeshService, NamespaceInjection, ObservabilityAddons,
  OutboundTrafficPolicyMode, RequestSource, TracingBackend, WorkloadSelector,
} from '../../lib';
import { errorOf } from '../support/errors';
import { synthFails, synthFiles } from '../support/synth-files';

const synth = synthFiles;

const values = (files: Map<string, string>, file: string) => YAML.parse(files.get(file)!);
const chart = (app: MeshApp, id = 'istio') => new MeshChart(app, id, { namespace: 'istio-system' });

describe('IstioInstallation', () => {
  test('by default: Helm, base then istiod, istiod autoscaled from two pods, a README with the exact commands, no manifests file', () => {
    const files = synth(app => new IstioInstallation(chart(app), 'istio', { version: '1.28.0' }));
    expect([...files.keys()]).toStrictEqual(['istio/README.md', 'istio/values/1-istio-base.yaml', 'istio/values/2-istiod.yaml', 'mesh-kit-analysis.json', 'mesh-kit-graph.md']);
    expect(values(files, 'istio/values/1-istio-base.yaml')).toStrictEqual({});
    expect(values(files, 'istio/values/2-istiod.yaml')).toStrictEqual({
      autoscaleEnabled: true, autoscaleMin: 2, autoscaleMax: 5, cpu: { targetAverageUtilization: 80 },
    });
    expect(files.get('istio/README.md')).toContain([
      'helm repo add istio https://istio-release.storage.googleapis.com/charts',
      'helm repo update istio',
      'helm upgrade --install istio-base istio/base --version 1.28.0 --namespace istio-system --create-namespace --wait \\',
      '    -f values/1-istio-base.yaml',
      'helm upgrade --install istiod istio/istiod --version 1.28.0 --namespace istio-system --wait \\',
      '    -f values/2-istiod.yaml',
      '```',
    ].join('\n'));
  });

  test('the demo profile is the charts\' `profile` value; gateways in the chart are applied after the releases', () => {
    const files = synth(app => {
      const c = chart(app);
      const installation = new IstioInstallation(c, 'istio', { version: '1.28.0', profile: IstioProfile.DEMO, istiod: { replicas: 2 } });
      new IstioGateway(c, 'istio-ingressgateway', { installation });
    });
    expect(values(files, 'istio/values/2-istiod.yaml')).toStrictEqual({ profile: 'demo', autoscaleEnabled: false, replicaCount: 2 });
    expect(files.get('istio/README.md')).toContain('-f values/2-istiod.yaml\nkubectl apply -f ../istio.k8s.yaml\n```');
    expect(files.get('istio/README.md')).toContain('(charts 1.28.0, profile demo)');
  });

  test('ambient: base, istiod, istio-cni and ztunnel in order, each with the ambient profile and the revision', () => {
    const installation = new IstioInstallation(chart(new MeshApp()), 'istio', { version: '1.28.0', profile: IstioProfile.AMBIENT, revision: 'canary' });
    expect(installation.ambient).toBe(true);
    expect(installation.releases.map(r => [r.name, r.chart, r.values])).toStrictEqual([
      ['istio-base', 'base', { profile: 'ambient' }],
      ['istiod-canary', 'istiod', { profile: 'ambient', revision: 'canary', autoscaleEnabled: true, autoscaleMin: 2, autoscaleMax: 5, cpu: { targetAverageUtilization: 80 } }],
      ['istio-cni-canary', 'cni', { profile: 'ambient', revision: 'canary' }],
      ['ztunnel-canary', 'ztunnel', { profile: 'ambient', revision: 'canary' }],
    ]);
  });

  test('mesh config: settings, typed providers and the add-ons\' collector; the add-ons then write no mesh-config ConfigMap', () => {
    const app = new MeshApp();
    const c = chart(app);
    const addons = new ObservabilityAddons(c, 'addons', { tracing: TracingBackend.jaeger() });
    expect(addons.resource('ConfigMap', 'istio-tracing-mesh-config')).toBeDefined();
    const installation = new IstioInstallation(c, 'istio', {
      version: '1.28.0',
      meshConfig: {
        accessLogFile: '/dev/stdout',
        accessLogEncoding: AccessLogEncoding.JSON,
        outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
        trustDomain: 'example.org',
        extensionProviders: [MeshExtensionProvider.externalAuthorizationHttp('oauth2-proxy', 'oauth2-proxy.auth.svc.cluster.local', 4180)],
        defaultProviders: { accessLogging: ['envoy'] },
      },
      observability: addons,
    });
    expect(() => addons.resource('ConfigMap', 'istio-tracing-mesh-config')).toThrow(/must name an object these add-ons emit/);
    expect(installation.releases[1].values.meshConfig).toStrictEqual({
      accessLogFile: '/dev/stdout',
      accessLogEncoding: 'JSON',
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      trustDomain: 'example.org',
      extensionProviders: [
        { name: 'oauth2-proxy', envoyExtAuthzHttp: { service: 'oauth2-proxy.auth.svc.cluster.local', port: 4180 } },
        { name: 'jaeger', opentelemetry: { service: 'jaeger-collector.istio-system.svc.cluster.local', port: 4317 } },
      ],
      defaultProviders: { accessLogging: ['envoy'] },
      enableTracing: true,
    });
    // the effective mesh config: the chart's default under it
    expect(installation.meshConfig.enablePrometheusMerge).toBe(true);
  });

  test('a profile\'s mesh config counts: demo\'s providers are known to the analysis', () => {
    const installation = new IstioInstallation(chart(new MeshApp()), 'istio', { version: '1.28.0', profile: IstioProfile.DEMO });
    expect((installation.meshConfig.extensionProviders as Array<{ name: string }>).map(p => p.name)).toStrictEqual(['otel', 'skywalking', 'otel-tracing', 'jaeger']);
  });

  test('values are merged over the installation\'s own', () => {
    const installation = new IstioInstallation(chart(new MeshApp()), 'istio', {
      version: '1.28.0',
      istiod: {
        autoscaling: Autoscaling.of({ minReplicas: 3, maxReplicas: 9, memoryUtilization: 75 }),
        disruptionBudget: DisruptionBudget.maxUnavailable(1),
      },
      values: { istiod: { env: { PILOT_ENABLE_STATUS: 'true' }, autoscaleMax: 12 }, base: { defaultRevision: '' } },
    });
    expect(installation.releases.map(r => r.values)).toStrictEqual([
      { defaultRevision: '' },
      { autoscaleEnabled: true, autoscaleMin: 3, autoscaleMax: 12, memory: { targetAverageUtilization: 75 }, pdb: { maxUnavailable: 1 }, env: { PILOT_ENABLE_STATUS: 'true' } },
    ]);
  });

  test('InstallOutput.istioOperator(): an IstioOperator for istioctl, with the profile, tag, revision and istiod values', () => {
    const files = synth(app => new IstioInstallation(chart(app), 'istio', {
      version: '1.28.0',
      profile: IstioProfile.AMBIENT,
      revision: 'canary',
      output: InstallOutput.istioOperator(),
      meshConfig: { accessLogFile: '/dev/stdout' },
    }));
    expect([...files.keys()]).toStrictEqual(['istio/README.md', 'istio/istio-operator.yaml', 'mesh-kit-analysis.json', 'mesh-kit-graph.md']);
    expect(files.get('istio/README.md')).toContain('istioctl install -y -f istio-operator.yaml');
    expect(values(files, 'istio/istio-operator.yaml')).toStrictEqual({
      apiVersion: 'install.istio.io/v1alpha1',
      kind: 'IstioOperator',
      metadata: { name: 'istio', namespace: 'istio-system' },
      spec: {
        profile: 'ambient',
        tag: '1.28.0',
        revision: 'canary',
        meshConfig: { accessLogFile: '/dev/stdout' },
        components: {
          base: { enabled: true },
          pilot: { enabled: true },
          cni: { enabled: true },
          ztunnel: { enabled: true },
          ingressGateways: [{ name: 'istio-ingressgateway', enabled: false }],
          egressGateways: [{ name: 'istio-egressgateway', enabled: false }],
        },
        values: { pilot: { autoscaleEnabled: true, autoscaleMin: 2, autoscaleMax: 5, cpu: { targetAverageUtilization: 80 } } },
      },
    });
  });

  test('InstallOutput.istioOperator(): revision tags, platform and the disruption budget where IstioOperator keeps them', () => {
    const installation = new IstioInstallation(chart(new MeshApp()), 'istio', {
      version: '1.28.0',
      revision: 'canary',
      revisionTags: ['stable'],
      platform: IstioPlatform.GKE,
      output: InstallOutput.istioOperator(),
      istiod: { replicas: 3, disruptionBudget: DisruptionBudget.maxUnavailable(1) },
    });
    const spec = installation._installation().model.operatorSpec as { [key: string]: any };
    expect(spec.components.pilot).toStrictEqual({ enabled: true, k8s: { podDisruptionBudget: { maxUnavailable: 1 } } });
    expect(spec.values).toStrictEqual({ global: { platform: 'gke' }, revisionTags: ['stable'], pilot: { autoscaleEnabled: false, replicaCount: 3 } });
    expect(installation.releases[1].values).toStrictEqual({
      platform: 'gke', revision: 'canary', autoscaleEnabled: false, replicaCount: 3, pdb: { maxUnavailable: 1 }, revisionTags: ['stable'],
    });
  });

  test('InstallOutput.argoCd(): one Application per release, pinned, in sync waves before the chart\'s objects', () => {
    const files = synth(app => {
      const c = new MeshChart(app, 'istio', { namespace: 'istio-system', argoCdSyncWaves: true });
      const installation = new IstioInstallation(c, 'istio', { version: '1.28.0', output: InstallOutput.argoCd({ project: 'platform' }) });
      new IstioGateway(c, 'istio-ingressgateway', { installation });
    });
    const objects = YAML.parseAllDocuments(files.get('istio.k8s.yaml')!).map(d => d.toJSON());
    const apps = objects.filter(o => o.kind === 'Application');
    expect(apps[1]).toStrictEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'istiod', namespace: 'argocd', annotations: { 'argocd.argoproj.io/sync-wave': '-1' } },
      spec: {
        project: 'platform',
        source: {
          repoURL: 'https://istio-release.storage.googleapis.com/charts',
          chart: 'istiod',
          targetRevision: '1.28.0',
          helm: { releaseName: 'istiod', valuesObject: { autoscaleEnabled: true, autoscaleMin: 2, autoscaleMax: 5, cpu: { targetAverageUtilization: 80 } } },
        },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'istio-system' },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'] },
      },
    });
    expect(apps[0].metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-2');
    expect(apps[0].spec.ignoreDifferences).toStrictEqual([
      { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jsonPointers: ['/webhooks/0/failurePolicy'] },
    ]);
    expect(objects.find(o => o.kind === 'Deployment').metadata.annotations).toStrictEqual({ 'argocd.argoproj.io/sync-wave': '1' });
    expect([...files.keys()]).toContain('istio/README.md');
  });

  test('InstallOutput.flux(): a HelmRepository and HelmReleases, each depending on the one before', () => {
    const files = synth(app => new IstioInstallation(chart(app), 'istio', { version: '1.28.0', output: InstallOutput.flux() }));
    const objects = YAML.parseAllDocuments(files.get('istio.k8s.yaml')!).map(d => d.toJSON());
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual(['HelmRepository/istio', 'HelmRelease/istio-base', 'HelmRelease/istiod']);
    expect(objects[0].spec).toStrictEqual({ interval: '10m', url: 'https://istio-release.storage.googleapis.com/charts' });
    expect(objects[2].spec).toMatchObject({
      releaseName: 'istiod',
      targetNamespace: 'istio-system',
      chart: { spec: { chart: 'istiod', version: '1.28.0', sourceRef: { kind: 'HelmRepository', name: 'istio', namespace: 'flux-system' } } },
      dependsOn: [{ name: 'istio-base' }],
    });
    expect(objects[1].spec.dependsOn).toBeUndefined();
  });
});

describe('IstioInstallation bad input: the construct, the field, the value and the fix; nothing written', () => {
  const make = (props: object) => () => new IstioInstallation(chart(new MeshApp()), 'istio', { version: '1.28.0', ...props });

  test('fails on a profile that does not exist (from JavaScript or JSON config)', () => {
    expect(errorOf(make({ profile: 'demoo' })))
      .toBe('[istio/istio] IstioInstallation: \'props.profile\' must be one of \'ambient\', \'default\', \'demo\', \'empty\', \'minimal\', \'preview\', \'remote\', \'stable\': '
        + 'got \'demoo\'; did you mean \'demo\'?');
  });

  test('fails on a value key the chart does not have, naming the nearest', () => {
    expect(errorOf(make({ values: { istiod: { replicaCout: 3 } } })))
      .toBe('[istio/istio] \'values.istiod.replicaCout\' is not a value of Istio\'s istiod chart: got 3; did you mean \'replicaCount\'?');
    expect(errorOf(make({ values: { istiod: { global: { proxy: { resorces: {} } } } } })))
      .toBe('[istio/istio] \'values.istiod.global.proxy.resorces\' is not a value of Istio\'s istiod chart: got {}; did you mean \'resources\'?');
    expect(errorOf(make({ values: { pilot: {} } }))).toMatch(/'props.values.pilot' is not a property of IstioChartValuesOptions: got \{\}; valid: 'base', 'cni', 'istiod', 'ztunnel'/);
  });

  test('free-form maps take any key: labels, annotations, env, meshConfig', () => {
    expect(() => make({ values: { istiod: { podAnnotations: { 'x.io/y': 'z' }, env: { ANY: '1' }, meshConfig: { anything: true } } } })()).not.toThrow();
  });

  test('fails on one istiod pod with the default disruption budget (the seed\'s drain deadlock), at synth', () => {
    expect(synthFails(app => new IstioInstallation(chart(app), 'istio', { version: '1.28.0', istiod: { replicas: 1 } })))
      .toContain('[istio/istio] \'istiod.replicas\' with istiod\'s PodDisruptionBudget of minAvailable 1 blocks every node drain (no istiod pod may ever be evicted): got 1; '
        + 'run at least two istiod pods (the default), or use DisruptionBudget.maxUnavailable(1)');
    // the same through the values, and through the demo profile's autoscaleEnabled: false
    expect(synthFails(app => new IstioInstallation(chart(app), 'istio', { version: '1.28.0', values: { istiod: { autoscaleEnabled: false } } })))
      .toContain('\'istiod.replicas\' with istiod\'s PodDisruptionBudget of minAvailable 1 blocks every node drain');
    expect(() => synth(app => new IstioInstallation(chart(app), 'istio', { version: '1.28.0', istiod: { replicas: 1, disruptionBudget: DisruptionBudget.none() } }))).not.toThrow();
  });

  test('fails on ambient without its components', () => {
    expect(errorOf(make({ profile: IstioProfile.AMBIENT, components: { ztunnel: false } })))
      .toBe('[istio/istio] \'components.ztunnel\' must be installed with the ambient profile: ambient mode needs istio-cni and ztunnel on every node: got false; '
        + 'remove components.ztunnel, or choose another profile');
    expect(errorOf(make({ components: { ztunnel: true } }))).toMatch(/'components.cni' must be installed with ztunnel/);
    expect(errorOf(make({ values: { ztunnel: { logLevel: 'debug' } } }))).toMatch(/'values.ztunnel' are for the ztunnel chart, which this installation does not install/);
  });

  test('fails on two installations claiming one revision, or both installing the base chart', () => {
    expect(synthFails(app => {
      new IstioInstallation(chart(app, 'a'), 'istio', { version: '1.28.0', revision: 'stable' });
      new IstioInstallation(chart(app, 'b'), 'istio', { version: '1.29.0', revisionTags: ['stable'], components: { base: false } });
    })).toContain('[b/istio] \'revision\' must be claimed by one installation: two istiods would serve the same namespaces: got \'stable\'; '
      + '\'a/istio\' serves it too: give one of them another revision (a canary upgrade)');
    expect(synthFails(app => {
      new IstioInstallation(chart(app, 'a'), 'istio', { version: '1.28.0' });
      new IstioInstallation(chart(app, 'b'), 'istio', { version: '1.29.0', revision: 'canary' });
    })).toContain('[b/istio] \'components.base\' must be installed by one installation');
    expect(synthFails(app => {
      const c = chart(app);
      new IstioInstallation(c, 'one', { version: '1.28.0' });
      new IstioInstallation(c, 'two', { version: '1.28.0', revision: 'canary', components: { base: false } });
    })).toContain('[istio] \'installation\' must be one per chart: its files are the chart\'s folder of the output: got [\'istio/one\', \'istio/two\']; '
      + 'put each installation in a chart of its own: move \'istio/two\' out of \'istio\'');
  });

  test('fails on an unpinned version, a bad revision, secret material in values', () => {
    expect(errorOf(() => new IstioInstallation(chart(new MeshApp()), 'istio', { version: 'latest' })))
      .toBe('[istio/istio] \'version\' must be an exact chart version (pinned, not a range or \'latest\'): got \'latest\'; e.g. \'1.28.0\'');
    expect(errorOf(make({ revision: 'default' }))).toMatch(/'revision' must not be 'default'/);
    expect(errorOf(make({ revision: 'canary', revisionTags: ['stable', 'canary'] })))
      .toBe('[istio/istio] \'revisionTags\' must not repeat the revision itself: got \'canary\'; drop it from revisionTags');
    expect(errorOf(make({ chartRepository: 'oci://registry.example.com/istio' })))
      .toMatch(/'chartRepository' must be the https:\/\/ URL of a Helm repository \(a mirror of Istio's\): got 'oci:\/\/registry.example.com\/istio'/);
    expect(errorOf(make({ meshConfig: { accessLogFile: 'stdout' } })))
      .toBe('[istio/istio] \'meshConfig.accessLogFile\' must be an absolute path: got \'stdout\'; e.g. \'/dev/stdout\'');
    expect(errorOf(make({ values: { istiod: { jwksResolverExtraRootCA: '-----BEGIN CERTIFICATE-----\nMIIB' } } })))
      .toBe('[istio/istio] \'values.istiod.jwksResolverExtraRootCA\' must not hold a certificate or key: it would be written into the output: got \'-----BEGIN …\'; '
        + 'keep it in a Secret and reference the Secret (cert-manager, external-secrets), or pass it with `helm --set-file` outside Git');
  });

  test('fails on add-ons of the other mesh, or a provider name twice', () => {
    const app = new MeshApp();
    const c = chart(app);
    const addons = new ObservabilityAddons(c, 'addons', { tracing: TracingBackend.jaeger() });
    expect(errorOf(() => new IstioInstallation(c, 'istio', {
      version: '1.28.0',
      observability: addons,
      meshConfig: { extensionProviders: [MeshExtensionProvider.zipkin('jaeger', 'zipkin.istio-system.svc.cluster.local', 9411)] },
    }).releases)).toMatch(/'meshConfig.extensionProviders' must not name a provider the observability add-ons register: got 'jaeger'/);
    const once = new IstioInstallation(chart(new MeshApp(), 'y'), 'istio', { version: '1.28.0' });
    const twice = new ObservabilityAddons(chart(new MeshApp(), 'z'), 'addons', { tracing: TracingBackend.jaeger() });
    once.addObservability(twice);
    expect(errorOf(() => once.addObservability(twice))).toBe('[y/istio] \'observability\' must be added once: got \'z/addons\'; drop the second addObservability() call');
    expect(errorOf(() => new IstioInstallation(chart(new MeshApp(), 'x'), 'istio', {
      version: '1.28.0', meshConfig: { extensionProviders: [MeshExtensionProvider.prometheus('prometheus')] },
    }).releases)).toMatch(/must have unique names, none of Istio's built-in ones: got 'prometheus'/);
  });
});

describe('the app checked against its installation (synth-time analysis)', () => {
  test('MK0009: a Telemetry naming a provider the mesh config lacks; the add-ons\' own provider passes', () => {
    expect(synthFails(app => {
      const c = chart(app);
      new IstioInstallation(c, 'istio', { version: '1.28.0' });
      new ObservabilityAddons(c, 'addons', { tracing: TracingBackend.jaeger() });
    })).toContain('[MK0009] Telemetry \'mesh-default\' tracing names provider \'jaeger\', which the mesh config does not define');
    expect(() => synth(app => {
      const c = chart(app);
      new IstioInstallation(c, 'istio', { version: '1.28.0', observability: new ObservabilityAddons(c, 'addons', { tracing: TracingBackend.jaeger() }) });
    })).not.toThrow();
  });

  test('MK0009: a CUSTOM AuthorizationPolicy asking an authorizer the mesh config lacks', () => {
    expect(synthFails(app => {
      const c = new MeshChart(app, 'shop', { namespace: 'shop' });
      new IstioInstallation(chart(app), 'istio', { version: '1.28.0' });
      const web = new MeshService(c, 'web', { namespace: new MeshNamespace(c, 'ns', { name: 'shop' }), ports: [{ port: 8080 }], image: 'nginx:1.27.1' });
      new AuthorizationPolicy(c, 'ext-authz', {
        workload: WorkloadSelector.service(web), action: AuthorizationAction.CUSTOM, provider: 'oauth2-proxy', rules: [{ from: [RequestSource.anyAuthenticated()] }],
      });
    })).toContain('[MK0009] AuthorizationPolicy \'ext-authz\' asks provider \'oauth2-proxy\'');
  });

  test('MK0010: a namespace asking a revision no installation serves', () => {
    expect(synthFails(app => {
      new IstioInstallation(chart(app), 'istio', { version: '1.28.0', revision: '1-28' });
      const c = new MeshChart(app, 'shop');
      new MeshNamespace(c, 'ns', { name: 'shop', injection: NamespaceInjection.revision('1-27') });
    })).toContain('[MK0010] Namespace \'shop\' asks for Istio revision \'1-27\' (istio.io/rev), which no installation of the app serves (served: 1-28)');
    expect(synthFails(app => {
      new IstioInstallation(chart(app), 'istio', { version: '1.28.0', revision: '1-28' });
      new MeshNamespace(new MeshChart(app, 'shop'), 'ns', { name: 'shop' });
    })).toContain('[MK0010] Namespace \'shop\' asks for Istio revision \'default\' (istio-injection=enabled)');
  });

  test('MK0011: an ambient namespace without istio-cni and ztunnel installed', () => {
    expect(synthFails(app => {
      new IstioInstallation(chart(app), 'istio', { version: '1.28.0' });
      new MeshNamespace(new MeshChart(app, 'shop', { dataPlane: DataPlane.AMBIENT }), 'ns', { name: 'shop' });
    })).toContain('[MK0011] Namespace \'shop\' enrols in ambient mode (istio.io/dataplane-mode=ambient), but no installation of the app installs istio-cni and ztunnel');
  });

  test('IST0101: with an installation in the app, a Gateway selecting pods no declared gateway has (istioctl\'s default gateway is not assumed)', () => {
    const build = (withGateway: boolean) => (app: MeshApp) => {
      const c = chart(app);
      new IstioInstallation(c, 'istio', { version: '1.28.0' });
      if (withGateway) new IstioGateway(c, 'istio-ingressgateway');
      new IngressGateway(c, 'gw', { servers: [{ port: 8080, hosts: ['a.example.com'] }] });
    };
    expect(synthFails(build(false))).toContain('[istio/gw/Resource] [IST0101]');
    expect(() => synth(build(true))).not.toThrow();
  });

  test('without an installation in the app, none of these checks runs (a mesh installed elsewhere)', () => {
    expect(() => synth(app => new MeshNamespace(new MeshChart(app, 'shop', { dataPlane: DataPlane.AMBIENT }), 'ns', { name: 'shop' }))).not.toThrow();
  });
});
