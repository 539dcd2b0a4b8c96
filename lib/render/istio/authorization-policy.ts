import { metadataOf } from '../metadata';
import { AuthorizationModel, Manifest } from '../model';

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
  const from = [
    ...(principals.length > 0 ? [{ source: { principals } }] : []),
    ...(namespaces.length > 0 ? [{ source: { namespaces } }] : []),
  ];
  return {
    apiVersion,
    kind: 'AuthorizationPolicy',
    metadata: metadataOf(a.name, a.namespace),
    spec: {
      selector: { matchLabels: { app: a.app } },
      action: 'ALLOW',
      rules: [{ from, to: [{ operation: { ports: a.ports.map(p => String(p.containerPort)) } }] }],
    },
  };
}
