import { CallerIdentity, callerIdentity, clientTlsMode, deployedGatewayServiceAccount, destinationRuleFor, gatewayPods, istioPrincipal, linkerdIdentity } from './identity';
import { IstioVerdict, evaluateIstio } from './istio-authz';
import { RequestAttributes } from './istio-rules';
import { JwtIdentity, readJwt, requestAuthentications } from './jwt';
import { LinkerdVerdict, evaluateLinkerd, parsePortSet, podSetting } from './linkerd-authz';
import { describeMtls, peerAuthenticationFor } from './peer-authentication';
import { isHttpRequest, istioSeesHttp, servicePortOf, targetPortOf } from './protocol';
import { requestAtWaypoint } from '../ambient/handoff';
import { Caller } from '../caller';
import { roundWeight } from '../destinations';
import { defaultServicePort } from '../kubernetes';
import { NormalizedRequest } from '../request';
import { outcomeOf } from '../result';
import { TrafficAuthorization, TrafficDestination, TrafficObjectRef, TrafficResult } from '../types';
import { ServiceInfo, WorkloadInfo, World, WorldObject } from '../world';

/**
 * The authorization each destination of a routed request meets, in the order the request meets it: the gateway it
 * entered (Istio gateways enforce the AuthorizationPolicies that select them), the waypoint it went through (ambient:
 * the L7 policies that target the waypoint or the Service), then the destination pod's own proxy (an Istio sidecar:
 * PeerAuthentication and AuthorizationPolicy; ztunnel: PeerAuthentication and L4 AuthorizationPolicy; a Linkerd proxy:
 * its inbound policy). A pod without a proxy checks nothing.
 */

/** Who sends a connection to a destination pod: the caller's proxy, or the waypoint that forwards it. */
interface Sender {
  readonly proxy: 'istio' | 'ambient' | 'waypoint' | 'linkerd' | 'none';
  readonly namespace?: string;
  readonly serviceAccount?: string;
  /** The caller's labels (a DestinationRule `workloadSelector` may pick it). */
  readonly labels?: { readonly [k: string]: string };
  readonly scope: CallerIdentity['scope'];
}

/** The request as a proxy reads it. */
interface Seen {
  readonly method: string;
  readonly path: string;
  readonly host: string;
  readonly headers: { readonly [name: string]: string };
  readonly query: ReadonlyArray<readonly [string, string]>;
}

const splitQuery = (pathAndQuery: string): [string, Array<[string, string]>] => {
  const i = pathAndQuery.indexOf('?');
  if (i < 0) return [pathAndQuery, []];
  const pairs = pathAndQuery.slice(i + 1).split('&').filter(p => p !== '').map((p): [string, string] => {
    const j = p.indexOf('=');
    const dec = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    return j < 0 ? [dec(p), ''] : [dec(p.slice(0, j)), dec(p.slice(j + 1))];
  });
  return [pathAndQuery.slice(0, i), pairs];
};

const seenOf = (req: NormalizedRequest): Seen => ({ method: req.method, path: req.path, host: req.host ?? '', headers: req.headers, query: req.query });

/** What the destination receives: the route's rewrites and header changes applied. */
function seenAtDestination(result: TrafficResult, req: NormalizedRequest): Seen {
  if (!result.upstreamRequest) return { ...seenOf(req), headers: result.requestHeaders ?? req.headers };
  const [path, query] = splitQuery(result.upstreamRequest.path);
  return { method: result.upstreamRequest.method, path, host: result.upstreamRequest.host, headers: result.requestHeaders ?? req.headers, query };
}

/** An authorization, with the mutual TLS of the connection it judged. */
function verdictOf(
  v: { readonly verdict: TrafficAuthorization['verdict']; readonly reason: string; readonly policy?: WorldObject | TrafficObjectRef; readonly rule?: number },
  enforcedBy: TrafficAuthorization['enforcedBy'], mtls: boolean, peer: string | undefined,
): TrafficAuthorization {
  const p = v.policy;
  const policy = p && p.kind !== 'default' ? { kind: p.kind, namespace: p.namespace, name: p.name, ...(v.rule !== undefined ? { rule: v.rule } : {}) } : undefined;
  return { verdict: v.verdict, enforcedBy, ...(policy ? { policy } : {}), reason: v.reason, mtls, ...(peer ? { peer } : {}) };
}

/** Authorizations refused for a missing or bad credential (401), not a policy (403). */
const unauthenticated = new WeakSet<TrafficAuthorization>();

