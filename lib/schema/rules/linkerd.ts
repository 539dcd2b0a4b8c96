/**
 * Linkerd's admission controller (linkerd/linkerd2 `policy-controller/runtime/src/admission.rs`) for its policy kinds
 * (`policy.linkerd.io`): what the policy controller's validating webhook refuses beyond the CRD schemas. It parses each
 * object's spec into its Rust type (a value the type cannot hold is refused) and then runs one `Validate<…Spec>` per
 * kind. Each rule cites the Rust function it follows; the routes' rules are in `./linkerd-routes.ts`.
 *
 * @module
 */
import * as net from 'net';
import { Obj, arr, obj, specOf, str } from './util';
import { Manifest } from '../../render/model';

/** The citation ending a problem: `(Linkerd admission: validate_networks)`. */
export const linkerd = (fn: string): string => `(Linkerd admission: ${fn})`;

/** The group of Linkerd's policy kinds. */
export const POLICY_GROUP = 'policy.linkerd.io';

/** `http::HeaderName::from_str`: RFC 7230 token characters (upper case read as lower case). */
export const HEADER_NAME_TOKEN = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;

/** A value quoted for a message: strings as they are, anything else as JSON. */
export const shown = (v: unknown): string => (typeof v === 'string' ? v : String(JSON.stringify(v)));

/**
 * Linkerd's `targets_kind` (k8s/api/src/policy.rs): whether a reference names a kind of a group, both compared without
 * case, an absent or empty group being the core group (`core`).
 */
export function targetsKind(ref: Obj, group: string, kind: string): boolean {
  const g = str(ref.group);
  const refGroup = g === undefined || g === '' ? 'core' : g;
  return refGroup.toLowerCase() === group.toLowerCase() && (str(ref.kind) ?? '').toLowerCase() === kind.toLowerCase();
}

/** Linkerd's `canonical_kind` (k8s/api/src/policy/target_ref.rs): `Kind.group`, or the kind alone for the core group. */
export function canonicalKind(ref: Obj): string {
  const g = str(ref.group);
  return g ? `${shown(ref.kind)}.${g}` : shown(ref.kind);
}

/** An address block as Linkerd's `Cidr` holds it (an `ipnet::IpNet` or an `IpAddr`): its family and first and last address. */
interface Block { readonly v6: boolean; readonly first: bigint; readonly last: bigint }

function ipv4Bits(s: string): bigint {
  return s.split('.').reduce((acc, part) => acc * 256n + BigInt(Number(part)), 0n);
}

function ipv6Bits(s: string): bigint {
  const lastColon = s.lastIndexOf(':');
  // an embedded IPv4 address (`::ffff:10.0.0.1`) is the last two hextets
  const v4 = s.includes('.', lastColon) ? Number(ipv4Bits(s.slice(lastColon + 1))) : undefined;
  const text = v4 === undefined ? s : `${s.slice(0, lastColon + 1)}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`;
  const halves = text.split('::');
  const read = (h: string): number[] => (h === '' ? [] : h.split(':').map(x => parseInt(x, 16)));
  const head = read(halves[0]);
  const rest = halves.length > 1 ? read(halves[1]) : [];
  const zeros = new Array<number>(8 - head.length - rest.length).fill(0);
  return [...head, ...zeros, ...rest].reduce((acc, h) => acc * 65536n + BigInt(h), 0n);
}

/** Rust's `IpAddr::from_str`: an IPv4 address (no leading zeros) or an IPv6 address (no zone). */
function address(s: string): { v6: boolean; bits: bigint } | undefined {
  if (s.includes('%')) return undefined;
  const family = net.isIP(s);
  if (family === 4) return { v6: false, bits: ipv4Bits(s) };
  if (family === 6) return { v6: true, bits: ipv6Bits(s) };
  return undefined;
}

/** Linkerd's `Cidr::from_str` (k8s/api/src/policy/network.rs): `address/prefix` (`ipnet`) or a single address. */
export function parseCidr(s: string): Block | undefined {
  const slash = s.indexOf('/');
  const a = address(slash < 0 ? s : s.slice(0, slash));
  if (!a) return undefined;
  const width = a.v6 ? 128 : 32;
  let prefix = width;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > width) return undefined;
    prefix = Number(p);
  }
  const size = 2n ** BigInt(width - prefix);
  const first = (a.bits / size) * size;
  return { v6: a.v6, first, last: first + size - 1n };
}

