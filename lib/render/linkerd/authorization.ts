import { metadataOf } from '../metadata';
import { AuthorizationModel, AuthorizedClientModel, Manifest, RequestMatchModel } from '../model';

const POLICY = 'policy.linkerd.io';

/** Linkerd's protocol hint for a Server, from the port's application protocol (`unknown`: detect). */
function proxyProtocol(protocol: string): string {
  return ({ http: 'HTTP/1', http2: 'HTTP/2', grpc: 'gRPC', tcp: 'opaque', mongo: 'opaque', mysql: 'opaque', redis: 'opaque' } as { [p: string]: string })[protocol] ?? 'unknown';
}

/** The authentications of some callers (a MeshTLSAuthentication for identities, a NetworkAuthentication for networks), named `name`. */
interface Authentications {
  readonly objects: Manifest[];
  /** The kinds written: an AuthorizationPolicy requires each on its own (the authentications of one policy must all hold). */
  readonly kinds: Array<'MeshTLSAuthentication' | 'NetworkAuthentication'>;
  readonly name: string;
}

function authentications(name: string, namespace: string | undefined, clients: readonly AuthorizedClientModel[]): Authentications {
  const anyMeshed = clients.some(c => c.anyMeshed);
  const refs = clients.flatMap(c => [
    ...(c.serviceAccounts ?? []).map(sa => ({ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace })),
    ...(c.namespace ? [{ kind: 'Namespace', name: c.namespace }] : []),
  ]);
  const networks = clients.flatMap(c => c.networks ?? []);
  const objects: Manifest[] = [];
  const kinds: Authentications['kinds'] = [];
  if (anyMeshed || refs.length > 0) {
    kinds.push('MeshTLSAuthentication');
    objects.push({
      apiVersion: `${POLICY}/v1alpha1`,
      kind: 'MeshTLSAuthentication',
      metadata: metadataOf(name, namespace),
      spec: anyMeshed ? { identities: ['*'] } : { identityRefs: refs },
    });
  }
  if (networks.length > 0) {
    kinds.push('NetworkAuthentication');
    objects.push({
      apiVersion: `${POLICY}/v1alpha1`,
      kind: 'NetworkAuthentication',
      metadata: metadataOf(name, namespace),
      spec: { networks: networks.map(n => ({ cidr: n.cidr, except: n.except?.length ? [...n.except] : undefined })) },
    });
  }
  return { objects, kinds, name };
}

/** An AuthorizationPolicy on `target` per kind of authentication: `<name>`, and `<name>-networks` for the networks. */
function policiesOn(target: { group: string; kind: string; name: string }, name: string, authn: Authentications, namespace?: string): Manifest[] {
  return authn.kinds.map(kind => ({
    apiVersion: `${POLICY}/v1alpha1`,
    kind: 'AuthorizationPolicy',
    metadata: metadataOf(kind === 'NetworkAuthentication' && (authn.kinds.length > 1 || target.kind === 'Server') ? `${name}-networks` : name, namespace),
    spec: {
      targetRef: { ...target },
      requiredAuthenticationRefs: [{ group: POLICY, kind, name: authn.name }],
    },
  }));
}

/**
 * Per-request authorization (Linkerd's configuring-per-route-policy task): an inbound `HTTPRoute` per rule attached to
 * every Server, with the rule's authentications and an AuthorizationPolicy targeting the route. Once a Server has
 * routes, a request no route matches is refused (404) and Linkerd's default probe route is gone
 * (`policy-controller/k8s/index/src/inbound/index.rs`, `http_routes`): the callers of `allowFrom` (authorized on the
 * Servers, so on every route) get a catch-all route `<name>-default`, and the pods' HTTP probes a route `<name>-probes`
 * open to every network, as the task does for the kubelet.
 */
interface RouteObjects {
  readonly authentications: Manifest[];
  readonly routes: Manifest[];
  readonly policies: Manifest[];
}

