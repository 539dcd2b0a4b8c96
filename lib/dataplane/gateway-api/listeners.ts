import { normalHost } from './hostnames';
import { GATEWAY_GROUP, RouteKind, creationKey } from './objects';
import { referenceAllowed, referrer } from './references';
import { isObj, str } from '../../analysis/context';
import { World, WorldObject, labelSelectorMatches } from '../world';

/**
 * A Gateway's listeners as its controller programs them (gateway-api `apis/v1/gateway_types.go`,
 * `apis/v1/listenerset_types.go`): its own, then those of the ListenerSets it allows, in precedence order; each checked
 * (protocol, TLS certificates and their ReferenceGrants, route kinds, conflicts). A listener with a problem does not
 * serve.
 */

/** Which namespaces' routes a listener takes (`allowedRoutes.namespaces`). */
export interface AllowedNamespaces {
  readonly from: 'Same' | 'All' | 'Selector' | 'None';
  readonly selector?: unknown;
}

/** A listener of a Gateway or of a ListenerSet attached to it. */
export interface Listener {
  /** The Gateway that serves it. */
  readonly gateway: WorldObject;
  /** The Gateway, or the ListenerSet that declares it. */
  readonly owner: WorldObject;
  readonly name: string;
  readonly port: number;
  /** `HTTP`, `HTTPS`, `TLS`, `TCP`, `UDP`, or what was written. */
  readonly protocol: string;
  readonly hostname?: string;
  /** For HTTPS and TLS listeners. */
  readonly tlsMode?: 'Terminate' | 'Passthrough';
  readonly namespaces: AllowedNamespaces;
  /** The route kinds it takes (the supported ones of `allowedRoutes.kinds`, else those of its protocol). */
  readonly kinds: readonly RouteKind[];
  /** Why it does not serve (`UnsupportedProtocol`, `InvalidCertificateRef`, `RefNotPermitted`, `ProtocolConflict`, …). */
  readonly problem?: string;
  /** Why some allowed kinds were dropped (`InvalidRouteKinds`): the listener still serves the others. */
  readonly kindProblem?: string;
  /** For an HTTPS listener that validates client certificates: the CA references and the mode. */
  readonly clientValidation?: string;
  /** Why a reference of the listener does not resolve (its `ResolvedRefs` condition's reason), when one does not. */
  readonly refsProblem?: string;
}

/** A Gateway, with the listeners it serves. */
export interface GatewayModel {
  readonly object: WorldObject;
  /** Its own listeners, then the attached ListenerSets' (oldest first, then by `{namespace}/{name}`). */
  readonly listeners: readonly Listener[];
  /** Why the Gateway serves nothing at all (`InvalidParameters`, no valid listener). */
  readonly problem?: string;
  /** The ListenerSets naming it as parent, and why each is not attached. */
  readonly listenerSets: ReadonlyArray<{ readonly object: WorldObject; readonly problem?: string }>;
}

const KINDS_BY_PROTOCOL: { readonly [protocol: string]: readonly RouteKind[] } = {
  HTTP: ['HTTPRoute', 'GRPCRoute'],
  HTTPS: ['HTTPRoute', 'GRPCRoute'],
  TLS: ['TLSRoute'],
  TCP: ['TCPRoute'],
  UDP: [],
};

/** `UDP` listeners are valid, but carry UDPRoutes the model does not route. */
const PROTOCOLS = Object.keys(KINDS_BY_PROTOCOL);

/** Listener protocols that share a port only with each other (TLS and HTTPS are told apart by SNI). */
const portFamily = (protocol: string): string => (protocol === 'HTTPS' || protocol === 'TLS' ? 'tls' : protocol.toLowerCase());

function allowedNamespaces(v: unknown): AllowedNamespaces {
  const ns = isObj(v) && isObj(v.namespaces) ? v.namespaces : {};
  const from = ns.from === 'All' || ns.from === 'Selector' || ns.from === 'None' ? ns.from : 'Same';
  return { from, ...(from === 'Selector' ? { selector: ns.selector } : {}) };
}

/** Whether a namespace is allowed by `from`, relative to the namespace of the object that declares it. */
export function namespaceAllowed(world: World, allowed: AllowedNamespaces, ownerNamespace: string, namespace: string): boolean {
  switch (allowed.from) {
    case 'All': return true;
    case 'Same': return namespace === ownerNamespace;
    // every namespace carries `kubernetes.io/metadata.name: <name>`, set by the API server (Kubernetes 1.22+)
    case 'Selector': return isObj(allowed.selector) && labelSelectorMatches(allowed.selector, { ...world.namespace(namespace).labels, 'kubernetes.io/metadata.name': namespace });
    default: return false;
  }
}