/** `Cidr::contains`: the same family, and every address of `inner` in `outer`. */
const contains = (outer: Block, inner: Block): boolean => outer.v6 === inner.v6 && outer.first <= inner.first && inner.last <= outer.last;

/**
 * `validate_networks` (and the same loop in `Validate<ServerAuthorizationSpec>`): every network a CIDR or an address
 * (`Cidr::from_str`), each exception inside its network and not covering all of it.
 */
function networkProblems(networks: unknown[], at: string, fn: string): string[] {
  const out: string[] = [];
  networks.forEach((n, i) => {
    const network = obj(n);
    if (!network) return;
    const cidrText = str(network.cidr);
    const cidr = cidrText === undefined ? undefined : parseCidr(cidrText);
    if (cidrText !== undefined && !cidr) {
      out.push(`${at}/${i}/cidr: not a valid CIDR or IP address: got '${cidrText}'; write a block such as '10.0.0.0/8' or a single address ${linkerd('Cidr::from_str')}`);
    }
    arr(network.except).forEach((e, j) => {
      if (typeof e !== 'string') return;
      const except = parseCidr(e);
      const eat = `${at}/${i}/except/${j}`;
      if (!except) {
        out.push(`${eat}: not a valid CIDR or IP address: got '${e}'; write a block such as '10.0.0.0/24' or a single address ${linkerd('Cidr::from_str')}`);
      } else if (cidr && contains(except, cidr)) {
        out.push(`${eat}: the exception covers all of its network '${cidrText}': got '${e}'; remove the network, or narrow the exception ${linkerd(fn)}`);
      } else if (cidr && !contains(cidr, except)) {
        out.push(`${eat}: the exception is not inside its network '${cidrText}': got '${e}'; except only addresses of the network ${linkerd(fn)}`);
      }
    });
  });
  return out;
}

/**
 * `Validate<AuthorizationPolicySpec>` and `authorization_policy::validate` (k8s/index/src/inbound/authorization_policy.rs):
 * the target is a Server, an HTTPRoute, a GRPCRoute or the policy's own Namespace; at most one MeshTLSAuthentication,
 * one ServiceAccount (not both) and one NetworkAuthentication are required, and no other kind.
 */
