/**
 * Istio's validating webhook (istio/istio pkg/config/validation) for a VirtualService's HTTP routes: validateHTTPRoute
 * with its root and delegate variants (virtualservice.go) and the functions it calls in validation.go and
 * agent/validation.go. Each rule cites the upstream function it follows.
 *
 * @module
 */
import { durationProblem, HEADER_NAME, istio, percentProblem, portProblem, PSEUDO_HEADERS, re2Problem } from './istio-common';
import { fqdnProblem, isLabel, isRoutingClaim, nonEmpty, sourceLabelsProblems, token, wildcardDomainProblem } from './istio-names';
import { Obj, arr, obj, str } from './util';

/** Istio's retry policies (`retryOn`), besides HTTP status codes: agent/validation.go's supportedRetryOnPolicies. */
export const ISTIO_RETRY_ON = new Set([
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx', 'refused-stream', 'retriable-status-codes',
  'retriable-headers', 'envoy-ratelimited', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]);

/** HTTP status codes Go's `http.StatusText` knows (what Istio accepts as a number in `retryOn`). */
const HTTP_STATUS = new Set([100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451,
  500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511]);

/** The gRPC status names Istio accepts in an abort fault (pkg/util/grpc SupportedGRPCStatus). */
const GRPC_STATUS = new Set(['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE',
  'DATA_LOSS', 'UNAUTHENTICATED']);

/** The methods a CORS policy may allow (validation.go supportedCORSMethods: Go's net/http methods and `*`). */
const CORS_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', '*']);

/** A direct response body over 1 MiB is refused (validateHTTPDirectResponse). */
const MAX_DIRECT_RESPONSE_BYTES = 1024 * 1024;
/** Envoy's RE2 program size, approximated by the pattern's length (validateStringRegexp). */
const MAX_REGEX_LENGTH = 1024;

const CONTROL_CHARS = /[\u0000-\u0008\u000A-\u001F\u007F]/;
const DIGITS = /^\d+$/;

const WHERE = {
  route: istio('validateHTTPRoute'),
  conflict: istio('validateHTTPRouteConflict'),
  match: istio('validateHTTPRouteMatchRequest'),
  stringMatch: istio('validateStringMatch'),
  headerName: istio('ValidateHTTPHeaderNameOrJwtClaimRoute'),
  headerOp: istio('ValidateHTTPHeaderOperationName'),
  headerOpAuthority: istio('ValidateHTTPHeaderWithAuthorityOperationName'),
  headerValue: istio('ValidateHTTPHeaderValue'),
  authority: istio('validateAuthorityRewrite'),
  cors: istio('validateCORSPolicy'),
  fault: istio('validateHTTPFaultInjection'),
  abort: istio('validateHTTPFaultInjectionAbort'),
  delay: istio('validateHTTPFaultInjectionDelay'),
  redirect: istio('validateHTTPRedirect'),
  direct: istio('validateHTTPDirectResponse'),
  retry: istio('ValidateHTTPRetry'),
  rewrite: istio('validateHTTPRewrite'),
  destinations: istio('validateHTTPRouteDestinations'),
  routeDestinations: istio('validateRouteDestinations'),
  destination: istio('validateDestination'),
  mirrors: istio('validateHTTPMirrors'),
  gatewayNames: istio('validateGatewayNames'),
};

/**
 * Envoy's header value format as Istio checks it (ValidateHTTPHeaderValue and header_value_validator.go, after Envoy's
 * header_parser.cc): no control characters; `%` starts a `%VARIABLE%` or `%VARIABLE(args)%` expression unless doubled.
 */
