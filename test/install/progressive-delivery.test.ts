import * as YAML from 'yaml';
import {
  FlaggerMeshProvider, InstallOutput, IstioInstallation, LinkerdInstallation, MeshApp, MeshChart, MeshProvider, ObservabilityAddons,
  ProgressiveDeliveryController,
} from '../../lib';
import { errorOf } from '../support/errors';
import { synthFails, synthFiles } from '../support/synth-files';

const synth = synthFiles;

const objectsOf = (files: Map<string, string>, file: string) => YAML.parseAllDocuments(files.get(file)!).map(d => d.toJSON());
const istioChart = (app: MeshApp) => new MeshChart(app, 'istio', { namespace: 'istio-system' });
const linkerdChart = (app: MeshApp) => new MeshChart(app, 'linkerd', { mesh: MeshProvider.LINKERD });

describe('ProgressiveDeliveryController: the canary controller as one more release of the mesh installation', () => {
  test('Flagger with Istio over Helm: last, in istio-system, meshProvider istio, the add-ons\' Prometheus, its CRDs from the chart', () => {
    const files = synth(app => {
      const c = istioChart(app);
      new IstioInstallation(c, 'istio', {
        version: '1.28.0',
        observability: new ObservabilityAddons(c, 'addons'),
        progressiveDelivery: [ProgressiveDeliveryController.flagger({ chartVersion: '1.44.0' })],
      });
    });
    const valuesFiles = [...files.keys()].filter(f => f.startsWith('istio/values/'));
    expect(valuesFiles[valuesFiles.length - 1]).toBe(`istio/values/${valuesFiles.length}-flagger.yaml`);
    expect(YAML.parse(files.get(valuesFiles[valuesFiles.length - 1])!)).toStrictEqual({
      crd: { create: true },
      meshProvider: 'istio',
      metricsServer: 'http://prometheus.istio-system.svc.cluster.local:9090',
    });
    const readme = files.get('istio/README.md')!;
    expect(readme).toContain('helm repo add flagger https://flagger.app\n');
    expect(readme).toContain(`helm upgrade --install flagger flagger/flagger --version 1.44.0 --namespace istio-system --wait \\\n    -f values/${valuesFiles.length}-flagger.yaml`);
  });

  test('Argo Rollouts over Argo CD: its own Application, pinned, the last sync wave, with the Gateway API plugin pinned and checked', () => {
    const sha256 = 'a'.repeat(64);
    const files = synth(app => new IstioInstallation(istioChart(app), 'istio', {
      version: '1.28.0',
      output: InstallOutput.argoCd(),
      progressiveDelivery: [ProgressiveDeliveryController.argoRollouts({ chartVersion: '2.41.0', gatewayApiPlugin: { version: 'v0.8.0', sha256 } })],
    }));
    const apps = objectsOf(files, 'istio.k8s.yaml').filter(o => o.kind === 'Application');
    expect(apps.map(a => [a.metadata.name, a.metadata.annotations['argocd.argoproj.io/sync-wave']])).toStrictEqual([['istio-base', '-3'], ['istiod', '-2'], ['argo-rollouts', '-1']]);
    expect(apps[2].spec.source).toStrictEqual({
      repoURL: 'https://argoproj.github.io/argo-helm',
      chart: 'argo-rollouts',
      targetRevision: '2.41.0',
      helm: {
        releaseName: 'argo-rollouts',
        valuesObject: {
          controller: {
            trafficRouterPlugins: [{
              name: 'argoproj-labs/gatewayAPI',
              location: 'https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.8.0/gatewayapi-plugin-linux-amd64',
              sha256,
            }],
          },
        },
      },
    });
    expect(apps[2].spec.destination.namespace).toBe('argo-rollouts');
  });

  test('Flagger with Linkerd over Flux: its HelmRepository, a HelmRelease after linkerd-viz, the Gateway API provider and viz\'s Prometheus it may reach', () => {
    const files = synth(app => new LinkerdInstallation(linkerdChart(app), 'linkerd', {
      version: '2025.11.3',
      vizVersion: '2025.11.3',
      output: InstallOutput.flux(),
      progressiveDelivery: [ProgressiveDeliveryController.flagger({ chartVersion: '1.44.0' })],
    }));
    const objects = objectsOf(files, 'linkerd.k8s.yaml');
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual([
      'HelmRepository/linkerd', 'HelmRepository/flagger',
      'HelmRelease/linkerd-crds', 'HelmRelease/linkerd-control-plane', 'HelmRelease/linkerd-viz', 'HelmRelease/flagger',
    ]);
    const flagger = objects[5];
    expect(flagger.spec).toMatchObject({
      targetNamespace: 'flagger-system',
      chart: { spec: { chart: 'flagger', version: '1.44.0', sourceRef: { kind: 'HelmRepository', name: 'flagger' } } },
      dependsOn: [{ name: 'linkerd-viz' }],
      values: {
        crd: { create: true },
        meshProvider: 'gatewayapi:v1beta1',
        metricsServer: 'http://prometheus.linkerd-viz.svc.cluster.local:9090',
        linkerdAuthPolicy: { create: true, namespace: 'linkerd-viz' },
      },
    });
  });

  test('under Linkerd with the add-ons\' Prometheus, Flagger queries it, and no policy names viz\'s own Prometheus Server (there is none)', () => {
    const app = new MeshApp();
    const c = linkerdChart(app);
    const l = new LinkerdInstallation(c, 'linkerd', {
      version: '2025.11.3',
      observability: new ObservabilityAddons(c, 'addons'),
      progressiveDelivery: [ProgressiveDeliveryController.flagger({ chartVersion: '1.44.0', meshProvider: FlaggerMeshProvider.GATEWAY_API, values: { logLevel: 'debug' } })],
    });
    expect(l.releases.map(r => r.name)).toStrictEqual(['linkerd-crds', 'linkerd-control-plane', 'linkerd-viz', 'flagger']);
    expect(l.releases[3].values).toStrictEqual({
      crd: { create: true }, meshProvider: 'gatewayapi:v1', metricsServer: 'http://prometheus.linkerd-viz.svc.cluster.local:9090', logLevel: 'debug',
    });
  });

  test('an explicit metricsServer and namespace win; the user\'s values are layered over mesh-kit\'s', () => {
    const l = new IstioInstallation(istioChart(new MeshApp()), 'istio', {
      version: '1.28.0',
      progressiveDelivery: [ProgressiveDeliveryController.flagger({ chartVersion: '1.44.0', namespace: 'flagger', metricsServer: 'http://prom.monitoring:9090', values: { crd: { create: false } } })],
    });
    const flagger = l.releases.find(r => r.name === 'flagger')!;
    expect(flagger.namespace).toBe('flagger');
    expect(flagger.values).toStrictEqual({ crd: { create: false }, meshProvider: 'istio', metricsServer: 'http://prom.monitoring:9090' });
  });
});