export function linkerdAuthorizationPolicyProblems(o: Manifest): string[] {
  const out: string[] = [];
  const spec = specOf(o);
  const target = obj(spec.targetRef);
  const ns = str(obj((o as unknown as Obj).metadata)?.namespace);
  if (target) {
    if (targetsKind(target, 'core', 'Namespace')) {
      // the API server gives the object its request's namespace when it has none: only a written namespace is compared
      if (ns !== undefined && typeof target.name === 'string' && target.name !== ns) {
        out.push(`/spec/targetRef/name: an AuthorizationPolicy cannot target another namespace: got '${target.name}' in namespace '${ns}'; `
          + `target the policy's own namespace '${ns}', or create the policy in '${target.name}' ${linkerd('Validate<AuthorizationPolicySpec>')}`);
      }
    } else if (typeof target.kind === 'string' && !targetsKind(target, POLICY_GROUP, 'Server') && !targetsKind(target, POLICY_GROUP, 'HTTPRoute')
      && !targetsKind(target, 'gateway.networking.k8s.io', 'HTTPRoute') && !targetsKind(target, 'gateway.networking.k8s.io', 'GRPCRoute')) {
      out.push(`/spec/targetRef: unsupported authorization target type: got '${canonicalKind(target)}'; target a Server or an HTTPRoute (${POLICY_GROUP}), `
        + `an HTTPRoute or a GRPCRoute (gateway.networking.k8s.io), or the Namespace ${linkerd('authorization_policy::target')}`);
    }
  }
  const seen = { mtls: -1, sa: -1, net: -1 };
  arr(spec.requiredAuthenticationRefs).forEach((r, i) => {
    const ref = obj(r);
    if (!ref || typeof ref.kind !== 'string') return;
    const at = `/spec/requiredAuthenticationRefs/${i}`;
    const once = (key: 'mtls' | 'sa' | 'net', what: string) => {
      if (seen[key] >= 0) {
        out.push(`${at}: only a single ${what} may be required: got a second one, '${shown(ref.name)}' (the first is requiredAuthenticationRefs/${seen[key]}); `
          + `${what === 'NetworkAuthentication' ? 'list every network in one NetworkAuthentication' : 'list every identity in one MeshTLSAuthentication'} `
          + linkerd('Validate<AuthorizationPolicySpec>'));
      } else {
        seen[key] = i;
      }
    };
    if (targetsKind(ref, POLICY_GROUP, 'MeshTLSAuthentication')) {
      once('mtls', 'MeshTLSAuthentication');
    } else if (targetsKind(ref, 'core', 'ServiceAccount')) {
      once('sa', 'ServiceAccount');
    } else if (targetsKind(ref, POLICY_GROUP, 'NetworkAuthentication')) {
      once('net', 'NetworkAuthentication');
    } else {
      out.push(`${at}: unsupported authentication kind: got '${canonicalKind(ref)}'; require a MeshTLSAuthentication or a NetworkAuthentication (${POLICY_GROUP}) `
        + `or a ServiceAccount ${linkerd('Validate<AuthorizationPolicySpec>')}`);
    }
  });
  if (seen.mtls >= 0 && seen.sa >= 0) {
    const [first, second] = seen.mtls < seen.sa ? [seen.mtls, seen.sa] : [seen.sa, seen.mtls];
    out.push(`/spec/requiredAuthenticationRefs/${second}: a MeshTLSAuthentication and a ServiceAccount may not be required together: `
      + `got '${shown(obj(arr(spec.requiredAuthenticationRefs)[second])?.name)}' beside requiredAuthenticationRefs/${first}; `
      + `name the ServiceAccount in the MeshTLSAuthentication's identityRefs ${linkerd('Validate<AuthorizationPolicySpec>')}`);
  }
  return out;
}

/** The SPIFFE ID and DNS-like forms `validation::validate_identity` (runtime/src/validation.rs) accepts. */
const DNS_LIKE_IDENTITY = /^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const TRUST_DOMAIN = /^[a-z0-9._-]+$/;
const PATH_SEGMENT = /^[A-Za-z0-9._-]*$/;

/** `validation::validate_identity`: a SPIFFE ID (`spiffe://trust.domain/path`) or a DNS-like name; the reason it is not. */
export function identityProblem(id: string): string | undefined {
  if (!id.startsWith('spiffe://')) {
    return DNS_LIKE_IDENTITY.test(id) ? undefined : 'neither a SPIFFE ID nor a DNS-like name (\'*\', or DNS labels with an optional leading \'*\' label)';
  }
  const rest = id.slice('spiffe://'.length);
  const slash = rest.indexOf('/');
  const domain = slash < 0 ? rest : rest.slice(0, slash);
  if (domain === '') return 'its SPIFFE trust domain is missing';
  if (!TRUST_DOMAIN.test(domain)) return 'its SPIFFE trust domain may only hold lower case letters, digits, dots, dashes and underscores';
  if (slash < 0) return undefined;
  const segments = rest.slice(slash + 1).split('/');
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (!PATH_SEGMENT.test(s)) return 'its SPIFFE path may only hold letters, digits, dots, dashes and underscores';
    if (s === '.' || s === '..') return 'its SPIFFE path cannot contain dot segments';
    if (s === '') return i === segments.length - 1 ? 'its SPIFFE path cannot have a trailing slash' : 'its SPIFFE path cannot contain empty segments';
  }
  return undefined;
}

/**
 * `Validate<MeshTLSAuthenticationSpec>`: every identity a SPIFFE ID or a DNS-like name (`validate_identity`), every
 * identityRef a ServiceAccount or a Namespace, a Namespace without a namespace (`validate_identity_ref`).
 */
