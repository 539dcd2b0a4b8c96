/**
 * Linkerd's admission controller (linkerd/linkerd2 `policy-controller/runtime/src/admission.rs`) for routes: its own
 * HTTPRoute (`policy.linkerd.io`) and the Gateway API routes it serves (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute), with
 * the index's conversions the webhook runs (`k8s/index/src/routes/http.rs`, `routes/grpc.rs`) and the route annotations
 * the outbound index reads (`k8s/index/src/outbound/index.rs`, `outbound/index/http.rs`, `outbound/index/grpc.rs`).
 *
 * Linkerd's webhook also sees every Gateway API route of a cluster where Linkerd runs, but a Gateway API route may be
 * meant for another implementation (Istio, a gateway controller) that accepts what Linkerd would not. So the Gateway
 * API kinds get Linkerd's rules only when the route itself shows it is Linkerd's:
 * - a parent in `policy.linkerd.io` (a Server or an EgressNetwork: no other implementation serves those, so a cluster
 *   that serves the route runs Linkerd and its webhook) — then every rule of the kind applies;
 * - Linkerd's own annotations (`retry.linkerd.io/*`, `timeout.linkerd.io/*`), read only by Linkerd, on a route attached
 *   to a Service or an EgressNetwork (where Linkerd reads them) — then their values are checked.
 * An HTTPRoute attached to a Gateway (or to a Service, without Linkerd's annotations) gets none of them.
 * Where the Gateway API's schema already refuses the same value (a relative path match, a Service backend without a
 * port), the rule is not repeated.
 *
 * @module
 */
import { HEADER_NAME_TOKEN, linkerd, POLICY_GROUP, shown, targetsKind } from './linkerd';
import { Obj, arr, obj, specOf, str } from './util';
import { Manifest } from '../../render/model';

type Re2 = { compile(p: string): unknown };
let re2: Re2 | undefined;