export function headerValueProblem(value: string): string | undefined {
  if (CONTROL_CHARS.test(value)) return 'must not contain control characters';
  if (!value.includes('%')) return undefined;
  // literal, name (after %), open (after '('), expectString, string, afterString, closeArgs (after ']'), close (after ')')
  let state: 'literal' | 'name' | 'open' | 'expectString' | 'string' | 'afterString' | 'closeArgs' | 'close' = 'literal';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    const space = c === ' ';
    switch (state) {
      case 'literal':
        if (c !== '%') break;
        if (i + 1 === value.length) return 'has an un-escaped \'%\' (write \'%%\' for a literal %)';
        if (value[i + 1] === '%') i++;
        else state = 'name';
        break;
      case 'name':
        if (c === '%') state = 'literal';
        else if (c === '(') state = 'open';
        break;
      case 'open':
        if (c === '[') state = 'expectString';
        else if (!space) state = 'string';
        break;
      case 'expectString':
        if (c === '"') state = 'string';
        else if (!space) return 'has a variable argument list that is not a list of quoted strings';
        break;
      case 'string':
        if (c === '\\') {
          if (i + 1 === value.length) return 'has an unterminated backslash in a variable argument';
          i++;
        } else if (c === ')') {state = 'close';} else if (c === '"') {state = 'afterString';}
        break;
      case 'afterString':
        if (c === ',') state = 'expectString';
        else if (c === ']') state = 'closeArgs';
        else if (!space) return 'has a variable argument list that is not a list of quoted strings';
        break;
      case 'closeArgs':
        if (c === ')') state = 'close';
        else if (!space) return 'has a variable expression missing its \')\'';
        break;
      case 'close':
        if (c === '%') state = 'literal';
        else if (!space) return 'has a variable expression missing its closing \'%\'';
        break;
    }
  }
  return state === 'literal' ? undefined : 'has an unterminated %VARIABLE% expression (write \'%%\' for a literal %)';
}


/** What a VirtualService's route rules need to know about the whole object. */
export interface VsContext {
  readonly hosts: readonly string[];
  readonly gateways: readonly string[];
  readonly delegate: boolean;
  readonly gatewaySemantics: boolean;
  /** Whether the VirtualService binds to gateways only (not the `mesh` gateway): isGateway. */
  readonly boundToGateway: boolean;
}


/** validateGatewayNames: `mesh`, a gateway name or `namespace/name`; upstream stops at the first name without a `/`. */
export function gatewayNamesProblems(names: unknown, at: string, gatewaySemantics: boolean): string[] {
  const out: string[] = [];
  const list = arr(names);
  for (let i = 0; i < list.length; i++) {
    const name = list[i];
    if (typeof name !== 'string') continue;
    const slash = name.indexOf('/');
    if (slash < 0) {
      const p = fqdnProblem(name);
      if (p) out.push(`${at}/${i}: the gateway name is invalid: ${p}: got '${name}'; name a gateway as '<namespace>/<name>' or 'mesh' ${WHERE.gatewayNames}`);
      return out;
    }
    const ns = name.slice(0, slash);
    const gw = name.slice(slash + 1);
    if (ns === '' || gw === '') {
      out.push(`${at}/${i}: the namespace and the name of a gateway cannot be empty: got '${name}' ${WHERE.gatewayNames}`);
    }
    if (!isLabel(ns)) {
      out.push(`${at}/${i}: the gateway's namespace '${ns}' is not a DNS-1123 label (no wildcards): got '${name}' ${WHERE.gatewayNames}`);
    }
    if (!gatewaySemantics && !isLabel(gw)) {
      out.push(`${at}/${i}: the gateway's name '${gw}' is not a DNS-1123 label (no wildcards): got '${name}' ${WHERE.gatewayNames}`);
    }
  }
  return out;
}

/** validateStringMatch (and validateStringMatchRegexp for a URI): a prefix may not be empty, a regex must compile in RE2. */
function stringMatchProblems(m: unknown, at: string, allowEmptyPrefix: boolean): string[] {
  const match = obj(m);
  if (!match) return [];
  if (!allowEmptyPrefix && match.prefix === '') {
    return [`${at}/prefix: a prefix match must not be empty: got ''; remove the match or give a prefix ${WHERE.stringMatch}`];
  }
  return regexProblems(match.regex, `${at}/regex`, WHERE.stringMatch);
}

