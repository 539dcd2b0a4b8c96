import { AddressScope, CLUSTER_NETWORKS, Network, addressIn } from './address';
import { linkerdIdentity } from './identity';
import { MatchableRequest, compareScores, ruleScore } from './route-match';
import { Tri } from './tri';
import { isObj, str, strMap } from '../../analysis/context';
import { TrafficObjectRef } from '../types';
import { WorkloadInfo, World, WorldObject, labelSelectorMatches } from '../world';

/**
 * Linkerd's inbound policy at a meshed pod's port, as its policy controller computes it and its proxy enforces it
 * (linkerd2 `policy-controller/k8s/index/src/inbound/index.rs`, linkerd2-proxy `linkerd/app/inbound/src/policy/`):
 * the oldest `Server` selecting the pod and port, with the authorizations that target it (ServerAuthorization,
 * AuthorizationPolicy on the Server or the namespace, the Server's `accessPolicy`) and, for HTTP, the inbound route the
 * request takes with the AuthorizationPolicies on that route; a port without a Server takes the default policy
 * (`config.linkerd.io/default-inbound-policy` on the pod, inherited from its namespace at injection, else the cluster's
 * `all-unauthenticated`). No authorization that admits the caller: refused.
 */

/** The connection as the destination's Linkerd proxy sees it. */
export interface LinkerdPeer {
  /** Linkerd's mutual TLS (the caller has a Linkerd proxy). */
  readonly tls: boolean;
  /** The client's identity (`web.emojivoto.serviceaccount.identity.linkerd.cluster.local`) when TLS carries one. */
  readonly identity?: string;
  readonly scope: AddressScope;
}

/** What Linkerd decides at the port. */
export interface LinkerdVerdict {
  readonly verdict: 'allow' | 'deny' | 'undecided';
  readonly policy?: TrafficObjectRef;
  readonly reason: string;
  /** No inbound route of the Server matches the request: 404, not a refusal. */
  readonly noRoute?: boolean;
  readonly notes: readonly string[];
}

/** Linkerd's default policies (linkerd2 `policy-controller/k8s/index/src/defaults.rs`). */
const DEFAULT_POLICIES: ReadonlySet<string> = new Set(['all-authenticated', 'all-unauthenticated', 'cluster-authenticated', 'cluster-unauthenticated', 'deny', 'audit']);
/** The cluster default (`proxy.defaultInboundPolicy` of the control-plane chart). */
export const CLUSTER_DEFAULT_POLICY = 'all-unauthenticated';

const POLICY = 'policy.linkerd.io';
const EVERYWHERE: readonly Network[] = [{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }];
const CLUSTER: readonly Network[] = CLUSTER_NETWORKS.map(cidr => ({ cidr }));

/** One authorization: who it admits. */
interface Authz {
  readonly ref: TrafficObjectRef;
  /** `unauthenticated`; `tls` (any TLS); identities (exact names or `*.suffix`, `*` for any). */
  readonly authentication: 'unauthenticated' | 'tls' | readonly string[];
  readonly networks: readonly Network[];
  readonly audit?: boolean;
  /** How a reason names it, when not by its reference (a default policy, a Server's access policy). */
  readonly label?: string;
}

interface LinkerdIndex {
  /** Servers by namespace, the oldest first, then by name (`index.rs` `reindex_servers`). */
  readonly servers: Map<string, WorldObject[]>;
  /** AuthorizationPolicies by target: `Server ns/name`, `Namespace ns`, `HTTPRoute ns/name`, `GRPCRoute ns/name`. */
  readonly policies: Map<string, WorldObject[]>;
  /** ServerAuthorizations by the Server they name (`ns/name`), and those selecting Servers by label, by namespace. */
  readonly sazByName: Map<string, WorldObject[]>;
  readonly sazBySelector: Map<string, WorldObject[]>;
  /** Inbound routes by parent Server (`ns/name`): HTTP (Linkerd's and the Gateway API's HTTPRoutes) and gRPC. */
  readonly httpRoutes: Map<string, WorldObject[]>;
  readonly grpcRoutes: Map<string, WorldObject[]>;
  /** Memos: the Server of a pod's port, an AuthorizationPolicy's authorization. */
  readonly serverOf: Map<string, WorldObject | null>;
  readonly authzOf: Map<WorldObject, Authz | string>;
}
const indexes = new WeakMap<World, LinkerdIndex>();

const push = <T>(m: Map<string, T[]>, key: string, v: T) => {
  const same = m.get(key);
  if (same) same.push(v);
  else m.set(key, [v]);
};