/** Whether Rust's `regex` crate (RE2 syntax, no look-around or back-references) reads a pattern; the error otherwise. */
function regexProblem(pattern: string): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  re2 ??= (require('@bufbuild/re2') as { RE2JS: Re2 }).RE2JS;
  try {
    re2.compile(pattern);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** A JSON pointer's escaping of one key (`/` as `~1`). */
const pointerKey = (k: string): string => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** `outbound_index::is_parent_egress_network`: kind EgressNetwork in group `policy.linkerd.io` (a group must be given). */
const isEgressNetwork = (ref: Obj): boolean =>
  typeof ref.group === 'string' && ref.group.toLowerCase() === POLICY_GROUP && typeof ref.kind === 'string' && ref.kind.toLowerCase() === 'egressnetwork';

/** `outbound_index::is_parent_service`: kind Service in the core group (absent, empty or `core`). */
const isService = (ref: Obj): boolean => typeof ref.kind === 'string' && targetsKind(ref, 'core', 'Service');

/** Whether a route has a parent only Linkerd serves (a Server or an EgressNetwork of `policy.linkerd.io`). */
function hasLinkerdParent(spec: Obj): boolean {
  return arr(spec.parentRefs).some(p => {
    const g = str(obj(p)?.group);
    return g !== undefined && g.toLowerCase() === POLICY_GROUP;
  });
}

/** Every route kind's first check: a parent EgressNetwork names a port (`Validate<…RouteSpec>`). */
function egressPortProblems(spec: Obj, fn: string): string[] {
  const out: string[] = [];
  arr(spec.parentRefs).forEach((p, i) => {
    const ref = obj(p);
    if (ref && isEgressNetwork(ref) && (ref.port === undefined || ref.port === null)) {
      out.push(`/spec/parentRefs/${i}: cannot target an EgressNetwork without specifying a port: got EgressNetwork '${shown(ref.name)}' with no port; `
        + `give the port the traffic leaves on ${linkerd(fn)}`);
    }
  });
  return out;
}

/**
 * `parse_duration` (k8s/index/src/outbound/index.rs), the durations of Linkerd's route annotations: a whole number and a
 * unit (`ms`, `s`, `m`, `h`, `d`), or `0`; the reason a value is not one.
 */
export function linkerdDurationProblem(value: string): string | undefined {
  const s = value.trim();
  if (s.startsWith('-')) return 'a duration cannot be negative';
  let last = s.length - 1;
  while (last >= 0 && !(s[last] >= '0' && s[last] <= '9')) last--;
  if (last < 0) return 'it holds no number';
  const magnitude = s.slice(0, last + 1);
  const unit = s.slice(last + 1);
  if (magnitude.includes('.')) return 'fractional values are not supported';
  if (!/^\+?\d+$/.test(magnitude)) return 'it is not a whole number followed by a unit';
  const n = BigInt(magnitude);
  const ms = ({ '': n === 0n ? 0n : undefined, 'ms': 1n, 's': 1000n, 'm': 60000n, 'h': 3600000n, 'd': 86400000n } as { [u: string]: bigint | undefined })[unit];
  if (unit === '' && ms === undefined) return `its unit is missing (did you mean '${magnitude}s' or '${magnitude}ms'?)`;
  if (ms === undefined) return `'${unit}' is not a unit Linkerd reads (ms, s, m, h or d)`;
  if (n * ms > 18446744073709551615n) return 'it overflows when converted to milliseconds';
  return undefined;
}

const U16_MAX = 65535;
const GRPC_RETRY_ON = ['cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable'];

/** `to_code` of `parse_http_retry`: an HTTP status code from 100 to 599. */
function statusCode(s: string): number | undefined {
  if (!/^\+?\d+$/.test(s)) return undefined;
  const code = Number(s);
  return code >= 100 && code < 600 ? code : undefined;
}

/** `parse_http_retry`'s conditions: `5xx`, `gateway-error`, a status code or a range of them (`500-504`). */
function httpRetryConditionOk(cond: string): boolean {
  const c = cond.toLowerCase();
  if (c === '5xx' || c === 'gateway-error' || statusCode(cond) !== undefined) return true;
  const dash = cond.indexOf('-');
  if (dash < 0) return false;
  const from = statusCode(cond.slice(0, dash));
  const to = statusCode(cond.slice(dash + 1));
  return from !== undefined && to !== undefined && from <= to;
}

/**
 * `parse_http_retry` / `parse_grpc_retry` and `parse_timeouts` (k8s/index/src/outbound/index): Linkerd's retry and
 * timeout annotations of a route attached to a Service or an EgressNetwork.
 */
function annotationProblems(o: Manifest, spec: Obj, grpc: boolean): string[] {
  const annotations = obj(obj((o as unknown as Obj).metadata)?.annotations);
  if (!annotations || !arr(spec.parentRefs).some(p => {
    const ref = obj(p);
    return ref !== undefined && (isService(ref) || isEgressNetwork(ref));
  })) return [];
  const out: string[] = [];
  const retry = grpc ? 'parse_grpc_retry' : 'parse_http_retry';
  const at = (key: string) => `/metadata/annotations/${pointerKey(key)}`;
  const limit = annotations['retry.linkerd.io/limit'];
  if (typeof limit === 'string' && !(/^\+?\d+$/.test(limit) && Number(limit) <= U16_MAX)) {
    out.push(`${at('retry.linkerd.io/limit')}: the retry limit must be a whole number from 0 to ${U16_MAX}: got '${limit}' ${linkerd(retry)}`);
  }
  for (const [key, fn] of [['retry.linkerd.io/timeout', retry], ['timeout.linkerd.io/response', 'parse_timeouts'],
    ['timeout.linkerd.io/request', 'parse_timeouts'], ['timeout.linkerd.io/idle', 'parse_timeouts']]) {
    const v = annotations[key];
    const p = typeof v === 'string' ? linkerdDurationProblem(v) : undefined;
    if (p) out.push(`${at(key)}: not a duration Linkerd reads (${p}): got '${shown(v)}'; write a whole number and a unit (ms, s, m, h or d), such as '1500ms' ${linkerd(`${fn}: parse_duration`)}`);
  }
  const conditionsKey = grpc ? 'retry.linkerd.io/grpc' : 'retry.linkerd.io/http';
  const conditions = annotations[conditionsKey];
  if (typeof conditions === 'string') {
    for (const cond of conditions.split(',')) {
      const ok = grpc ? GRPC_RETRY_ON.includes(cond.toLowerCase()) : httpRetryConditionOk(cond);
      if (!ok) {
        out.push(`${at(conditionsKey)}: invalid retry condition: got '${cond}'; use ${grpc ? GRPC_RETRY_ON.join(', ')
          : '5xx, gateway-error, a status code such as 503 or a range such as 500-504'}, separated by commas without spaces ${linkerd(retry)}`);
      }
    }
  }
  return out;
}

/** `http::HeaderValue::from_str`: visible ASCII characters and tabs only. */
function headerValueOk(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c < 32 && c !== 9) || c > 126) return false;
  }
  return true;
}