/** validateStringRegexp: not empty, at most 1024 characters, RE2. */
function regexProblems(regex: unknown, at: string, where: string): string[] {
  if (typeof regex !== 'string') return [];
  if (regex === '') return [`${at}: a regex match must not be empty: got '' ${where}`];
  if (regex.length > MAX_REGEX_LENGTH) return [`${at}: the regex is too large: got ${regex.length} characters; at most ${MAX_REGEX_LENGTH} ${where}`];
  const p = re2Problem(regex);
  return p ? [`${at}: ${p}; Istio uses RE2 syntax ${where}`] : [];
}

/** ValidateHTTPHeaderNameOrJwtClaimRoute: a header name (RFC 7230 token), a pseudo-header or a JWT claim. */
function matchHeaderNameProblem(name: string, at: string): string | undefined {
  if (name === '') return `${at}: a header name must not be empty: got '' ${WHERE.headerName}`;
  if (PSEUDO_HEADERS.has(name) || HEADER_NAME.test(name) || isRoutingClaim(name)) return undefined;
  return `${at}: '${name}' is not a valid header name (RFC 7230 token characters): got '${name}' ${WHERE.headerName}`;
}

/** validateHTTPRouteMatchRequest over one match. */
function matchProblems(match: Obj, at: string): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(obj(match.headers) ?? {})) {
    const hat = `${at}/headers/${token(name)}`;
    if (value === null) out.push(`${hat}: a header match must not be null: got null; give exact, prefix or regex ${WHERE.match}`);
    const n = matchHeaderNameProblem(name, hat);
    if (n) out.push(n);
    out.push(...stringMatchProblems(value, hat, false));
  }
  for (const [name, value] of Object.entries(obj(match.withoutHeaders) ?? {})) {
    const hat = `${at}/withoutHeaders/${token(name)}`;
    const n = matchHeaderNameProblem(name, hat);
    if (n) out.push(n);
    // `regex: "*"` is not RE2 here: Istio reads it as "the header is present" (virtualservice.go)
    if (obj(value)?.regex !== '*') out.push(...stringMatchProblems(value, hat, false));
  }
  out.push(...stringMatchProblems(match.uri, `${at}/uri`, true));
  for (const key of ['scheme', 'method', 'authority']) out.push(...stringMatchProblems(match[key], `${at}/${key}`, false));
  for (const [name, value] of Object.entries(obj(match.queryParams) ?? {})) {
    out.push(...stringMatchProblems(value, `${at}/queryParams/${token(name)}`, false));
  }
  const pp = match.port === 0 ? undefined : portProblem(match.port);
  if (pp) out.push(`${at}/port: ${pp}: got ${String(match.port)} ${WHERE.match}`);
  for (const [key, p] of sourceLabelsProblems(match.sourceLabels)) out.push(`${at}/sourceLabels/${token(key)}: ${p} ${WHERE.match}`);
  out.push(...gatewayNamesProblems(match.gateways, `${at}/gateways`, false));
  const sourceNamespace = nonEmpty(match.sourceNamespace);
  if (sourceNamespace && !isLabel(sourceNamespace)) {
    out.push(`${at}/sourceNamespace: must be a namespace name (DNS-1123 label): got '${sourceNamespace}' ${WHERE.match}`);
  }
  return out;
}

/** The header operations of a route or a destination (validateHTTPRoute, validateHTTPRouteDestinations). */
function headerOperationProblems(headers: unknown, at: string): string[] {
  const out: string[] = [];
  const h = obj(headers);
  if (!h) return out;
  for (const dir of ['request', 'response']) {
    const ops = obj(h[dir]);
    if (!ops) continue;
    for (const op of ['set', 'add']) {
      for (const [name, value] of Object.entries(obj(ops[op]) ?? {})) {
        const hat = `${at}/${dir}/${op}/${token(name)}`;
        const p = dir === 'request' ? authorityOperationNameProblem(name) : operationNameProblem(name);
        if (p) out.push(`${hat}: ${p}`);
        const v = typeof value === 'string' ? headerValueProblem(value) : undefined;
        if (v) out.push(`${hat}: the header value ${v}: got '${String(value)}' ${WHERE.headerValue}`);
      }
    }
    arr(ops.remove).forEach((name, i) => {
      const p = typeof name === 'string' ? operationNameProblem(name) : undefined;
      if (p) out.push(`${at}/${dir}/remove/${i}: ${p}`);
    });
  }
  return out;
}