export function meshTlsAuthenticationProblems(o: Manifest): string[] {
  const out: string[] = [];
  const spec = specOf(o);
  arr(spec.identities).forEach((id, i) => {
    if (typeof id !== 'string') return;
    const p = identityProblem(id);
    if (p) {
      out.push(`/spec/identities/${i}: the identity is invalid, ${p}: got '${id}'; `
        + `write 'spiffe://trust.domain/path', '*' or a name such as '*.ns.serviceaccount.identity.linkerd.cluster.local' ${linkerd('validate_identity')}`);
    }
  });
  arr(spec.identityRefs).forEach((r, i) => {
    const ref = obj(r);
    if (!ref || typeof ref.kind !== 'string') return;
    const at = `/spec/identityRefs/${i}`;
    if (targetsKind(ref, 'core', 'Namespace')) {
      if (ref.namespace !== undefined && ref.namespace !== null) {
        out.push(`${at}/namespace: a Namespace identityRef is cluster-scoped and cannot have a namespace: got '${shown(ref.namespace)}'; remove it ${linkerd('validate_identity_ref')}`);
      }
    } else if (!targetsKind(ref, 'core', 'ServiceAccount')) {
      out.push(`${at}: invalid identity target kind: got '${canonicalKind(ref)}'; refer to a ServiceAccount or a Namespace ${linkerd('validate_identity_ref')}`);
    }
  });
  return out;
}

/** The access policies `DefaultPolicy::from_str` (k8s/index/src/defaults.rs) reads. */
export const LINKERD_ACCESS_POLICIES = ['all-authenticated', 'all-unauthenticated', 'cluster-authenticated', 'cluster-unauthenticated', 'deny', 'audit'];
/** The protocols of a Server's `ProxyProtocol` (k8s/api/src/policy/server.rs). */
export const LINKERD_PROXY_PROTOCOLS = ['unknown', 'HTTP/1', 'HTTP/2', 'gRPC', 'opaque', 'TLS'];

/**
 * `Validate<ServerSpec>`: an `accessPolicy` Linkerd knows (`DefaultPolicy::from_str`); and what the spec's Rust type
 * holds: a `proxyProtocol` of `ProxyProtocol`, a port number of 1–65535 (`Port::Number(NonZeroU16)`).
 */
export function linkerdServerProblems(o: Manifest): string[] {
  const out: string[] = [];
  const spec = specOf(o);
  if (typeof spec.accessPolicy === 'string' && !LINKERD_ACCESS_POLICIES.includes(spec.accessPolicy)) {
    out.push(`/spec/accessPolicy: invalid access policy: got '${spec.accessPolicy}'; use one of ${LINKERD_ACCESS_POLICIES.join(', ')} ${linkerd('DefaultPolicy::from_str')}`);
  }
  if (typeof spec.proxyProtocol === 'string' && !LINKERD_PROXY_PROTOCOLS.includes(spec.proxyProtocol)) {
    out.push(`/spec/proxyProtocol: unknown proxy protocol: got '${spec.proxyProtocol}'; use one of ${LINKERD_PROXY_PROTOCOLS.join(', ')} (case matters) ${linkerd('ServerSpec: ProxyProtocol')}`);
  }
  if (typeof spec.port === 'number' && (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535)) {
    out.push(`/spec/port: a port number must be between 1 and 65535: got ${spec.port}; or name the container port ${linkerd('ServerSpec: Port::Number(NonZeroU16)')}`);
  }
  return out;
}

/**
 * `Validate<ServerAuthorizationSpec>`: `unauthenticated` and `meshTLS` exclude each other, `unauthenticatedTLS` excludes
 * identities and service accounts, and the networks as `validate_networks` checks them.
 */
export function serverAuthorizationProblems(o: Manifest): string[] {
  const out: string[] = [];
  const client = obj(specOf(o).client);
  if (!client) return out;
  const mtls = obj(client.meshTLS);
  if (mtls) {
    if (client.unauthenticated === true) {
      out.push(`/spec/client/unauthenticated: must be false when meshTLS is given: got true; keep one of them ${linkerd('Validate<ServerAuthorizationSpec>')}`);
    }
    const named = arr(mtls.identities).length + arr(mtls.serviceAccounts).length;
    if (mtls.unauthenticatedTLS === true && named > 0) {
      out.push(`/spec/client/meshTLS/unauthenticatedTLS: must be false when identities or serviceAccounts are given: got true with ${named} of them; `
        + `keep one of them ${linkerd('Validate<ServerAuthorizationSpec>')}`);
    }
  }
  out.push(...networkProblems(arr(client.networks), '/spec/client/networks', 'Validate<ServerAuthorizationSpec>'));
  return out;
}