/** Reads one listener entry and checks what it alone decides (protocol, kinds, TLS). */
function listenerOf(world: World, gateway: WorldObject, owner: WorldObject, l: { readonly [k: string]: unknown }): Listener {
  const protocol = str(l.protocol);
  const tls = isObj(l.tls) ? l.tls : undefined;
  const hostname = typeof l.hostname === 'string' && l.hostname !== '' ? normalHost(l.hostname) : undefined;
  const tlsMode: Listener['tlsMode'] = protocol === 'HTTPS' || protocol === 'TLS' ? (tls?.mode === 'Passthrough' ? 'Passthrough' : 'Terminate') : undefined;
  const allowed = isObj(l.allowedRoutes) ? l.allowedRoutes : {};
  const base = {
    gateway,
    owner,
    name: str(l.name),
    port: Number(l.port),
    protocol,
    ...(hostname !== undefined ? { hostname } : {}),
    ...(tlsMode !== undefined ? { tlsMode } : {}),
    namespaces: allowedNamespaces(allowed),
  };
  if (!PROTOCOLS.includes(protocol)) {
    return { ...base, kinds: [], problem: `UnsupportedProtocol: the model knows listener protocols ${PROTOCOLS.join(', ')}, not '${protocol}'` };
  }
  // allowedRoutes.kinds: only those the protocol carries (gateway-api `AllowedRoutes.Kinds`: "InvalidRouteKinds")
  const own = KINDS_BY_PROTOCOL[protocol];
  const written = (Array.isArray(allowed.kinds) ? allowed.kinds : []).filter(isObj).map(k => ({ group: typeof k.group === 'string' ? k.group : GATEWAY_GROUP, kind: str(k.kind) }));
  const kinds = written.length === 0 ? own
    : own.filter(k => written.some(w => w.group === GATEWAY_GROUP && w.kind === k));
  const dropped = written.filter(w => !(w.group === GATEWAY_GROUP && (own as readonly string[]).includes(w.kind)));
  const kindProblem = dropped.length > 0 ? `InvalidRouteKinds: a ${protocol} listener does not take ${dropped.map(d => `${d.group}/${d.kind}`).join(', ')}` : undefined;
  const listener = { ...base, kinds, ...(kindProblem !== undefined ? { kindProblem } : {}) };
  const found = tlsProblem(world, owner, protocol, tlsMode, tls) ?? (protocol === 'HTTPS' ? frontendProblem(world, gateway, base.port) : undefined);
  if (found !== undefined) return { ...listener, problem: found.problem, ...(found.refs !== undefined ? { refsProblem: found.refs } : {}) };
  const validation = protocol === 'HTTPS' ? frontendValidation(gateway, base.port) : undefined;
  return validation ? { ...listener, clientValidation: validation.text } : listener;
}

/**
 * Client certificate validation of an HTTPS listener (gateway-api `gateway_types.go` `FrontendTLSValidation`): the
 * Gateway's `tls.frontend.perPort` entry for the listener's port, else `tls.frontend.default`. When every
 * `caCertificateRefs[]` is invalid (not a core ConfigMap, missing, without `ca.crt`, in another namespace without a
 * ReferenceGrant) the listener is not accepted (`NoValidCACertificate`).
 */
function frontendValidation(gateway: WorldObject, port: number)
  : { refs: Array<{ readonly [k: string]: unknown }>; perPort: boolean; text: string } | undefined {
  const spec = isObj(gateway.manifest.spec) ? gateway.manifest.spec : {};
  const frontend = isObj(spec.tls) && isObj(spec.tls.frontend) ? spec.tls.frontend : undefined;
  if (!frontend) return undefined;
  const perPort = (Array.isArray(frontend.perPort) ? frontend.perPort : []).filter(isObj).find(p => Number(p.port) === port);
  const config = perPort ? perPort.tls : frontend.default;
  const validation = isObj(config) && isObj(config.validation) ? config.validation : undefined;
  const refs = (Array.isArray(validation?.caCertificateRefs) ? validation!.caCertificateRefs : []).filter(isObj);
  if (refs.length === 0) return undefined;
  const mode = validation?.mode === 'AllowInsecureFallback' ? 'AllowInsecureFallback' : 'AllowValidOnly';
  return { refs, perPort: perPort !== undefined, text: `${mode}, CA ${refs.map(r => `${str(r.kind) || 'ConfigMap'} ${str(r.name)}`).join(', ')}` };
}