/** ValidateHTTPHeaderWithAuthorityOperationName: a request header to set or add; `:authority` and `Host` allowed. */
function authorityOperationNameProblem(name: string): string | undefined {
  if (name === '') return `a header name must not be empty: got '' ${WHERE.headerOpAuthority}`;
  if (name.startsWith(':') && name.toLowerCase() !== ':authority') {
    return `header '${name}' cannot have a ':' prefix (pseudo-headers cannot be modified): got '${name}' ${WHERE.headerOpAuthority}`;
  }
  return undefined;
}

/** ValidateHTTPHeaderOperationName: a request header to remove or a response header to change; not `Host`, not `:`-prefixed. */
function operationNameProblem(name: string): string | undefined {
  if (name === '') return `a header name must not be empty: got '' ${WHERE.headerOp}`;
  if (name.toLowerCase() === 'host') return `the Host header cannot be changed here: got '${name}'; rewrite the authority instead ${WHERE.headerOp}`;
  if (name.startsWith(':')) return `header '${name}' cannot have a ':' prefix (pseudo-headers cannot be modified): got '${name}' ${WHERE.headerOp}`;
  return undefined;
}

/** validateAuthorityRewrite: the authority is set once, by rewrite.authority or by one `:authority`/`Host` header. */
function authorityRewriteProblems(route: Obj, at: string): string[] {
  let current = nonEmpty(obj(route.rewrite)?.authority) ?? '';
  const request = obj(obj(route.headers)?.request);
  for (const op of ['set', 'add']) {
    for (const [name, value] of Object.entries(obj(request?.[op]) ?? {})) {
      const lower = name.toLowerCase();
      if (lower !== ':authority' && lower !== 'host') continue;
      if (current !== '') {
        return [`${at}/headers/request/${op}/${token(name)}: the authority is set more than once: got '${String(value)}' after '${current}'; `
          + `set it in one place (rewrite.authority or one header) ${WHERE.authority}`];
      }
      current = typeof value === 'string' ? value : '';
    }
  }
  return [];
}

/** validateCORSPolicy: origins, methods, header names, and a max age in whole seconds. */
function corsProblems(policy: Obj, at: string): string[] {
  const out: string[] = [];
  arr(policy.allowOrigins).forEach((o, i) => {
    const origin = obj(o);
    if (!origin) return;
    const value = origin.exact ?? origin.prefix ?? origin.regex;
    if (value === undefined || value === '') {
      out.push(`${at}/allowOrigins/${i}: an allowed origin needs a non-empty exact, prefix or regex: got '${String(value ?? '')}' ${WHERE.cors}`);
    } else {
      out.push(...regexProblems(origin.regex, `${at}/allowOrigins/${i}/regex`, WHERE.cors));
    }
  });
  arr(policy.allowMethods).forEach((m, i) => {
    if (typeof m === 'string' && !CORS_METHODS.has(m)) {
      out.push(`${at}/allowMethods/${i}: '${m}' is not a supported HTTP method: got '${m}'; use one of ${[...CORS_METHODS].join(', ')} ${WHERE.cors}`);
    }
  });
  for (const key of ['allowHeaders', 'exposeHeaders']) {
    arr(policy[key]).forEach((h, i) => {
      if (typeof h !== 'string' || h === '*' || HEADER_NAME.test(h)) return;
      out.push(h === ''
        ? `${at}/${key}/${i}: a header name must not be empty: got '' ${WHERE.cors}`
        : `${at}/${key}/${i}: '${h}' is not a valid header name (RFC 7230 token characters or '*'): got '${h}' ${WHERE.cors}`);
    });
  }
  if (typeof policy.maxAge === 'string') {
    const d = durationProblem(policy.maxAge);
    if (d) out.push(`${at}/maxAge: ${d} ${WHERE.cors}`);
    const ns = durationNanos(policy.maxAge);
    if (ns !== undefined && ns % 1e9 !== 0) out.push(`${at}/maxAge: must be whole seconds (the max age is accurate to seconds only): got '${policy.maxAge}' ${WHERE.cors}`);
  }
  return out;
}

