/**
 * Linkerd's hello/world, from the seed's Linkerd workshop (linkerd-examples `k8s-daemonset`):
 * `hello` (port 7777) calls `world`; `world-v1` answers "world", `world-v2` "earth" (port 7778).
 *
 * - Linkerd 2 (`linkerd2/`): the same intent rendered for MeshProvider.LINKERD: a request carrying
 *   `x-world-version: v2` (the modern form of the seed's `l5d-dtab: /host/world => /srv/world-v2`)
 *   goes to world-v2, every other to world-v1; only hello may call world (Linkerd authorization);
 *   and the same service moved by a weighted split.
 * - Linkerd 1 (`linkerd1/`, legacy): the seed as it was: the `l5d` DaemonSet router, its dtab, and
 *   clients wired through `http_proxy=$(NODE_NAME):4140`.
 */
import { App, Duration } from 'cdk8s';
import {
  AuthorizedClient,
  CanaryPlan,
  CanaryRelease,
  DnsPolicy,
  EnvValue,
  HeaderMatch,
  HttpMatch,
  Linkerd1Router,
  Linkerd1ServiceType,
  MeshChart,
  MeshProvider,
  MeshService,
  RouteAction,
  ServiceAuthorization,
  SidecarInjection,
} from '@mesh-kit/core';

const IMAGE = 'buoyantio/helloworld:0.1.6';
const podIp = EnvValue.fromFieldPath('status.podIP');

/** The seed's pod template, common to every service: container `service`, its port named `service`. */
const seedPods = { containerName: 'service', dnsPolicy: DnsPolicy.CLUSTER_FIRST, replicas: 3 } as const;
const helloPort = { port: 7777, name: 'http', containerPortName: 'service' };
const worldPort = { port: 7778, name: 'http', containerPortName: 'service' };

/** Linkerd 2: hello and world (versions v1 and v2), per-request routing on a header. */
export function buildLinkerd2(app: App): { hello: MeshService; world: MeshService } {
  const chart = new MeshChart(app, 'Linkerd2', { fileName: 'linkerd2/hello-world', mesh: MeshProvider.LINKERD });
  const meshed = { ...seedPods, sidecarInjection: SidecarInjection.ENABLED };
  const hello = new MeshService(chart, 'hello', { ...meshed, ports: [helloPort], env: { POD_IP: podIp }, args: ['-addr=:7777', '-text=Hello', '-target=world'] });
  hello.addVersion('v1', { image: IMAGE, deploymentName: 'hello' });
  const world = new MeshService(chart, 'world', { ...meshed, ports: [worldPort], env: { POD_IP: podIp }, args: ['-addr=:7778'] });
  const v1 = world.addVersion('v1', { image: IMAGE, env: { TARGET_WORLD: EnvValue.fromValue('world') } });
  const v2 = world.addVersion('v2', { image: IMAGE, env: { TARGET_WORLD: EnvValue.fromValue('earth') } });
  world.addRoute({ name: 'earth-on-request', match: [HttpMatch.headers(HeaderMatch.exact('x-world-version', 'v2'))], action: RouteAction.forward(v2) });
  world.addRoute({ name: 'world', action: RouteAction.forward(v1), timeout: Duration.seconds(5) });
  // Only hello may call world (by its mutual-TLS identity): Server, MeshTLSAuthentication, AuthorizationPolicy.
  new ServiceAuthorization(chart, 'world-callers', { service: world, allowFrom: [AuthorizedClient.service(hello)] });
  return { hello, world };
}

/** Linkerd 2: world moved from v1 to v2 by weight, one file per stage (`linkerd2-world-split.stage-50`...). */
export function buildLinkerd2Split(app: App, world: MeshService): CanaryRelease {
  return new CanaryRelease(app, 'linkerd2-world-split', {
    service: world,
    stable: world.version('v1'),
    canary: world.version('v2'),
    plan: CanaryPlan.stages([10, 50, 100]),
  });
}

/** Linkerd 1 (legacy): the seed's services, the l5d router with its dtab, and the ingress router flavour. */
export function buildLinkerd1(app: App): void {
  const chart = new MeshChart(app, 'Linkerd1', { fileName: 'linkerd1/hello-world', mesh: MeshProvider.NONE });
  const { NODE_NAME, http_proxy } = Linkerd1Router.clientEnv();
  const hello = new MeshService(chart, 'hello', {
    ...seedPods,
    headless: true,
    ports: [helloPort],
    env: { NODE_NAME, POD_IP: podIp, http_proxy },
    args: ['-addr=:7777', '-text=Hello', '-target=world'],
  });
  hello.addVersion('v1', { image: IMAGE, deploymentName: 'hello' });
  for (const [name, text] of [['world-v1', 'world'], ['world-v2', 'earth']]) {
    const world = new MeshService(chart, name, { ...seedPods, headless: true, ports: [worldPort], env: { POD_IP: podIp }, args: ['-addr=:7778'] });
    world.addVersion('v1', { image: IMAGE, deploymentName: name, env: { TARGET_WORLD: EnvValue.fromValue(text) } });
  }
  // linkerd.yml: every request for world goes to world-v1, unless its l5d-dtab header says otherwise
  new Linkerd1Router(chart, 'l5d', { routes: [{ from: '/host/world', to: '/srv/world-v1' }], serviceType: Linkerd1ServiceType.LOAD_BALANCER });

  // linkerd-ingress.yml: the same router with an ingress router in front, routing www.hello.world / api.hello.world
  const ingress = new MeshChart(app, 'Linkerd1Ingress', { fileName: 'linkerd1/linkerd-ingress', mesh: MeshProvider.NONE });
  new Linkerd1Router(ingress, 'l5d', {
    routes: [{ from: '/host/world', to: '/srv/world-v1' }],
    ingressRoutes: [
      { from: '/domain/world/hello/www', to: '/srv/hello' },
      { from: '/domain/world/hello/api', to: '/srv/api' },
      { from: '/host', to: '/$/io.buoyant.http.domainToPathPfx/domain' },
    ],
    orgId: 'linkerd-examples-daemonset-ingress',
    serviceType: Linkerd1ServiceType.LOAD_BALANCER,
  });
}
