import * as path from 'path';
import { App, Duration, Include, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AuthorizedClient, Autoscaling, CanaryPlan, CanaryRelease, DestinationPolicy, DisruptionBudget, EnvValue, ExternalTrafficPolicy, LoadBalancer,
  MeshChart, MeshNamespace, MeshService, PreStop, Probe, Projection, RouteAction, ServiceAuthorization, ServiceExposure, ServiceRouting,
  SessionAffinity, TopologySpread, Volume, VolumeMount,
} from '@mesh-kit/core';

/** What the example builds, for tests and for the canary. */
export interface BringYourOwn {
  readonly storefront: MeshService;
  readonly inventory: MeshService;
  readonly checkout: MeshService;
}

/**
 * A shop whose workloads mostly exist already:
 * - `storefront`: two Deployments written with cdk8s-plus, brought to a MeshService as versions v1 and v2 (rolled out
 *   as a canary below);
 * - `inventory`: a Helm-rendered Deployment read from YAML with cdk8s's Include, the whole service;
 * - `checkout`: a production service deployed by mesh-kit, using every workload essential;
 * - `payments`: a Service of another team in another namespace: only a DestinationRule and routes, nothing deployed.
 */
export function buildBringYourOwn(app: App): BringYourOwn {
  const chart = new MeshChart(app, 'shop');
  const namespace = new MeshNamespace(chart, 'Namespace', { name: 'shop' });

  // storefront: the team's existing cdk8s-plus Deployments, unchanged; mesh-kit adds app/version labels to their pods
  const storefrontDeployment = (id: string, image: string) => new kplus.Deployment(chart, id, {
    metadata: { namespace: 'shop' },
    replicas: 2,
    containers: [{
      image,
      portNumber: 8080,
      resources: {
        cpu: { request: kplus.Cpu.millis(200), limit: kplus.Cpu.millis(500) },
        memory: { request: Size.mebibytes(256), limit: Size.mebibytes(256) },
      },
      readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
    }],
  });
  const storefront = new MeshService(chart, 'storefront', { namespace, ports: [{ port: 80, targetPort: 8080 }] });
  storefront.adoptVersion('v1', storefrontDeployment('storefront-v1', 'registry.example.com/shop/storefront:4.1.0'));
  storefront.adoptVersion('v2', storefrontDeployment('storefront-v2', 'registry.example.com/shop/storefront:4.2.0'));

  // inventory: another team's Helm output, the whole service (no versions); its pods run as its own ServiceAccount
  const inventory = new MeshService(chart, 'inventory', {
    namespace,
    ports: [{ port: 8080, containerPortName: 'http' }],
    workload: new Include(chart, 'inventory-helm', { url: path.join(__dirname, 'inventory.yaml') }),
  });
  new ServiceAuthorization(chart, 'inventory-callers', { service: inventory, allowFrom: [AuthorizedClient.service(storefront)] });
  // the storefront takes the shop's requests from any workload in the mesh (its ingress among them), said explicitly so
  // that no workload is left without an authorization policy (the analysis warns of one: Kiali's KIA1301)
  new ServiceAuthorization(chart, 'storefront-callers', { service: storefront, allowFrom: [AuthorizedClient.anyMeshed()] });

  // checkout: deployed here, for production
  const cache = Volume.emptyDir('cache', { sizeLimit: Size.mebibytes(256) });
  const tls = Volume.fromSecret('tls', 'checkout-tls', { optional: true }); // the pod starts before the certificate exists
  const checkout = new MeshService(chart, 'checkout', {
    namespace,
    ports: [{ port: 8080 }, { port: 9090, name: 'http-metrics' }],
    exposure: ServiceExposure.loadBalancer({ externalTrafficPolicy: ExternalTrafficPolicy.LOCAL, sourceRanges: ['10.0.0.0/8'] }),
    serviceAnnotations: { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' },
    sessionAffinity: SessionAffinity.CLIENT_IP,
    sessionAffinityTimeout: Duration.minutes(30),
    recommendedLabels: true,
    partOf: 'shop',
    env: {
      PAYMENTS_URL: EnvValue.fromValue('http://payments.payments:8080'),
      DB_PASSWORD: EnvValue.fromSecretKey('checkout-db', 'password'),
    },
    resources: {
      cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.units(1) },
      memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
    },
    readinessProbe: Probe.http('/ready', { period: Duration.seconds(5) }),
    livenessProbe: Probe.http('/live', { initialDelay: Duration.seconds(10) }),
    startupProbe: Probe.tcp({ failureThreshold: 30, period: Duration.seconds(2) }),
    autoscaling: Autoscaling.of({ minReplicas: 3, maxReplicas: 12, cpuUtilization: 70 }),
    disruptionBudget: DisruptionBudget.minAvailable(2),
    topologySpread: [TopologySpread.across(kplus.Topology.ZONE), TopologySpread.across(kplus.Topology.HOSTNAME)],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] }] }],
        },
      },
    },
    tolerations: [{ key: 'workload', operator: 'Equal', value: 'payments', effect: 'NoSchedule' }],
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    priorityClassName: 'shop-critical',
    initContainers: [{ name: 'migrate', image: 'registry.example.com/shop/checkout-migrate:3.0.0', args: ['up'] }],
    sidecarContainers: [{
      name: 'log-shipper',
      image: 'cr.fluentbit.io/fluent/fluent-bit:3.1.9',
      resources: { requests: { cpu: kplus.k8s.Quantity.fromString('50m'), memory: kplus.k8s.Quantity.fromString('64Mi') } },
    }],
    preStop: PreStop.sleep(Duration.seconds(5)),
    terminationGracePeriod: Duration.seconds(45),
    imagePullSecrets: ['registry-example-com'],
    volumes: [
      tls,
      Volume.projected('config', [
        Projection.configMap('checkout-config'),
        Projection.secret('checkout-flags', { optional: true }),
        Projection.serviceAccountToken('payments-token', { audience: 'payments', expiration: Duration.hours(1) }),
        Projection.downwardApi({ labels: 'metadata.labels' }),
      ]),
    ],
    volumeMounts: [VolumeMount.of(cache, '/var/cache/checkout'), VolumeMount.of(tls, '/etc/tls', { readOnly: true })],
  });
  checkout.addVersion('v1', { image: 'registry.example.com/shop/checkout:3.0.0' });
  checkout.addVersion('v2', {
    image: 'registry.example.com/shop/checkout:3.1.0',
    args: ['--new-basket'],
    serviceAccountName: 'checkout-v2', // its own mesh identity
    resources: {
      cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.units(2) },
      memory: { request: Size.mebibytes(512), limit: Size.mebibytes(1024) },
    },
    autoscaling: Autoscaling.of({ minReplicas: 2, maxReplicas: 4 }),
    disruptionBudget: DisruptionBudget.maxUnavailable(1),
  });
  checkout.addRoute({ action: RouteAction.weightedForward([{ target: checkout.version('v1'), weight: 95 }, { target: checkout.version('v2'), weight: 5 }], { port: 8080 }) });
  new ServiceAuthorization(chart, 'checkout-callers', { service: checkout, ports: [8080], allowFrom: [AuthorizedClient.service(storefront)] });

  // payments: another team's Service in another namespace; a DestinationRule and routes for it, nothing deployed. Both
  // live in our namespace (we do not own theirs), so they apply to the shop's calls only and name the host in full.
  const payments = MeshService.fromAttributes(chart, 'payments-import', {
    name: 'payments', namespace: 'payments', ports: [{ port: 8080 }, { port: 9443, name: 'grpc-ledger' }], versions: ['v1', 'v2'],
  });
  new DestinationPolicy(chart, 'payments', {
    service: payments,
    namespace,
    trafficPolicy: {
      outlierDetection: { consecutive5xxErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30) },
      ports: [{ port: 9443, loadBalancer: LoadBalancer.leastRequest(), connectionPool: { http2MaxRequests: 200 } }],
    },
  });
  new ServiceRouting(chart, 'payments-routes', { service: payments, namespace }).addRoute({ action: RouteAction.forward(payments.version('v1'), { port: 8080 }) });

  return { storefront, inventory, checkout };
}

/** The storefront's rollout of v2 over v1: 10%, 50%, then all of it, each stage a file of its own. */
export function buildStorefrontCanary(app: App, storefront: MeshService): CanaryRelease {
  return new CanaryRelease(app, 'storefront-canary', {
    service: storefront,
    stable: storefront.version('v1'),
    canary: storefront.version('v2'),
    plan: CanaryPlan.stages([10, 50, 100]),
    port: 80,
  });
}
