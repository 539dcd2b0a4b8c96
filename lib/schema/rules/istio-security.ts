/**
 * Istio's validating webhook (istio/istio pkg/config/validation/validation.go, with the value checks of
 * pkg/config/security/security.go) for security.istio.io kinds: AuthorizationPolicy, RequestAuthentication,
 * PeerAuthentication — what istiod refuses beyond the CRD schemas (the schemas' CEL rules already carry the
 * selector rules, `targetRef.namespace`, selector-or-targetRef, port ranges and URL schemes; nothing here
 * repeats them). Also the rules every Istio kind shares: the metadata checks of validateMetadata and the
 * policy target kinds of validatePolicyTargetReference, exported for the other Istio rule files.
 *
 * @module
 */
import { durationProblem, isCidr, isIP, istio } from './istio-common';
import { Obj, arr, obj, specOf, str } from './util';
import { Manifest } from '../../render/model';

/** A JSON-pointer token: `~` and `/` escaped (RFC 6901), for map keys in paths. */
export const ptr = (key: string): string => (key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key);

const DRY_RUN = 'istio.io/dry-run';
/** The strings Go's strconv.ParseBool accepts. */
const GO_BOOLS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']);
/** Internal annotations Istio's webhook refuses on any object (pkg/config/constants). */
const INTERNAL_ANNOTATIONS = ['internal.istio.io/webhook-always-reject', 'internal.istio.io/parent-namespace', 'internal.istio.io/parents'];

/**
 * validateMetadata and checkDryRunAnnotation, which wrap every Istio kind's validation: `istio.io/dry-run`
 * only on an AuthorizationPolicy whose action is ALLOW or DENY, with a Go boolean as value; Istio's internal
 * annotations never.
 */
export function istioMetadataProblems(o: Manifest): string[] {
  const annotations = obj(obj(o.metadata)?.annotations);
  if (!annotations) return [];
  const out: string[] = [];
  const dryRun = annotations[DRY_RUN];
  if (dryRun !== undefined) {
    const at = `/metadata/annotations/${ptr(DRY_RUN)}`;
    if (o.kind !== 'AuthorizationPolicy') {
      out.push(`${at}: the annotation ${DRY_RUN} is only supported on an AuthorizationPolicy: got it on a ${o.kind}; remove it ${istio('checkDryRunAnnotation')}`);
    } else {
      const action = str(specOf(o).action) ?? 'ALLOW';
      if (action !== 'ALLOW' && action !== 'DENY') {
        out.push(`${at}: the annotation ${DRY_RUN} only supports the actions ALLOW and DENY: got action '${action}'; remove the annotation ${istio('checkDryRunAnnotation')}`);
      } else if (typeof dryRun !== 'string' || !GO_BOOLS.has(dryRun)) {
        out.push(`${at}: must be a boolean: got '${String(dryRun)}'; use 'true' or 'false' ${istio('checkDryRunAnnotation')}`);
      }
    }
  }
  for (const name of INTERNAL_ANNOTATIONS) {
    if (annotations[name] !== undefined) {
      out.push(`/metadata/annotations/${ptr(name)}: Istio's internal annotation may not be set by users: got '${name}'; remove it ${istio('validateMetadata')}`);
    }
  }
  return out;
}

/** The kinds a policy's targetRef may name, by group (validation.go allowedTargetRefs; `core` is the empty group). */
const TARGET_KINDS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['core', new Set(['Service'])],
  ['networking.istio.io', new Set(['ServiceEntry'])],
  ['gateway.networking.k8s.io', new Set(['Gateway', 'GatewayClass'])],
]);

function targetRefProblems(ref: unknown, at: string): string[] {
  const r = obj(ref);
  if (!r) return [];
  const kind = str(r.kind);
  const group = str(r.group) ?? '';
  if (kind === undefined) return [];
  if (TARGET_KINDS.get(group === '' ? 'core' : group)?.has(kind)) return [];
  return [`${at}: a policy may only target a Service (group ''), a ServiceEntry (networking.istio.io), a Gateway or a GatewayClass `
    + `(gateway.networking.k8s.io): got '${group}/${kind}' ${istio('validatePolicyTargetReference')}`];
}

/** validatePolicyTargetReference(s): a targetRef names a Service, ServiceEntry, Gateway or GatewayClass of its group. */
export function policyTargetProblems(spec: Obj): string[] {
  const out = targetRefProblems(spec.targetRef, '/spec/targetRef');
  arr(spec.targetRefs).forEach((r, i) => out.push(...targetRefProblems(r, `/spec/targetRefs/${i}`)));
  return out;
}