describe('ProgressiveDeliveryController bad input: the call or construct, the field, the value and the fix; nothing written', () => {
  test('a chart version that is not pinned', () => {
    expect(errorOf(() => ProgressiveDeliveryController.flagger({ chartVersion: 'latest' })))
      .toBe('ProgressiveDeliveryController.flagger: \'chartVersion\' must be an exact chart version (pinned, not a range or \'latest\'): got \'latest\'; e.g. \'1.28.0\'');
  });

  test('a plugin release that is not a tag, and a checksum that is not SHA-256', () => {
    expect(errorOf(() => ProgressiveDeliveryController.argoRollouts({ chartVersion: '2.41.0', gatewayApiPlugin: { version: 'latest', sha256: 'abc' } }))).toBe([
      'ProgressiveDeliveryController.argoRollouts: Validation failed with the following errors:',
      '  \'gatewayApiPlugin.version\' must be a release tag of the plugin (pinned): got \'latest\'; e.g. \'v0.8.0\'',
      '  \'gatewayApiPlugin.sha256\' must be a SHA-256 in 64 lowercase hexadecimal digits: got \'abc\'; take it from the release\'s checksums file',
    ].join('\n'));
  });

  test('a mesh provider that is not one (from JavaScript or JSON config), a metrics server that is not a URL', () => {
    expect(errorOf(() => ProgressiveDeliveryController.flagger({ chartVersion: '1.44.0', meshProvider: 'istiio' as FlaggerMeshProvider })))
      .toBe('ProgressiveDeliveryController.flagger: \'options.meshProvider\' must be one of \'gatewayapi:v1\', \'gatewayapi:v1beta1\', \'istio\', \'linkerd\': got \'istiio\'; did you mean \'istio\'?');
    expect(errorOf(() => ProgressiveDeliveryController.flagger({ chartVersion: '1.44.0', metricsServer: 'prometheus:9090' })))
      .toBe('ProgressiveDeliveryController.flagger: \'metricsServer\' must be the http(s) URL of a Prometheus: got \'prometheus:9090\'; e.g. \'http://prometheus.istio-system:9090\'');
  });

  test('a password in the values', () => {
    expect(errorOf(() => ProgressiveDeliveryController.argoRollouts({ chartVersion: '2.41.0', values: { notifications: { secret: { password: 'hunter2' } } } })))
      .toBe('ProgressiveDeliveryController.argoRollouts: \'values.notifications.secret.password\' must not hold a password, key or token: it would be written into the output: got \'***\'; '
        + 'reference a Secret holding it instead');
  });

  test('no options at all (from JavaScript)', () => {
    expect(errorOf(() => ProgressiveDeliveryController.flagger(undefined as never)))
      .toBe('ProgressiveDeliveryController.flagger: \'options\' is required: got undefined; give an object');
  });

  test('Flagger with no Prometheus to query: refused at synth, naming the installation', () => {
    expect(synthFails(app => new IstioInstallation(istioChart(app), 'istio', {
      version: '1.28.0', progressiveDelivery: [ProgressiveDeliveryController.flagger({ chartVersion: '1.44.0' })],
    }))).toContain('[istio/istio] \'progressiveDelivery[0].metricsServer\' must name the Prometheus Flagger\'s analysis queries: the installation has no observability add-ons: '
      + 'got \'none\'; give the installation `observability` (ObservabilityAddons), or set metricsServer');
  });

  test('Flagger under Linkerd without linkerd-viz or add-ons: refused at synth', () => {
    expect(synthFails(app => new LinkerdInstallation(linkerdChart(app), 'linkerd', {
      version: '2025.11.3', progressiveDelivery: [ProgressiveDeliveryController.flagger({ chartVersion: '1.44.0' })],
    }))).toContain('[linkerd/linkerd] \'progressiveDelivery[0].metricsServer\' must name the Prometheus');
  });

  test('the same controller twice', () => {
    expect(synthFails(app => new IstioInstallation(istioChart(app), 'istio', {
      version: '1.28.0',
      progressiveDelivery: [ProgressiveDeliveryController.argoRollouts({ chartVersion: '2.41.0' }), ProgressiveDeliveryController.argoRollouts({ chartVersion: '2.40.0' })],
    }))).toContain('[istio/istio] \'progressiveDelivery[1]\' must install argo-rollouts once: a cluster runs one argo-rollouts controller for every namespace: '
      + 'got \'argo-rollouts\'; give each controller once');
  });

  test('an istioctl output, which would leave the controller out', () => {
    expect(synthFails(app => new IstioInstallation(istioChart(app), 'istio', {
      version: '1.28.0', output: InstallOutput.istioOperator(), progressiveDelivery: [ProgressiveDeliveryController.argoRollouts({ chartVersion: '2.41.0' })],
    }))).toContain('[istio/istio] \'progressiveDelivery\' needs a Helm or GitOps output: istioctl installs Istio alone, so the controller would be left out: '
      + 'got \'InstallOutput.istioOperator()\'; use InstallOutput.helm(), InstallOutput.argoCd() or InstallOutput.flux(), or install the controller yourself');
  });
});
