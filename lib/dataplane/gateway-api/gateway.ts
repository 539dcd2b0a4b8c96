import { Attachment, attachmentsForHost, gatewayAttachments } from './attachment';
import { DecisionContext, httpDecision, streamDecision } from './decide';
import { bestHostnameMatch, compareRanks, hostnameMatches, hostnameRank, normalHost } from './hostnames';
import { Listener, listenerText } from './listeners';
import { isGrpc, selectHttpRule } from './matching';
import { compareRoutes } from './objects';
import { isObj } from '../../analysis/context';
import { NormalizedRequest } from '../request';
import { RouteDecision, nothingRouted } from '../result';
import { TrafficListenerRef, TrafficResult } from '../types';
import { World, WorldObject } from '../world';

/**
 * A request entering a Gateway API Gateway, as the specification routes it (gateway-api `apis/v1/gateway_types.go`
 * `GatewaySpec.Listeners`): the listeners on the port; for TLS, the listener whose hostname matches the SNI, most
 * specific first (no match: the handshake is refused); for HTTP, the listener whose hostname matches the Host, most
 * specific first (no match: 404), and only that listener's routes ("Listener Isolation"); for HTTPS, a Host that another
 * listener on the port matches more specifically than the SNI's listener is a misdirected request (421); then the
 * routes attached to the listener, in the route kind's precedence.
 */

const DATA_PLANE = 'gateway-api';

/** The listener as a result names it. */
export function listenerRef(l: Listener): TrafficListenerRef {
  return {
    kind: l.owner.kind,
    namespace: l.owner.namespace,
    name: l.owner.name,
    listener: l.name,
    port: l.port,
    protocol: l.protocol,
    hostnames: l.hostname !== undefined ? [l.hostname] : [],
    ...(l.tlsMode !== undefined ? { tlsMode: l.tlsMode } : {}),
  };
}

/** The Gateway's address, for a request that names no host: its status or spec address, else its name. */
function gatewayAddress(gateway: WorldObject): string {
  const first = (v: unknown): string | undefined => {
    const a = Array.isArray(v) ? v.find(isObj) : undefined;
    return a && typeof a.value === 'string' && a.value !== '' ? a.value : undefined;
  };
  const status = isObj(gateway.manifest.status) ? gateway.manifest.status : {};
  const spec = isObj(gateway.manifest.spec) ? gateway.manifest.spec : {};
  return first(status.addresses) ?? first(spec.addresses) ?? `${gateway.name}.${gateway.namespace}`;
}

/** The most specific listener whose hostname matches (empty hostname: any), among listeners of one kind. */
function bestListener(listeners: readonly Listener[], host: string | undefined): Listener | undefined {
  let best: Listener | undefined;
  for (const l of listeners) {
    if (l.hostname !== undefined && (host === undefined || !hostnameMatches(l.hostname, host))) continue;
    if (!best || compareRanks(hostnameRank(l.hostname), hostnameRank(best.hostname)) < 0) best = l;
  }
  return best;
}

/** A request entering a Gateway API Gateway. */
export function routeGatewayRequest(world: World, gateway: WorldObject, req: NormalizedRequest): TrafficResult {
  const result = routeOnListeners(world, gateway, req);
  if (result.outcome !== 'no-route') return result;
  // what would have taken it, had the Gateway accepted it: the routes naming it that it refuses, and why
  const refused = [...gatewayAttachments(world, gateway).status]
    .flatMap(([r, statuses]) => statuses.filter(s => !s.accepted).map(s => `${r.key} is not accepted by ${s.parentRef.kind} ${s.parentRef.namespace}/${s.parentRef.name}: ${s.reason} (${s.message})`));
  return refused.length === 0 ? result : { ...result, notes: [...result.notes, ...refused.slice(0, 5), ...(refused.length > 5 ? [`and ${refused.length - 5} more routes not accepted`] : [])] };
}