const DURATION_PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;
const UNIT_NS: { [u: string]: number } = { h: 3600e9, m: 60e9, s: 1e9, ms: 1e6, us: 1e3, µs: 1e3, ns: 1 };
/** A duration's nanoseconds (rounded), or undefined when it is not a duration. */
function durationNanos(v: string): number | undefined {
  let ns = 0;
  let seen = 0;
  for (const m of v.matchAll(DURATION_PART)) {
    ns += Number(m[1]) * UNIT_NS[m[2]];
    seen += m[0].length;
  }
  return seen === v.length && seen > 0 ? Math.round(ns) : undefined;
}

/** validateHTTPFaultInjection, validateHTTPFaultInjectionAbort and validateHTTPFaultInjectionDelay. */
function faultProblems(fault: Obj, at: string): string[] {
  const out: string[] = [];
  const abort = obj(fault.abort);
  const delay = obj(fault.delay);
  if (!abort && !delay) out.push(`${at}: a fault must have an abort and/or a delay: got neither ${WHERE.fault}`);
  if (abort) {
    const p = percentProblem(obj(abort.percentage)?.value);
    if (p) out.push(`${at}/abort/percentage/value: ${p} ${WHERE.abort}`);
    if (abort.grpcStatus !== undefined) {
      if (typeof abort.grpcStatus === 'string' && !GRPC_STATUS.has(abort.grpcStatus)) {
        out.push(`${at}/abort/grpcStatus: '${abort.grpcStatus}' is not a gRPC status: got '${abort.grpcStatus}'; use a name such as 'NOT_FOUND' or 'UNAVAILABLE' ${WHERE.abort}`);
      }
    } else if (abort.http2Error !== undefined) {
      out.push(`${at}/abort/http2Error: HTTP/2 abort faults are not supported yet: got '${String(abort.http2Error)}'; use httpStatus or grpcStatus ${WHERE.abort}`);
    } else if (typeof abort.httpStatus === 'number' && (abort.httpStatus < 200 || abort.httpStatus > 600)) {
      out.push(`${at}/abort/httpStatus: must be an HTTP status between 200 and 599: got ${abort.httpStatus} ${WHERE.abort}`);
    }
  }
  if (delay) {
    const p = percentProblem(obj(delay.percentage)?.value);
    if (p) out.push(`${at}/delay/percentage/value: ${p} ${WHERE.delay}`);
    const fixed = durationProblem(delay.fixedDelay);
    if (fixed) out.push(`${at}/delay/fixedDelay: ${fixed} ${WHERE.delay}`);
    if (delay.exponentialDelay !== undefined) {
      out.push(`${at}/delay/exponentialDelay: exponential delays are not supported yet: got '${String(delay.exponentialDelay)}'; use fixedDelay ${WHERE.delay}`);
    }
  }
  return out;
}

/** What a retry policy sets besides attempts: refused with attempts 0 (ValidateHTTPRetry). */
const RETRY_POLICY = ['perTryTimeout', 'retryOn', 'retryRemoteLocalities'];