interface Check {
  readonly authorization: TrafficAuthorization;
  /** A share that fails before any policy (a TLS mismatch): why. */
  readonly unavailable?: string;
  /** Linkerd: no inbound route matches (404). */
  readonly noRoute?: boolean;
  readonly notes: readonly string[];
}

/** The JWT at an Istio proxy: an invalid token is refused there (401) before any AuthorizationPolicy. */
function jwtAt(
  world: World, namespace: string, labels: { readonly [k: string]: string }, seen: Seen,
): { jwt?: JwtIdentity; refusal?: { reason: string; policy: WorldObject } } {
  const policies = requestAuthentications(world, namespace, labels);
  if (policies.length === 0) return {};
  const r = readJwt(policies, seen.headers, seen.query);
  if (r.kind === 'invalid') return { refusal: { reason: `RequestAuthentication ${r.policy.namespace}/${r.policy.name}: ${r.reason}`, policy: r.policy } };
  return r.kind === 'valid' ? { jwt: r.jwt } : {};
}

function istioCheck(verdict: IstioVerdict, enforcedBy: TrafficAuthorization['enforcedBy'], mtls: boolean, peer: string | undefined, jwt?: JwtIdentity): Check {
  const notes = [...verdict.notes];
  if (jwt && verdict.verdict === 'allow') notes.push(`the JWT of issuer '${jwt.iss}' is taken as valid (RequestAuthentication ${jwt.policy.namespace}/${jwt.policy.name}): the model does not check signatures`);
  return { authorization: verdictOf(verdict, enforcedBy, mtls, peer), notes };
}

/** The check at an Istio gateway the request entered. */
function gatewayCheck(world: World, id: CallerIdentity, result: TrafficResult, req: NormalizedRequest): Check | undefined {
  const g = id.gateway;
  if (!g || !g.istio || id.proxy !== 'istio') return undefined;
  const namespace = id.namespace ?? g.object.namespace;
  const seen = seenOf(req);
  const listenerProtocol = result.listener?.protocol.toUpperCase();
  const http = isHttpRequest(req) && (listenerProtocol === undefined || ['HTTP', 'HTTPS', 'HTTP2', 'GRPC'].includes(listenerProtocol));
  const jwt = http ? jwtAt(world, namespace, g.labels, seen) : {};
  if (jwt.refusal) {
    const a = verdictOf({ verdict: 'deny', reason: jwt.refusal.reason, policy: jwt.refusal.policy }, 'istio-gateway', false, undefined);
    unauthenticated.add(a);
    return { authorization: a, notes: [] };
  }
  const attrs: RequestAttributes = {
    http,
    mtls: false,
    scope: 'external',
    port: result.listener?.port ?? req.port,
    method: seen.method,
    path: seen.path,
    host: seen.host,
    headers: seen.headers,
    sni: req.sni,
    jwt: jwt.jwt,
  };
  const verdict = evaluateIstio(world, { kind: 'gateway', namespace, labels: g.labels }, attrs);
  return istioCheck(verdict, 'istio-gateway', false, undefined, jwt.jwt);
}

/** The waypoint of a share, and its identity (the ServiceAccount of its pods, else of the deployment Istio makes). */
function waypointOf(world: World, d: TrafficDestination): { object: WorldObject; service: ServiceInfo; serviceAccount: string } | undefined {
  if (!d.waypoint) return undefined;
  const [ns, name] = d.waypoint.name.split('/');
  const object = world.get('gateway.networking.k8s.io', 'Gateway', ns, name);
  const [sns, sname] = d.waypoint.service.split('/');
  const service = world.service(sns, sname);
  if (!object || !service) return undefined;
  return { object, service, serviceAccount: gatewayPods(world, object)[0]?.serviceAccount ?? deployedGatewayServiceAccount(world, object) };
}

/** The caller's principal, for an Istio proxy (undefined when its identity is not in the configuration). */
const principalOf = (s: { namespace?: string; serviceAccount?: string }) =>
  (s.namespace !== undefined && s.serviceAccount !== undefined ? istioPrincipal(s.namespace, s.serviceAccount) : undefined);

/** The check at the waypoint: its L7 policies, with the caller's identity (HBONE from its ztunnel, sidecar or gateway). */
function waypointCheck(
  world: World, id: CallerIdentity, wp: NonNullable<ReturnType<typeof waypointOf>>, result: TrafficResult, req: NormalizedRequest,
): Check {
  const at = requestAtWaypoint(result) ?? req;
  const seen = seenOf(at);
  const port = defaultServicePort(wp.service, req.port);
  const mtls = id.proxy === 'istio' || id.proxy === 'ambient';
  const principal = mtls ? principalOf(id) : undefined;
  const attrs: RequestAttributes = {
    http: istioSeesHttp(at, servicePortOf(wp.service, port)),
    mtls,
    principal,
    scope: id.scope,
    port,
    method: seen.method,
    path: seen.path,
    host: seen.host,
    headers: seen.headers,
  };
  return istioCheck(evaluateIstio(world, { kind: 'waypoint', waypoint: wp.object, service: wp.service }, attrs), 'waypoint', mtls, principal);
}

