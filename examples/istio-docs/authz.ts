/**
 * Istio's authorization docs tasks on HTTP, TCP and explicit DENY (tasks/security/authorization/authz-http, authz-tcp,
 * authz-deny), as a user following them would write them with mesh-kit's typed constructs, one chart (one file) per
 * step that replaces another. The workloads (Bookinfo in default, httpbin and tcp-echo in foo) are istio/istio's
 * samples, applied as the tasks say: not in the docs' YAML, not written here. What the typed API cannot write yet is
 * left out and marked `istio-docs: gap <Kind> <namespace>/<name> — why`.
 */
import { App } from 'cdk8s';
import { taskChart } from './chart';
import { AuthorizationAction, AuthorizationPolicy, RequestCondition, RequestSource, WorkloadSelector } from '@mesh-kit/core';

const step = (app: App, task: string, name?: string) => taskChart(app, name ? `${task}.${name}` : task);

/**
 * authz-http: nothing allowed in default, then productpage open to GET, details and reviews to productpage's account,
 * ratings to reviews' (the task's policies, applied one by one, coexist: one file).
 */
export function authzHttp(app: App): void {
  const chart = step(app, 'authz-http');
  const bookinfo = (app_: string) => WorkloadSelector.labels({ app: app_ }, 'default');
  const get = [{ methods: ['GET'] }];
  new AuthorizationPolicy(chart, 'allow-nothing', { namespace: 'default' });
  new AuthorizationPolicy(chart, 'productpage-viewer', { workload: bookinfo('productpage'), action: AuthorizationAction.ALLOW, rules: [{ to: get }] });
  for (const [callee, caller] of [['details', 'productpage'], ['reviews', 'productpage'], ['ratings', 'reviews']]) {
    new AuthorizationPolicy(chart, `${callee}-viewer`, {
      workload: bookinfo(callee), action: AuthorizationAction.ALLOW, rules: [{ from: [RequestSource.serviceAccount(`bookinfo-${caller}`, 'default')], to: get }],
    });
  }
}

/** authz-tcp: tcp-echo in foo allowed on 9000 and 9001, then GET on 9000; then denied GET, then GET on 9000. */
export function authzTcp(app: App): void {
  const tcpEcho = WorkloadSelector.labels({ app: 'tcp-echo' }, 'foo');
  const policy = (name: string | undefined, action: AuthorizationAction, to: { methods?: string[]; ports?: number[] }) =>
    new AuthorizationPolicy(step(app, 'authz-tcp', name), 'tcp-policy', { workload: tcpEcho, action, rules: [{ to: [to] }] });
  policy(undefined, AuthorizationAction.ALLOW, { ports: [9000, 9001] });
  policy('allow-get', AuthorizationAction.ALLOW, { methods: ['GET'], ports: [9000] });
  policy('deny-get', AuthorizationAction.DENY, { methods: ['GET'] });
  policy('deny-get-9000', AuthorizationAction.DENY, { methods: ['GET'], ports: [9000] });
}

/**
 * authz-deny: GET to httpbin in foo denied; then /ip allowed beside it (`authz-deny.k8s.yaml`); the second step's
 * deny-method-get, GET denied unless `x-token: admin`, replaces the first's (`authz-deny.token.k8s.yaml`).
 */
export function authzDeny(app: App): void {
  const httpbin = WorkloadSelector.labels({ app: 'httpbin' }, 'foo');
  const chart = step(app, 'authz-deny');
  new AuthorizationPolicy(chart, 'deny-method-get', { workload: httpbin, action: AuthorizationAction.DENY, rules: [{ to: [{ methods: ['GET'] }] }] });
  new AuthorizationPolicy(chart, 'allow-path-ip', { workload: httpbin, action: AuthorizationAction.ALLOW, rules: [{ to: [{ paths: ['/ip'] }] }] });
  new AuthorizationPolicy(step(app, 'authz-deny', 'token'), 'deny-method-get', {
    workload: httpbin, action: AuthorizationAction.DENY, rules: [{ to: [{ methods: ['GET'] }], when: [RequestCondition.headerNot('x-token', 'admin')] }],
  });
}

/**
 * authz-ingress: the ingress gateway lets in requests from an allow list of addresses, then from one more, then denies
 * that one (`authz-ingress.k8s.yaml`, `.allow-more`, `.deny`: the same policy, replaced); the task gives each step
 * twice, by the peer's address (`ipBlocks`) or by the original client's, as the X-Forwarded-For header or the PROXY
 * protocol gives it (`remoteIpBlocks`: `authz-ingress.remote…`).
 */
export function authzIngress(app: App): void {
  const gateway = WorkloadSelector.labels({ app: 'istio-ingressgateway' }, 'istio-system');
  for (const [prefix, source] of [[undefined, RequestSource.ipBlocks], ['remote', RequestSource.remoteIpBlocks]] as const) {
    const policy = (name: string | undefined, action: AuthorizationAction, ipBlocks: string[]) =>
      new AuthorizationPolicy(step(app, 'authz-ingress', [prefix, name].filter(x => x !== undefined).join('-') || undefined), 'ingress-policy', {
        workload: gateway, action, rules: [{ from: [source(...ipBlocks)] }],
      });
    policy(undefined, AuthorizationAction.ALLOW, ['1.2.3.4', '5.6.7.0/24']);
    policy('allow-more', AuthorizationAction.ALLOW, ['1.2.3.4', '5.6.7.0/24', '192.168.10.15']);
    policy('deny', AuthorizationAction.DENY, ['192.168.10.15']);
  }
  // istio-docs: gap EnvoyFilter istio-system/proxy-protocol (the PROXY protocol on the gateway's listeners) — an Envoy
  // patch, which mesh-kit does not type; a cdk8s ApiObject
}