function linkerdIndex(world: World): LinkerdIndex {
  let index = indexes.get(world);
  if (!index) {
    const servers = new Map<string, WorldObject[]>();
    for (const o of [...world.list(POLICY, 'Server')].sort((a, b) => a.index - b.index || a.name.localeCompare(b.name))) push(servers, o.namespace, o);
    const policies = new Map<string, WorldObject[]>();
    for (const o of world.list(POLICY, 'AuthorizationPolicy')) {
      const target = isObj(specOf(o).targetRef) ? specOf(o).targetRef as { [k: string]: unknown } : {};
      const kind = str(target.kind);
      if (kind === 'Namespace') push(policies, `Namespace ${o.namespace}`, o);
      else if (kind === 'Server' || kind === 'HTTPRoute' || kind === 'GRPCRoute') push(policies, `${kind} ${o.namespace}/${str(target.name)}`, o);
    }
    const sazByName = new Map<string, WorldObject[]>();
    const sazBySelector = new Map<string, WorldObject[]>();
    for (const o of world.list(POLICY, 'ServerAuthorization')) {
      const sel = isObj(specOf(o).server) ? specOf(o).server as { [k: string]: unknown } : {};
      if (typeof sel.name === 'string') push(sazByName, `${o.namespace}/${sel.name}`, o);
      else push(sazBySelector, o.namespace, o);
    }
    const httpRoutes = new Map<string, WorldObject[]>();
    const grpcRoutes = new Map<string, WorldObject[]>();
    const routes = [...world.list(POLICY, 'HTTPRoute'), ...world.list('gateway.networking.k8s.io', 'HTTPRoute'), ...world.list('gateway.networking.k8s.io', 'GRPCRoute')]
      .sort((a, b) => a.index - b.index || a.name.localeCompare(b.name));
    for (const r of routes) {
      const parents = Array.isArray(specOf(r).parentRefs) ? specOf(r).parentRefs as unknown[] : [];
      for (const p of parents.filter(isObj)) {
        if (str(p.kind) !== 'Server' || str(p.group) !== POLICY || (p.namespace !== undefined && str(p.namespace) !== r.namespace)) continue;
        push(r.kind === 'GRPCRoute' ? grpcRoutes : httpRoutes, `${r.namespace}/${str(p.name)}`, r);
      }
    }
    index = { servers, policies, sazByName, sazBySelector, httpRoutes, grpcRoutes, serverOf: new Map(), authzOf: new Map() };
    indexes.set(world, index);
  }
  return index;
}

const specOf = (o: WorldObject) => (isObj(o.manifest.spec) ? o.manifest.spec : {});
const ref = (o: WorldObject): TrafficObjectRef => ({ kind: o.kind, namespace: o.namespace, name: o.name });

/** Port numbers of a `config.linkerd.io/*-ports` annotation (`8080,9090-9092`); invalid lists are empty (`ports.rs`). */
export function parsePortSet(spec: string | undefined): Set<number> | undefined {
  if (spec === undefined) return undefined;
  const out = new Set<number>();
  for (const part of spec.split(',').map(s => s.trim()).filter(s => s !== '')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return new Set();
    const [lo, hi] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (lo < 1 || hi > 65535 || lo > hi) return new Set();
    for (let p = lo; p <= hi && p - lo < 65536; p++) out.add(p);
  }
  return out;
}

/** A pod's Linkerd settings: its own annotations, then those its namespace passes on at injection (`proxy-injector/webhook.go`). */
export function podSetting(world: World, w: WorkloadInfo, annotation: string): string | undefined {
  return w.podAnnotations[annotation] ?? world.namespace(w.namespace).annotations[annotation];
}

/** The default authorizations of a default policy (`defaults.rs` `default_authzs`). */
function defaultAuthzs(policy: string, reference: TrafficObjectRef, label: string): Authz[] {
  switch (policy) {
    case 'all-unauthenticated': return [{ ref: reference, label, authentication: 'unauthenticated', networks: EVERYWHERE }];
    case 'all-authenticated': return [{ ref: reference, label, authentication: ['*'], networks: EVERYWHERE }];
    case 'cluster-unauthenticated': return [{ ref: reference, label, authentication: 'unauthenticated', networks: CLUSTER }];
    case 'cluster-authenticated': return [{ ref: reference, label, authentication: ['*'], networks: CLUSTER }];
    case 'audit': return [{ ref: reference, label, authentication: 'unauthenticated', networks: EVERYWHERE, audit: true }];
    default: return [];
  }
}

