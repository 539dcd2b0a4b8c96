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
 * Linkerd's authorization of one service: a `Server` per guarded port (selecting the service's pods, `accessPolicy:
 * deny` — `audit` to observe first —, so that only what is authorized gets in), a `MeshTLSAuthentication` naming the
 * allowed identities and an `AuthorizationPolicy` per Server requiring it, and for callers by network a
 * `NetworkAuthentication` with an `AuthorizationPolicy` of its own (the authentications of one policy must all hold).
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
      accessPolicy: a.audit ? 'audit' : 'deny',
    },
  }));
  const anyMeshed = a.clients.some(c => c.anyMeshed);
  const refs = a.clients.flatMap(c => [
    ...(c.serviceAccounts ?? []).map(sa => ({ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace })),
    ...(c.namespace ? [{ kind: 'Namespace', name: c.namespace }] : []),
  ]);
  const networks = a.clients.flatMap(c => c.networks ?? []);
  const byIdentity = anyMeshed || refs.length > 0;
  const authn: Manifest[] = byIdentity ? [{
    apiVersion: `${POLICY}/v1alpha1`,
    kind: 'MeshTLSAuthentication',
    metadata: metadataOf(a.name, a.namespace),
    spec: anyMeshed ? { identities: ['*'] } : { identityRefs: refs },
  }] : [];
  const netAuthn: Manifest[] = networks.length > 0 ? [{
    apiVersion: `${POLICY}/v1alpha1`,
    kind: 'NetworkAuthentication',
    metadata: metadataOf(a.name, a.namespace),
    spec: { networks: networks.map(n => ({ cidr: n.cidr, except: n.except?.length ? [...n.except] : undefined })) },
  }] : [];
  const policy = (s: Manifest, name: string, kind: string): Manifest => ({
    apiVersion: `${POLICY}/v1alpha1`,
    kind: 'AuthorizationPolicy',
    metadata: metadataOf(name, a.namespace),
    spec: {
      targetRef: { group: POLICY, kind: 'Server', name: s.metadata.name },
      requiredAuthenticationRefs: [{ group: POLICY, kind, name: a.name }],
    },
  });
  const policies: Manifest[] = [
    ...(byIdentity ? servers.map(s => policy(s, s.metadata.name, 'MeshTLSAuthentication')) : []),
    ...(networks.length > 0 ? servers.map(s => policy(s, `${s.metadata.name}-networks`, 'NetworkAuthentication')) : []),
  ];
  const rl = a.rateLimit;
  const limits: Manifest[] = rl ? servers.map(s => ({
    apiVersion: `${POLICY}/v1alpha1`,
    kind: 'HTTPLocalRateLimitPolicy',
    metadata: metadataOf(s.metadata.name, a.namespace),
    spec: {
      targetRef: { group: POLICY, kind: 'Server', name: s.metadata.name },
      total: rl.total !== undefined ? { requestsPerSecond: rl.total } : undefined,
      identity: rl.perClient !== undefined ? { requestsPerSecond: rl.perClient } : undefined,
      overrides: rl.overrides.length > 0 ? rl.overrides.map(o => ({
        requestsPerSecond: o.requestsPerSecond,
        clientRefs: o.serviceAccounts.map(sa => ({ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace })),
      })) : undefined,
    },
  })) : [];
  return [...servers, ...authn, ...netAuthn, ...policies, ...limits];
}
