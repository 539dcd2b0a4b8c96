/**
 * Istio's security docs tasks without an example of their own (JWT authorization, end-user and peer authentication,
 * mutual TLS migration), each as a user following the task would write it with mesh-kit's typed constructs, one chart
 * (one file) per step that replaces an earlier one; what the typed API cannot write yet is left out and marked
 * `istio-docs: gap <Kind> <namespace>/<name> — why`.
 * The tasks' workloads (httpbin and curl in foo, bar and legacy) are istio/istio's samples, applied as the tasks say:
 * they are not in the docs' YAML and not written here.
 */
import { App } from 'cdk8s';
import { taskChart } from './chart';
import {
  AuthorizationAction, AuthorizationPolicy, ClientTls, DestinationPolicy, HostNames, IngressGateway, IngressGatewayRoute, MeshNamespace,
  MeshService, MtlsMode, PeerAuthentication, RequestAuthentication, RequestCondition, RequestSource, RouteAction, WorkloadSelector,
} from '@mesh-kit/core';

/** The issuer of Istio's sample JWTs (istio/istio `security/tools/jwt/samples`). */
const ISSUER = 'testing@secure.istio.io';
const jwks = (release: string) => `https://raw.githubusercontent.com/istio/istio/${release}/security/tools/jwt/samples/jwks.json`;
const httpbinIn = (namespace: string) => WorkloadSelector.labels({ app: 'httpbin' }, namespace);

/**
 * tasks/security/authorization/authz-jwt: httpbin in foo accepts the sample issuer's tokens, then requires one
 * (`authz-jwt.k8s.yaml`), then requires one whose `groups` claim holds group1 (`authz-jwt.groups.k8s.yaml`, the
 * task's next step: the same policy, replaced).
 */
export function authzJwt(app: App): void {
  const chart = taskChart(app, 'authz-jwt');
  new RequestAuthentication(chart, 'jwt-example', { workload: httpbinIn('foo'), jwtRules: [{ issuer: ISSUER, jwksUri: jwks('release-1.13') }] });
  new AuthorizationPolicy(chart, 'require-jwt', {
    workload: httpbinIn('foo'), action: AuthorizationAction.ALLOW, rules: [{ from: [RequestSource.jwt(ISSUER, ISSUER)] }],
  });
  const groups = taskChart(app, 'authz-jwt.groups');
  new AuthorizationPolicy(groups, 'require-jwt', {
    workload: httpbinIn('foo'),
    action: AuthorizationAction.ALLOW,
    rules: [{ from: [RequestSource.jwt(ISSUER, ISSUER)], when: [RequestCondition.jwtClaim('groups', 'group1')] }],
  });
}

/**
 * tasks/security/authentication/mtls-migration: STRICT mutual TLS for the namespace foo
 * (`mtls-migration.k8s.yaml`), then for the whole mesh (`mtls-migration.mesh.k8s.yaml`).
 */
export function mtlsMigration(app: App): void {
  const chart = taskChart(app, 'mtls-migration');
  new PeerAuthentication(chart, 'default', { namespace: 'foo', mode: MtlsMode.STRICT });
  const mesh = taskChart(app, 'mtls-migration.mesh');
  PeerAuthentication.meshWide(mesh, 'default');
}

/**
 * tasks/security/authentication/authn-policy: mutual TLS mesh-wide, per namespace, per workload and per port, a policy
 * that overrides the namespace's; end-user authentication at the ingress gateway, then a token required (on every path,
 * then on /headers only). One file per step that replaces another (`authn-policy.<step>.k8s.yaml`).
 */
export function authnPolicy(app: App): void {
  // the task names httpbin fully qualified everywhere (`httpbin.foo.svc.cluster.local`), as Istio recommends
  const fullyQualified = { hostNames: HostNames.FULLY_QUALIFIED };
  const mesh = taskChart(app, 'authn-policy');
  PeerAuthentication.meshWide(mesh, 'mesh-wide');
  new PeerAuthentication(mesh, 'foo', { namespace: 'foo' });

  const workload = taskChart(app, 'authn-policy.workload', fullyQualified);
  const httpbinBar = MeshService.fromAttributes(workload, 'httpbin-bar', { name: 'httpbin', namespace: 'bar', ports: [{ port: 8000 }] });
  new PeerAuthentication(workload, 'httpbin', { workload: httpbinIn('bar') });
  new DestinationPolicy(workload, 'httpbin-mtls', { service: httpbinBar, name: 'httpbin', trafficPolicy: { tls: ClientTls.istioMutual() } });

  const port = taskChart(app, 'authn-policy.port', fullyQualified);
  const httpbinBar2 = MeshService.fromAttributes(port, 'httpbin-bar', { name: 'httpbin', namespace: 'bar', ports: [{ port: 8000 }] });
  new PeerAuthentication(port, 'httpbin', { workload: httpbinIn('bar'), portLevelMtls: { 80: MtlsMode.DISABLE } });
  new DestinationPolicy(port, 'httpbin-mtls', {
    service: httpbinBar2, name: 'httpbin', trafficPolicy: { tls: ClientTls.istioMutual(), ports: [{ port: 8000, tls: ClientTls.disable() }] },
  });

  const precedence = taskChart(app, 'authn-policy.precedence', fullyQualified);
  const httpbinFoo = MeshService.fromAttributes(precedence, 'httpbin-foo', { name: 'httpbin', namespace: 'foo', ports: [{ port: 8000 }] });
  new PeerAuthentication(precedence, 'overwrite-example', { workload: httpbinIn('foo'), mode: MtlsMode.DISABLE });
  new DestinationPolicy(precedence, 'overwrite', { service: httpbinFoo, name: 'overwrite-example', trafficPolicy: { tls: ClientTls.disable() } });

  const enduser = taskChart(app, 'authn-policy.end-user', fullyQualified);
  const foo = MeshNamespace.fromName('foo');
  const httpbin = MeshService.fromAttributes(enduser, 'httpbin-foo', { name: 'httpbin', namespace: 'foo', ports: [{ port: 8000 }] });
  const gateway = new IngressGateway(enduser, 'httpbin-gateway', { namespace: foo, servers: [{ port: 80, hosts: ['*'] }] });
  new IngressGatewayRoute(enduser, 'httpbin', { gateway, namespace: foo, hosts: ['*'], routes: [{ action: RouteAction.forward(httpbin, { port: 8000 }) }] });
  new RequestAuthentication(enduser, 'jwt-example', {
    workload: WorkloadSelector.labels({ istio: 'ingressgateway' }, 'istio-system'), jwtRules: [{ issuer: ISSUER, jwksUri: jwks('release-1.10') }],
  });
  // then a valid token required at the ingress gateway on every path, then on /headers only: the same policy,
  // replaced, beside the RequestAuthentication that validates the token (each step's file holds both)
  const ingressGateway = WorkloadSelector.labels({ istio: 'ingressgateway' }, 'istio-system');
  const requireToken = (name: string, to?: { paths: string[] }) => {
    const chart = taskChart(app, `authn-policy.${name}`);
    new RequestAuthentication(chart, 'jwt-example', { workload: ingressGateway, jwtRules: [{ issuer: ISSUER, jwksUri: jwks('release-1.10') }] });
    new AuthorizationPolicy(chart, 'frontend-ingress', {
      workload: ingressGateway, action: AuthorizationAction.DENY, rules: [{ from: [RequestSource.notRequestPrincipals('*')], to: to ? [to] : undefined }],
    });
  };
  requireToken('require-token');
  requireToken('require-token-headers', { paths: ['/headers'] });
}