/** A listener's problem, with the reason of its ResolvedRefs condition when a reference is the cause. */
interface Problem { readonly problem: string; readonly refs?: string }

function frontendProblem(world: World, gateway: WorldObject, port: number): Problem | undefined {
  const found = frontendValidation(gateway, port);
  if (!found) return undefined;
  const { refs, perPort } = found;
  const problems = refs.map((r): { reason: string; text: string } | undefined => {
    const group = str(r.group) === 'core' ? '' : str(r.group);
    const kind = str(r.kind) || 'ConfigMap';
    const namespace = str(r.namespace) || gateway.namespace;
    const name = str(r.name);
    if (group !== '' || kind !== 'ConfigMap') return { reason: 'InvalidCACertificateKind', text: `${group || 'core'}/${kind} ${name} is not a ConfigMap` };
    if (!referenceAllowed(world, referrer(gateway), { group: '', kind: 'ConfigMap', namespace, name })) {
      return { reason: 'RefNotPermitted', text: `no ReferenceGrant lets the Gateway use ConfigMap ${namespace}/${name}` };
    }
    const cm = world.get('', 'ConfigMap', namespace, name);
    if (!cm) return { reason: 'InvalidCACertificateRef', text: `ConfigMap ${namespace}/${name} is not in the configuration` };
    const data = isObj(cm.manifest.data) ? cm.manifest.data : {};
    return typeof data['ca.crt'] === 'string' && data['ca.crt'] !== '' ? undefined : { reason: 'InvalidCACertificateRef', text: `ConfigMap ${namespace}/${name} has no ca.crt` };
  });
  const invalid = problems.filter((p): p is { reason: string; text: string } => p !== undefined);
  if (invalid.length < problems.length) return undefined;
  return {
    problem: `NoValidCACertificate: the client certificate validation for port ${port} (tls.frontend.${perPort ? 'perPort' : 'default'}) has no valid CA: ${invalid.map(p => `${p.reason}: ${p.text}`).join('; ')}`,
    refs: invalid[0].reason,
  };
}

/**
 * HTTPS, and TLS in Terminate mode, need certificates: each `certificateRefs[]` must be a core Secret that exists (of
 * type `kubernetes.io/tls` with a PEM certificate and key when it says so), in the owner's namespace or allowed by a
 * ReferenceGrant. Passthrough needs none.
 */
function tlsProblem(world: World, owner: WorldObject, protocol: string, mode: string | undefined,
  tls: { readonly [k: string]: unknown } | undefined): Problem | undefined {
  const found = certificateProblem(world, owner, protocol, mode, tls);
  return found === undefined ? undefined : { problem: found, ...(/^(InvalidCertificateRef|RefNotPermitted):/.test(found) ? { refs: found.split(':')[0] } : {}) };
}

function certificateProblem(world: World, owner: WorldObject, protocol: string, mode: string | undefined,
  tls: { readonly [k: string]: unknown } | undefined): string | undefined {
  if (mode === undefined || mode === 'Passthrough') {
    if (protocol === 'HTTPS' && mode === 'Passthrough') return 'UnsupportedValue: an HTTPS listener cannot pass TLS through (use a TLS listener)';
    return undefined;
  }
  const refs = (Array.isArray(tls?.certificateRefs) ? tls!.certificateRefs : []).filter(isObj);
  if (refs.length === 0) return 'InvalidCertificateRef: a listener terminating TLS needs tls.certificateRefs';
  for (const r of refs) {
    const group = typeof r.group === 'string' ? r.group : '';
    const kind = typeof r.kind === 'string' ? r.kind : 'Secret';
    const namespace = typeof r.namespace === 'string' && r.namespace !== '' ? r.namespace : owner.namespace;
    const name = str(r.name);
    if ((group !== '' && group !== 'core') || kind !== 'Secret') return `InvalidCertificateRef: certificateRef ${group || 'core'}/${kind} ${name} is not a Secret`;
    if (!referenceAllowed(world, referrer(owner), { group: '', kind: 'Secret', namespace, name })) {
      return `RefNotPermitted: no ReferenceGrant in namespace ${namespace} lets ${owner.kind} ${owner.namespace}/${owner.name} use Secret ${name}`;
    }
    const secret = world.get('', 'Secret', namespace, name);
    if (!secret) return `InvalidCertificateRef: Secret ${namespace}/${name} is not in the configuration`;
    const malformed = secretProblem(secret);
    if (malformed !== undefined) return `InvalidCertificateRef: Secret ${namespace}/${name} ${malformed}`;
  }
  return undefined;
}

