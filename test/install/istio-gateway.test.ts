import {
  Autoscaling, DisruptionBudget, GatewayDeployment, GatewayKind, GatewayServiceType, IngressGateway, InstallOutput, IstioGateway,
  IstioInstallation, IstioProfile, MeshApp, MeshChart, MeshProvider, TrafficApi,
} from '../../lib';
import { errorOf } from '../support/errors';
import { only as onlyOf, synthError, synthObjects } from '../support/synth';

/** The object, read as plain data. */
const only = (...args: Parameters<typeof onlyOf>): any => onlyOf(...args);

const chart = (app: MeshApp | import('cdk8s').App, props = {}) => new MeshChart(app, 'gateways', { namespace: 'istio-system', ...props });

describe('IstioGateway', () => {
  test('an ingress gateway as Istio documents it, with production defaults: 2-5 pods, a PDB, spread across nodes, non-root', () => {
    const objects = synthObjects(app => new IstioGateway(chart(app), 'istio-ingressgateway'));
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual([
      'ServiceAccount/istio-ingressgateway', 'Role/istio-ingressgateway-sds', 'RoleBinding/istio-ingressgateway-sds', 'Deployment/istio-ingressgateway',
      'Service/istio-ingressgateway', 'HorizontalPodAutoscaler/istio-ingressgateway', 'PodDisruptionBudget/istio-ingressgateway',
    ]);
    const labels = { app: 'istio-ingressgateway', istio: 'ingressgateway' };
    const d = only(objects, 'Deployment');
    expect(d.spec.replicas).toBeUndefined();
    expect(d.spec.template.metadata).toStrictEqual({
      annotations: { 'inject.istio.io/templates': 'gateway', 'prometheus.io/path': '/stats/prometheus', 'prometheus.io/port': '15020', 'prometheus.io/scrape': 'true' },
      labels: { ...labels, 'sidecar.istio.io/inject': 'true' },
    });
    expect(d.spec.template.spec.containers).toStrictEqual([{
      name: 'istio-proxy',
      image: 'auto',
      resources: { limits: { cpu: '2000m', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 1337,
        runAsGroup: 1337,
      },
    }]);
    expect(d.spec.template.spec.topologySpreadConstraints).toStrictEqual([
      { labelSelector: { matchLabels: labels }, maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
    ]);
    expect(only(objects, 'Service').spec).toStrictEqual({
      type: 'LoadBalancer',
      selector: labels,
      ports: [
        { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
        { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
        { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
      ],
    });
    expect(only(objects, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 2, maxReplicas: 5 });
    expect(only(objects, 'PodDisruptionBudget').spec).toStrictEqual({ selector: { matchLabels: labels }, maxUnavailable: 1 });
    expect(only(objects, 'Role').rules).toStrictEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }]);
    expect(only(objects, 'RoleBinding').subjects).toStrictEqual([{ kind: 'ServiceAccount', name: 'istio-ingressgateway', namespace: 'istio-system' }]);
  });

  test('an egress gateway: ClusterIP, no status port; a revision\'s gateway is labelled istio.io/rev; ambient keeps it out of ztunnel', () => {
    const objects = synthObjects(app => {
      const c = chart(app);
      const installation = new IstioInstallation(c, 'istio', { version: '1.28.0', profile: IstioProfile.AMBIENT, revision: 'canary' });
      new IstioGateway(c, 'egress', { kind: GatewayKind.EGRESS, installation, replicas: 3 });
    });
    expect(only(objects, 'Service').spec.type).toBe('ClusterIP');
    expect(only(objects, 'Service').spec.ports.map((p: { name: string }) => p.name)).toStrictEqual(['http2', 'https']);
    const d = only(objects, 'Deployment');
    expect(d.spec.replicas).toBe(3);
    expect(d.spec.template.metadata.labels).toStrictEqual({ 'app': 'egress', 'istio': 'egressgateway', 'istio.io/rev': 'canary', 'istio.io/dataplane-mode': 'none' });
    expect(objects.some(o => o.kind === 'HorizontalPodAutoscaler')).toBe(false);
  });

  test('an IngressGateway selects it by object; its ports are checked against the Service\'s target ports (IST0162)', () => {
    const objects = synthObjects(app => {
      const c = chart(app);
      const gateway = new IstioGateway(c, 'edge', { labels: { gateway: 'edge' }, serviceType: GatewayServiceType.NODE_PORT });
      new IngressGateway(c, 'gw', { gateway, servers: [{ port: 8080, hosts: ['shop.example.com'] }] });
    });
    expect(only(objects, 'Gateway').spec.selector).toStrictEqual({ gateway: 'edge' });
    const app = new MeshApp({ analysis: { printWarnings: false } });
    const c = chart(app);
    const gateway = new IstioGateway(c, 'edge', { labels: { gateway: 'edge' } });
    new IngressGateway(c, 'gw', { gateway, servers: [{ port: 9443, hosts: ['shop.example.com'] }] });
    app.synthFiles();
    expect(app.report!.findings.map(f => f.message)).toContainEqual(expect.stringMatching(/^\[IST0162\] Gateway 'gw' listens on port 9443, which no Service of its gateway pods \(gateway=edge\) exposes/));
  });

  test('fails on a selector with a gateway, a gateway under the Gateway API, one pod with minAvailable 1, a privileged target port', () => {
    const app = new MeshApp();
    const c = chart(app);
    const gateway = new IstioGateway(c, 'edge');
    expect(errorOf(() => new IngressGateway(c, 'gw', { gateway, selector: { istio: 'x' }, servers: [{ port: 8080, hosts: ['a.example.com'] }] })))
      .toBe('[gateways/gw] \'selector\' must not be given with gateway: the gateway\'s pod labels are the selector: got {"istio":"x"}; drop selector');
    expect(errorOf(() => new IngressGateway(chart(new MeshApp(), { trafficApi: TrafficApi.GATEWAY_API }), 'gw', { gateway })))
      .toMatch(/'gateway' is for Istio's Gateway: under the Gateway API, Istio deploys each Gateway's own pods: got 'edge'/);
    expect(errorOf(() => new IstioGateway(c, 'one', { replicas: 1, disruptionBudget: DisruptionBudget.minAvailable(1) })))
      .toBe('[gateways/one] \'replicas\' with a PodDisruptionBudget of minAvailable 1 blocks every node drain (no gateway pod may ever be evicted): got 1; '
        + 'run at least two pods (the default), or use DisruptionBudget.maxUnavailable(1)');
    expect(errorOf(() => new IstioGateway(c, 'low', { autoscaling: Autoscaling.of({ minReplicas: 2, maxReplicas: 3 }), disruptionBudget: DisruptionBudget.minAvailable(2) })))
      .toMatch(/'autoscaling.minReplicas' with a PodDisruptionBudget of minAvailable 2 blocks every node drain/);
    expect(errorOf(() => new IstioGateway(c, 'root', { ports: [{ name: 'http', port: 80 }] })))
      .toBe('[gateways/root] \'ports.targetPort\' must be 1024 or above: the gateway runs as a non-root user, which cannot bind lower ports: got 80; '
        + 'keep port 80 on the Service and listen on e.g. 8080');
    expect(errorOf(() => new IstioGateway(new MeshChart(new MeshApp(), 'l', { mesh: MeshProvider.LINKERD }), 'gw'))).toMatch(/'mesh' must be Istio for an IstioGateway/);
  });

  test('one pod gets no PDB and no spread (nothing to spread, nothing a budget could keep)', () => {
    const objects = synthObjects(app => new IstioGateway(chart(app), 'small', { replicas: 1 }));
    expect(objects.some(o => o.kind === 'PodDisruptionBudget')).toBe(false);
    expect(only(objects, 'Deployment').spec.template.spec.topologySpreadConstraints).toBeUndefined();
  });

  test('fails on no ports, or a port name twice', () => {
    expect(synthError(app => new IstioGateway(chart(app), 'x', { ports: [] }))).toBe('[gateways/x] \'ports\' must hold at least one port: got \'[]\'');
    expect(errorOf(() => new IstioGateway(chart(new MeshApp()), 'x', { ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'http', port: 81, targetPort: 8081 }] })))
      .toBe('[gateways/x] \'ports.name\' must be unique within a gateway: got \'http\'; give each port its own name');
  });

  test('GatewayDeployment.HELM_CHART: a release of the gateway chart after istiod, with the gateway\'s production defaults as the chart\'s values', () => {
    const app = new MeshApp({ analysis: { printWarnings: false } });
    const c = chart(app);
    const installation = new IstioInstallation(c, 'istio', { version: '1.28.0', revision: 'canary' });
    const gateway = new IstioGateway(c, 'istio-ingress', {
      installation, deployment: GatewayDeployment.HELM_CHART, replicas: 2, chartValues: { service: { loadBalancerSourceRanges: ['10.0.0.0/8'] } },
    });
    expect(gateway.deployment).toBeUndefined();
    expect(gateway.labels).toStrictEqual({ app: 'istio-ingress', istio: 'ingress' });
    expect(installation.releases.map(r => r.name)).toStrictEqual(['istio-base', 'istiod-canary', 'istio-ingress']);
    expect(installation.releases[2]).toMatchObject({ chart: 'gateway', namespace: 'istio-system' });
    expect(installation.releases[2].values).toStrictEqual({
      revision: 'canary',
      autoscaling: { enabled: false },
      replicaCount: 2,
      podDisruptionBudget: { maxUnavailable: 1 },
      service: {
        type: 'LoadBalancer',
        ports: [
          { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021 },
          { name: 'http2', port: 80, protocol: 'TCP', targetPort: 8080 },
          { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 },
        ],
        loadBalancerSourceRanges: ['10.0.0.0/8'],
      },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1Gi' } },
      topologySpreadConstraints: [{
        topologyKey: 'kubernetes.io/hostname', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'istio-ingress', istio: 'ingress' } },
      }],
    });
  });

  test('GatewayDeployment.HELM_CHART: a Gateway selecting it passes IST0101; a port its Service lacks is IST0162', () => {
    const app = new MeshApp({ analysis: { printWarnings: false } });
    const c = chart(app);
    const installation = new IstioInstallation(c, 'istio', { version: '1.28.0' });
    const gateway = new IstioGateway(c, 'istio-ingressgateway', { installation, deployment: GatewayDeployment.HELM_CHART });
    new IngressGateway(c, 'gw', { gateway, servers: [{ port: 8080, hosts: ['a.example.com'] }, { port: 9090, name: 'http-admin', hosts: ['b.example.com'] }] });
    const files = app.synthFiles();
    expect([...files.keys()]).toContain('gateways/values/3-istio-ingressgateway.yaml');
    expect(app.report!.findings.map(f => f.message)).toStrictEqual([
      "[IST0162] Gateway 'gw' listens on port 9090, which no Service of its gateway pods (app=istio-ingressgateway,istio=ingressgateway) exposes; "
      + 'add port 9090 to the Service of the gateway pods, or listen on a port it exposes (80, 443, 8080, 8443, 15021)',
    ]);
  });

  test('GatewayDeployment.HELM_CHART fails without an installation, with labels, with values the chart refuses, under istioctl', () => {
    const c = chart(new MeshApp());
    const installation = new IstioInstallation(c, 'istio', { version: '1.28.0' });
    expect(errorOf(() => new IstioGateway(c, 'a', { deployment: GatewayDeployment.HELM_CHART })))
      .toMatch(/^\[gateways\/a\] 'installation' must be given for a gateway deployed with the gateway chart/);
    expect(errorOf(() => new IstioGateway(c, 'b', { installation, deployment: GatewayDeployment.HELM_CHART, labels: { x: 'y' } })))
      .toMatch(/'labels' are the gateway chart's own/);
    expect(errorOf(() => new IstioGateway(c, 'c', { installation, deployment: GatewayDeployment.HELM_CHART, chartValues: { replicaCont: 2 } })))
      .toBe('[gateways/c] \'chartValues.replicaCont\' is not a value of Istio\'s gateway chart: got 2; did you mean \'replicaCount\'?');
    expect(errorOf(() => new IstioGateway(c, 'd', { installation, deployment: GatewayDeployment.HELM_CHART, chartValues: { kind: 'Pod' } })))
      .toBe('[gateways/d] \'chartValues.kind\' breaks the gateway chart\'s values.schema.json: must be equal to one of the allowed values: got \'Pod\'');
    expect(errorOf(() => new IstioGateway(c, 'e', { installation, chartValues: {} }))).toMatch(/'chartValues' are for a gateway deployed with the gateway chart/);
    const op = new IstioInstallation(chart(new MeshApp()), 'istio', { version: '1.28.0', output: InstallOutput.istioOperator() });
    expect(errorOf(() => new IstioGateway(c, 'f', { installation: op, deployment: GatewayDeployment.HELM_CHART })))
      .toMatch(/'deployment' must be GatewayDeployment.MANIFESTS with an IstioOperator installation/);
  });
});