const AP = istio('ValidateAuthorizationPolicy');

/** The source fields of an AuthorizationPolicy rule (any one set makes a source non-empty). */
const SOURCE_FIELDS = ['principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces',
  'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks', 'serviceAccounts', 'notServiceAccounts', 'trustDomains', 'notTrustDomains'];
const OPERATION_FIELDS = ['ports', 'notPorts', 'methods', 'notMethods', 'paths', 'notPaths', 'hosts', 'notHosts'];
/** Source fields a CUSTOM policy cannot use (ValidateAuthorizationPolicy: "not supported with CUSTOM action"). */
const CUSTOM_UNSUPPORTED_SOURCE = ['namespaces', 'notNamespaces', 'serviceAccounts', 'notServiceAccounts', 'trustDomains', 'notTrustDomains',
  'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals'];
const IP_FIELDS = new Set(['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks']);
const SA_FIELDS = new Set(['serviceAccounts', 'notServiceAccounts']);
const TD_FIELDS = new Set(['trustDomains', 'notTrustDomains']);

const len = (v: unknown): number => (Array.isArray(v) ? v.length : 0);

/** security.CheckEmptyValues: the first empty string of a list. */
function emptyValueProblem(values: unknown, at: string, fn: string): string | undefined {
  const i = arr(values).indexOf('');
  return i < 0 ? undefined : `${at}/${i}: an empty value is not allowed: got ''; remove it or give a value ${istio(fn)}`;
}

/** security.ValidateIPs: each value an IP address or a CIDR block. */
function ipProblems(values: unknown, at: string, fn: string): string[] {
  const out: string[] = [];
  arr(values).forEach((v, i) => {
    if (typeof v !== 'string' || v === '') return;
    if (v.includes('/') ? !isCidr(v) : !isIP(v)) {
      out.push(`${at}/${i}: must be an IP address or a CIDR block such as '10.0.0.0/16': got '${v}' ${istio(fn)}`);
    }
  });
  return out;
}

const PORT_RE = /^\d+$/;
/** security.ValidatePorts: each value a decimal port number, 0 to 65535. */
function portProblems(values: unknown, at: string, fn: string): string[] {
  const out: string[] = [];
  arr(values).forEach((v, i) => {
    if (typeof v !== 'string' || v === '') return;
    if (!PORT_RE.test(v) || Number(v) > 65535) out.push(`${at}/${i}: must be a port number (0 to 65535): got '${v}' ${istio(fn)}`);
  });
  return out;
}

/** security.CheckServiceAccount: `serviceAccount` or `namespace/serviceAccount`, no wildcard. */
function serviceAccountProblem(values: unknown, at: string, fn: string): string | undefined {
  const list = arr(values);
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v !== 'string') continue;
    if (v === '') return `${at}/${i}: an empty value is not allowed: got ''; remove it or give a value ${istio(fn)}`;
    if (v.includes('*')) return `${at}/${i}: a service account cannot have a wildcard: got '${v}'; name the service account ${istio(fn)}`;
    const slash = v.indexOf('/');
    if ((slash >= 0 && v.indexOf('/', slash + 1) >= 0) || slash === 0 || slash === v.length - 1) {
      return `${at}/${i}: must be 'serviceAccount' or 'namespace/serviceAccount': got '${v}' ${istio(fn)}`;
    }
  }
  return undefined;
}

/** security.CheckWildcardValues: at most one `*`, at the start or the end (or `*` alone). */
function wildcardValueProblem(v: string): string | undefined {
  const first = v.indexOf('*');
  if (first < 0) return undefined;
  if (v.indexOf('*', first + 1) >= 0) return `at most one wildcard '*' is allowed: got '${v}'`;
  return first === 0 || first === v.length - 1 ? undefined : `a wildcard '*' is only allowed at the start or the end: got '${v}'`;
}

/** security.CheckTrustDomainValues: not empty, wildcards at an end only, no '/'. */
function trustDomainProblem(values: unknown, at: string, fn: string): string | undefined {
  const list = arr(values);
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v !== 'string') continue;
    if (v === '') return `${at}/${i}: an empty value is not allowed: got ''; remove it or give a value ${istio(fn)}`;
    const w = wildcardValueProblem(v);
    if (w) return `${at}/${i}: ${w} ${istio(fn)}`;
    if (v.includes('/')) return `${at}/${i}: a trust domain cannot contain '/': got '${v}'; give the trust domain alone (e.g. 'cluster.local') ${istio(fn)}`;
  }
  return undefined;
}