/** How an Istio-meshed pod receives the connection: mutual TLS or not, and why. */
function istioConnection(
  world: World, sender: Sender, w: WorkloadInfo, service: ServiceInfo | undefined, d: TrafficDestination, podPort: number | undefined,
): { mtls: boolean; failure?: string; note?: string } {
  if (sender.proxy === 'ambient' || sender.proxy === 'waypoint') return { mtls: true };
  if (sender.proxy !== 'istio') return { mtls: false };
  const pa = peerAuthenticationFor(world, w, podPort);
  const rule = service && sender.namespace !== undefined ? destinationRuleFor(world, sender.namespace, service, sender.labels) : undefined;
  const mode = rule ? clientTlsMode(rule, d.port, d.subset) : undefined;
  const by = rule ? `DestinationRule ${rule.namespace}/${rule.name} sets tls.mode ${mode}` : '';
  if (mode === 'ISTIO_MUTUAL') {
    if (w.dataPlane === 'istio-sidecar' && pa.mode === 'DISABLE') {
      return { mtls: true, failure: `${by} but ${describeMtls(pa)} makes ${w.key} accept plaintext only: the TLS handshake fails` };
    }
    return { mtls: true };
  }
  if (mode === 'DISABLE') return { mtls: false, note: `${by}: the caller sends plaintext` };
  if (mode === 'SIMPLE' || mode === 'MUTUAL') return { mtls: false, note: `${by}: the caller originates its own TLS, which carries no Istio identity` };
  // auto mutual TLS: Istio's own mTLS to pods with a proxy, unless their PeerAuthentication disables it
  // (istio/istio `pilot/pkg/networking/core/cluster_tls.go` `buildAutoMtlsSettings`)
  if (w.dataPlane === 'istio-ambient') return { mtls: true };
  return { mtls: pa.mode !== 'DISABLE' };
}

/** The check at a destination pod. */
function podCheck(
  world: World, sender: Sender, w: WorkloadInfo, service: ServiceInfo | undefined, d: TrafficDestination, seen: Seen, req: NormalizedRequest,
): Check | undefined {
  const podPort = targetPortOf(service, d.port, w);
  if (w.dataPlane === 'istio-sidecar' || w.dataPlane === 'istio-ambient') {
    const ambient = w.dataPlane === 'istio-ambient';
    const enforcedBy = ambient ? 'ztunnel' : 'istio-sidecar';
    const conn = istioConnection(world, sender, w, service, d, podPort);
    const peer = conn.mtls ? principalOf(sender) : undefined;
    const notes = conn.note ? [conn.note] : [];
    if (conn.failure) return { authorization: verdictOf({ verdict: 'deny', reason: conn.failure }, enforcedBy, true, peer), unavailable: conn.failure, notes };
    const pa = peerAuthenticationFor(world, w, podPort);
    if (!conn.mtls && pa.mode === 'STRICT') {
      return { authorization: verdictOf({ verdict: 'deny', reason: `${describeMtls(pa)} refuses plaintext from ${sender.proxy === 'none' ? 'a caller without a mesh proxy' : 'the caller'}`, policy: pa.policy }, enforcedBy, false, undefined), notes };
    }
    const http = !ambient && istioSeesHttp(req, servicePortOf(service, d.port));
    const jwt = http ? jwtAt(world, w.namespace, w.podLabels, seen) : {};
    if (jwt.refusal) {
      const a = verdictOf({ verdict: 'deny', reason: jwt.refusal.reason, policy: jwt.refusal.policy }, enforcedBy, conn.mtls, peer);
      unauthenticated.add(a);
      return { authorization: a, notes };
    }
    const attrs: RequestAttributes = {
      http,
      mtls: conn.mtls,
      principal: peer,
      scope: sender.scope,
      port: podPort,
      method: seen.method,
      path: seen.path,
      host: seen.host,
      headers: seen.headers,
      jwt: jwt.jwt,
      ...(conn.mtls && !ambient && service ? { sni: `outbound_.${d.port}_.${d.subset ?? ''}_.${service.fqdn}` } : {}),
    };
    const verdict = evaluateIstio(world, ambient ? { kind: 'ztunnel', workload: w } : { kind: 'sidecar', workload: w }, attrs);
    const check = istioCheck(verdict, enforcedBy, conn.mtls, peer, jwt.jwt);
    return { ...check, notes: [...notes, ...check.notes] };
  }
  if (w.dataPlane === 'linkerd') {
    if (podPort === undefined) return undefined;
    const skipped = parsePortSet(podSetting(world, w, 'config.linkerd.io/skip-inbound-ports'))?.has(podPort);
    if (skipped) return undefined;
    const tls = sender.proxy === 'linkerd';
    const identity = tls && sender.namespace !== undefined && sender.serviceAccount !== undefined
      ? linkerdIdentity(sender.namespace, sender.serviceAccount) : undefined;
    const v: LinkerdVerdict = evaluateLinkerd(world, w, podPort, { tls, identity, scope: sender.scope }, {
      http: isHttpRequest(req), grpc: req.protocol === 'grpc', method: seen.method, path: seen.path, query: seen.query, headers: seen.headers,
    });
    return { authorization: verdictOf(v, 'linkerd', tls, identity), notes: v.notes, ...(v.noRoute ? { noRoute: true, unavailable: v.reason } : {}) };
  }
  return undefined;
}

