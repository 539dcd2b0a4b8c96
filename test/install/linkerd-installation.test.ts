import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import * as YAML from 'yaml';
import {
  DefaultInboundPolicy, InstallOutput, LinkerdAccessLogFormat, LinkerdIdentity, LinkerdInstallation, LinkerdLogFormat, LinkerdLogLevel,
  LinkerdProxyLogLevel, MeshApp, MeshChart, MeshProvider, ObservabilityAddons, TracingBackend,
} from '../../lib';
import { errorOf } from '../support/errors';

const chart = () => new MeshChart(new MeshApp(), 'linkerd', { mesh: MeshProvider.LINKERD });

describe('LinkerdInstallation', () => {
  test('by default: linkerd-crds then linkerd-control-plane, highly available, identity from Secrets (no certificate in the values)', () => {
    const l = new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3' });
    expect(l.releases.map(r => [r.name, r.chart, r.namespace, r.repoUrl, r.version])).toStrictEqual([
      ['linkerd-crds', 'linkerd-crds', 'linkerd', 'https://helm.linkerd.io/edge', '2025.11.3'],
      ['linkerd-control-plane', 'linkerd-control-plane', 'linkerd', 'https://helm.linkerd.io/edge', '2025.11.3'],
    ]);
    // values-ha.yaml in full (each value checked against the reference in linkerd-values-ha.test.ts)
    expect(Object.keys(l.releases[1].values)).toStrictEqual(['identity', 'controller', 'controllerReplicas', 'controllerResources', 'deploymentStrategy',
      'destinationResources', 'enablePodAntiAffinity', 'enablePodDisruptionBudget', 'heartbeatResources', 'highAvailability', 'identityResources', 'proxy',
      'proxyInjectorResources', 'spValidatorResources', 'webhookFailurePolicy']);
    expect(l.releases[1].values).toMatchObject({
      identity: { externalCA: true, issuer: { scheme: 'kubernetes.io/tls' } },
      controllerReplicas: 3,
      highAvailability: true,
      proxy: { resources: { cpu: { request: '100m' }, memory: { limit: '250Mi', request: '20Mi' } } },
      webhookFailurePolicy: 'Fail',
    });
  });

  test('highAvailability.replicas sets values-ha\'s controllerReplicas and linkerd-viz\'s tap.replicas', () => {
    const c = chart();
    const l = new LinkerdInstallation(c, 'linkerd', { version: '2025.11.3', highAvailability: { replicas: 5 }, observability: new ObservabilityAddons(c, 'addons', { prometheus: {} }) });
    expect(l.releases[1].values.controllerReplicas).toBe(5);
    expect(l.releases[2].values.tap).toMatchObject({ replicas: 5 });
  });

  test('linkerd-viz is installed and wired to the add-ons, whose values ConfigMap is then not written', () => {
    const c = chart();
    const addons = new ObservabilityAddons(c, 'addons', { prometheus: {}, tracing: TracingBackend.jaeger() });
    const l = new LinkerdInstallation(c, 'linkerd', { version: '2025.11.3', highAvailability: false, observability: addons });
    expect(() => addons.resource('ConfigMap', 'linkerd-viz-values')).toThrow(/must name an object these add-ons emit/);
    expect(l.releases.map(r => r.name)).toStrictEqual(['linkerd-crds', 'linkerd-control-plane', 'linkerd-viz']);
    expect(l.releases[1].values).toStrictEqual({ identity: { externalCA: true, issuer: { scheme: 'kubernetes.io/tls' } } });
    expect(l.releases[2]).toMatchObject({ namespace: 'linkerd-viz', values: { prometheus: { enabled: false } } });
    expect(Object.keys(l.releases[2].values)).not.toContain('enablePodAntiAffinity');
    expect(String(l.releases[2].values.prometheusUrl)).toMatch(/^http:\/\/prometheus\./);
  });

  test('in Argo CD: an Application per chart, linkerd-viz\'s among them once add-ons are added', () => {
    const app = new MeshApp({ analysis: { printWarnings: false } });
    const c = new MeshChart(app, 'linkerd', { mesh: MeshProvider.LINKERD });
    const l = new LinkerdInstallation(c, 'linkerd', { version: '2025.11.3', output: InstallOutput.argoCd() });
    l.addObservability(new ObservabilityAddons(c, 'addons', { prometheus: {} }));
    const objects = YAML.parseAllDocuments(app.synthFiles().get('linkerd.k8s.yaml')!).map(d => d.toJSON());
    expect(objects.filter(o => o.kind === 'Application').map(o => [o.metadata.name, o.metadata.annotations['argocd.argoproj.io/sync-wave'], o.spec.destination.namespace]))
      .toStrictEqual([['linkerd-crds', '-3', 'linkerd'], ['linkerd-control-plane', '-2', 'linkerd'], ['linkerd-viz', '-1', 'linkerd-viz']]);
  });

  test('trust anchors from a file outside Git: `--set-file` in the README\'s helm command', () => {
    const l = new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3', identity: LinkerdIdentity.trustAnchorsFromFile() });
    expect(l.releases[1].setFiles).toStrictEqual({ identityTrustAnchorsPEM: 'trust anchor certificate (PEM)' });
    expect(l.releases[1].values.identity).toStrictEqual({ externalCA: false, issuer: { scheme: 'kubernetes.io/tls' } });
  });

  test('fails on secret material, a file for GitOps, one HA replica, istioctl output', () => {
    expect(errorOf(() => new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3', values: { controlPlane: { identityTrustAnchorsPEM: '-----BEGIN CERTIFICATE-----' } } })))
      .toMatch(/^\[linkerd\/linkerd\] 'values.controlPlane.identityTrustAnchorsPEM' must not hold a certificate or key/);
    expect(errorOf(() => new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3', values: { viz: { grafana: { adminPassword: 'hunter2' } } } })))
      .toBe('[linkerd/linkerd] \'values.viz.grafana.adminPassword\' must not hold a password, key or token: it would be written into the output: got \'***\'; '
        + 'reference a Secret holding it instead');
    expect(errorOf(() => new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3', output: InstallOutput.flux(), identity: LinkerdIdentity.trustAnchorsFromFile() })))
      .toMatch(/'identity' must come from Secrets for GitOps output/);
    expect(errorOf(() => new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3', highAvailability: { replicas: 1 } })))
      .toMatch(/'highAvailability.replicas' must be a whole number of at least 2/);
    expect(errorOf(() => new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3', output: InstallOutput.istioOperator() })))
      .toMatch(/'output' must be Helm, Argo CD or Flux for Linkerd/);
    expect(errorOf(() => new LinkerdInstallation(chart(), 'linkerd', { version: 'stable' }))).toMatch(/'version' must be an exact chart version/);
  });

  test('fails on a value the chart does not have, naming the nearest (linkerd-control-plane, linkerd-viz, linkerd-crds)', () => {
    expect(errorOf(() => new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3', values: { controlPlane: { proxy: { defaultInboundPolicyy: 'deny' } } } })))
      .toBe('[linkerd/linkerd] \'values.controlPlane.proxy.defaultInboundPolicyy\' is not a value of Linkerd\'s linkerd-control-plane chart: got \'deny\'; '
        + 'did you mean \'defaultInboundPolicy\'?');
    expect(errorOf(() => new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3', values: { viz: { tapp: { replicas: 2 } } } })))
      .toBe('[linkerd/linkerd] \'values.viz.tapp\' is not a value of Linkerd\'s linkerd-viz chart: got {"replicas":2}; did you mean \'tap\'?');
    expect(errorOf(() => new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3', values: { crds: { enableHttpRoute: false } } })))
      .toBe('[linkerd/linkerd] \'values.crds.enableHttpRoute\' is not a value of Linkerd\'s linkerd-crds chart: got false; did you mean \'enableHttpRoutes\'?');
    expect(errorOf(() => new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3', values: { controlPlane: { proxy: 'on' } } })))
      .toBe('[linkerd/linkerd] \'values.controlPlane.proxy\' must be a map, as the linkerd-control-plane chart\'s default is: got \'on\'');
  });

  test('accepts the values the docs set, those only documented in comments or values-ha, and those the templates read', () => {
    const l = new LinkerdInstallation(chart(), 'linkerd', {
      version: '2025.11.3',
      highAvailability: false,
      values: {
        controlPlane: {
          policyController: { additionalArgs: '--allow-l5d-request-headers' }, // the docs' --set (templates/destination.yaml)
          proxy: { accessLog: 'json', tracing: { enabled: true, collector: { endpoint: 'collector.linkerd-jaeger:55678' } } },
          destinationResources: { 'ephemeral-storage': { limit: '1Gi' } }, // commented out in values.yaml: any shape
          heartbeatResources: { cpu: { request: '10m' } }, // only values-ha.yaml sets it
          enablePprof: true,
        },
        crds: { installGatewayAPI: false, enableHttpRoutes: true },
        viz: { prometheus: { persistence: { size: '8Gi' } } },
      },
    });
    expect(l.releases[1].values.policyController).toStrictEqual({ additionalArgs: '--allow-l5d-request-headers' });
  });
});

describe('LinkerdInstallation typed settings', () => {
  test('by default none is written (the chart\'s defaults hold): no default inbound policy, no proxy values beyond values-ha', () => {
    const l = new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3', highAvailability: false });
    expect(l.releases[1].values).toStrictEqual({ identity: { externalCA: true, issuer: { scheme: 'kubernetes.io/tls' } } });
  });

  test('the default inbound policy, CNI, networks, domain and the proxy values the docs tasks set', () => {
    const l = new LinkerdInstallation(chart(), 'linkerd', {
      version: '2025.11.3',
      highAvailability: false,
      defaultInboundPolicy: DefaultInboundPolicy.CLUSTER_AUTHENTICATED,
      cni: true,
      clusterNetworks: ['10.244.0.0/16', 'fd00::/8'],
      clusterDomain: 'example.org',
      proxy: {
        resources: { cpu: { request: Cpu.millis(100), limit: Cpu.units(2) }, memory: { request: Size.mebibytes(20) } },
        workers: { maximumCpuRatio: 0.2 },
        logLevel: LinkerdProxyLogLevel.of(LinkerdLogLevel.WARN, { linkerd: LinkerdLogLevel.DEBUG }),
        logFormat: LinkerdLogFormat.JSON,
        accessLog: LinkerdAccessLogFormat.APACHE,
        outboundDiscoveryCacheUnusedTimeout: Duration.seconds(60),
        inboundDiscoveryCacheUnusedTimeout: Duration.seconds(120),
        enableShutdownEndpoint: true,
        shutdownGracePeriod: Duration.seconds(30),
        hostnameMetricLabels: true,
      },
    });
    expect(l.releases[1].values).toStrictEqual({
      identity: { externalCA: true, issuer: { scheme: 'kubernetes.io/tls' } },
      clusterDomain: 'example.org',
      clusterNetworks: '10.244.0.0/16,fd00::/8',
      cniEnabled: true,
      proxy: {
        defaultInboundPolicy: 'cluster-authenticated',
        logLevel: 'warn,linkerd=debug',
        logFormat: 'json',
        accessLog: 'apache',
        outboundDiscoveryCacheUnusedTimeout: '60s',
        inboundDiscoveryCacheUnusedTimeout: '120s',
        enableShutdownEndpoint: true,
        shutdownGracePeriod: '30s',
        metrics: { hostnameLabels: true },
        runtime: { workers: { maximumCPURatio: 0.2 } },
        resources: { cpu: { request: '100m', limit: '2' }, memory: { request: '20Mi', limit: '' } },
      },
    });
    expect(l._installation().model.notes).toContain('linkerd2-cni must be installed before linkerd-control-plane (cniEnabled: true): helm install linkerd2-cni linkerd/linkerd2-cni.');
  });

  test('typed proxy resources replace values-ha\'s whole; the values escape hatch goes over both', () => {
    const l = new LinkerdInstallation(chart(), 'linkerd', {
      version: '2025.11.3', proxy: { resources: { cpu: { limit: Cpu.units(1) } } }, values: { controlPlane: { controllerReplicas: 4 } },
    });
    expect((l.releases[1].values.proxy as { resources: unknown }).resources).toStrictEqual({ cpu: { request: '', limit: '1' }, memory: { request: '', limit: '' } });
    expect(l.releases[1].values.controllerReplicas).toBe(4);
  });

  test('LinkerdProxyLogLevel: a level with targets, or Linkerd\'s own filter text', () => {
    expect(LinkerdProxyLogLevel.of(LinkerdLogLevel.INFO).value).toBe('info');
    expect(LinkerdProxyLogLevel.fromString('warn,linkerd=info,hickory=error').value).toBe('warn,linkerd=info,hickory=error');
    expect(LinkerdProxyLogLevel.fromString('linkerd_app_inbound=trace').value).toBe('linkerd_app_inbound=trace');
  });

  test('fails on a log filter, a level or a target the proxy cannot read', () => {
    expect(errorOf(() => LinkerdProxyLogLevel.fromString('warn,linkerd=verbose'))).toBe('LinkerdProxyLogLevel.fromString: \'logLevel\' must be a log filter: each directive '
      + 'a level (trace, debug, info, warn, error, off) or target=level: got \'linkerd=verbose\'; e.g. \'warn,linkerd=info,hickory=error\'');
    expect(errorOf(() => LinkerdProxyLogLevel.fromString(' '))).toBe('LinkerdProxyLogLevel.fromString: \'logLevel\' must be a log filter: a level, and target=level pairs, '
      + 'comma-separated: got \' \'; e.g. \'warn,linkerd=info\'');
    expect(errorOf(() => LinkerdProxyLogLevel.of(LinkerdLogLevel.WARN, { 'linkerd-proxy': LinkerdLogLevel.DEBUG })))
      .toBe('LinkerdProxyLogLevel.of: \'logLevel.linkerd-proxy\' must be a log target: a Rust module path such as linkerd or linkerd_app_inbound: got \'linkerd-proxy\'');
    expect(errorOf(() => LinkerdProxyLogLevel.of('debugg' as LinkerdLogLevel)))
      .toBe('LinkerdProxyLogLevel.of: \'level\' must be one of \'debug\', \'error\', \'info\', \'off\', \'trace\', \'warn\': got \'debugg\'; did you mean \'debug\'?');
  });

  test('fails on a default inbound policy Linkerd does not have, bad worker counts, a fractional duration, a bad CIDR', () => {
    expect(errorOf(() => new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3', defaultInboundPolicy: 'denied' as DefaultInboundPolicy })))
      .toBe('[linkerd/linkerd] LinkerdInstallation: \'props.defaultInboundPolicy\' must be one of \'all-authenticated\', \'all-unauthenticated\', \'audit\', '
        + '\'cluster-authenticated\', \'cluster-unauthenticated\', \'deny\': got \'denied\'; did you mean \'deny\'?');
    expect(errorOf(() => new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3', proxy: { workers: { maximumCpuRatio: 2 } } })))
      .toBe('[linkerd/linkerd] \'proxy.workers.maximumCpuRatio\' must be a share of the node\'s CPUs, more than 0 and at most 1: got 2; e.g. 0.2 for a thread per five CPUs');
    expect(errorOf(() => new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3', proxy: { workers: { minimum: 2, maximum: 1 } } })))
      .toBe('[linkerd/linkerd] \'proxy.workers.maximum\' must be at least workers.minimum: got 1; raise it to 2 or more');
    expect(errorOf(() => new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3', proxy: { workers: { minimum: 0 } } })))
      .toBe('[linkerd/linkerd] \'proxy.workers.minimum\' must be a whole number of at least 1: got 0');
    expect(errorOf(() => new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3', proxy: { outboundDiscoveryCacheUnusedTimeout: Duration.millis(0.5) } })))
      .toBe('[linkerd/linkerd] \'proxy.outboundDiscoveryCacheUnusedTimeout\' must be a whole number of milliseconds, at least 1ms: got \'0.5ms\'');
    expect(errorOf(() => new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3', clusterNetworks: ['10.0.0.0/33'] })))
      .toBe('[linkerd/linkerd] \'clusterNetworks[0]\' must be a CIDR (an IPv4 or IPv6 network and its prefix length): got \'10.0.0.0/33\'; e.g. \'10.0.0.0/8\'');
    expect(errorOf(() => new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3', clusterNetworks: [] })))
      .toBe('[linkerd/linkerd] \'clusterNetworks\' must list at least one network: got []; leave it out for the chart\'s default networks');
    expect(errorOf(() => new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3', clusterDomain: 'Example_org' }))).toMatch(/^\[linkerd\/linkerd\] 'clusterDomain' must be/);
  });
});
