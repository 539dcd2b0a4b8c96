/**
 * Istio's Bookinfo, reproduced with mesh-kit: the platform (Services, ServiceAccounts,
 * Deployments and DestinationRules), the ingress gateway, and each routing scenario of
 * Istio's traffic-management tasks in a chart (and so a file) of its own.
 */
import { App, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ClientTls,
  Fault,
  HeaderMatch,
  HttpMatch,
  IngressGateway,
  IngressGatewayRoute,
  MeshChart,
  MeshService,
  RouteAction,
  ServiceRouting,
  Suppressions,
  Volume,
  VolumeMount,
  EnvValue,
  MeshServiceProps,
  WorkloadSecurity,
  IMeshNamespace,
  Waypoint,
} from '@mesh-kit/core';

const REGISTRY = 'registry.istio.io/release';
const TAG = '1.20.3';
const image = (name: string, tag = TAG) => `${REGISTRY}/examples-bookinfo-${name}:${tag}`;

/** The four Bookinfo services. */
export interface Bookinfo {
  readonly productpage: MeshService;
  readonly details: MeshService;
  readonly ratings: MeshService;
  readonly reviews: MeshService;
}

/** Options of {@link buildBookinfo}. */
export interface BookinfoOptions {
  /**
   * Write no hardening (securityContext, resource requests, automountServiceAccountToken), so that the
   * Kubernetes objects equal upstream's field for field.
   * @default false - the library's secure defaults are kept
   */
  readonly upstreamExact?: boolean;

  /**
   * The routing scenarios to build (chart ids such as `virtual-service-all-v1`); a deployment applies
   * one at a time.
   * @default - every scenario
   */
  readonly scenarios?: string[];

  /**
   * The image tag of every service.
   * @default '1.20.3'
   */
  readonly tag?: string;

  /**
   * The namespace of every service.
   * @default - the chart's
   */
  readonly namespace?: IMeshNamespace;

  /**
   * Environment variables of productpage's v1 (e.g. a session key from a secret store).
   * @default - none
   */
  readonly productpageEnv?: { readonly [name: string]: EnvValue };

  /**
   * Waypoints of services (ambient mode), by service name.
   * @default - none
   */
  readonly waypoints?: { readonly [service: string]: Waypoint | undefined };
}

/** Builds every Bookinfo chart into `app`. */
export function buildBookinfo(app: App, options: BookinfoOptions = {}): Bookinfo {
  // platform/kube/bookinfo.yaml and networking/destination-rule-all.yaml
  const services = bookinfoServices(new MeshChart(app, 'bookinfo'), options);
  bookinfoScenarios(app, services, id => options.scenarios === undefined || options.scenarios.includes(id));
  return services;
}

/** The four services of Bookinfo, in `platform` (whose traffic API decides DestinationRules or per-version Services). */
export function bookinfoServices(platform: Construct, options: BookinfoOptions = {}): Bookinfo {
  const port = { port: 9080 }; // named 'http' by Istio's convention
  // Upstream's destination-rule-all writes no TLS (Istio's auto mutual TLS); destination-rule-all-mtls
  // writes ISTIO_MUTUAL, which is what a MeshService writes unless told `ClientTls.auto()`.
  const upstreamTls: MeshServiceProps = { trafficPolicy: { tls: ClientTls.auto() } };
  const base: MeshServiceProps = { ...upstreamTls, namespace: options.namespace };
  const hardening: MeshServiceProps = options.upstreamExact ? { ...base, security: WorkloadSecurity.unset(), resources: {} } : base;
  const img = (name: string) => image(name, options.tag);
  const waypoint = (svc: string) => (options.waypoints?.[svc] ? { waypoint: options.waypoints[svc] } : {});

  const details = new MeshService(platform, 'details', { ...hardening, ...waypoint('details'), ports: [port], serviceAccountName: 'bookinfo-details' });
  details.addVersion('v1', { image: img('details-v1') });
  details.addExternalVersion('v2');

  const ratings = new MeshService(platform, 'ratings', { ...hardening, ...waypoint('ratings'), ports: [port], serviceAccountName: 'bookinfo-ratings' });
  ratings.addVersion('v1', { image: img('ratings-v1') });
  for (const v of ['v2', 'v2-mysql', 'v2-mysql-vm']) ratings.addExternalVersion(v);
  // Upstream's destination-rule-all defines subsets for versions other Bookinfo samples deploy.
  for (const svc of [details, ratings]) {
    Suppressions.add(svc, 'IST0173', 'subsets of versions deployed by other Bookinfo samples (bookinfo-db, bookinfo-ratings-v2...), as upstream\'s destination-rule-all');
  }

  const tmp = Volume.emptyDir('tmp');
  const wlpOutput = Volume.emptyDir('wlp-output');
  const reviews = new MeshService(platform, 'reviews', {
    ...hardening,
    ...waypoint('reviews'),
    ports: [port],
    serviceAccountName: 'bookinfo-reviews',
    env: { LOG_DIR: EnvValue.fromValue('/tmp/logs') },
    volumes: [wlpOutput, tmp],
    volumeMounts: [VolumeMount.of(tmp, '/tmp'), VolumeMount.of(wlpOutput, '/opt/ibm/wlp/output')],
  });
  for (const v of ['v1', 'v2', 'v3']) reviews.addVersion(v, { image: img(`reviews-${v}`) });

  const productpage = new MeshService(platform, 'productpage', {
    ...hardening,
    ...waypoint('productpage'),
    ports: [port],
    serviceAccountName: 'bookinfo-productpage',
    podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9080', 'prometheus.io/path': '/metrics' },
    volumeMounts: [VolumeMount.of(Volume.emptyDir('tmp'), '/tmp')],
  });
  productpage.addVersion('v1', { image: img('productpage-v1'), ...(options.productpageEnv ? { env: options.productpageEnv } : {}) });
  return { productpage, details, ratings, reviews };
}