function routeObjects(a: AuthorizationModel, servers: readonly Manifest[]): RouteObjects {
  const rules = a.requests ?? [];
  if (rules.length === 0) return { authentications: [], routes: [], policies: [] };
  const parentRefs = servers.map(s => ({ group: POLICY, kind: 'Server', name: s.metadata.name }));
  const route = (name: string, matches: unknown[]): Manifest => ({
    apiVersion: `${POLICY}/v1beta3`,
    kind: 'HTTPRoute',
    metadata: metadataOf(name, a.namespace),
    spec: { parentRefs: parentRefs.map(r => ({ ...r })), rules: [{ matches }] },
  });
  const matchesOf = (r: RequestMatchModel) => {
    const path = r.path ? { path: { type: r.path.type, value: r.path.value } } : {};
    return r.methods ? r.methods.map(method => ({ ...path, method })) : [path];
  };
  const routeRef = (name: string) => ({ group: POLICY, kind: 'HTTPRoute', name });
  const authns: Manifest[] = [];
  const routes: Manifest[] = [];
  const policies: Manifest[] = [];
  if (a.clients.length > 0) routes.push(route(`${a.name}-default`, [{ path: { type: 'PathPrefix', value: '/' } }]));
  for (const rule of rules) {
    const names = rule.linkerdNames ?? {};
    const authn = authentications(names.authentication ?? rule.name, a.namespace, rule.clients);
    authns.push(...authn.objects);
    routes.push(route(names.route ?? rule.name, rule.requests.flatMap(matchesOf)));
    policies.push(...policiesOn(routeRef(names.route ?? rule.name), names.policy ?? rule.name, authn, a.namespace));
  }
  const probes = [...new Set(a.probePaths ?? [])];
  if (probes.length > 0) {
    const name = `${a.name}-probes`;
    routes.push(route(name, probes.map(value => ({ path: { type: 'Exact', value }, method: 'GET' }))));
    const authn = authentications(name, a.namespace, [{ networks: [{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }] }]);
    authns.push(...authn.objects);
    policies.push(...policiesOn(routeRef(name), name, authn, a.namespace));
  }
  return { authentications: authns, routes, policies };
}

/** The name of the Server of one guarded port: `<name>-<port>`, or the name given (one guarded port). */
export function linkerdServerName(a: AuthorizationModel, port: number): string {
  return a.linkerdNames?.server ?? `${a.name}-${port}`;
}

/**
 * Linkerd's authorization of one service: a `Server` per guarded port (selecting the service's pods, labelled with their `app`, `accessPolicy:
 * deny` — `audit` to observe first —, so that only what is authorized gets in), a `MeshTLSAuthentication` naming the
 * allowed identities and an `AuthorizationPolicy` per Server requiring it, and for callers by network a
 * `NetworkAuthentication` with an `AuthorizationPolicy` of its own (the authentications of one policy must all hold).
 */
export function renderLinkerdAuthorization(a: AuthorizationModel): Manifest[] {
  const servers: Manifest[] = a.ports.map(p => ({
    apiVersion: `${POLICY}/v1beta3`,
    kind: 'Server',
    // labelled with the app whose pods it selects, as Linkerd's restricting-access task labels its Server
    metadata: metadataOf(linkerdServerName(a, p.containerPort), a.namespace, { app: a.app }),
    spec: {
      podSelector: { matchLabels: { app: a.app } },
      port: p.containerPortName ?? p.containerPort,
      proxyProtocol: proxyProtocol(p.protocol),
      accessPolicy: a.accessPolicy ?? (a.audit ? 'audit' : 'deny'),
    },
  }));
  const base = authentications(a.linkerdNames?.authentication ?? a.name, a.namespace, a.clients);
  // every Server's policy requiring the identities, then every Server's requiring the networks
  const serverPolicies: Manifest[] = base.kinds.flatMap(kind => servers.flatMap(s =>
    policiesOn({ group: POLICY, kind: 'Server', name: s.metadata.name }, a.linkerdNames?.policy ?? s.metadata.name, { ...base, kinds: [kind] }, a.namespace)));
  const routed = routeObjects(a, servers);
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
  return [...servers, ...base.objects, ...routed.authentications, ...serverPolicies, ...routed.routes, ...routed.policies, ...limits];
}