const identityMatches = (pattern: string, identity: string): boolean => {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return identity.endsWith(pattern.slice(1));
  return pattern === identity;
};

/** Whether an authorization admits the peer (linkerd2-proxy `linkerd/app/inbound/src/policy.rs` `is_authorized`). */
function admits(a: Authz, peer: LinkerdPeer): Tri {
  const net = addressIn(a.networks, peer.scope);
  if (net === 'no') return 'no';
  const tls: Tri = a.authentication === 'unauthenticated' ? 'yes' : a.authentication === 'tls' ? (peer.tls ? 'yes' : 'no')
    : peer.tls && peer.identity !== undefined && a.authentication.some(p => identityMatches(p, peer.identity!)) ? 'yes' : 'no';
  return tls === 'no' ? 'no' : net;
}

/** The identities of a MeshTLSAuthentication (`meshtls_authentication.rs`). */
function meshTlsIdentities(o: WorldObject): string[] {
  const spec = specOf(o);
  const ids = (Array.isArray(spec.identities) ? spec.identities : []).map(str);
  for (const r of (Array.isArray(spec.identityRefs) ? spec.identityRefs : []).filter(isObj)) {
    const kind = str(r.kind);
    if (kind === 'ServiceAccount') ids.push(linkerdIdentity(str(r.namespace) || o.namespace, str(r.name)));
    else if (kind === 'Namespace') ids.push(`*.${str(r.name)}.serviceaccount.identity.linkerd.cluster.local`);
  }
  return ids;
}

const networksOf = (list: unknown): Network[] => (Array.isArray(list) ? list.filter(isObj) : []).map(n => ({
  cidr: str(n.cidr), except: (Array.isArray(n.except) ? n.except : []).map(e => (isObj(e) ? str(e.cidr) : str(e))),
}));

/** An AuthorizationPolicy's authorization, or why Linkerd ignores it (`index.rs` `policy_client_authz`). */
function policyAuthz(world: World, policy: WorldObject): Authz | string {
  const memo = linkerdIndex(world).authzOf;
  let found = memo.get(policy);
  if (found === undefined) {
    found = readPolicyAuthz(world, policy);
    memo.set(policy, found);
  }
  return found;
}

function readPolicyAuthz(world: World, policy: WorldObject): Authz | string {
  let identities: string[] | undefined;
  let networks: Network[] | undefined;
  const refs = specOf(policy).requiredAuthenticationRefs;
  for (const r of (Array.isArray(refs) ? refs : []).filter(isObj)) {
    const kind = str(r.kind);
    const ns = str(r.namespace) || policy.namespace;
    const name = str(r.name);
    if (kind === 'MeshTLSAuthentication' || kind === 'ServiceAccount') {
      if (identities) return 'it names more than one MeshTLSAuthentication or ServiceAccount';
      if (kind === 'ServiceAccount') {
        identities = [linkerdIdentity(ns, name)];
        continue;
      }
      const authn = world.get(POLICY, 'MeshTLSAuthentication', ns, name);
      if (!authn) return `its MeshTLSAuthentication ${ns}/${name} does not exist`;
      identities = meshTlsIdentities(authn);
      if (identities.length === 0) return `MeshTLSAuthentication ${ns}/${name} names no identity`;
    } else if (kind === 'NetworkAuthentication') {
      if (networks) return 'it names more than one NetworkAuthentication';
      const authn = world.get(POLICY, 'NetworkAuthentication', ns, name);
      if (!authn) return `its NetworkAuthentication ${ns}/${name} does not exist`;
      networks = networksOf(specOf(authn).networks);
      if (networks.length === 0) return `NetworkAuthentication ${ns}/${name} names no network`;
    } else {
      return `it requires a ${kind}, which Linkerd does not support`;
    }
  }
  return { ref: ref(policy), authentication: identities ?? 'unauthenticated', networks: networks ?? EVERYWHERE };
}

