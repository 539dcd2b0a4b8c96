/**
 * Linkerd's traffic docs tasks (2-edge), each as a user following the task would write it with mesh-kit's typed
 * constructs, one chart (one file) per task. Objects the task applies that the typed API cannot write yet are left
 * out and marked `linkerd-docs: gap <Kind> <namespace>/<name> — why` (the measure, kept outside the repository, reads
 * these marks and lists them with the reason).
 */
import { App, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  CanaryPlan, CanaryRelease, HeaderMatch, HttpMatch, IMeshNamespace, MeshChart, MeshClient, MeshNamespace, MeshProvider, MeshService, Protocol,
  RetryOn, RouteAction, ServiceRouting,
} from '@mesh-kit/core';

const linkerd = { mesh: MeshProvider.LINKERD } as const;
const BB = 'buoyantio/bb:v0.0.6';

/** The tasks' load generator: slow_cooker at 10 requests per second to `url`, meshed, serving nothing. */
export function slowCooker(scope: Construct, namespace: IMeshNamespace, url: string, name = 'slow-cooker'): MeshClient {
  return new MeshClient(scope, name, {
    namespace,
    image: 'buoyantio/slow_cooker:1.3.0',
    containerName: 'slow-cooker',
    command: ['/bin/sh'],
    args: ['-c', `sleep 5 # wait for pods to start\n/slow_cooker/slow_cooker --qps 10 ${url}\n`],
  });
}

/** tasks/configuring-dynamic-request-routing.md: podinfo's backend-a, and backend-b for requests with `x-request-id: alternative`. */
export function dynamicRequestRouting(app: App): void {
  const chart = new MeshChart(app, 'dynamic-request-routing', linkerd);
  // the podinfo releases come from podinfo's Helm chart (helm install backend-a / backend-b), not from this program
  const a = MeshService.fromAttributes(chart, 'backend-a', { name: 'backend-a-podinfo', namespace: 'test', ports: [{ port: 9898 }] });
  const b = MeshService.fromAttributes(chart, 'backend-b', { name: 'backend-b-podinfo', namespace: 'test', ports: [{ port: 9898 }] });
  new ServiceRouting(chart, 'backend-router', {
    service: a,
    name: 'backend-router',
    routes: [
      { match: [HttpMatch.headers(HeaderMatch.exact('x-request-id', 'alternative'))], action: RouteAction.forward(b) },
      { action: RouteAction.forward(a) },
    ],
  });
}

/** reference/retries.md: retries of 5xx on every HTTP request to schlep (and of `internal` on its gRPC method, `retries.grpc`). */
export function retries(app: App): void {
  const http = new MeshChart(app, 'retries', linkerd);
  const schlep = MeshService.fromAttributes(http, 'schlep', { name: 'schlep', namespace: 'schlep', ports: [{ port: 80 }] });
  new ServiceRouting(http, 'schlep-default', {
    service: schlep,
    name: 'schlep-default',
    routes: [{ match: [HttpMatch.prefix('/')], action: RouteAction.forward(schlep), retries: { attempts: 2, perTryTimeout: Duration.millis(300), retryOn: [RetryOn.FIVE_XX] } }],
  });
  const grpc = new MeshChart(app, 'retries-grpc', { ...linkerd, fileName: 'retries.grpc' });
  const schlepGrpc = MeshService.fromAttributes(grpc, 'schlep', { name: 'schlep', namespace: 'schlep', ports: [{ port: 8080, protocol: Protocol.GRPC }] });
  new ServiceRouting(grpc, 'schlep-default', {
    service: schlepGrpc,
    name: 'schlep-default',
    routes: [{ match: [HttpMatch.grpc('schlep.Schlep', 'Get')], action: RouteAction.forward(schlepGrpc), retries: { attempts: 2, perTryTimeout: Duration.millis(400), retryOn: [RetryOn.INTERNAL] } }],
  });
}

/** reference/timeouts.md: a 2s request timeout and a 1s response timeout on every request to schlep. */
export function timeouts(app: App): void {
  const chart = new MeshChart(app, 'timeouts', linkerd);
  const schlep = MeshService.fromAttributes(chart, 'schlep', { name: 'schlep', namespace: 'schlep', ports: [{ port: 80 }] });
  new ServiceRouting(chart, 'schlep-default', {
    service: schlep,
    name: 'schlep-default',
    routes: [{ match: [HttpMatch.prefix('/')], action: RouteAction.forward(schlep), timeout: Duration.seconds(2) }],
    responseTimeout: Duration.seconds(1),
  });
}

/** tasks/circuit-breakers.md: bb's `good` and `bad` pods behind one Service with Linkerd's consecutive-failure accrual. */
export function circuitBreaking(app: App): void {
  const chart = new MeshChart(app, 'circuit-breaking', linkerd);
  const namespace = new MeshNamespace(chart, 'Namespace', { name: 'circuit-breaking-demo' });
  const bb = new MeshService(chart, 'bb', {
    namespace,
    ports: [{ port: 8080, name: 'http' }],
    containerName: 'terminus',
    args: ['terminus', '--h1-server-port=8080'],
    trafficPolicy: { outlierDetection: {} }, // Linkerd's defaults: balancer.linkerd.io/failure-accrual: consecutive
  });
  bb.addVersion('good', { image: BB, deploymentName: 'good', podLabels: { class: 'good' } });
  bb.addVersion('bad', { image: BB, deploymentName: 'bad', podLabels: { class: 'bad' }, args: ['terminus', '--h1-server-port=8080', '--percent-failure=100'] });
  slowCooker(chart, namespace, 'http://bb:8080');
}

/**
 * tasks/traffic-shifting.md: bb v1 and v2, shifted 90/10 then all to v2 by an HTTPRoute on bb — a canary release of v2:
 * under Linkerd the Service bb selects the stable v1, and each stage (`traffic-shifting.stage-10`, `.stage-100`) is the
 * task's HTTPRoute (`.rollback` returns everything to v1).
 */
export function trafficShifting(app: App): void {
  const chart = new MeshChart(app, 'traffic-shift-demo', { ...linkerd, fileName: 'traffic-shifting' });
  const namespace = new MeshNamespace(chart, 'Namespace', { name: 'traffic-shift-demo' });
  const bb = new MeshService(chart, 'bb', { namespace, ports: [{ port: 8080, name: 'http' }], containerName: 'terminus' });
  const v1 = bb.addVersion('v1', { image: BB, deploymentName: 'v1', args: ['terminus', '--h1-server-port=8080', '--response-text=v1'] });
  const v2 = bb.addVersion('v2', { image: BB, deploymentName: 'v2', args: ['terminus', '--h1-server-port=8080', '--response-text=v2'] });
  slowCooker(chart, namespace, 'http://bb:8080');
  new CanaryRelease(app, 'traffic-shifting', { service: bb, stable: v1, canary: v2, plan: CanaryPlan.stages([10, 100]), name: 'bb-route' });
}