/** agent.ValidateHTTPRetry: attempts, the policy only when attempts > 0, durations, `retryOn` policies. */
function retryProblems(retries: Obj, at: string): string[] {
  const out: string[] = [];
  const attempts = typeof retries.attempts === 'number' ? retries.attempts : 0;
  if (attempts < 0) out.push(`${at}/attempts: must not be negative: got ${attempts} ${WHERE.retry}`);
  const set = attempts === 0 ? RETRY_POLICY.filter(k => retries[k] !== undefined && retries[k] !== '') : [];
  if (set.length > 0) {
    out.push(`${at}: a retry policy (${set.join(', ')}) must not be set when attempts is 0 (retries disabled): got attempts ${attempts}; `
      + `set attempts or remove the policy ${WHERE.retry}`);
  }
  for (const key of ['perTryTimeout', 'backoff']) {
    const d = durationProblem(retries[key]);
    if (d) out.push(`${at}/${key}: ${d} ${WHERE.retry}`);
  }
  const retryOn = nonEmpty(retries.retryOn);
  if (retryOn) {
    for (const policy of retryOn.split(',')) {
      if (ISTIO_RETRY_ON.has(policy) || (DIGITS.test(policy) && HTTP_STATUS.has(Number(policy)))) continue;
      out.push(`${at}/retryOn: '${policy}' is not a retry policy Istio knows: got '${retryOn}'; use ${[...ISTIO_RETRY_ON].join(', ')}, or an HTTP status code ${WHERE.retry}`);
    }
  }
  return out;
}

/** validateHTTPRedirect (upstream reports the first problem only). */
function redirectProblem(redirect: Obj, matches: unknown, at: string): string | undefined {
  const uri = nonEmpty(redirect.uri);
  const prefixRewrite = nonEmpty(redirect.prefixRewrite);
  if (uri && prefixRewrite) return `${at}: a redirect may set only one of uri and prefixRewrite: got both ('${uri}', '${prefixRewrite}') ${WHERE.redirect}`;
  if (prefixRewrite) {
    const bad = arr(matches).findIndex(m => { const u = obj(obj(m)?.uri); return u !== undefined && typeof u.prefix !== 'string'; });
    if (bad >= 0) return `${at}/prefixRewrite: needs every URI match to be a prefix match: got a non-prefix match at match ${bad} ${WHERE.redirect}`;
  }
  const portSet = redirect.port !== undefined || redirect.derivePort !== undefined;
  if (!uri && !prefixRewrite && !portSet && !nonEmpty(redirect.authority) && !nonEmpty(redirect.scheme)) {
    return `${at}: a redirect must set uri, prefixRewrite, authority, scheme or port: got none ${WHERE.redirect}`;
  }
  const code = redirect.redirectCode;
  if (typeof code === 'number' && code !== 0 && (code < 300 || code > 399)) return `${at}/redirectCode: must be a 3xx code: got ${code} ${WHERE.redirect}`;
  const scheme = nonEmpty(redirect.scheme);
  if (scheme && scheme !== 'http' && scheme !== 'https') return `${at}/scheme: must be 'http' or 'https': got '${scheme}' ${WHERE.redirect}`;
  const port = redirect.port;
  if (typeof port === 'number' && port > 0) {
    const p = portProblem(port);
    if (p) return `${at}/port: ${p}: got ${port} ${WHERE.redirect}`;
  }
  return undefined;
}

/** validateHTTPDirectResponse: a status between 200 and 599, a body under 1 MiB. */
function directResponseProblems(response: Obj, at: string): string[] {
  const out: string[] = [];
  const body = obj(response.body);
  if (body) {
    const size = typeof body.string === 'string' ? Buffer.byteLength(body.string)
      : typeof body.bytes === 'string' ? Math.floor(body.bytes.length * 3 / 4) : 0;
    if (size > MAX_DIRECT_RESPONSE_BYTES) out.push(`${at}/body: a direct response body must be under 1 MiB: got ${size} bytes; serve it from a workload ${WHERE.direct}`);
  }
  const status = response.status;
  if (typeof status === 'number' && (status < 200 || status > 600)) out.push(`${at}/status: must be an HTTP status between 200 and 599: got ${status} ${WHERE.direct}`);
  return out;
}