/** A ServerAuthorization's authorization (`server_authorization.rs`): no networks means the cluster's. */
function serverAuthorizationAuthz(o: WorldObject): Authz | string {
  const client = isObj(specOf(o).client) ? specOf(o).client as { [k: string]: unknown } : {};
  const nets = networksOf(client.networks);
  const networks = nets.length > 0 ? nets : CLUSTER;
  if (client.unauthenticated === true) return { ref: ref(o), authentication: 'unauthenticated', networks };
  if (!isObj(client.meshTLS)) return 'it configures no client authentication';
  if (client.meshTLS.unauthenticatedTLS === true) return { ref: ref(o), authentication: 'tls', networks };
  const ids = (Array.isArray(client.meshTLS.identities) ? client.meshTLS.identities : []).map(str);
  for (const sa of (Array.isArray(client.meshTLS.serviceAccounts) ? client.meshTLS.serviceAccounts : []).filter(isObj)) {
    ids.push(linkerdIdentity(str(sa.namespace) || o.namespace, str(sa.name)));
  }
  if (ids.length === 0) return 'it authorizes no clients';
  return { ref: ref(o), authentication: ids, networks };
}

/** The container port a Server's `port` (a number or a container port's name) names on a pod. */
function serverSelectsPort(server: WorldObject, w: WorkloadInfo, port: number): boolean {
  const p = specOf(server).port;
  if (typeof p === 'number') return p === port;
  const name = str(p);
  if (/^\d+$/.test(name)) return Number(name) === port;
  return w.containerPorts.some(c => c.name === name && c.containerPort === port && c.protocol.toUpperCase() === 'TCP');
}

/** The Server that governs a pod's port: the oldest selecting it. */
export function serverFor(world: World, w: WorkloadInfo, port: number): WorldObject | undefined {
  const index = linkerdIndex(world);
  const key = `${w.key}:${port}`;
  let found = index.serverOf.get(key);
  if (found === undefined) {
    found = (index.servers.get(w.namespace) ?? []).find(s => {
      const spec = specOf(s);
      return isObj(spec.podSelector) && labelSelectorMatches(spec.podSelector, w.podLabels) && serverSelectsPort(s, w, port);
    }) ?? null;
    index.serverOf.set(key, found);
  }
  return found ?? undefined;
}

const describe = (a: Authz) => a.label ?? `${a.ref.kind} ${a.ref.namespace}/${a.ref.name}`;

function decide(authzs: readonly Authz[], peer: LinkerdPeer, deniedBy: TrafficObjectRef, deniedWhy: string, notes: string[]): LinkerdVerdict {
  let unknown: Authz | undefined;
  for (const a of authzs) {
    const m = admits(a, peer);
    if (m === 'yes') {
      const who = peer.identity ? `${peer.identity}` : peer.tls ? 'a TLS client' : 'an unauthenticated client';
      return {
        verdict: 'allow',
        policy: a.ref,
        notes,
        reason: a.audit ? `${describe(a)} audits: the request passes and is logged (${who})` : `${describe(a)} admits ${who}`,
      };
    }
    if (m === 'unknown') unknown ??= a;
  }
  if (unknown) {
    return { verdict: 'undecided', policy: unknown.ref, notes, reason: `${describe(unknown)} admits only some addresses (${unknown.networks.map(n => n.cidr).join(', ')}), and the caller's address is not in the configuration` };
  }
  return { verdict: 'deny', policy: deniedBy, reason: deniedWhy, notes };
}

/** The inbound routes of a Server (HTTPRoute or GRPCRoute whose parentRef is the Server), oldest first. */
function inboundRoutes(world: World, server: WorldObject, grpc: boolean): WorldObject[] {
  const index = linkerdIndex(world);
  return (grpc ? index.grpcRoutes : index.httpRoutes).get(`${server.namespace}/${server.name}`) ?? [];
}

