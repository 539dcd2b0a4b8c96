import { Manifest, AuthorizationModel } from '../model';
import { renderAuthorizationPolicy } from './security';

/**
 * Istio's authorization of one service: an ALLOW `AuthorizationPolicy` selecting its pods; with an
 * ALLOW policy in place, Istio refuses every request no rule matches. Callers are named by their
 * mutual-TLS principal (`<trust domain>/ns/<namespace>/sa/<account>`) or namespace.
 */
export function renderIstioAuthorizationPolicy(a: AuthorizationModel, apiVersion: string): Manifest {
  const principals = a.clients.flatMap(c => [
    ...(c.serviceAccounts ?? []).map(sa => `${a.clusterDomain}/ns/${sa.namespace}/sa/${sa.name}`),
    ...(c.anyMeshed ? ['*'] : []),
  ]);
  const namespaces = a.clients.flatMap(c => (c.namespace ? [c.namespace] : []));
  const networks = a.clients.flatMap(c => c.networks ?? []);
  // a network with exceptions is a source of its own (Istio ANDs a source's fields: ipBlocks and notIpBlocks of that one)
  const bySource = networks.map(n => ({ ipBlocks: [n.cidr], ...(n.except?.length ? { notIpBlocks: [...n.except] } : {}) }));
  const policy = renderAuthorizationPolicy({
    apiVersion,
    name: a.name,
    namespace: a.namespace,
    // under ambient with a waypoint, the waypoint enforces it (it sees the caller; ztunnel sees the waypoint)
    ...(a.atWaypoint ? { targetRefs: [{ group: '', kind: 'Service', name: a.atWaypoint.service }] } : { selector: { app: a.app } }),
    action: 'ALLOW',
    rules: [{
      from: [...(principals.length > 0 ? [{ principals }] : []), ...(namespaces.length > 0 ? [{ namespaces }] : []), ...bySource],
      to: [{ ports: a.atWaypoint ? a.atWaypoint.ports.map(String) : a.ports.map(p => String(p.containerPort)) }],
    }],
  });
  // observe first: Istio evaluates and logs a dry-run policy without enforcing it
  return a.audit ? { ...policy, metadata: { ...policy.metadata, annotations: { 'istio.io/dry-run': 'true' } } } : policy;
}