function headerNameProblem(name: unknown, at: string, fn: string): string | undefined {
  return typeof name === 'string' && !HEADER_NAME_TOKEN.test(name)
    ? `${at}: not a valid HTTP header name (RFC 7230 token characters): got '${name}' ${linkerd(fn)}` : undefined;
}

function headerValueProblem(value: unknown, at: string, fn: string): string | undefined {
  return typeof value === 'string' && !headerValueOk(value)
    ? `${at}: not a valid HTTP header value (visible ASCII characters and tabs only): got '${value}' ${linkerd(fn)}` : undefined;
}

function regexValueProblem(value: unknown, at: string, fn: string): string | undefined {
  const p = typeof value === 'string' ? regexProblem(value) : undefined;
  return p ? `${at}: not a regular expression Linkerd reads (Rust regex, RE2 syntax: ${p}): got '${shown(value)}' ${linkerd(fn)}` : undefined;
}

/** A header match (`header_match` of routes/http.rs and routes/grpc.rs): a header name, and an exact value or a regex. */
function headerMatchProblems(h: unknown, at: string): string[] {
  const m = obj(h);
  if (!m) return [];
  return [
    headerNameProblem(m.name, `${at}/name`, 'header_match'),
    m.type === 'RegularExpression' ? regexValueProblem(m.value, `${at}/value`, 'header_match') : headerValueProblem(m.value, `${at}/value`, 'header_match'),
  ].filter((p): p is string => p !== undefined);
}

/** `request_header_modifier` / `response_header_modifier`: names and values of `set` and `add`, names of `remove`. */
function headerModifierProblems(mod: unknown, at: string, fn: string): string[] {
  const m = obj(mod);
  if (!m) return [];
  const out: string[] = [];
  for (const op of ['set', 'add']) {
    arr(m[op]).forEach((h, i) => {
      const header = obj(h);
      if (!header) return;
      const n = headerNameProblem(header.name, `${at}/${op}/${i}/name`, fn);
      const v = headerValueProblem(header.value, `${at}/${op}/${i}/value`, fn);
      if (n) out.push(n);
      if (v) out.push(v);
    });
  }
  arr(m.remove).forEach((name, i) => {
    const n = headerNameProblem(name, `${at}/remove/${i}`, fn);
    if (n) out.push(n);
  });
  return out;
}

/** `req_redirect`'s `path_modifier`: a full path or a prefix replacement, absolute. */
function redirectProblems(redirect: unknown, at: string): string[] {
  const path = obj(obj(redirect)?.path);
  if (!path) return [];
  for (const key of ['replaceFullPath', 'replacePrefixMatch']) {
    const p = path[key];
    if (typeof p !== 'string') continue;
    return p.startsWith('/') ? [] : [`${at}/path/${key}: RequestRedirect filters may only contain absolute paths (starting with '/'): got '${p}'; write '/${p}' ${linkerd('path_modifier')}`];
  }
  return [`${at}/path: a RequestRedirect path must contain either replaceFullPath or replacePrefixMatch: got neither ${linkerd('path_modifier')}`];
}

/**
 * `try_match` of routes/http.rs over one match: an absolute path for Exact and PathPrefix (`path_match`, only for
 * Linkerd's own HTTPRoute: the Gateway API's schema refuses a relative one), a regex path or query parameter Linkerd
 * reads, header names and values.
 */
