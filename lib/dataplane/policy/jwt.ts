import { ROOT_NAMESPACE } from './identity';
import { isObj, str, strMap, strs } from '../../analysis/context';
import { World, WorldObject, selectsLabels } from '../world';

/**
 * Istio's RequestAuthentication: the JWT a request carries, as the proxy's `jwt_authn` filter reads it. The model
 * cannot check a signature: a token whose issuer a RequestAuthentication names is taken as valid (said in the reason);
 * a token no rule's issuer names, or one that is not a JWT, is refused with 401, as Envoy refuses it; a request without
 * a token passes with no request principal (istio/istio `pilot/pkg/security/authn/policy_applier.go`).
 */

/** What a valid JWT gives the authorization policies (`request.auth.*`). */
export interface JwtIdentity {
  readonly iss: string;
  readonly sub: string;
  readonly audiences: readonly string[];
  readonly presenter?: string;
  readonly claims: { readonly [k: string]: unknown };
  /** The RequestAuthentication that accepted it. */
  readonly policy: WorldObject;
}

/** The outcome of reading a request's JWT. */
export type JwtResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'valid'; readonly jwt: JwtIdentity }
  | { readonly kind: 'invalid'; readonly reason: string; readonly policy: WorldObject };

/** The RequestAuthentications of a proxy: those of the root namespace and its own whose selector selects it (or none). */
export function requestAuthentications(world: World, namespace: string, labels: { readonly [k: string]: string }): WorldObject[] {
  return [...new Set([ROOT_NAMESPACE, namespace])].flatMap(ns => world.list('security.istio.io', 'RequestAuthentication', ns)).filter(o => {
    const spec = isObj(o.manifest.spec) ? o.manifest.spec : {};
    if (Array.isArray(spec.targetRefs) || isObj(spec.targetRef)) return false;
    return !isObj(spec.selector) || selectsLabels(strMap(spec.selector.matchLabels), labels);
  });
}

const decodeSegment = (segment: string): unknown => {
  try {
    return JSON.parse(Buffer.from(segment.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
};

/** The token a JWT rule reads from a request: its `fromHeaders` / `fromParams`, else `Authorization: Bearer` and `access_token`. */
type Headers = { readonly [k: string]: string };
type Query = ReadonlyArray<readonly [string, string]>;

function tokenOf(rule: { readonly [k: string]: unknown }, headers: Headers, query: Query): string | undefined {
  const fromHeaders = (Array.isArray(rule.fromHeaders) ? rule.fromHeaders : []).filter(isObj);
  const fromParams = strs(rule.fromParams);
  const locations = fromHeaders.length > 0 || fromParams.length > 0
    ? fromHeaders.map(h => ({ name: str(h.name).toLowerCase(), prefix: str(h.prefix) }))
    : [{ name: 'authorization', prefix: 'Bearer ' }];
  for (const { name, prefix } of locations) {
    const v = headers[name];
    if (v !== undefined && v.startsWith(prefix)) return v.slice(prefix.length).trim();
  }
  for (const p of fromParams.length > 0 ? fromParams : (fromHeaders.length > 0 ? [] : ['access_token'])) {
    const found = query.find(([k]) => k === p);
    if (found) return found[1];
  }
  return undefined;
}

/** Reads the request's JWT against the RequestAuthentications that apply. */
export function readJwt(policies: readonly WorldObject[], headers: Headers, query: Query): JwtResult {
  for (const policy of policies) {
    const spec = isObj(policy.manifest.spec) ? policy.manifest.spec : {};
    for (const rule of (Array.isArray(spec.jwtRules) ? spec.jwtRules : []).filter(isObj)) {
      const token = tokenOf(rule, headers, query);
      if (token === undefined) continue;
      const parts = token.split('.');
      const payload = parts.length === 3 ? decodeSegment(parts[1]) : undefined;
      if (!isObj(payload)) return { kind: 'invalid', reason: 'the request\'s token is not a JWT (Header.Payload.Signature): 401', policy };
      const iss = str(payload.iss);
      const rules = policies.flatMap(p => (isObj(p.manifest.spec) && Array.isArray(p.manifest.spec.jwtRules)
        ? p.manifest.spec.jwtRules.filter(isObj).map(r => [p, r] as const) : []));
      const accepting = rules.find(([, r]) => str(r.issuer) === iss);
      if (!accepting) return { kind: 'invalid', reason: `no jwtRules issuer of ${policies.map(p => `${p.namespace}/${p.name}`).join(', ')} is '${iss}': the token is refused (401)`, policy };
      const audiences = typeof payload.aud === 'string' ? [payload.aud] : strs(payload.aud);
      const wanted = strs(accepting[1].audiences);
      if (wanted.length > 0 && !audiences.some(x => wanted.includes(x))) {
        return { kind: 'invalid', reason: `the token's audiences (${audiences.join(', ') || 'none'}) are not among ${wanted.join(', ')}: 401`, policy: accepting[0] };
      }
      return {
        kind: 'valid',
        jwt: { iss, sub: str(payload.sub), audiences, ...(typeof payload.azp === 'string' ? { presenter: payload.azp } : {}), claims: payload, policy: accepting[0] },
      };
    }
  }
  return { kind: 'none' };
}