/** validateHTTPRewrite and validateURIRegexRewrite. */
function rewriteProblems(rewrite: Obj, at: string): string[] {
  const uri = nonEmpty(rewrite.uri);
  const regexRewrite = obj(rewrite.uriRegexRewrite);
  if (uri && regexRewrite) return [`${at}: a rewrite may set only one of uri and uriRegexRewrite: got both ${WHERE.rewrite}`];
  if (!uri && !regexRewrite && !nonEmpty(rewrite.authority)) return [`${at}: a rewrite must set uri, uriRegexRewrite or authority: got none ${WHERE.rewrite}`];
  if (!regexRewrite) return [];
  if (!nonEmpty(regexRewrite.match) || !nonEmpty(regexRewrite.rewrite)) {
    return [`${at}/uriRegexRewrite: needs both match and rewrite: got ${nonEmpty(regexRewrite.match) ? 'no rewrite' : 'no match'} ${WHERE.rewrite}`];
  }
  return regexProblems(regexRewrite.match, `${at}/uriRegexRewrite/match`, WHERE.rewrite);
}

/** validateDestination: a host (not `*`), a subset name, a port number. */
function destinationProblems(d: Obj, at: string): string[] {
  const out: string[] = [];
  const host = str(d.host);
  if (host === '*') {out.push(`${at}/host: a destination cannot be '*': got '*'; name a service ${WHERE.destination}`);} else if (host !== undefined) {
    const p = wildcardDomainProblem(host);
    if (p) out.push(`${at}/host: ${p}: got '${host}' ${WHERE.destination}`);
  }
  const subset = nonEmpty(d.subset);
  if (subset && !isLabel(subset)) out.push(`${at}/subset: a subset name must be a DNS-1123 label: got '${subset}' ${WHERE.destination}`);
  const port = obj(d.port);
  if (port) {
    const n = typeof port.number === 'number' ? port.number : 0;
    const p = portProblem(n) ?? (n === 0 ? 'port number 0 must be in the range 1..65535' : undefined);
    if (p) out.push(`${at}/port/number: ${p}: got ${n}; give the port number or remove port ${WHERE.destination}`);
  }
  return out;
}

/** validateHTTPRouteDestinations / validateRouteDestinations: destinations, header operations, weights. */
export function routeDestinationsProblems(list: unknown, at: string, http: boolean, gatewaySemantics: boolean): string[] {
  const out: string[] = [];
  const where = http ? WHERE.destinations : WHERE.routeDestinations;
  const routes = arr(list);
  let total = 0;
  routes.forEach((r, j) => {
    const rat = `${at}/${j}`;
    const route = obj(r);
    if (!route) {
      if (r === null) out.push(`${rat}: a route destination must not be null: got null ${where}`);
      return;
    }
    const d = obj(route.destination);
    // a missing destination is the schema's (required); a null one is the webhook's
    if (route.destination === null) out.push(`${rat}/destination: a destination is required: got null ${where}`);
    if (http) out.push(...headerOperationProblems(route.headers, `${rat}/headers`));
    if (d && !gatewaySemantics) out.push(...destinationProblems(d, `${rat}/destination`));
    const w = typeof route.weight === 'number' ? route.weight : 0;
    if (w < 0) out.push(`${rat}/weight: must not be negative: got ${w} ${where}`);
    total += w;
  });
  if (routes.length > 1 && total === 0) {
    out.push(`${at}: the destinations' weights add up to 0: got ${routes.length} destinations; give at least one a weight ${where}`);
  }
  return out;
}