/** The Linkerd policy at a pod's port for a request. */
export function evaluateLinkerd(
  world: World, w: WorkloadInfo, port: number, peer: LinkerdPeer, request: { readonly http: boolean; readonly grpc: boolean } & MatchableRequest,
): LinkerdVerdict {
  const notes: string[] = [];
  const server = serverFor(world, w, port);
  if (!server) {
    let policy = podSetting(world, w, 'config.linkerd.io/default-inbound-policy') ?? CLUSTER_DEFAULT_POLICY;
    if (!DEFAULT_POLICIES.has(policy)) {
      notes.push(`config.linkerd.io/default-inbound-policy '${policy}' is not a Linkerd default policy: the cluster's ${CLUSTER_DEFAULT_POLICY} applies`);
      policy = CLUSTER_DEFAULT_POLICY;
    }
    if (parsePortSet(podSetting(world, w, 'config.linkerd.io/proxy-require-identity-inbound-ports'))?.has(port)) {
      if (policy === 'all-unauthenticated') policy = 'all-authenticated';
      if (policy === 'cluster-unauthenticated') policy = 'cluster-authenticated';
    }
    const reference: TrafficObjectRef = { kind: 'default', namespace: w.namespace, name: policy };
    if (policy === 'deny') return { verdict: 'deny', policy: reference, reason: `no Server selects port ${port} of ${w.key}; the default policy is deny`, notes };
    return decide(defaultAuthzs(policy, reference, `the default policy ${policy}`), peer, reference,
      `no Server selects port ${port} of ${w.key}; the default policy ${policy} refuses ${peer.tls ? 'this client' : 'a client without Linkerd\'s mutual TLS'}`, notes);
  }
  const index = linkerdIndex(world);
  const authzs: Authz[] = [];
  const serverLabels = strMap(server.manifest.metadata.labels);
  const selectorOf = (o: WorldObject) => (specOf(o).server as { selector?: unknown }).selector;
  const bySelector = (index.sazBySelector.get(server.namespace) ?? []).filter(o => labelSelectorMatches(selectorOf(o), serverLabels));
  const sazs = [...index.sazByName.get(`${server.namespace}/${server.name}`) ?? [], ...bySelector];
  for (const saz of sazs.sort((a, b) => a.index - b.index)) {
    const a = serverAuthorizationAuthz(saz);
    if (typeof a === 'string') notes.push(`ServerAuthorization ${saz.namespace}/${saz.name} is ignored: ${a}`);
    else authzs.push(a);
  }
  const serverPolicies = [...index.policies.get(`Server ${server.namespace}/${server.name}`) ?? [], ...index.policies.get(`Namespace ${server.namespace}`) ?? []];
  for (const policy of serverPolicies.sort((a, b) => a.index - b.index)) {
    const a = policyAuthz(world, policy);
    if (typeof a === 'string') notes.push(`AuthorizationPolicy ${policy.namespace}/${policy.name} is ignored: ${a}`);
    else authzs.push(a);
  }
  const access = str(specOf(server).accessPolicy);
  if (access && access !== 'deny') authzs.push(...defaultAuthzs(access, ref(server), `the accessPolicy ${access} of Server ${server.namespace}/${server.name}`));
  const protocol = str(specOf(server).proxyProtocol) || 'unknown';
  const serverRef = ref(server);
  const refused = `Server ${server.namespace}/${server.name} (port ${port}) has no authorization that admits ${peer.identity ?? (peer.tls ? 'this TLS client' : 'a client without Linkerd\'s mutual TLS')}`;
  const http = request.http && protocol !== 'opaque' && protocol !== 'TLS';
  if (!http) return decide(authzs, peer, serverRef, refused, notes);
  // HTTP: the inbound route the request takes, with the policies on it before the Server's (`inbound/index.rs` `http_routes`)
  const grpc = protocol === 'gRPC';
  const routes = inboundRoutes(world, server, grpc);
  if (routes.length === 0) return decide(authzs, peer, serverRef, refused, notes);
  let best: { route: WorldObject; score: readonly number[] } | undefined;
  for (const route of routes) {
    for (const rule of (Array.isArray(specOf(route).rules) ? specOf(route).rules as unknown[] : [{}])) {
      const s = ruleScore(isObj(rule) ? rule.matches : undefined, request, grpc);
      if (s && (!best || compareScores(s.score, best.score) > 0)) best = { route, score: s.score };
    }
  }
  if (!best) {
    return { verdict: 'deny', noRoute: true, policy: serverRef, reason: `no inbound route of Server ${server.namespace}/${server.name} (${routes.map(r => r.name).join(', ')}) matches the request: 404`, notes };
  }
  const route = best.route;
  const routePolicies: Array<[WorldObject, WorldObject]> = [];
  for (const policy of index.policies.get(`${route.kind} ${route.namespace}/${route.name}`) ?? []) {
    const group = str((specOf(policy).targetRef as { group?: unknown }).group);
    if (group === route.group || (route.group === POLICY && group === POLICY)) routePolicies.push([policy, route]);
  }
  const routeAuthzs: Authz[] = [];
  for (const [policy] of routePolicies) {
    const a = policyAuthz(world, policy);
    if (typeof a === 'string') notes.push(`AuthorizationPolicy ${policy.namespace}/${policy.name} is ignored: ${a}`);
    else routeAuthzs.push(a);
  }
  return decide([...routeAuthzs, ...authzs], peer, { kind: route.kind, namespace: route.namespace, name: route.name },
    `neither ${route.kind} ${route.namespace}/${route.name} nor its Server ${server.name} has an authorization that admits ${peer.identity ?? (peer.tls ? 'this TLS client' : 'a client without Linkerd\'s mutual TLS')}`, notes);
}