/** The checks in order: the first refusal decides, else an undecided one, else the last allows. */
function combine(checks: readonly Check[]): Check | undefined {
  if (checks.length === 0) return undefined;
  const deciding = checks.find(c => c.authorization.verdict === 'deny') ?? checks.find(c => c.authorization.verdict === 'undecided') ?? checks[checks.length - 1];
  const notes = checks.flatMap(c => c.notes);
  // a refusal stops the request: the checks after it never see it
  const met = deciding.authorization.verdict === 'deny' ? checks.slice(0, checks.indexOf(deciding) + 1) : checks;
  if (met.length === 1) return { ...deciding, notes };
  return { ...deciding, authorization: { ...deciding.authorization, checks: met.map(c => c.authorization) }, notes };
}

const senderOf = (id: CallerIdentity): Sender => ({
  proxy: id.proxy, namespace: id.namespace, serviceAccount: id.serviceAccount, scope: id.scope, labels: id.gateway?.labels,
});

/**
 * Sets each destination's authorization (a share whose pods answer differently is split by their pods), and the
 * outcome: `denied` (403, 401 for a refused credential) when every answering share is refused, `undecided` when every
 * answering share is refused or undecided and one is undecided, `no-route` (404) when a Linkerd Server has no inbound
 * route for the request on every share.
 */