/** A TLS Secret whose data is not a PEM certificate and key (what the controller refuses to load). */
function secretProblem(secret: WorldObject): string | undefined {
  const data = isObj(secret.manifest.data) ? secret.manifest.data : {};
  const stringData = isObj(secret.manifest.stringData) ? secret.manifest.stringData : {};
  const read = (k: string): string | undefined => (typeof stringData[k] === 'string' ? stringData[k] as string
    : typeof data[k] === 'string' ? Buffer.from(data[k] as string, 'base64').toString('utf8') : undefined);
  const crt = read('tls.crt');
  const key = read('tls.key');
  if (crt === undefined || key === undefined) return str(secret.manifest.type) === 'kubernetes.io/tls' ? 'has no tls.crt and tls.key' : undefined;
  if (!crt.includes('-----BEGIN CERTIFICATE-----')) return 'holds no PEM certificate in tls.crt';
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) return 'holds no PEM private key in tls.key';
  return undefined;
}

/**
 * A Gateway's infrastructure parameters must exist (Accepted False `InvalidParameters` otherwise). An Istio waypoint
 * (class `istio-waypoint`, HBONE listeners) takes requests from the mesh, not as a gateway.
 */
function gatewayProblem(world: World, gateway: WorldObject): string | undefined {
  const spec = isObj(gateway.manifest.spec) ? gateway.manifest.spec : {};
  const listeners = (Array.isArray(spec.listeners) ? spec.listeners : []).filter(isObj);
  if (spec.gatewayClassName === 'istio-waypoint' || (listeners.length > 0 && listeners.every(l => l.protocol === 'HBONE'))) {
    return `a waypoint: Gateway ${gateway.namespace}/${gateway.name} (class ${str(spec.gatewayClassName) || 'none'}, HBONE) takes the mesh's requests for the workloads that use it, not requests entering it as a gateway: ask from a workload`;
  }
  const infra = isObj(spec.infrastructure) ? spec.infrastructure : {};
  const p = isObj(infra.parametersRef) ? infra.parametersRef : undefined;
  if (!p) return undefined;
  const group = str(p.group) === 'core' ? '' : str(p.group);
  if (!world.get(group, str(p.kind), gateway.namespace, str(p.name))) {
    return `InvalidParameters: its infrastructure.parametersRef ${group || 'core'}/${str(p.kind)} ${str(p.name)} is not in the configuration`;
  }
  return undefined;
}

/** Whether a ListenerSet may attach to the Gateway (`allowedListeners.namespaces`, default None). */
function listenerSetAllowed(world: World, gateway: WorldObject, set: WorldObject): boolean {
  const spec = isObj(gateway.manifest.spec) ? gateway.manifest.spec : {};
  const allowed = isObj(spec.allowedListeners) && isObj(spec.allowedListeners.namespaces) ? spec.allowedListeners.namespaces : {};
  const from = allowed.from === 'All' || allowed.from === 'Selector' || allowed.from === 'Same' ? allowed.from : 'None';
  return namespaceAllowed(world, { from, selector: allowed.selector }, gateway.namespace, set.namespace);
}