/** validateHTTPRouteConflict: which of route, redirect, directResponse and delegate a route may combine. */
function conflictProblems(route: Obj, at: string, ctx: VsContext): string[] {
  const out: string[] = [];
  const has = (k: string): boolean => route[k] !== undefined && route[k] !== null;
  const routes = arr(route.route).length;
  if (!ctx.delegate && has('delegate')) {
    if (has('redirect')) out.push(`${at}/redirect: a root route (with delegate) must not set redirect: got both ${WHERE.conflict}`);
    if (routes > 0) out.push(`${at}/route: a root route (with delegate) must not set route: got both ${WHERE.conflict}`);
    return out;
  }
  if (ctx.delegate && has('delegate')) out.push(`${at}/delegate: a delegate VirtualService's route cannot delegate again: got delegate ${WHERE.conflict}`);
  const action = has('redirect') ? 'redirect' : has('directResponse') ? 'directResponse' : undefined;
  if (action) {
    for (const other of ['route', 'fault', 'rewrite', 'directResponse', 'redirect']) {
      if (other === action || !has(other) || (other === 'route' && routes === 0)) continue;
      out.push(`${at}/${other}: a route with ${action} cannot also set ${other}: got both; keep one ${WHERE.conflict}`);
    }
  } else if (routes === 0) {
    out.push(`${at}: a route needs route, redirect or directResponse: got none ${WHERE.conflict}`);
  }
  if (has('mirror') && arr(route.mirrors).length > 0) out.push(`${at}/mirrors: a route cannot set both mirror and mirrors: got both; use mirrors ${WHERE.conflict}`);
  return out;
}

/** validateHTTPRoute (with its root and delegate variants from virtualservice.go). */
export function httpRouteProblems(route: Obj, at: string, ctx: VsContext): string[] {
  const out = conflictProblems(route, at, ctx);
  arr(route.match).forEach((m, j) => {
    const match = obj(m);
    if (match) out.push(...matchProblems(match, `${at}/match/${j}`));
  });
  out.push(...headerOperationProblems(route.headers, `${at}/headers`));
  const cors = obj(route.corsPolicy);
  if (cors) out.push(...corsProblems(cors, `${at}/corsPolicy`));
  const fault = obj(route.fault);
  if (fault) out.push(...faultProblems(fault, `${at}/fault`));
  if (typeof route.mirrorPercent === 'number' && route.mirrorPercent > 100) {
    out.push(`${at}/mirrorPercent: must be at most 100: got ${route.mirrorPercent}; use mirrorPercentage ${WHERE.route}`);
  }
  const mirrorPercentage = obj(route.mirrorPercentage)?.value;
  if (typeof mirrorPercentage === 'number' && (mirrorPercentage > 100 || mirrorPercentage < 0)) {
    out.push(`${at}/mirrorPercentage/value: must be between 0 and 100: got ${mirrorPercentage} ${WHERE.route}`);
  }
  const mirror = obj(route.mirror);
  if (mirror) out.push(...destinationProblems(mirror, `${at}/mirror`));
  arr(route.mirrors).forEach((x, j) => {
    const mat = `${at}/mirrors/${j}`;
    const d = obj(obj(x)?.destination);
    if (!d) {
      // a missing destination is the schema's (required); a null one is the webhook's
      if (obj(x)?.destination === null) out.push(`${mat}/destination: a mirror needs a destination: got null ${WHERE.mirrors}`);
      return;
    }
    out.push(...destinationProblems(d, `${mat}/destination`));
    const v = obj(obj(x)?.percentage)?.value;
    if (typeof v === 'number' && (v > 100 || v < 0)) out.push(`${mat}/percentage/value: must be between 0 and 100: got ${v} ${WHERE.mirrors}`);
  });
  const redirect = obj(route.redirect);
  const r = redirect ? redirectProblem(redirect, route.match, `${at}/redirect`) : undefined;
  if (r) out.push(r);
  const direct = obj(route.directResponse);
  if (direct) out.push(...directResponseProblems(direct, `${at}/directResponse`));
  const retries = obj(route.retries);
  if (retries) out.push(...retryProblems(retries, `${at}/retries`));
  const rewrite = obj(route.rewrite);
  if (rewrite) out.push(...rewriteProblems(rewrite, `${at}/rewrite`));
  out.push(...authorityRewriteProblems(route, at));
  out.push(...routeDestinationsProblems(route.route, `${at}/route`, true, ctx.gatewaySemantics));
  const t = durationProblem(route.timeout);
  if (t) out.push(`${at}/timeout: ${t} ${WHERE.route}`);
  return out;
}