function routeOnListeners(world: World, gateway: WorldObject, req: NormalizedRequest): TrafficResult {
  const attachments = gatewayAttachments(world, gateway);
  const model = attachments.model;
  const name = `Gateway ${gateway.namespace}/${gateway.name}`;
  const hop = (decision: string) => [{ at: 'gateway', name: `${gateway.namespace}/${gateway.name}`, decision }];
  const refuse = (reason: string, extra: { status?: number; listener?: Listener } = {}) => nothingRouted(DATA_PLANE, 'no-route', reason, {
    ...(extra.status !== undefined ? { status: extra.status } : {}),
    ...(extra.listener ? { listener: listenerRef(extra.listener) } : {}),
    hops: hop(reason),
  });
  if (model.problem !== undefined) return refuse(`${name} serves nothing: ${model.problem}`);
  const spec = isObj(gateway.manifest.spec) ? gateway.manifest.spec : {};
  const firstPort = Array.isArray(spec.listeners) && isObj(spec.listeners[0]) ? Number(spec.listeners[0].port) : 80;
  const port = req.port ?? firstPort;
  const onPort = model.listeners.filter(l => l.port === port);
  const ports = [...new Set(model.listeners.map(l => l.port))];
  if (onPort.length === 0) return refuse(`${name} has no listener on port ${port} (its ports: ${ports.join(', ') || 'none'}): the connection is refused`);
  const serving = onPort.filter(l => l.problem === undefined);
  if (serving.length === 0) {
    return refuse(`no listener of ${name} on port ${port} serves: ${onPort.map(l => `${listenerText(l)}: ${l.problem}`).join('; ')}`);
  }
  const protocol = serving[0].protocol;
  const http = req.protocol !== 'tcp' && req.protocol !== 'tls';
  if (protocol === 'TCP') return tcpThrough(world, attachments.byListener.get(serving[0]) ?? [], serving[0], req, hop);
  if (protocol === 'UDP') return refuse(`${listenerText(serving[0])} of ${name} takes UDP, which the model does not route`, { listener: serving[0] });
  const tlsListeners = protocol === 'HTTPS' || protocol === 'TLS';
  const clientTls = req.tls ?? (req.protocol === 'tls' || tlsListeners);
  if (!tlsListeners) {
    if (clientTls) return refuse(`${name} speaks plain HTTP on port ${port}: a TLS handshake fails`);
    if (!http) return refuse(`${name} takes HTTP on port ${port}: a ${req.protocol.toUpperCase()} client gets no answer it understands`);
    const host = req.host !== undefined ? normalHost(req.host) : undefined;
    const listener = bestListener(serving, host);
    if (!listener) {
      return refuse(`no HTTP listener of ${name} on port ${port} matches host '${host ?? gatewayAddress(gateway)}' (${serving.map(listenerText).join(', ')}): 404`, { status: 404 });
    }
    return httpThrough(world, gateway, attachments.byListener.get(listener) ?? [], listener, req, 'http', hop);
  }
  if (!clientTls) return refuse(`the listeners of ${name} on port ${port} take TLS: a plain ${http ? 'HTTP request' : 'connection'} fails the handshake`);
  const sni = req.sni !== undefined ? normalHost(req.sni) : undefined;
  const listener = bestListener(serving, sni);
  if (!listener) {
    return refuse(`no listener of ${name} on port ${port} matches SNI '${sni ?? ''}' (${serving.map(listenerText).join(', ')}): the TLS handshake is refused`);
  }
  if (listener.protocol === 'TLS') return tlsThrough(world, attachments.byListener.get(listener) ?? [], listener, sni, req, hop);
  if (!http) return refuse(`${listenerText(listener)} terminates TLS and takes HTTPS: a ${req.protocol.toUpperCase()} client gets no answer it understands`, { listener });
  // misdirected requests (gateway-api `Listener.Hostname`): the Host must be the SNI listener's, not another's on the port
  const host = req.host !== undefined ? normalHost(req.host) : undefined;
  const byHost = bestListener(serving.filter(l => l.protocol === 'HTTPS'), host);
  if (byHost && byHost !== listener) {
    return refuse(`host '${host}' belongs to ${listenerText(byHost)}, not to ${listenerText(listener)} that SNI '${sni ?? ''}' chose: 421 Misdirected Request`, { status: 421, listener });
  }
  if (!byHost) return refuse(`host '${host ?? gatewayAddress(gateway)}' matches no listener of ${name} on port ${port}: 404`, { status: 404, listener });
  const result = httpThrough(world, gateway, attachments.byListener.get(listener) ?? [], listener, req, 'https', hop);
  if (listener.clientValidation === undefined) return result;
  // the request carries no certificate in the model: which CA signed the client's decides the handshake
  return { ...result, notes: [...result.notes, `${listenerText(listener)} validates client certificates (${listener.clientValidation}): the model assumes the client presents one that passes`] };
}

type Hop = (decision: string) => TrafficResult['hops'];

/** A decision as the gateway's result. */
function resultOf(d: RouteDecision, listener: Listener, hop: Hop): TrafficResult {
  return {
    outcome: d.outcome,
    ...(d.status !== undefined ? { status: d.status } : {}),
    reason: d.reason,
    dataPlane: DATA_PLANE,
    listener: listenerRef(listener),
    route: d.route,
    destinations: d.destinations,
    redirect: d.redirect,
    requestHeaders: d.requestHeaders,
    ...(d.upstreamRequest ? { upstreamRequest: d.upstreamRequest } : {}),
    filters: d.filters,
    hops: hop(`${listenerText(listener)} → ${d.reason}`),
    notes: d.notes,
  };
}

