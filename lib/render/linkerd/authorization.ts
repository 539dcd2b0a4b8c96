import { metadataOf } from '../metadata';
import { AuthorizationModel, Manifest } from '../model';

const POLICY = 'policy.linkerd.io';

/** Linkerd's protocol hint for a Server, from the port's application protocol (`unknown`: detect). */
function proxyProtocol(protocol: string): string {
  return ({ http: 'HTTP/1', http2: 'HTTP/2', grpc: 'gRPC', tcp: 'opaque', mongo: 'opaque', mysql: 'opaque', redis: 'opaque' } as { [p: string]: string })[protocol] ?? 'unknown';
}

/** The name of the Server of one guarded port: `<name>-<port>`. */
export function linkerdServerName(a: AuthorizationModel, port: number): string {
  return `${a.name}-${port}`;
}

/**
 * Linkerd's authorization of one service: a `Server` per guarded port (selecting the service's pods,
 * `accessPolicy: deny`, so that only what is authorized gets in), one `MeshTLSAuthentication` naming
 * the allowed identities, and an `AuthorizationPolicy` per Server requiring it.
 */
export function renderLinkerdAuthorization(a: AuthorizationModel): Manifest[] {
  const servers: Manifest[] = a.ports.map(p => ({
    apiVersion: `${POLICY}/v1beta3`,
    kind: 'Server',
    metadata: metadataOf(linkerdServerName(a, p.containerPort), a.namespace),
    spec: {
      podSelector: { matchLabels: { app: a.app } },
      port: p.containerPortName ?? p.containerPort,
      proxyProtocol: proxyProtocol(p.protocol),
      accessPolicy: 'deny',
    },
  }));
  const anyMeshed = a.clients.some(c => c.anyMeshed);
  const refs = a.clients.flatMap(c => [
    ...(c.serviceAccounts ?? []).map(sa => ({ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace })),
    ...(c.namespace ? [{ kind: 'Namespace', name: c.namespace }] : []),
  ]);
  const authn: Manifest = {
    apiVersion: `${POLICY}/v1alpha1`,
    kind: 'MeshTLSAuthentication',
    metadata: metadataOf(a.name, a.namespace),
    spec: anyMeshed ? { identities: ['*'] } : { identityRefs: refs },
  };
  const policies: Manifest[] = servers.map(s => ({
    apiVersion: `${POLICY}/v1alpha1`,
    kind: 'AuthorizationPolicy',
    metadata: metadataOf(s.metadata.name, a.namespace),
    spec: {
      targetRef: { group: POLICY, kind: 'Server', name: s.metadata.name },
      requiredAuthenticationRefs: [{ group: POLICY, kind: 'MeshTLSAuthentication', name: a.name }],
    },
  }));
  return [...servers, authn, ...policies];
}
