/**
 * nginx 1.16 → 1.17 as staged files (the default driver): the service's chart, then one file per stage (90/10, 50/50,
 * 0/100) and a rollback, each applied by a pipeline; `x-canary: always` reaches 1.17 at every stage.
 */
import { App } from 'cdk8s';
import { CanaryOverride, CanaryPlan, CanaryRelease, HeaderMatch, IngressGateway, MeshChart, MeshNamespace, MeshService, WorkloadSecurity } from '@mesh-kit/core';

/**
 * The nginx service (1.16 serving, 1.17 to roll out) and its gateway for `<namespace>.hung.org.hk`, in namespace
 * `namespace` of a chart of its own (each driver's variant has its own host, so that all of them can be applied together).
 */
export function nginxService(app: App, chartId: string, namespace: string): { nginx: MeshService; gateway: IngressGateway; host: string } {
  const host = `${namespace}.hung.org.hk`;
  const chart = new MeshChart(app, chartId);
  const ns = new MeshNamespace(chart, 'Namespace', { name: namespace });
  const nginx = new MeshService(chart, 'nginx', {
    namespace: ns,
    name: 'nginx-svc',
    app: 'nginx',
    containerName: 'nginx',
    replicas: 3,
    ports: [{ port: 80 }],
    // the official nginx image starts as root (it binds port 80, then drops to the nginx user)
    security: WorkloadSecurity.unset(),
  });
  nginx.addVersion('v116', { image: 'nginx:1.16.1', label: '1.16' });
  nginx.addVersion('v117', { image: 'nginx:1.17.9', label: '1.17' });
  const gateway = new IngressGateway(chart, 'Gateway', { namespace: ns, name: 'nginx-gateway', servers: [{ port: 80, hosts: [host] }] });
  return { nginx, gateway, host };
}

/** The staged rollout: `nginx-staged.k8s.yaml`, then `nginx-staged-canary.stage-{10,50,100}.k8s.yaml` and the rollback. */
export function buildNginxStaged(app: App): CanaryRelease {
  const { nginx, gateway, host } = nginxService(app, 'nginx-staged', 'nginx-staged');
  return new CanaryRelease(app, 'nginx-staged-canary', {
    service: nginx,
    stable: nginx.version('v116'),
    canary: nginx.version('v117'),
    plan: CanaryPlan.stages([10, 50, 100]),
    override: CanaryOverride.header(HeaderMatch.exact('x-canary', 'always')),
    ingress: { gateway, hosts: [host] },
    name: 'nginx',
    port: 80,
  });
}