function httpMatchProblems(mt: unknown, at: string, ownRoute: boolean): string[] {
  const m = obj(mt);
  if (!m) return [];
  const out: string[] = [];
  const path = obj(m.path);
  if (path) {
    const value = path.value === undefined ? '/' : path.value;
    if (path.type === 'RegularExpression') {
      const p = regexValueProblem(value, `${at}/path/value`, 'path_match');
      if (p) out.push(p);
    } else if (ownRoute && typeof value === 'string' && !value.startsWith('/')) {
      out.push(`${at}/path/value: HTTPPathMatch paths must be absolute (begin with '/'): got '${value}'; write '/${value}' ${linkerd('path_match')}`);
    }
  }
  arr(m.headers).forEach((h, i) => out.push(...headerMatchProblems(h, `${at}/headers/${i}`)));
  arr(m.queryParams).forEach((q, i) => {
    const query = obj(q);
    if (query?.type !== 'RegularExpression') return;
    const p = regexValueProblem(query.value, `${at}/queryParams/${i}/value`, 'query_param_match');
    if (p) out.push(p);
  });
  return out;
}

/** The filters both HTTPRoutes' webhooks check: the header modifiers and the redirect. */
function httpFilterProblems(f: unknown, at: string): string[] {
  const filter = obj(f);
  if (!filter) return [];
  return [
    ...headerModifierProblems(filter.requestHeaderModifier, `${at}/requestHeaderModifier`, 'request_header_modifier'),
    ...headerModifierProblems(filter.responseHeaderModifier, `${at}/responseHeaderModifier`, 'response_header_modifier'),
    ...(filter.requestRedirect !== undefined ? redirectProblems(filter.requestRedirect, `${at}/requestRedirect`) : []),
  ];
}

/**
 * `validate_http_backend_if_service` / `validate_grpc_backend_if_service`: a Service backend names a port. Linkerd
 * reads group `core` as the core group, where the Gateway API's schema (which refuses the same for an empty group) does
 * not: only that case is left to this rule.
 */
function backendProblems(rule: Obj, at: string, fn: string): string[] {
  const out: string[] = [];
  arr(rule.backendRefs).forEach((b, i) => {
    const ref = obj(b);
    if (!ref || ref.group !== 'core' || !(ref.kind === undefined || ref.kind === 'Service')) return;
    if (ref.port === undefined || ref.port === null || ref.port === 0) {
      out.push(`${at}/backendRefs/${i}: invalid backendRef: cannot reference a Service without a port: got Service '${shown(ref.name)}' with no port; give its port ${linkerd(fn)}`);
    }
  });
  return out;
}