/** RFC 3986 pchar, what a path segment beside a `{*}`/`{**}` template may hold (security.go validLiteral). */
const PATH_LITERAL = /^[a-zA-Z0-9\-._~%!$&'()+,;:@=]+$/;

/** security.CheckValidPathTemplate: `{*}` and `{**}` as whole segments, `{**}` last, no other braces; literal segments beside them. */
function pathTemplateProblem(path: string): string | undefined {
  const template = path.includes('{*}') || path.includes('{**}');
  if (!template && !path.includes('{') && !path.includes('}')) return undefined;
  let anySeen = false;
  for (const glob of path.replace(/^\/+|\/+$/g, '').split('/')) {
    if (glob === '{*}' || glob === '{**}') {
      if (anySeen) return `'{**}' must be the last operator of a path template: got '${path}'`;
      anySeen = glob === '{**}';
      continue;
    }
    if (glob.includes('{') || glob.includes('}')) return `'{' and '}' are only allowed in the path templates '{*}' and '{**}': got '${path}'`;
    if (template && !PATH_LITERAL.test(glob)) return `segment '${glob}' of a path template must be RFC 3986 path characters: got '${path}'`;
  }
  return undefined;
}

/** A condition key of the form `name[inner]` (security.go validateMapKey). */
const mapKeyOk = (key: string): boolean => {
  const open = key.indexOf('[');
  return key.endsWith(']') && open > 0 && open < key.length - 2;
};

/** Condition keys Istio knows whose values are free strings. */
const PLAIN_KEYS = new Set(['source.namespace', 'source.principal', 'request.auth.principal', 'request.auth.audiences', 'request.auth.presenter', 'connection.sni']);

/** security.ValidateAttribute, about the key alone: known, well-formed, not replaced. */
function conditionKeyProblem(key: string): string | undefined {
  if (key.startsWith('request.headers') || key.startsWith('request.auth.claims') || key.startsWith('experimental.envoy.filters.')) {
    return mapKeyOk(key) ? undefined : `a condition key must have the form name[inner] (e.g. request.headers[User-Agent]): got '${key}'`;
  }
  if (PLAIN_KEYS.has(key) || key === 'source.ip' || key === 'remote.ip' || key === 'destination.ip' || key === 'destination.port'
    || key === 'source.serviceAccount' || key === 'source.trustDomain') return undefined;
  if (key === 'destination.namespace') return `the condition key '${key}' is replaced by the policy's metadata.namespace: got '${key}'; remove the condition`;
  if (key.startsWith('destination.labels')) return `the condition key '${key}' is replaced by the workload selector: got '${key}'; use spec.selector`;
  if (key === 'destination.name' || key === 'destination.user') return `the condition key '${key}' was only supported in v1alpha1: got '${key}'; remove the condition`;
  return `unknown condition key: got '${key}'; use one of Istio's authorization conditions (request.headers[...], source.ip, remote.ip, source.namespace, `
    + 'source.principal, source.serviceAccount, source.trustDomain, request.auth.principal, request.auth.audiences, request.auth.presenter, '
    + 'request.auth.claims[...], destination.ip, destination.port, connection.sni, experimental.envoy.filters.*[...])';
}

/** security.ValidateAttribute, about the values of a known key. */
function conditionValueProblems(key: string, values: unknown, at: string): string[] {
  const empty = emptyValueProblem(values, at, 'security.ValidateAttribute');
  if (empty) return [empty];
  if (key === 'source.ip' || key === 'remote.ip' || key === 'destination.ip') return ipProblems(values, at, 'security.ValidateAttribute');
  if (key === 'destination.port') return portProblems(values, at, 'security.ValidateAttribute');
  if (key === 'source.serviceAccount') {
    const p = serviceAccountProblem(values, at, 'security.ValidateAttribute');
    return p ? [p] : [];
  }
  if (key === 'source.trustDomain') {
    const list = arr(values);
    for (let i = 0; i < list.length; i++) {
      const w = typeof list[i] === 'string' ? wildcardValueProblem(list[i] as string) : undefined;
      if (w) return [`${at}/${i}: ${w} ${istio('security.ValidateAttribute')}`];
    }
  }
  return [];
}

function sourceProblems(source: Obj, at: string, rule: number): string[] {
  const out: string[] = [];
  if (SOURCE_FIELDS.every(f => len(source[f]) === 0)) {
    out.push(`${at}: a rule's source must set at least one field (principals, namespaces, ipBlocks, serviceAccounts…): got an empty source in rule ${rule}; `
      + `remove it or fill it ${AP}`);
  }
  for (const f of SOURCE_FIELDS) {
    const values = source[f];
    if (len(values) === 0) continue;
    const fat = `${at}/${f}`;
    if (SA_FIELDS.has(f)) {
      const p = serviceAccountProblem(values, fat, 'security.CheckServiceAccount');
      if (p) out.push(p);
    } else if (TD_FIELDS.has(f)) {
      const p = trustDomainProblem(values, fat, 'security.CheckTrustDomainValues');
      if (p) out.push(p);
    } else {
      const p = emptyValueProblem(values, fat, 'security.CheckEmptyValues');
      if (p) out.push(p);
      if (IP_FIELDS.has(f)) out.push(...ipProblems(values, fat, 'security.ValidateIPs'));
    }
  }
  return out;
}

function operationProblems(op: Obj, at: string, rule: number): string[] {
  const out: string[] = [];
  if (OPERATION_FIELDS.every(f => len(op[f]) === 0)) {
    out.push(`${at}: a rule's operation must set at least one field (ports, methods, paths, hosts or their not-forms): got an empty operation in rule ${rule}; `
      + `remove it or fill it ${AP}`);
  }
  for (const f of OPERATION_FIELDS) {
    const values = op[f];
    if (len(values) === 0) continue;
    const fat = `${at}/${f}`;
    const p = emptyValueProblem(values, fat, 'security.CheckEmptyValues');
    if (p) out.push(p);
    if (f === 'ports' || f === 'notPorts') out.push(...portProblems(values, fat, 'security.ValidatePorts'));
    if (f === 'paths' || f === 'notPaths') {
      arr(values).forEach((v, i) => {
        const t = typeof v === 'string' ? pathTemplateProblem(v) : undefined;
        if (t) out.push(`${fat}/${i}: ${t} ${istio('security.CheckValidPathTemplate')}`);
      });
    }
  }
  return out;
}

function conditionProblems(when: Obj, at: string): string[] {
  const key = str(when.key);
  if (key === undefined) return [];
  if (key === '') return [`${at}/key: a condition key must not be empty: got ''; name an authorization condition such as 'request.headers[User-Agent]' ${AP}`];
  const out: string[] = [];
  if (len(when.values) === 0 && len(when.notValues) === 0) {
    out.push(`${at}: a condition must set values or notValues: got neither for key '${key}'; give the values to match ${AP}`);
    return out;
  }
  const k = conditionKeyProblem(key);
  if (k) return [`${at}/key: ${k} ${istio('security.ValidateAttribute')}`];
  if (len(when.values) > 0) out.push(...conditionValueProblems(key, when.values, `${at}/values`));
  if (len(when.notValues) > 0) out.push(...conditionValueProblems(key, when.notValues, `${at}/notValues`));
  return out;
}

/** ValidateAuthorizationPolicy's CUSTOM-action restrictions on one rule: no identity-based source fields or conditions. */
function customRuleProblems(rule: Obj, at: string): string[] {
  const out: string[] = [];
  arr(rule.from).forEach((f, j) => {
    const source = obj(obj(f)?.source);
    if (!source) return;
    for (const field of CUSTOM_UNSUPPORTED_SOURCE) {
      if (len(source[field]) > 0) out.push(`${at}/from/${j}/source/${field}: is not supported with the CUSTOM action: got ${field}; the external authorizer decides on identities ${AP}`);
    }
  });
  arr(rule.when).forEach((w, j) => {
    const key = str(obj(w)?.key);
    if (key === undefined) return;
    if (key === 'source.namespace' || key === 'source.serviceAccount' || key === 'source.trustDomain' || key === 'source.principal' || key.startsWith('request.auth.')) {
      out.push(`${at}/when/${j}/key: is not supported with the CUSTOM action: got '${key}'; the external authorizer decides on identities ${AP}`);
    }
  });
  return out;
}

/**
 * ValidateAuthorizationPolicy: CUSTOM needs rules and a provider name, a provider needs CUSTOM, DENY needs rules;
 * every from has a non-empty source, every to a non-empty operation; no empty values; IPs, CIDRs, ports,
 * service accounts, trust domains and path templates in their forms; condition keys known with values of their kind.
 */
export function authorizationPolicyProblems(o: Manifest): string[] {
  const spec = specOf(o);
  const out = policyTargetProblems(spec);
  const action = str(spec.action) ?? 'ALLOW';
  // Go's protobuf decoding reads an empty list as an absent one: `rules: []` is "no rules"
  const hasRules = len(spec.rules) > 0;
  if (action === 'CUSTOM') {
    if (!hasRules) {
      out.push(`/spec/rules: a CUSTOM policy without rules never triggers: got no rules; add an empty rule {} to apply it to every request ${AP}`);
    } else if (!obj(spec.provider)) {
      out.push(`/spec/provider: a CUSTOM policy must name its provider: got none; give provider.name, an extensionProvider of the mesh config ${AP}`);
    } else if (!str(obj(spec.provider)?.name)) {
      out.push(`/spec/provider/name: a CUSTOM policy must name its provider: got ''; name an extensionProvider of the mesh config ${AP}`);
    }
    arr(spec.rules).forEach((r, i) => {
      const rule = obj(r);
      if (rule) out.push(...customRuleProblems(rule, `/spec/rules/${i}`));
    });
  } else if (spec.provider !== undefined && spec.provider !== null) {
    out.push(`/spec/provider: a provider is only allowed with the CUSTOM action: got action '${action}'; remove the provider or set action: CUSTOM ${AP}`);
  }
  if (action === 'DENY' && !hasRules) {
    out.push(`/spec/rules: a DENY policy without rules never triggers: got no rules; add an empty rule {} to deny every request ${AP}`);
  }
  arr(spec.rules).forEach((r, i) => {
    const rule = obj(r);
    if (!rule) return;
    const at = `/spec/rules/${i}`;
    arr(rule.from).forEach((f, j) => {
      const from = obj(f);
      if (!from) return;
      const source = obj(from.source);
      if (!source) out.push(`${at}/from/${j}/source: must be set: got a from without a source in rule ${i}; add the source or remove the from ${AP}`);
      else out.push(...sourceProblems(source, `${at}/from/${j}/source`, i));
    });
    arr(rule.to).forEach((t, j) => {
      const to = obj(t);
      if (!to) return;
      const op = obj(to.operation);
      if (!op) out.push(`${at}/to/${j}/operation: must be set: got a to without an operation in rule ${i}; add the operation or remove the to ${AP}`);
      else out.push(...operationProblems(op, `${at}/to/${j}/operation`, i));
    });
    arr(rule.when).forEach((w, j) => {
      const when = obj(w);
      if (when) out.push(...conditionProblems(when, `${at}/when/${j}`));
    });
  });
  return out;
}

const RA = 'validateJwtRule';
const JWK_KTY = new Set(['RSA', 'EC', 'OKP', 'oct']);

/** jwk.Parse as validateJwtRule calls it: a JSON Web Key Set (`{"keys": [...]}`) or one key, each with a known `kty`. */
function jwksProblem(jwks: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jwks);
  } catch {
    return 'is not JSON';
  }
  const set = obj(parsed);
  if (!set) return 'is not a JSON object';
  const keys = set.keys !== undefined ? set.keys : [set];
  if (!Array.isArray(keys)) return '\'keys\' is not a list';
  for (const k of keys) {
    const kty = obj(k)?.kty;
    if (typeof kty !== 'string' || !JWK_KTY.has(kty)) return `a key has no known 'kty' (RSA, EC, OKP or oct): got '${String(kty ?? '')}'`;
  }
  return undefined;
}