/** ListenerSets by the Gateway they name (`spec.parentRef`). */
function listenerSetsByParent(world: World): Map<string, WorldObject[]> {
  const out = new Map<string, WorldObject[]>();
  for (const o of world.list(GATEWAY_GROUP, 'ListenerSet')) {
    const spec = isObj(o.manifest.spec) ? o.manifest.spec : {};
    const p = isObj(spec.parentRef) ? spec.parentRef : {};
    if ((p.group !== undefined && p.group !== GATEWAY_GROUP) || (p.kind !== undefined && p.kind !== 'Gateway')) continue;
    const key = `${typeof p.namespace === 'string' && p.namespace !== '' ? p.namespace : o.namespace}/${str(p.name)}`;
    const same = out.get(key);
    if (same) same.push(o);
    else out.set(key, [o]);
  }
  for (const sets of out.values()) {
    sets.sort((a, b) => (creationKey(a) !== creationKey(b) ? (creationKey(a) < creationKey(b) ? -1 : 1) : `${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1));
  }
  return out;
}

/**
 * Conflicts (gateway-api `gateway_types.go` "Distinct Listeners"): listeners sharing a port must share a protocol
 * family (HTTP; HTTPS and TLS; TCP; UDP) and differ by hostname (TCP and UDP: one per port). Within the Gateway's own
 * listeners every conflicting one is refused; a ListenerSet's listener that conflicts with one before it (the Gateway's,
 * or an older ListenerSet's) is refused alone (gateway-api `listenerset_types.go` `Listeners`: precedence).
 */
function withConflicts(listeners: Listener[], ownCount: number): Listener[] {
  const out = [...listeners];
  const known = (l: Listener) => PROTOCOLS.includes(l.protocol);
  const conflict = (a: Listener, b: Listener): string | undefined => {
    if (a.port !== b.port || !known(a) || !known(b)) return undefined;
    if (portFamily(a.protocol) !== portFamily(b.protocol) || a.protocol === 'TCP' || a.protocol === 'UDP') return 'ProtocolConflict';
    return (a.hostname ?? '') === (b.hostname ?? '') ? 'HostnameConflict' : undefined;
  };
  const mark = (i: number, j: number, why: string) => {
    const other = out[j];
    out[i] = {
      ...out[i],
      problem: `${why}: it shares port ${out[i].port} with listener '${other.name}' (${other.protocol}${other.hostname !== undefined ? ` ${other.hostname}` : ''})${other.owner !== out[i].owner ? ` of ${other.owner.kind} ${other.owner.namespace}/${other.owner.name}` : ''}`,
    };
  };
  // the Gateway's own listeners: every one of a conflicting set is refused
  const own = listeners.slice(0, ownCount);
  for (let i = 0; i < ownCount; i++) {
    const j = own.findIndex((other, k) => k !== i && conflict(own[i], other) !== undefined);
    if (j >= 0 && out[i].problem === undefined) mark(i, j, conflict(own[i], own[j])!);
  }
  // a ListenerSet's listener loses to any accepted listener before it
  for (let i = ownCount; i < out.length; i++) {
    if (out[i].problem !== undefined) continue;
    for (let j = 0; j < i; j++) {
      const why = out[j].problem === undefined ? conflict(out[i], out[j]) : undefined;
      if (why !== undefined) {
        mark(i, j, why);
        break;
      }
    }
  }
  return out;
}

const cache = new WeakMap<World, Map<WorldObject, GatewayModel>>();
const setsCache = new WeakMap<World, Map<string, WorldObject[]>>();

/** The Gateway's listeners and problems, computed once per world. */
export function gatewayModel(world: World, gateway: WorldObject): GatewayModel {
  let byGateway = cache.get(world);
  if (!byGateway) {
    byGateway = new Map();
    cache.set(world, byGateway);
  }
  const known = byGateway.get(gateway);
  if (known) return known;
  let sets = setsCache.get(world);
  if (!sets) {
    sets = listenerSetsByParent(world);
    setsCache.set(world, sets);
  }
  const spec = isObj(gateway.manifest.spec) ? gateway.manifest.spec : {};
  const own = (Array.isArray(spec.listeners) ? spec.listeners : []).filter(isObj).map(l => listenerOf(world, gateway, gateway, l));
  const listenerSets: Array<{ object: WorldObject; problem?: string }> = [];
  const fromSets: Listener[] = [];
  for (const set of sets.get(`${gateway.namespace}/${gateway.name}`) ?? []) {
    if (!listenerSetAllowed(world, gateway, set)) {
      listenerSets.push({ object: set, problem: `NotAllowed: Gateway ${gateway.namespace}/${gateway.name} does not allow ListenerSets from namespace ${set.namespace} (spec.allowedListeners)` });
      continue;
    }
    listenerSets.push({ object: set });
    const setSpec = isObj(set.manifest.spec) ? set.manifest.spec : {};
    for (const l of (Array.isArray(setSpec.listeners) ? setSpec.listeners : []).filter(isObj)) fromSets.push(listenerOf(world, gateway, set, l));
  }
  const listeners = withConflicts([...own, ...fromSets], own.length);
  const problem = gatewayProblem(world, gateway)
    ?? (own.length > 0 && own.every(l => l.problem !== undefined)
      ? `ListenersNotValid: no listener of Gateway ${gateway.namespace}/${gateway.name} is valid (${own.map(l => `${listenerText(l)}: ${l.problem}`).join('; ')})` : undefined);
  const model: GatewayModel = { object: gateway, listeners, listenerSets, ...(problem !== undefined ? { problem } : {}) };
  byGateway.set(gateway, model);
  return model;
}

/** A listener for messages: `listener 'https' (HTTPS 443 example.com)`. */
export function listenerText(l: Listener): string {
  return `listener '${l.name}' (${l.protocol} ${l.port}${l.hostname !== undefined ? ` ${l.hostname}` : ''})${l.owner !== l.gateway ? ` of ListenerSet ${l.owner.namespace}/${l.owner.name}` : ''}`;
}
