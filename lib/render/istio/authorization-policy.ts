import { AuthorizationRuleModel, renderAuthorizationPolicy } from './security';
import { AuthorizationModel, AuthorizedClientModel, Manifest, RequestMatchModel } from '../model';

/** The sources of some callers: principals, namespaces, and a source per network. */
function sourcesOf(a: AuthorizationModel, clients: readonly AuthorizedClientModel[]): Array<{ [field: string]: string[] }> {
  const principals = clients.flatMap(c => [
    ...(c.serviceAccounts ?? []).map(sa => `${a.clusterDomain}/ns/${sa.namespace}/sa/${sa.name}`),
    ...(c.anyMeshed ? ['*'] : []),
  ]);
  const namespaces = clients.flatMap(c => (c.namespace ? [c.namespace] : []));
  const networks = clients.flatMap(c => c.networks ?? []);
  // a network with exceptions is a source of its own (Istio ANDs a source's fields: ipBlocks and notIpBlocks of that one)
  const bySource = networks.map(n => ({ ipBlocks: [n.cidr], ...(n.except?.length ? { notIpBlocks: [...n.except] } : {}) }));
  return [...(principals.length > 0 ? [{ principals }] : []), ...(namespaces.length > 0 ? [{ namespaces }] : []), ...bySource];
}

/**
 * A path condition as Istio's `paths` (exact, or a prefix ending in `*`): an element-wise prefix `/authors` is the path
 * itself and what lies under it (`/authors`, `/authors/*`), the Gateway API's `PathPrefix` (a trailing `/` ignored);
 * `/` is any path (no condition).
 * @see https://istio.io/latest/docs/reference/config/security/authorization-policy/#Operation
 */
function istioPaths(p: NonNullable<RequestMatchModel['path']>): string[] | undefined {
  if (p.type === 'Exact') return [p.value];
  const base = p.value.replace(/\/+$/, '');
  return base === '' ? undefined : [base, `${base}/*`];
}

/**
 * Istio's authorization of one service: an ALLOW `AuthorizationPolicy` selecting its pods; with an
 * ALLOW policy in place, Istio refuses every request no rule matches. Callers are named by their
 * mutual-TLS principal (`<trust domain>/ns/<namespace>/sa/<account>`) or namespace.
 */
export function renderIstioAuthorizationPolicy(a: AuthorizationModel, apiVersion: string): Manifest {
  const ports = a.atWaypoint ? a.atWaypoint.ports.map(String) : a.ports.map(p => String(p.containerPort));
  const rules: AuthorizationRuleModel[] = [
    ...(a.clients.length > 0 ? [{ from: sourcesOf(a, a.clients), to: [{ ports }] }] : []),
    // a rule per request rule: its callers, to any of its operations (Istio ORs the operations of a rule, ANDs the
    // fields of one: methods and paths of one match)
    ...(a.requests ?? []).map(r => ({
      from: sourcesOf(a, r.clients),
      to: r.requests.map(m => ({ ports, methods: m.methods, paths: m.path ? istioPaths(m.path) : undefined })),
    })),
  ];
  const policy = renderAuthorizationPolicy({
    apiVersion,
    name: a.name,
    namespace: a.namespace,
    // under ambient with a waypoint, the waypoint enforces it (it sees the caller; ztunnel sees the waypoint)
    ...(a.atWaypoint ? { targetRefs: [{ group: '', kind: 'Service', name: a.atWaypoint.service }] } : { selector: { app: a.app } }),
    action: 'ALLOW',
    rules,
  });
  // observe first: Istio evaluates and logs a dry-run policy without enforcing it
  return a.audit ? { ...policy, metadata: { ...policy.metadata, annotations: { 'istio.io/dry-run': 'true' } } } : policy;
}