/** `Validate<NetworkAuthenticationSpec>`: at least one network, each as `validate_networks` checks it. */
export function networkAuthenticationProblems(o: Manifest): string[] {
  const spec = specOf(o);
  if (Array.isArray(spec.networks) && spec.networks.length === 0) {
    return [`/spec/networks: at least one network must be specified: got none; list the client networks, such as '0.0.0.0/0' ${linkerd('Validate<NetworkAuthenticationSpec>')}`];
  }
  return networkProblems(arr(spec.networks), '/spec/networks', 'validate_networks');
}

/** `Validate<EgressNetworkSpec>`: networks, when given, are not an empty list, each as `validate_networks` checks it. */
export function egressNetworkProblems(o: Manifest): string[] {
  const spec = specOf(o);
  if (Array.isArray(spec.networks) && spec.networks.length === 0) {
    return ['/spec/networks: at least one network must be specified: got none; list the networks, or leave networks out for every address outside the cluster '
      + linkerd('Validate<EgressNetworkSpec>')];
  }
  return networkProblems(arr(spec.networks), '/spec/networks', 'validate_networks');
}

const U32_MAX = 4294967295;

/**
 * `Validate<RateLimitPolicySpec>`: the policy targets a Server; every `requestsPerSecond` is above 0 (and an unsigned
 * 32-bit integer, as `Limit` holds it); the identity and override rates at most the total; override clients are
 * ServiceAccounts. The CRD defaults the targetRef's group to `policy.linkerd.io` and its kind to `Server`.
 */
export function rateLimitPolicyProblems(o: Manifest): string[] {
  const out: string[] = [];
  const spec = specOf(o);
  const fn = linkerd('Validate<RateLimitPolicySpec>');
  const target = obj(spec.targetRef);
  if (target) {
    const defaulted = { ...target, group: target.group ?? POLICY_GROUP, kind: target.kind ?? 'Server' };
    if (!targetsKind(defaulted, POLICY_GROUP, 'Server')) {
      out.push(`/spec/targetRef: invalid targetRef kind: got '${canonicalKind(defaulted)}'; target a Server (${POLICY_GROUP}) ${fn}`);
    }
  }
  const rate = (limit: unknown): number | undefined => {
    const r = obj(limit)?.requestsPerSecond;
    return typeof r === 'number' ? r : undefined;
  };
  const rateProblem = (r: number | undefined, at: string) => {
    if (r === undefined) return;
    if (r === 0) out.push(`${at}: must be greater than 0: got 0 ${fn}`);
    else if (!Number.isInteger(r) || r < 0 || r > U32_MAX) out.push(`${at}: must be a whole number between 1 and ${U32_MAX}: got ${r} ${linkerd('RateLimitPolicySpec: Limit')}`);
  };
  const total = rate(spec.total);
  const identity = rate(spec.identity);
  rateProblem(total, '/spec/total/requestsPerSecond');
  rateProblem(identity, '/spec/identity/requestsPerSecond');
  const limited = total !== undefined && total > 0;
  if (limited && identity !== undefined && identity > total) {
    out.push(`/spec/identity/requestsPerSecond: must be less than or equal to total.requestsPerSecond (${total}): got ${identity} ${fn}`);
  }
  arr(spec.overrides).forEach((ov, i) => {
    const override = obj(ov);
    if (!override) return;
    const at = `/spec/overrides/${i}`;
    const r = rate(override);
    rateProblem(r, `${at}/requestsPerSecond`);
    if (limited && r !== undefined && r > total) {
      out.push(`${at}/requestsPerSecond: must be less than or equal to total.requestsPerSecond (${total}): got ${r} ${fn}`);
    }
    arr(override.clientRefs).forEach((c, j) => {
      const ref = obj(c);
      if (ref && typeof ref.kind === 'string' && !targetsKind(ref, 'core', 'ServiceAccount')) {
        out.push(`${at}/clientRefs/${j}: overrides.clientRefs must target a ServiceAccount: got '${canonicalKind(ref)}' ${fn}`);
      }
    });
  });
  return out;
}