/** The gateway and the routing scenarios of Istio's traffic-management tasks, a chart (a file) each. */
function bookinfoScenarios(app: App, { productpage, reviews, ratings, details }: Bookinfo, wanted: (id: string) => boolean): void {
  // the scenarios are applied one at a time over the base files (bookinfo, bookinfo-gateway): alternatives of each other,
  // each analyzed with the base and never with another scenario
  const scenario = (id: string) => (wanted(id) ? new MeshChart(app, id, { alternativeGroup: 'bookinfo-routing' }) : undefined);
  // networking/bookinfo-gateway.yaml
  const ingress = new MeshChart(app, 'bookinfo-gateway');
  const gateway = new IngressGateway(ingress, 'bookinfo-gateway', {
    servers: [{ port: 8080, hosts: ['*'] }],
  });
  new IngressGatewayRoute(ingress, 'bookinfo', {
    gateway,
    hosts: ['*'],
    routes: [{
      match: [
        HttpMatch.exact('/productpage'),
        HttpMatch.prefix('/static'),
        HttpMatch.exact('/login'),
        HttpMatch.exact('/logout'),
        HttpMatch.prefix('/api/v1/products'),
      ],
      // upstream's bookinfo-gateway.yaml routes to productpage without a subset, so requests through the gateway do not
      // follow productpage's routes (virtual-service-all-v1 pins it to v1 for calls inside the mesh only: istioctl
      // analyze says IST0140 of the pair). followServiceRoutes: false keeps upstream's route whatever productpage's routes
      // become; a gateway route otherwise carries them.
      action: RouteAction.forward(productpage, { followServiceRoutes: false }),
    }],
  });

  // networking/virtual-service-*.yaml: one chart (one file) per scenario.
  const allV1 = scenario('virtual-service-all-v1');
  for (const svc of allV1 ? [productpage, reviews, ratings, details] : []) {
    new ServiceRouting(allV1!, svc.name, { service: svc, routes: [{ action: RouteAction.forward(svc.version('v1')) }] });
  }

  const testV2 = scenario('virtual-service-reviews-test-v2');
  if (testV2) {
    new ServiceRouting(testV2, 'reviews', {
      service: reviews,
      routes: [
        { match: [HttpMatch.headers(HeaderMatch.exact('end-user', 'jason'))], action: RouteAction.forward(reviews.version('v2')) },
        { action: RouteAction.forward(reviews.version('v1')) },
      ],
    });
  }

  const split = (id: string, to: string, weights: [number, number]) => {
    const chart = scenario(id);
    if (!chart) return;
    new ServiceRouting(chart, 'reviews', {
      service: reviews,
      routes: [{
        action: RouteAction.weightedForward([
          { target: reviews.version('v1'), weight: weights[0] },
          { target: reviews.version(to), weight: weights[1] },
        ]),
      }],
    });
  };
  split('virtual-service-reviews-50-v3', 'v3', [50, 50]);
  split('virtual-service-reviews-90-10', 'v2', [90, 10]);

  const v3 = scenario('virtual-service-reviews-v3');
  if (v3) new ServiceRouting(v3, 'reviews', { service: reviews, routes: [{ action: RouteAction.forward(reviews.version('v3')) }] });

  // Istio's fault-injection task: jason's calls to ratings are delayed 7s (or aborted with 500).
  const jason = [HttpMatch.headers(HeaderMatch.exact('end-user', 'jason'))];
  for (const [id, fault] of [['virtual-service-ratings-test-delay', Fault.delay(Duration.seconds(7), 100)], ['virtual-service-ratings-test-abort', Fault.abort(500, 100)]] as const) {
    const chart = scenario(id);
    if (!chart) continue;
    new ServiceRouting(chart, 'ratings', {
      service: ratings,
      routes: [
        { match: jason, fault, action: RouteAction.forward(ratings.version('v1')) },
        { action: RouteAction.forward(ratings.version('v1')) },
      ],
    });
  }
}