function httpThrough(world: World, gateway: WorldObject, attached: readonly Attachment[], listener: Listener, req: NormalizedRequest, scheme: 'http' | 'https', hop: Hop): TrafficResult {
  const host = req.host !== undefined ? normalHost(req.host) : undefined;
  const selected = selectHttpRule(attachmentsForHost(attached, host), req, host, true);
  if (!selected) {
    const kinds = isGrpc(req) ? 'HTTPRoute or GRPCRoute' : 'HTTPRoute';
    const reason = attached.length === 0 ? `no route is attached to ${listenerText(listener)}: 404${isGrpc(req) ? ' (gRPC: Unimplemented)' : ''}`
      : `no ${kinds} rule on ${listenerText(listener)} matches ${req.method} ${host ?? gatewayAddress(gateway)}${req.pathAndQuery}: 404${isGrpc(req) ? ' (gRPC: Unimplemented)' : ''}`;
    return nothingRouted(DATA_PLANE, 'no-route', reason, { status: 404, listener: listenerRef(listener), hops: hop(reason) });
  }
  const ctx: DecisionContext = { world, mesh: false, scheme, port: listener.port, host: host ?? gatewayAddress(gateway), gateway };
  const d = httpDecision(ctx, selected, req);
  const notes = host === undefined ? [...d.notes, `the request names no host: the Gateway's address '${ctx.host}' stands for it`] : d.notes;
  return resultOf({ ...d, notes }, listener, hop);
}

/** The TLSRoute that takes a TLS connection: the one whose hostname matches the SNI most specifically, then the oldest. */
function tlsThrough(world: World, attached: readonly Attachment[], listener: Listener, sni: string | undefined, req: NormalizedRequest,
  hop: Hop): TrafficResult {
  let best: { a: Attachment; rank: [number, number] } | undefined;
  for (const a of attachmentsForHost(attached, sni)) {
    if (a.route.kind !== 'TLSRoute' || a.route.invalid !== undefined) continue;
    const m = bestHostnameMatch(a.hostnames, sni);
    if (!m) continue;
    const order = best ? compareRanks(m.rank, best.rank) || compareRoutes(a.route, best.a.route) : -1;
    if (order < 0) best = { a, rank: m.rank };
  }
  if (!best) {
    const reason = `no TLSRoute on ${listenerText(listener)} matches SNI '${sni ?? ''}': the connection is refused`;
    return nothingRouted(DATA_PLANE, 'no-route', reason, { listener: listenerRef(listener), hops: hop(reason) });
  }
  const rule = best.a.route.rules.find(r => r.invalid === undefined) ?? best.a.route.rules[0];
  const d = streamDecision({ world, mesh: false, scheme: 'https', port: listener.port, host: sni ?? '', ...(listener.tlsMode === 'Terminate' ? { gateway: listener.gateway } : {}) }, best.a.route, rule);
  const notes = [...d.notes];
  // an HTTPS client through a TLS listener: the backend (passthrough) or the plain-text backend (terminate) answers the HTTP
  const http = req.protocol !== 'tcp' && req.protocol !== 'tls' && d.outcome === 'routed';
  if (!http) return resultOf({ ...d, notes }, listener, hop);
  // the gateway does not read the HTTP inside: the backend receives the request as the client sent it
  notes.push(listener.tlsMode === 'Passthrough' ? 'the gateway passes the TLS connection through: the backend itself answers the HTTPS request' : 'the gateway terminates TLS and forwards the bytes: the backend answers the request');
  const host = req.authority ?? sni ?? '';
  return resultOf({
    ...d,
    status: 200,
    notes,
    requestHeaders: { ...req.headers, host },
    upstreamRequest: { path: req.pathAndQuery, host, method: req.method },
  }, listener, hop);
}

/** The TCPRoute that takes a TCP connection: the oldest attached (then by name); the others get nothing. */
function tcpThrough(world: World, attached: readonly Attachment[], listener: Listener, req: NormalizedRequest, hop: Hop): TrafficResult {
  const routes = attached.filter(a => a.route.kind === 'TCPRoute' && a.route.invalid === undefined).map(a => a.route).sort(compareRoutes);
  if (routes.length === 0) {
    const reason = `no TCPRoute is attached to ${listenerText(listener)}: the connection is refused`;
    return nothingRouted(DATA_PLANE, 'no-route', reason, { listener: listenerRef(listener), hops: hop(reason) });
  }
  const route = routes[0];
  const rule = route.rules.find(r => r.invalid === undefined) ?? route.rules[0];
  const d = streamDecision({ world, mesh: false, scheme: 'http', port: listener.port, host: '', gateway: listener.gateway }, route, rule);
  const notes = [...d.notes];
  if (routes.length > 1) notes.push(`${routes.slice(1).map(r => r.key).join(', ')} ${routes.length > 2 ? 'are' : 'is'} attached too, but the oldest TCPRoute takes every connection`);
  if (req.protocol !== 'tcp' && req.protocol !== 'tls') notes.push(`${listenerText(listener)} forwards bytes: the backend answers the ${req.protocol.toUpperCase()} request itself`);
  return resultOf({ ...d, notes }, listener, hop);
}