/**
 * ValidateRequestAuthentication / validateJwtRule: every JWT rule names an issuer or a jwksUri, inline jwks parse
 * as a JSON Web Key Set, a timeout is whole milliseconds; targetRefs name kinds a policy may target.
 */
export function requestAuthenticationProblems(o: Manifest): string[] {
  const spec = specOf(o);
  const out = policyTargetProblems(spec);
  arr(spec.jwtRules).forEach((r, i) => {
    const rule = obj(r);
    if (!rule) return;
    const at = `/spec/jwtRules/${i}`;
    if (!str(rule.issuer) && !str(rule.jwksUri) && !str(rule.jwks_uri)) {
      out.push(`${at}: a JWT rule must set issuer or jwksUri: got neither; give the token issuer (e.g. 'https://accounts.example.com') ${istio(RA)}`);
    }
    const jwks = str(rule.jwks);
    if (jwks) {
      const p = jwksProblem(jwks);
      if (p) out.push(`${at}/jwks: must be a JSON Web Key Set: ${p}: got '${jwks.length > 60 ? `${jwks.slice(0, 60)}…` : jwks}' ${istio(RA)}`);
    }
    // under 1ms and unparsable durations are the CRD's CEL rule; whole milliseconds are agent.ValidateDuration's
    const d = durationProblem(rule.timeout);
    if (d?.startsWith('must be whole')) out.push(`${at}/timeout: ${d} ${istio(RA)}`);
  });
  return out;
}