/** A Go duration (`K8sDuration::from_str`, k8s/api/src/duration.rs) in nanoseconds and its sign; undefined when unreadable. */
function goDuration(value: string): { ns: number; negative: boolean } | undefined {
  const negative = value.startsWith('-');
  const m = /^[+-]?((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+|0)$/.exec(value);
  if (!m) return undefined;
  const unit: { [u: string]: number } = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let ns = 0;
  for (const part of m[1].matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) ns += Number(part[1]) * unit[part[2]];
  return { ns, negative };
}

/**
 * `validate_timeouts` of `Validate<HttpRouteSpec>` (Linkerd's own HTTPRoute): neither timeout negative, the backend
 * request's at most the request's. (A duration that is not one is the schema's `format: duration` to refuse.)
 */
function timeoutProblems(t: unknown, at: string): string[] {
  const timeouts = obj(t);
  if (!timeouts) return [];
  const out: string[] = [];
  const read = (key: string) => {
    const v = timeouts[key];
    const d = typeof v === 'string' ? goDuration(v) : undefined;
    if (d?.negative) out.push(`${at}/${key}: the ${key} timeout must not be negative: got '${shown(v)}' ${linkerd('Validate<HttpRouteSpec>')}`);
    return d;
  };
  const request = read('request');
  const backend = read('backendRequest');
  if (request && backend && !request.negative && !backend.negative && backend.ns > request.ns) {
    out.push(`${at}/backendRequest: the backendRequest timeout must not be greater than the request timeout ('${shown(timeouts.request)}'): `
      + `got '${shown(timeouts.backendRequest)}' ${linkerd('Validate<HttpRouteSpec>')}`);
  }
  return out;
}

/** `Validate<HttpRouteSpec>` for Linkerd's own HTTPRoute (`policy.linkerd.io`): every rule of the kind. */
export function linkerdHttpRouteProblems(o: Manifest): string[] {
  const spec = specOf(o);
  const out = [...egressPortProblems(spec, 'Validate<HttpRouteSpec>'), ...annotationProblems(o, spec, false)];
  arr(spec.rules).forEach((r, i) => {
    const rule = obj(r);
    if (!rule) return;
    const at = `/spec/rules/${i}`;
    arr(rule.matches).forEach((m, j) => out.push(...httpMatchProblems(m, `${at}/matches/${j}`, true)));
    arr(rule.filters).forEach((f, j) => out.push(...httpFilterProblems(f, `${at}/filters/${j}`)));
    out.push(...timeoutProblems(rule.timeouts, `${at}/timeouts`));
  });
  return out;
}

/** `Validate<gateway::HttpRouteSpec>`, for a Gateway API HTTPRoute that is Linkerd's (see the module's comment). */
export function gatewayHttpRouteLinkerdProblems(o: Manifest): string[] {
  const spec = specOf(o);
  const out = annotationProblems(o, spec, false);
  if (!hasLinkerdParent(spec)) return out;
  out.unshift(...egressPortProblems(spec, 'Validate<gateway::HttpRouteSpec>'));
  arr(spec.rules).forEach((r, i) => {
    const rule = obj(r);
    if (!rule) return;
    const at = `/spec/rules/${i}`;
    arr(rule.matches).forEach((m, j) => out.push(...httpMatchProblems(m, `${at}/matches/${j}`, false)));
    arr(rule.filters).forEach((f, j) => out.push(...httpFilterProblems(f, `${at}/filters/${j}`)));
    out.push(...backendProblems(rule, at, 'validate_http_backend_if_service'));
  });
  return out;
}

/** `Validate<gateway::GrpcRouteSpec>`, for a GRPCRoute that is Linkerd's (see the module's comment). */
export function grpcRouteLinkerdProblems(o: Manifest): string[] {
  const spec = specOf(o);
  const out = annotationProblems(o, spec, true);
  if (!hasLinkerdParent(spec)) return out;
  out.unshift(...egressPortProblems(spec, 'Validate<gateway::GrpcRouteSpec>'));
  arr(spec.rules).forEach((r, i) => {
    const rule = obj(r);
    if (!rule) return;
    const at = `/spec/rules/${i}`;
    arr(rule.matches).forEach((mt, j) => {
      const m = obj(mt);
      if (!m) return;
      const mat = `${at}/matches/${j}`;
      const method = obj(m.method);
      if (method?.type === 'RegularExpression') {
        out.push(`${mat}/method/type: unsupported GRPCRoute method match type: got 'RegularExpression'; match the service and method exactly ${linkerd('grpc::try_match')}`);
      }
      arr(m.headers).forEach((h, k) => out.push(...headerMatchProblems(h, `${mat}/headers/${k}`)));
    });
    arr(rule.filters).forEach((f, j) => {
      const filter = obj(f);
      out.push(...headerModifierProblems(filter?.requestHeaderModifier, `${at}/filters/${j}/requestHeaderModifier`, 'grpc::request_header_modifier'),
        ...headerModifierProblems(filter?.responseHeaderModifier, `${at}/filters/${j}/responseHeaderModifier`, 'grpc::response_header_modifier'));
    });
    out.push(...backendProblems(rule, at, 'validate_grpc_backend_if_service'));
  });
  return out;
}

/** `Validate<gateway::TlsRouteSpec>` / `Validate<gateway::TcpRouteSpec>`: a parent EgressNetwork's port, a single rule. */
function singleRuleRouteProblems(o: Manifest, kind: 'TLSRoute' | 'TCPRoute'): string[] {
  const spec = specOf(o);
  if (!hasLinkerdParent(spec)) return [];
  const fn = kind === 'TLSRoute' ? 'Validate<gateway::TlsRouteSpec>' : 'Validate<gateway::TcpRouteSpec>';
  const out = egressPortProblems(spec, fn);
  const rules = arr(spec.rules).length;
  if (rules > 1) out.push(`/spec/rules: a ${kind} Linkerd serves supports a single rule only: got ${rules}; put the backends of every rule in one rule, or split the route ${linkerd(fn)}`);
  return out;
}

/** Linkerd's rules for a Gateway API TLSRoute that is Linkerd's. */
export const tlsRouteLinkerdProblems = (o: Manifest): string[] => singleRuleRouteProblems(o, 'TLSRoute');

/** Linkerd's rules for a Gateway API TCPRoute that is Linkerd's. */
export const tcpRouteLinkerdProblems = (o: Manifest): string[] => singleRuleRouteProblems(o, 'TCPRoute');