export function authorizeResult(world: World, caller: Caller, result: TrafficResult, req: NormalizedRequest): TrafficResult {
  if (result.outcome === 'undecided') return result;
  const id = callerIdentity(world, caller);
  const http = isHttpRequest(req);
  const notes: string[] = [...result.notes];
  // the notes of an assumed gateway pod are the routing's own words (one note, not two)
  const assumed = id.assumed === undefined ? undefined : id.assumed.startsWith('no pods of ') ? id.assumed : `the caller, ${id.name}: ${id.assumed}`;
  const gateway = gatewayCheck(world, id, result, req);
  if (gateway && gateway.authorization.verdict !== 'allow' && (result.destinations.length === 0 || result.outcome !== 'routed')) {
    // refused before routing: the RBAC filter runs before the router (no route, a redirect, no upstream come after it)
    if (result.listener || result.outcome === 'routed' || result.outcome === 'redirected') {
      const outcome = gateway.authorization.verdict === 'deny' ? 'denied' : 'undecided';
      const status = outcome === 'denied' && http ? (unauthenticated.has(gateway.authorization) ? 401 : 403) : undefined;
      return withStatus({
        ...result,
        outcome,
        reason: `at the gateway: ${gateway.authorization.reason}`,
        redirect: null,
        destinations: result.destinations.map(d => ({ ...d, authorization: gateway.authorization })),
        notes: [...notes, ...(assumed ? [assumed] : []), ...gateway.notes, `without it: ${result.reason}`],
      }, status);
    }
  }
  const seen = seenAtDestination(result, req);
  const destinations: TrafficDestination[] = [];
  const failures = new Set<TrafficDestination>();
  const noRoutes = new Set<TrafficDestination>();
  for (const d of result.destinations) {
    if (d.unavailable !== undefined || d.workloads.length === 0) {
      destinations.push(gateway ? { ...d, authorization: gateway.authorization } : d);
      continue;
    }
    const [ns, name] = d.service.split('/');
    const service = name !== undefined ? world.service(ns, name) : undefined;
    const wp = waypointOf(world, d);
    const waypoint = wp ? waypointCheck(world, id, wp, result, req) : undefined;
    const sender: Sender = wp ? { proxy: 'waypoint', namespace: wp.object.namespace, serviceAccount: wp.serviceAccount, scope: 'pod' } : senderOf(id);
    const pods = d.workloads.map(k => world.workload(k)).filter((w): w is WorkloadInfo => w !== undefined);
    const byVerdict = new Map<string, { check?: Check; pods: WorkloadInfo[] }>();
    for (const w of pods) {
      const pod = podCheck(world, sender, w, service, d, seen, req);
      const check = combine([gateway, waypoint, pod].filter((c): c is Check => c !== undefined));
      const key = pods.length === 1 ? '' : JSON.stringify(check ? [check.authorization, check.unavailable, check.noRoute] : null);
      const same = byVerdict.get(key);
      if (same) same.pods.push(w);
      else byVerdict.set(key, { check, pods: [w] });
    }
    const total = pods.reduce((n, w) => n + Math.max(w.replicas, 0), 0);
    for (const { check, pods: group } of byVerdict.values()) {
      const replicas = group.reduce((n, w) => n + Math.max(w.replicas, 0), 0);
      const share = byVerdict.size === 1 || total === 0 ? d.weight : roundWeight(d.weight * replicas / total);
      const out: TrafficDestination = {
        ...d,
        ...(byVerdict.size > 1 ? { workloads: group.map(w => w.key).sort() } : {}),
        weight: share,
        ...(check ? { authorization: check.authorization } : {}),
        ...(check?.unavailable ? { unavailable: check.unavailable } : {}),
      };
      if (check) notes.push(...(assumed ? [assumed] : []), ...check.notes);
      if (check?.unavailable && !check.noRoute) failures.add(out);
      if (check?.noRoute) noRoutes.add(out);
      destinations.push(out);
    }
  }
  if (gateway) notes.push(...(assumed ? [assumed] : []), ...gateway.notes);
  const uniqueNotes = [...new Set(notes)];
  if (destinations.length === 0) return { ...result, notes: uniqueNotes };
  // an outcome the route decided before any destination sees the request (a fault's abort, a redirect, a direct
  // response) stands: the destinations' policies never run
  if (result.outcome !== 'routed') return { ...result, destinations, notes: uniqueNotes };
  let { outcome, status } = outcomeOf(destinations, http);
  let reason = result.reason;
  const answering = destinations.filter(d => d.unavailable === undefined && d.weight > 0);
  if (outcome === 'unavailable' && noRoutes.size > 0 && destinations.filter(d => d.weight > 0).every(d => noRoutes.has(d) || d.unavailable === undefined)) {
    outcome = 'no-route';
    status = http ? 404 : undefined;
    reason = [...noRoutes][0].unavailable!;
  } else if (outcome === 'unavailable' && failures.size > 0) {
    reason = [...failures][0].unavailable!;
  } else if (outcome === 'denied') {
    const refusals = answering.map(d => d.authorization!);
    if (http && refusals.every(a => unauthenticated.has(a) || (a.checks ?? []).some(c => unauthenticated.has(c)))) status = 401;
    reason = `${refusals[0].enforcedBy} refuses it: ${refusals[0].reason}`;
  } else if (outcome === 'routed') {
    const undecided = answering.filter(d => d.authorization?.verdict === 'undecided');
    if (undecided.length > 0 && answering.every(d => d.authorization?.verdict === 'undecided' || d.authorization?.verdict === 'deny')) {
      outcome = 'undecided';
      status = undefined;
      reason = `${undecided[0].authorization!.enforcedBy} cannot be decided: ${undecided[0].authorization!.reason}`;
    } else if (undecided.length > 0) {
      uniqueNotes.push(`the authorization of ${undecided.map(d => `${d.service}${d.version ? ` ${d.version}` : ''}`).join(', ')} is undecided: ${undecided[0].authorization!.reason}`);
    }
    const denied = answering.filter(d => d.authorization?.verdict === 'deny');
    if (outcome === 'routed' && denied.length > 0) {
      uniqueNotes.push(`${roundWeight(denied.reduce((n, d) => n + d.weight, 0))}% of requests are refused: ${denied[0].authorization!.reason}`);
    }
  }
  return withStatus({ ...result, outcome, reason, destinations, notes: [...new Set(uniqueNotes)] }, status);
}

/** The result with this status, or none (TCP, undecided). */
function withStatus(result: TrafficResult, status: number | undefined): TrafficResult {
  const { status: _old, ...rest } = result;
  return status === undefined ? rest : { ...rest, status };
}
