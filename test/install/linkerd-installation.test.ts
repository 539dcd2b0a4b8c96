import * as YAML from 'yaml';
import { InstallOutput, LinkerdIdentity, LinkerdInstallation, MeshApp, MeshChart, MeshProvider, ObservabilityAddons, TracingBackend } from '../../lib';
import { errorOf } from '../support/errors';

const chart = () => new MeshChart(new MeshApp(), 'linkerd', { mesh: MeshProvider.LINKERD });

describe('LinkerdInstallation', () => {
  test('by default: linkerd-crds then linkerd-control-plane, highly available, identity from Secrets (no certificate in the values)', () => {
    const l = new LinkerdInstallation(chart(), 'linkerd', { version: '2025.11.3' });
    expect(l.releases.map(r => [r.name, r.chart, r.namespace, r.repoUrl, r.version])).toStrictEqual([
      ['linkerd-crds', 'linkerd-crds', 'linkerd', 'https://helm.linkerd.io/edge', '2025.11.3'],
      ['linkerd-control-plane', 'linkerd-control-plane', 'linkerd', 'https://helm.linkerd.io/edge', '2025.11.3'],
    ]);
    expect(l.releases[1].values).toStrictEqual({
      identity: { externalCA: true, issuer: { scheme: 'kubernetes.io/tls' } },
      controllerReplicas: 3,
      enablePodDisruptionBudget: true,
      enablePodAntiAffinity: true,
      deploymentStrategy: { rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } },
      webhookFailurePolicy: 'Fail',
    });
  });

  test('linkerd-viz is installed and wired to the add-ons, whose values ConfigMap is then not written', () => {
    const c = chart();
    const addons = new ObservabilityAddons(c, 'addons', { prometheus: {}, tracing: TracingBackend.jaeger() });
    const l = new LinkerdInstallation(c, 'linkerd', { version: '2025.11.3', highAvailability: false, observability: addons });
    expect(() => addons.resource('ConfigMap', 'linkerd-viz-values')).toThrow(/must name an object these add-ons emit/);
    expect(l.releases.map(r => r.name)).toStrictEqual(['linkerd-crds', 'linkerd-control-plane', 'linkerd-viz']);
    expect(l.releases[1].values).toStrictEqual({ identity: { externalCA: true, issuer: { scheme: 'kubernetes.io/tls' } } });
    expect(l.releases[2]).toMatchObject({ namespace: 'linkerd-viz', values: { prometheus: { enabled: false } } });
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
});
