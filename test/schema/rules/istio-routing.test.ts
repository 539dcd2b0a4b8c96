import { SchemaValidation } from '../../../lib';
import { Manifest } from '../../../lib/render/model';
import { headerValueProblem } from '../../../lib/schema/rules/istio-http-route';
import { hostsOverlap, isRoutingClaim, wildcardDomainProblem } from '../../../lib/schema/rules/istio-names';
import { istioGatewayProblems, virtualServiceProblems } from '../../../lib/schema/rules/istio-networking';

/** A refused object, the exact problems it gets, and the nearest accepted object. */
type Row = [title: string, refused: Manifest, problems: string[], accepted: Manifest];

const m = (o: object): Manifest => o as Manifest;
const HOST = 'reviews.default.svc.cluster.local';
const DEST = [{ destination: { host: HOST } }];
const vs = (spec: object, annotations?: object) => m({
  apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: 'default', ...(annotations ? { annotations } : {}) }, spec,
});
/** A VirtualService with one HTTP route (a destination unless the route replaces it). */
const http = (route: object) => vs({ hosts: [HOST], http: [{ route: DEST, ...route }] });
/** A VirtualService with one HTTP route and nothing else. */
const httpOnly = (route: object) => vs({ hosts: [HOST], http: [route] });
const gateway = (spec: object, name = 'ingress') => m({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name, namespace: 'istio-system' }, spec });
const HTTPS = { number: 443, name: 'https', protocol: 'HTTPS' };
/** A Gateway with one server: HTTPS on 443 for *.example.com unless overridden. */
const server = (s: object) => gateway({ selector: { istio: 'ingressgateway' }, servers: [{ port: HTTPS, hosts: ['*.example.com'], ...s }] });
const SIMPLE = { mode: 'SIMPLE', credentialName: 'example-cert' };
const rules = (o: Manifest) => (o.kind === 'Gateway' ? istioGatewayProblems(o) : virtualServiceProblems(o));

function check(rows: Row[]): void {
  test.each(rows)('refused if %s', (_title, refused, problems) => {
    expect(rules(refused)).toStrictEqual(problems);
  });
  test.each(rows)('accepted otherwise (%s)', (_title, _refused, _problems, accepted) => {
    expect(rules(accepted)).toStrictEqual([]);
  });
}

describe('ValidateVirtualService: hosts, gateways, delegates', () => {
  check([
    ['a host is not a domain name', vs({ hosts: ['foo.ba!r'], http: [{ route: DEST }] }), [
      '/spec/hosts/0: domain name \'foo.ba!r\' is invalid (label \'ba!r\' is not a DNS-1123 label): got \'foo.ba!r\' (Istio webhook: ValidateVirtualService)',
    ], vs({ hosts: ['Foo.Bar', '10.0.0.1', '*-api.example.com'], http: [{ route: DEST }] })],
    ['two hosts overlap', vs({ hosts: ['*.example.com', 'api.example.com'], http: [{ route: DEST }] }), [
      '/spec/hosts/1: duplicate hosts in the VirtualService: got \'api.example.com\' overlapping \'*.example.com\'; keep one (Istio webhook: ValidateVirtualService)',
    ], vs({ hosts: ['*.example.com', 'example.com'], http: [{ route: DEST }] })],
    ['\'*\' is a host of a VirtualService bound to the mesh', vs({ hosts: ['*'], gateways: ['mesh', 'istio-system/ingress'], http: [{ route: DEST }] }), [
      '/spec/hosts/0: the host \'*\' is not allowed for a VirtualService bound to the mesh: got \'*\'; name the hosts, or bind it to a gateway only (Istio webhook: ValidateVirtualService)',
    ], vs({ hosts: ['*'], gateways: ['istio-system/ingress'], http: [{ route: DEST }] })],
    ['there is no route at all', vs({ hosts: [HOST] }), [
      '/spec: a VirtualService needs http, tcp or tls routes: got none (Istio webhook: ValidateVirtualService)',
    ], vs({ hosts: [HOST], tcp: [{ route: DEST }] })],
    ['a delegate (no hosts) names gateways or has TLS/TCP routes', vs({ gateways: ['istio-system/ingress'], http: [{ route: DEST }], tcp: [{ route: DEST }] }), [
      '/spec/gateways: a delegate VirtualService (no hosts) must not name gateways: got \'istio-system/ingress\'; the root VirtualService binds them (Istio webhook: ValidateVirtualService)',
      '/spec/tcp: a delegate VirtualService (no hosts) must not have TCP routes: got 1; only HTTP routes can be delegated (Istio webhook: ValidateVirtualService)',
    ], vs({ http: [{ route: DEST }] })],
    ['a JWT claim routes a VirtualService not bound to a gateway', vs({ hosts: [HOST], http: [{ route: DEST, match: [{ headers: { '@request.auth.claims.group': { exact: 'admin' } } }] }] }), [
      '/spec/http/0/match/0/headers/@request.auth.claims.group: JWT claim routing works only on gateways: got \'@request.auth.claims.group\' with no gateway bound (gateways: none); '
      + 'bind the VirtualService to an ingress gateway (Istio webhook: ValidateVirtualService)',
    ], vs({ hosts: [HOST], gateways: ['istio-system/ingress'], http: [{ route: DEST, match: [{ headers: { '@request.auth.claims.group': { exact: 'admin' } } }] }] })],
  ]);
});

describe('validateGatewayNames', () => {
  check([
    ['a gateway name has a wildcard namespace or name', vs({ hosts: [HOST], gateways: ['*/ingress', 'istio-system/*'], http: [{ route: DEST }] }), [
      '/spec/gateways/0: the gateway\'s namespace \'*\' is not a DNS-1123 label (no wildcards): got \'*/ingress\' (Istio webhook: validateGatewayNames)',
      '/spec/gateways/1: the gateway\'s name \'*\' is not a DNS-1123 label (no wildcards): got \'istio-system/*\' (Istio webhook: validateGatewayNames)',
    ], vs({ hosts: [HOST], gateways: ['istio-system/ingress', 'mesh'], http: [{ route: DEST }] })],
    ['a gateway name is not a domain name', vs({ hosts: [HOST], gateways: ['b@d'], http: [{ route: DEST }] }), [
      '/spec/gateways/0: the gateway name is invalid: domain name \'b@d\' is invalid (label \'b@d\' is not a DNS-1123 label): got \'b@d\'; '
      + 'name a gateway as \'<namespace>/<name>\' or \'mesh\' (Istio webhook: validateGatewayNames)',
    ], vs({ hosts: [HOST], gateways: ['ingress.istio-system'], http: [{ route: DEST }] })],
  ]);
});

describe('validateHTTPRoute and validateHTTPRouteConflict (with the root and delegate variants of virtualservice.go)', () => {
  check([
    ['a route has neither route, redirect nor directResponse', httpOnly({ match: [{ uri: { prefix: '/' } }] }), [
      '/spec/http/0: a route needs route, redirect or directResponse: got none (Istio webhook: validateHTTPRouteConflict)',
    ], httpOnly({ match: [{ uri: { prefix: '/' } }], directResponse: { status: 404 } })],
    ['a redirect comes with a route, a fault or a rewrite', http({ redirect: { uri: '/v2' }, rewrite: { uri: '/v3' } }), [
      '/spec/http/0/route: a route with redirect cannot also set route: got both; keep one (Istio webhook: validateHTTPRouteConflict)',
      '/spec/http/0/rewrite: a route with redirect cannot also set rewrite: got both; keep one (Istio webhook: validateHTTPRouteConflict)',
    ], httpOnly({ redirect: { uri: '/v2' } })],
    ['a direct response comes with a route', http({ directResponse: { status: 503 } }), [
      '/spec/http/0/route: a route with directResponse cannot also set route: got both; keep one (Istio webhook: validateHTTPRouteConflict)',
    ], httpOnly({ directResponse: { status: 503 } })],
    ['a root route (with delegate) also routes', http({ delegate: { name: 'reviews-v2', namespace: 'default' } }), [
      '/spec/http/0/route: a root route (with delegate) must not set route: got both (Istio webhook: validateHTTPRouteConflict)',
    ], httpOnly({ delegate: { name: 'reviews-v2', namespace: 'default' }, route: [] })],
    ['a delegate VirtualService\'s route delegates again', vs({ http: [{ route: DEST, delegate: { name: 'other' } }] }), [
      '/spec/http/0/delegate: a delegate VirtualService\'s route cannot delegate again: got delegate (Istio webhook: validateHTTPRouteConflict)',
    ], vs({ http: [{ route: DEST }] })],
    ['a route sets both mirror and mirrors', http({ mirror: { host: HOST }, mirrors: [{ destination: { host: HOST } }] }), [
      '/spec/http/0/mirrors: a route cannot set both mirror and mirrors: got both; use mirrors (Istio webhook: validateHTTPRouteConflict)',
    ], http({ mirrors: [{ destination: { host: HOST } }] })],
    ['a mirror percentage is over 100 or negative', http({ mirrorPercentage: { value: 101 }, mirrors: [{ destination: { host: HOST }, percentage: { value: -1 } }] }), [
      '/spec/http/0/mirrorPercentage/value: must be between 0 and 100: got 101 (Istio webhook: validateHTTPRoute)',
      '/spec/http/0/mirrors/0/percentage/value: must be between 0 and 100: got -1 (Istio webhook: validateHTTPMirrors)',
    ], http({ mirrorPercentage: { value: 0.00001 }, mirrors: [{ destination: { host: HOST }, percentage: { value: 100 } }] })],
    ['the deprecated mirrorPercent is over 100', http({ mirrorPercent: 101 }), [
      '/spec/http/0/mirrorPercent: must be at most 100: got 101; use mirrorPercentage (Istio webhook: validateHTTPRoute)',
    ], http({ mirrorPercent: 100 })],
    ['the timeout is under a millisecond', http({ timeout: '1500us' }), [
      '/spec/http/0/timeout: must be whole milliseconds: got \'1500us\' (Istio webhook: validateHTTPRoute)',
    ], http({ timeout: '1.5s' })],
    ['the authority is set by the rewrite and a header', http({ rewrite: { authority: 'a.example.com' }, headers: { request: { set: { host: 'b.example.com' } } } }), [
      '/spec/http/0/headers/request/set/host: the authority is set more than once: got \'b.example.com\' after \'a.example.com\'; '
      + 'set it in one place (rewrite.authority or one header) (Istio webhook: validateAuthorityRewrite)',
    ], http({ headers: { request: { set: { ':authority': 'b.example.com' } } } })],
  ]);
});

describe('validateHTTPRouteMatchRequest and validateStringMatch', () => {
  const match = (mm: object) => http({ match: [mm] });
  check([
    ['a header name is not a token, or empty', match({ headers: { 'end user': { exact: 'x' }, '': { exact: 'y' } } }), [
      '/spec/http/0/match/0/headers/end user: \'end user\' is not a valid header name (RFC 7230 token characters): got \'end user\' (Istio webhook: ValidateHTTPHeaderNameOrJwtClaimRoute)',
      '/spec/http/0/match/0/headers/: a header name must not be empty: got \'\' (Istio webhook: ValidateHTTPHeaderNameOrJwtClaimRoute)',
    ], match({ headers: { 'end-user': { exact: 'x' }, ':authority': { exact: 'a' } } })],
    ['a header match is null', match({ headers: { 'x-user': null } }), [
      '/spec/http/0/match/0/headers/x-user: a header match must not be null: got null; give exact, prefix or regex (Istio webhook: validateHTTPRouteMatchRequest)',
    ], match({ headers: { 'x-user': {} } })],
    ['a prefix match is empty (but the URI\'s)', match({ uri: { prefix: '' }, method: { prefix: '' }, queryParams: { q: { prefix: '' } } }), [
      '/spec/http/0/match/0/method/prefix: a prefix match must not be empty: got \'\'; remove the match or give a prefix (Istio webhook: validateStringMatch)',
      '/spec/http/0/match/0/queryParams/q/prefix: a prefix match must not be empty: got \'\'; remove the match or give a prefix (Istio webhook: validateStringMatch)',
    ], match({ uri: { prefix: '' }, method: { exact: 'GET' } })],
    ['a regex is empty or not RE2', match({ uri: { regex: '^/(?!admin)' }, scheme: { regex: '' } }), [
      '/spec/http/0/match/0/uri/regex: must be an RE2 regular expression (error parsing regexp: invalid or unsupported Perl syntax: `(?!`): got \'^/(?!admin)\'; Istio uses RE2 syntax (Istio webhook: validateStringMatch)',
      '/spec/http/0/match/0/scheme/regex: a regex match must not be empty: got \'\' (Istio webhook: validateStringMatch)',
    ], match({ uri: { regex: '^/(admin|api)/.*' } })],
    ['a withoutHeaders regex is not RE2 (but \'*\', read as a presence match)', match({ withoutHeaders: { 'x-debug': { regex: '?' } } }), [
      '/spec/http/0/match/0/withoutHeaders/x-debug/regex: must be an RE2 regular expression (error parsing regexp: missing argument to repetition operator: `?`): got \'?\'; '
      + 'Istio uses RE2 syntax (Istio webhook: validateStringMatch)',
    ], match({ withoutHeaders: { 'x-debug': { regex: '*' } } })],
    ['the port, a gateway or the source namespace is invalid', match({ port: 70000, gateways: ['*/ingress'], sourceNamespace: 'Not_A_Namespace' }), [
      '/spec/http/0/match/0/port: port number 70000 must be in the range 1..65535: got 70000 (Istio webhook: validateHTTPRouteMatchRequest)',
      '/spec/http/0/match/0/gateways/0: the gateway\'s namespace \'*\' is not a DNS-1123 label (no wildcards): got \'*/ingress\' (Istio webhook: validateGatewayNames)',
      '/spec/http/0/match/0/sourceNamespace: must be a namespace name (DNS-1123 label): got \'Not_A_Namespace\' (Istio webhook: validateHTTPRouteMatchRequest)',
    ], match({ port: 8080, gateways: ['mesh'], sourceNamespace: 'default' })],
    ['a source label key or value is not a label', match({ sourceLabels: { 'a/b/c': 'x', 'app': '-web' } }), [
      '/spec/http/0/match/0/sourceLabels/a~1b~1c: invalid label key \'a/b/c\' (a \'[dns-prefix/]name\' of letters, digits, \'-\', \'_\' and \'.\'): got \'a/b/c\' (Istio webhook: validateHTTPRouteMatchRequest)',
      '/spec/http/0/match/0/sourceLabels/app: invalid label value (letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit): got \'-web\' (Istio webhook: validateHTTPRouteMatchRequest)',
    ], match({ sourceLabels: { 'app.kubernetes.io/name': 'Web_1', 'version': '' } })],
  ]);
});

describe('header operations: ValidateHTTPHeaderWithAuthorityOperationName, ValidateHTTPHeaderOperationName, ValidateHTTPHeaderValue', () => {
  check([
    ['a pseudo-header is set, Host removed, a name empty', http({ headers: { request: { set: { ':path': '/' }, remove: ['Host'] }, response: { add: { '': 'x' } } } }), [
      '/spec/http/0/headers/request/set/:path: header \':path\' cannot have a \':\' prefix (pseudo-headers cannot be modified): got \':path\' (Istio webhook: ValidateHTTPHeaderWithAuthorityOperationName)',
      '/spec/http/0/headers/request/remove/0: the Host header cannot be changed here: got \'Host\'; rewrite the authority instead (Istio webhook: ValidateHTTPHeaderOperationName)',
      '/spec/http/0/headers/response/add/: a header name must not be empty: got \'\' (Istio webhook: ValidateHTTPHeaderOperationName)',
    ], http({ headers: { request: { set: { ':authority': 'a.example.com', 'x-a': '1' }, remove: ['x-b'] }, response: { add: { 'x-c': '1' } } } })],
    ['a response header sets Host', http({ headers: { response: { set: { host: 'x' } } } }), [
      '/spec/http/0/headers/response/set/host: the Host header cannot be changed here: got \'host\'; rewrite the authority instead (Istio webhook: ValidateHTTPHeaderOperationName)',
    ], http({ headers: { request: { set: { host: 'x' } } } })],
    ['a destination\'s header value has an unterminated %VARIABLE%', http({ route: [{ destination: { host: HOST }, headers: { response: { set: { 'x-up': 'took %DURATION' } } } }] }), [
      '/spec/http/0/route/0/headers/response/set/x-up: the header value has an unterminated %VARIABLE% expression (write \'%%\' for a literal %): got \'took %DURATION\' (Istio webhook: ValidateHTTPHeaderValue)',
    ], http({ route: [{ destination: { host: HOST }, headers: { response: { set: { 'x-up': 'took %DURATION% (100%%)' } } } }] })],
  ]);

  test('header values follow Envoy\'s %VARIABLE(args)% syntax', () => {
    for (const ok of ['plain', '100%%', '%HOSTNAME%', 'a %START_TIME(%s)% b', '%REQ(x-a)%', '%PER_REQUEST_STATE(["a", "b"])%']) expect(headerValueProblem(ok)).toBeUndefined();
    expect(headerValueProblem('50%')).toBe('has an un-escaped \'%\' (write \'%%\' for a literal %)');
    expect(headerValueProblem('%X(["a" x])%')).toBe('has a variable argument list that is not a list of quoted strings');
    expect(headerValueProblem('%X(["a"] x)%')).toBe('has a variable expression missing its \')\'');
    expect(headerValueProblem('%X(a) x%')).toBe('has a variable expression missing its closing \'%\'');
    expect(headerValueProblem('a\u0001b')).toBe('must not contain control characters');
  });
});

describe('validateCORSPolicy', () => {
  const cors = (c: object) => http({ corsPolicy: c });
  check([
    ['a method is not an HTTP method', cors({ allowMethods: ['GET', 'PUTT'] }), [
      '/spec/http/0/corsPolicy/allowMethods/1: \'PUTT\' is not a supported HTTP method: got \'PUTT\'; use one of GET, HEAD, POST, PUT, PATCH, DELETE, CONNECT, OPTIONS, TRACE, * (Istio webhook: validateCORSPolicy)',
    ], cors({ allowMethods: ['GET', 'PUT', '*'] })],
    ['a header name is empty or not a token', cors({ allowHeaders: ['x a'], exposeHeaders: [''] }), [
      '/spec/http/0/corsPolicy/allowHeaders/0: \'x a\' is not a valid header name (RFC 7230 token characters or \'*\'): got \'x a\' (Istio webhook: validateCORSPolicy)',
      '/spec/http/0/corsPolicy/exposeHeaders/0: a header name must not be empty: got \'\' (Istio webhook: validateCORSPolicy)',
    ], cors({ allowHeaders: ['*', 'x-a'], exposeHeaders: ['x-b'] })],
    ['an origin is empty or its regex not RE2', cors({ allowOrigins: [{}, { regex: '(' }] }), [
      '/spec/http/0/corsPolicy/allowOrigins/0: an allowed origin needs a non-empty exact, prefix or regex: got \'\' (Istio webhook: validateCORSPolicy)',
      '/spec/http/0/corsPolicy/allowOrigins/1/regex: must be an RE2 regular expression (error parsing regexp: missing closing ): `(`): got \'(\'; Istio uses RE2 syntax (Istio webhook: validateCORSPolicy)',
    ], cors({ allowOrigins: [{ exact: 'https://example.com' }, { regex: 'https://.*\\.example\\.com' }] })],
    ['the max age is not whole seconds', cors({ maxAge: '1500ms' }), [
      '/spec/http/0/corsPolicy/maxAge: must be whole seconds (the max age is accurate to seconds only): got \'1500ms\' (Istio webhook: validateCORSPolicy)',
    ], cors({ maxAge: '24h' })],
  ]);
});

describe('validateHTTPFaultInjection, validateHTTPFaultInjectionAbort, validateHTTPFaultInjectionDelay', () => {
  const fault = (f: object) => http({ fault: f });
  check([
    ['a fault has neither abort nor delay', fault({}), [
      '/spec/http/0/fault: a fault must have an abort and/or a delay: got neither (Istio webhook: validateHTTPFaultInjection)',
    ], fault({ delay: { fixedDelay: '7s', percentage: { value: 100 } } })],
    ['an abort\'s HTTP status is out of range', fault({ abort: { httpStatus: 100, percentage: { value: 0.00001 } } }), [
      '/spec/http/0/fault/abort/percentage/value: must be 0 or between 0.0001 and 100: got 0.00001 (Istio webhook: validateHTTPFaultInjectionAbort)',
      '/spec/http/0/fault/abort/httpStatus: must be an HTTP status between 200 and 599: got 100 (Istio webhook: validateHTTPFaultInjectionAbort)',
    ], fault({ abort: { httpStatus: 503, percentage: { value: 0.0001 } } })],
    ['an abort\'s gRPC status is unknown, or an HTTP/2 error', vs({ hosts: [HOST], http: [{ route: DEST, fault: { abort: { grpcStatus: 'BAD' } } }, { route: DEST, fault: { abort: { http2Error: 'X' } } }] }), [
      '/spec/http/0/fault/abort/grpcStatus: \'BAD\' is not a gRPC status: got \'BAD\'; use a name such as \'NOT_FOUND\' or \'UNAVAILABLE\' (Istio webhook: validateHTTPFaultInjectionAbort)',
      '/spec/http/1/fault/abort/http2Error: HTTP/2 abort faults are not supported yet: got \'X\'; use httpStatus or grpcStatus (Istio webhook: validateHTTPFaultInjectionAbort)',
    ], fault({ abort: { grpcStatus: 'UNAVAILABLE' } })],
    ['a delay is under a millisecond, over 100%, or exponential', fault({ delay: { fixedDelay: '0.5ms', percentage: { value: 101 } } }), [
      '/spec/http/0/fault/delay/percentage/value: must be 0 or between 0.0001 and 100: got 101 (Istio webhook: validateHTTPFaultInjectionDelay)',
      '/spec/http/0/fault/delay/fixedDelay: must be at least 1ms: got \'0.5ms\' (Istio webhook: validateHTTPFaultInjectionDelay)',
    ], fault({ delay: { fixedDelay: '1ms', percentage: { value: 0 } } })],
  ]);
});

describe('ValidateHTTPRetry', () => {
  const retries = (r: object) => http({ retries: r });
  check([
    ['attempts is negative', retries({ attempts: -1 }), [
      '/spec/http/0/retries/attempts: must not be negative: got -1 (Istio webhook: ValidateHTTPRetry)',
    ], retries({ attempts: 0 })],
    ['a policy is set while attempts is 0 or absent', retries({ perTryTimeout: '2s', retryOn: '5xx' }), [
      '/spec/http/0/retries: a retry policy (perTryTimeout, retryOn) must not be set when attempts is 0 (retries disabled): got attempts 0; set attempts or remove the policy (Istio webhook: ValidateHTTPRetry)',
    ], retries({ attempts: 3, perTryTimeout: '2s', retryOn: '5xx', retryRemoteLocalities: true })],
    ['retryOn names an unknown policy or status', retries({ attempts: 3, retryOn: '5xx,gateway-errors,600' }), [
      expect.stringMatching(/^\/spec\/http\/0\/retries\/retryOn: 'gateway-errors' is not a retry policy Istio knows: got '5xx,gateway-errors,600'; use 5xx, gateway-error, .*\(Istio webhook: ValidateHTTPRetry\)$/),
      expect.stringMatching(/^\/spec\/http\/0\/retries\/retryOn: '600' is not a retry policy Istio knows/),
    ] as string[], retries({ attempts: 3, retryOn: '5xx,gateway-error,503,retriable-status-codes' })],
    ['perTryTimeout or backoff is under a millisecond', retries({ attempts: 3, perTryTimeout: '0.5ms', backoff: '100us' }), [
      '/spec/http/0/retries/perTryTimeout: must be at least 1ms: got \'0.5ms\' (Istio webhook: ValidateHTTPRetry)',
      '/spec/http/0/retries/backoff: must be at least 1ms: got \'100us\' (Istio webhook: ValidateHTTPRetry)',
    ], retries({ attempts: 3, perTryTimeout: '500ms', backoff: '25ms' })],
  ]);
});

describe('validateHTTPRedirect and validateHTTPDirectResponse', () => {
  check([
    ['a redirect sets nothing to redirect to', httpOnly({ redirect: { redirectCode: 301 } }), [
      '/spec/http/0/redirect: a redirect must set uri, prefixRewrite, authority, scheme or port: got none (Istio webhook: validateHTTPRedirect)',
    ], httpOnly({ redirect: { derivePort: 'FROM_REQUEST_PORT', redirectCode: 301 } })],
    ['a redirect sets both uri and prefixRewrite', httpOnly({ redirect: { uri: '/old', prefixRewrite: '/new' } }), [
      '/spec/http/0/redirect: a redirect may set only one of uri and prefixRewrite: got both (\'/old\', \'/new\') (Istio webhook: validateHTTPRedirect)',
    ], httpOnly({ redirect: { prefixRewrite: '/new' }, match: [{ uri: { prefix: '/old' } }, { headers: { a: { exact: 'b' } } }] })],
    ['a prefixRewrite follows a non-prefix URI match', httpOnly({ redirect: { prefixRewrite: '/new' }, match: [{ uri: { exact: '/old' } }] }), [
      '/spec/http/0/redirect/prefixRewrite: needs every URI match to be a prefix match: got a non-prefix match at match 0 (Istio webhook: validateHTTPRedirect)',
    ], httpOnly({ redirect: { uri: '/new' }, match: [{ uri: { exact: '/old' } }] })],
    ['the redirect code is not 3xx', httpOnly({ redirect: { uri: '/', redirectCode: 400 } }), [
      '/spec/http/0/redirect/redirectCode: must be a 3xx code: got 400 (Istio webhook: validateHTTPRedirect)',
    ], httpOnly({ redirect: { uri: '/', redirectCode: 308 } })],
    ['the scheme is not http or https', httpOnly({ redirect: { scheme: 'ftp' } }), [
      '/spec/http/0/redirect/scheme: must be \'http\' or \'https\': got \'ftp\' (Istio webhook: validateHTTPRedirect)',
    ], httpOnly({ redirect: { scheme: 'https', port: 443 } })],
    ['a direct response status is out of range', httpOnly({ directResponse: { status: 601 } }), [
      '/spec/http/0/directResponse/status: must be an HTTP status between 200 and 599: got 601 (Istio webhook: validateHTTPDirectResponse)',
    ], httpOnly({ directResponse: { status: 200, body: { string: 'ok' } } })],
    ['a direct response body is over 1 MiB', httpOnly({ directResponse: { status: 200, body: { string: 'x'.repeat(1024 * 1024 + 1) } } }), [
      '/spec/http/0/directResponse/body: a direct response body must be under 1 MiB: got 1048577 bytes; serve it from a workload (Istio webhook: validateHTTPDirectResponse)',
    ], httpOnly({ directResponse: { status: 200, body: { string: 'x'.repeat(1024 * 1024) } } })],
  ]);
});

describe('validateHTTPRewrite and validateURIRegexRewrite', () => {
  const rewrite = (r: object) => http({ rewrite: r });
  check([
    ['a rewrite sets nothing', rewrite({}), [
      '/spec/http/0/rewrite: a rewrite must set uri, uriRegexRewrite or authority: got none (Istio webhook: validateHTTPRewrite)',
    ], rewrite({ authority: 'v2.example.com' })],
    ['a rewrite sets both uri and uriRegexRewrite', rewrite({ uri: '/a', uriRegexRewrite: { match: '^/b', rewrite: '/c' } }), [
      '/spec/http/0/rewrite: a rewrite may set only one of uri and uriRegexRewrite: got both (Istio webhook: validateHTTPRewrite)',
    ], rewrite({ uriRegexRewrite: { match: '^/service/([^/]+)(/.*)$', rewrite: '\\2/instance/\\1' } })],
    ['a uriRegexRewrite lacks its rewrite, or its match is not RE2', vs({ hosts: [HOST], http: [{ route: DEST, rewrite: { uriRegexRewrite: { match: '^/b' } } }, { route: DEST, rewrite: { uriRegexRewrite: { match: '[', rewrite: '/' } } }] }), [
      '/spec/http/0/rewrite/uriRegexRewrite: needs both match and rewrite: got no rewrite (Istio webhook: validateHTTPRewrite)',
      '/spec/http/1/rewrite/uriRegexRewrite/match: must be an RE2 regular expression (error parsing regexp: missing closing ]: `[`): got \'[\'; Istio uses RE2 syntax (Istio webhook: validateHTTPRewrite)',
    ], rewrite({ uri: '/' })],
  ]);
});

describe('validateDestination, validateHTTPRouteDestinations, validateRouteDestinations', () => {
  const tcp = (route: object[]) => vs({ hosts: [HOST], tcp: [{ route }] });
  check([
    ['a destination host is \'*\', a partial wildcard or namespace/name', tcp([{ destination: { host: '*' } }, { destination: { host: 'foo.*' } }, { destination: { host: 'default/reviews' } }]), [
      '/spec/tcp/0/route/0/destination/host: a destination cannot be \'*\': got \'*\'; name a service (Istio webhook: validateDestination)',
      '/spec/tcp/0/route/1/destination/host: domain name \'foo.*\' is invalid (label \'*\' is not a DNS-1123 label): got \'foo.*\' (Istio webhook: validateDestination)',
      '/spec/tcp/0/route/2/destination/host: domain name \'default/reviews\' is invalid (label \'default/reviews\' is not a DNS-1123 label or a wildcard): got \'default/reviews\' (Istio webhook: validateDestination)',
      '/spec/tcp/0/route: the destinations\' weights add up to 0: got 3 destinations; give at least one a weight (Istio webhook: validateRouteDestinations)',
    ], tcp([{ destination: { host: '*-api.example.com' }, weight: 100 }, { destination: { host: 'Reviews' }, weight: 0 }])],
    ['a subset is not a DNS-1123 label, a port number is missing', http({ route: [{ destination: { host: HOST, subset: 'v1.2', port: {} } }] }), [
      '/spec/http/0/route/0/destination/subset: a subset name must be a DNS-1123 label: got \'v1.2\' (Istio webhook: validateDestination)',
      '/spec/http/0/route/0/destination/port/number: port number 0 must be in the range 1..65535: got 0; give the port number or remove port (Istio webhook: validateDestination)',
    ], http({ route: [{ destination: { host: HOST, subset: 'v1-2', port: { number: 9080 } } }] })],
    ['a weight is negative', http({ route: [{ destination: { host: HOST }, weight: 101 }, { destination: { host: HOST, subset: 'v2' }, weight: -1 }] }), [
      '/spec/http/0/route/1/weight: must not be negative: got -1 (Istio webhook: validateHTTPRouteDestinations)',
    ], http({ route: [{ destination: { host: HOST }, weight: 100 }, { destination: { host: HOST, subset: 'v2' }, weight: 0 }] })],
    ['a mirror\'s destination is invalid', http({ mirror: { host: '*' }, mirrors: [{ destination: { host: 'a..b' } }] }), [
      '/spec/http/0/mirrors: a route cannot set both mirror and mirrors: got both; use mirrors (Istio webhook: validateHTTPRouteConflict)',
      '/spec/http/0/mirror/host: a destination cannot be \'*\': got \'*\'; name a service (Istio webhook: validateDestination)',
      '/spec/http/0/mirrors/0/destination/host: domain name \'a..b\' is invalid (label \'\' is not a DNS-1123 label): got \'a..b\' (Istio webhook: validateDestination)',
    ], http({ mirror: { host: HOST } })],
  ]);
});

describe('validateTLSRoute, validateTLSMatch, validateSniHost, validateTCPRoute', () => {
  const tls = (route: object) => vs({ hosts: ['*.example.com'], gateways: ['istio-system/ingress'], tls: [{ route: DEST, ...route }] });
  check([
    ['a TLS route has no match, no SNI host or no destination', vs({ hosts: ['*.example.com'], tls: [{ match: [], route: [] }, { match: [{ sniHosts: [] }], route: DEST }] }), [
      '/spec/tls/0/match: a TLS route needs at least one match: got none (Istio webhook: validateTLSRoute)',
      '/spec/tls/0/route: a TLS route needs at least one destination: got none (Istio webhook: validateTLSRoute)',
      '/spec/tls/1/match/0/sniHosts: a TLS match needs at least one SNI host: got none (Istio webhook: validateTLSMatch)',
    ], tls({ match: [{ sniHosts: ['a.example.com'] }] })],
    ['an SNI host is not a domain name or not among the hosts', tls({ match: [{ sniHosts: ['foo.*.com', 'a.other.org', '10.0.0.1'], port: 0, destinationSubnets: ['10.0.0.0/33'] }] }), [
      '/spec/tls/0/match/0/sniHosts/0: domain name \'foo.*.com\' is invalid (label \'*\' is not a DNS-1123 label): got \'foo.*.com\' (Istio webhook: validateSniHost)',
      '/spec/tls/0/match/0/sniHosts/1: the SNI host is not covered by any of the VirtualService\'s hosts (*.example.com): got \'a.other.org\'; add it to hosts (Istio webhook: validateSniHost)',
      '/spec/tls/0/match/0/destinationSubnets/0: must be an IP address or a CIDR block: got \'10.0.0.0/33\' (Istio webhook: validateTLSMatch)',
    ], tls({ match: [{ sniHosts: ['a.example.com', '*.example.com', 'outbound_.443_._.a.example.com'], destinationSubnets: ['10.0.0.0/8'] }] })],
    ['a TCP route has no destination, or a bad port or source label', vs({ hosts: [HOST], tcp: [{ match: [{ port: 70000, sourceLabels: { 'a b': 'x' } }], route: [] }] }), [
      '/spec/tcp/0/match/0/port: port number 70000 must be in the range 1..65535: got 70000 (Istio webhook: validateTCPMatch)',
      '/spec/tcp/0/match/0/sourceLabels/a b: invalid label key \'a b\' (a \'[dns-prefix/]name\' of letters, digits, \'-\', \'_\' and \'.\'): got \'a b\' (Istio webhook: validateTCPMatch)',
      '/spec/tcp/0/route: a TCP route needs at least one destination: got none (Istio webhook: validateTCPRoute)',
    ], vs({ hosts: [HOST], tcp: [{ match: [{ port: 3306, sourceLabels: { app: 'a' } }], route: DEST }] })],
  ]);
});

describe('ValidateGateway and validateServer', () => {
  check([
    ['a Gateway has no servers, or a name with dots', gateway({ servers: [] }, 'web.gw'), [
      '/metadata/name: must be a DNS-1123 label for an Istio Gateway (no dots, at most 63 characters): got \'web.gw\' (Istio webhook: ValidateGateway)',
      '/spec/servers: a Gateway needs at least one server: got none (Istio webhook: ValidateGateway)',
    ], server({ tls: SIMPLE })],
    ['two servers share a port name', gateway({ servers: [{ port: HTTPS, hosts: ['a.example.com'], tls: SIMPLE }, { port: HTTPS, hosts: ['b.example.com'], tls: SIMPLE }] }), [
      '/spec/servers/1/port/name: port names in servers must be unique: got \'https\' twice (Istio webhook: ValidateGateway)',
    ], gateway({ servers: [{ port: HTTPS, hosts: ['a.example.com'], tls: SIMPLE }, { port: { ...HTTPS, name: 'https-b' }, hosts: ['b.example.com'], tls: SIMPLE }] })],
    ['a host is a short name, a partial wildcard, or has a bad namespace', server({ tls: SIMPLE, hosts: ['foo', '*bar.com', '~/a.example.com', 'ns/'] }), [
      '/spec/servers/0/hosts/0: short names (not FQDNs) are not allowed: got \'foo\'; use a FQDN or \'*\' (Istio webhook: ValidateNamespaceSlashWildcardHostname)',
      '/spec/servers/0/hosts/1: partial wildcard \'*bar.com\' is not allowed (use \'*\' or \'*.domain\'): got \'*bar.com\' (Istio webhook: ValidateNamespaceSlashWildcardHostname)',
      '/spec/servers/0/hosts/2: invalid namespace \'~\' in a Gateway host (use \'*\', \'.\' or a namespace name): got \'~/a.example.com\' (Istio webhook: ValidateNamespaceSlashWildcardHostname)',
      '/spec/servers/0/hosts/3: the namespace and the dnsName of a host cannot be empty: got \'ns/\' (Istio webhook: ValidateNamespaceSlashWildcardHostname)',
      '/spec/servers/0/hosts/3: short names (not FQDNs) are not allowed: got \'\'; use a FQDN or \'*\' (Istio webhook: ValidateNamespaceSlashWildcardHostname)',
      '/spec/servers/0/hosts/3: an empty domain name is not allowed: got \'ns/\' (Istio webhook: ValidateNamespaceSlashWildcardHostname)',
    ], server({ tls: SIMPLE, hosts: ['*', '*.example.com', 'prod/a.example.com', './b.example.com', '*/c.example.com', '10.0.0.1'] })],
    ['an HTTPS server has no TLS settings', server({}), [
      '/spec/servers/0/tls: an HTTPS server needs TLS settings: got none; set tls.mode and its certificates (Istio webhook: validateServer)',
    ], server({ tls: SIMPLE })],
    ['a plain-text server has TLS settings beyond httpsRedirect', gateway({
      servers: [
        { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'], tls: SIMPLE },
        { port: { number: 31400, name: 'tcp', protocol: 'TCP' }, hosts: ['*'], tls: { httpsRedirect: true } },
      ],
    }), [
      '/spec/servers/0/tls: a plain-text HTTP server cannot have TLS settings (only httpsRedirect): got mode SIMPLE; use protocol HTTPS (Istio webhook: validateServer)',
      '/spec/servers/1/tls: a TCP server cannot have TLS settings: got tls; use protocol TLS or HTTPS (Istio webhook: validateServer)',
    ], gateway({ servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'], tls: { httpsRedirect: true } }] })],
  ]);

  test('a Gateway converted from the Gateway API (internal.istio.io/gateway-semantics) may use a `~` namespace and any name', () => {
    const converted = m({ ...server({ tls: SIMPLE, hosts: ['~/a.example.com'] }), metadata: { name: 'web.gw', annotations: { 'internal.istio.io/gateway-semantics': 'gateway' } } });
    expect(istioGatewayProblems(converted)).toStrictEqual([]);
  });
});

describe('validateServerPort and validateServerBind', () => {
  const port = (p: object, bind?: string) => gateway({ servers: [{ port: { name: 'http', protocol: 'HTTP', ...p }, hosts: ['*'], ...(bind !== undefined ? { bind } : {}) }] });
  check([
    ['the protocol is unknown', port({ number: 80, protocol: 'kafka' }), [
      '/spec/servers/0/port/protocol: \'kafka\' is not a protocol Istio knows: got \'kafka\'; use HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, MONGO, REDIS or MYSQL (Istio webhook: validateServerPort)',
    ], port({ number: 80, protocol: 'grpc-web' })],
    ['the number is out of range, or 0 without a unix bind', port({ number: 0 }, 'uds:///tmp'), [
      '/spec/servers/0/port/number: port number 0 must be in the range 1..65535: got 0 (Istio webhook: validateServerPort)',
      '/spec/servers/0/bind: must be an IP address or \'unix://<path>\': got \'uds:///tmp\' (Istio webhook: validateServerBind)',
    ], port({ number: 0 }, 'unix:///var/run/gw.sock')],
    ['a targetPort or an empty name is given', port({ number: 80, targetPort: 8080, name: '' }), [
      '/spec/servers/0/port/targetPort: has no effect on a Gateway: got 8080; remove it (Istio webhook: validateServerPort)',
      '/spec/servers/0/port/name: a server port needs a name: got \'\' (Istio webhook: validateServerPort)',
    ], port({ number: 80 })],
    ['a unix bind has a port number or a relative path', port({ number: 8080 }, 'unix://tmp/gw/'), [
      '/spec/servers/0/bind: \'tmp/gw/\' is not an absolute path to a file: got \'unix://tmp/gw/\' (Istio webhook: validateServerBind)',
      '/spec/servers/0/port/number: must be 0 for a unix domain socket bind: got 8080 (Istio webhook: validateServerBind)',
    ], port({ number: 0 }, 'unix://@abstract')],
  ]);
});

describe('validateTLSOptions', () => {
  const tls = (t: object) => server({ tls: t });
  check([
    ['ISTIO_MUTUAL sets certificates', tls({ mode: 'ISTIO_MUTUAL', serverCertificate: '/c', credentialName: 'x' }), [
      '/spec/servers/0/tls/serverCertificate: ISTIO_MUTUAL TLS uses the mesh\'s certificates and cannot set serverCertificate: got serverCertificate; remove it or use MUTUAL (Istio webhook: validateTLSOptions)',
      '/spec/servers/0/tls/credentialName: ISTIO_MUTUAL TLS uses the mesh\'s certificates and cannot set credentialName: got credentialName; remove it or use MUTUAL (Istio webhook: validateTLSOptions)',
    ], tls({ mode: 'ISTIO_MUTUAL' })],
    ['two certificate sources are set', tls({ mode: 'SIMPLE', credentialName: 'x', serverCertificate: '/c', privateKey: '/k' }), [
      '/spec/servers/0/tls: only one certificate source may be set: got serverCertificate/privateKey, credentialName; keep one of credentialName, credentialNames, serverCertificate/privateKey, '
      + 'tlsCertificates (Istio webhook: validateTLSOptions)',
    ], tls({ mode: 'SIMPLE', serverCertificate: '/c', privateKey: '/k' })],
    ['SIMPLE lacks its private key, a tlsCertificates item its certificate', gateway({
      servers: [
        { port: HTTPS, hosts: ['a.example.com'], tls: { mode: 'SIMPLE', serverCertificate: '/c' } },
        { port: { ...HTTPS, name: 'https-b' }, hosts: ['b.example.com'], tls: { mode: 'SIMPLE', tlsCertificates: [{ privateKey: '/k' }] } },
      ],
    }), [
      '/spec/servers/0/tls/privateKey: SIMPLE TLS needs a private key: got none; set it or use credentialName (Istio webhook: validateTLSOptions)',
      '/spec/servers/1/tls/tlsCertificates/0/serverCertificate: SIMPLE TLS needs a server certificate: got none; set it or use credentialName (Istio webhook: validateTLSOptions)',
    ], tls({ mode: 'SIMPLE', tlsCertificates: [{ serverCertificate: '/c', privateKey: '/k' }] })],
    ['MUTUAL lacks the client CA bundle', tls({ mode: 'OPTIONAL_MUTUAL', serverCertificate: '/c', privateKey: '/k' }), [
      '/spec/servers/0/tls/caCertificates: MUTUAL TLS needs a client CA bundle: got none; set caCertificates or credentialName (Istio webhook: validateTLSOptions)',
    ], tls({ mode: 'MUTUAL', credentialName: 'with-ca' })],
    ['a CRL comes with SIMPLE TLS', tls({ mode: 'SIMPLE', serverCertificate: '/c', privateKey: '/k', caCrl: '/crl' }), [
      '/spec/servers/0/tls/caCrl: a CRL is not supported with SIMPLE TLS: got \'/crl\'; remove it or use MUTUAL (Istio webhook: validateTLSOptions)',
    ], tls({ mode: 'MUTUAL', serverCertificate: '/c', privateKey: '/k', caCertificates: '/ca', caCrl: '/crl' })],
    // upstream returns before its CRL checks when SIMPLE/MUTUAL take a credentialName, so only the passthrough modes reach this one
    ['a CRL comes with credentialName', tls({ mode: 'PASSTHROUGH', credentialName: 'x', caCrl: '/crl' }), [
      '/spec/servers/0/tls/caCrl: a CRL cannot be given with credentialName: got both; put the CRL in the credential (Istio webhook: validateTLSOptions)',
    ], tls({ mode: 'MUTUAL', credentialName: 'x', caCrl: '/crl' })],
  ]);

  test('PASSTHROUGH ignores certificates, and unknown cipher suites are a warning upstream, not a refusal', () => {
    expect(istioGatewayProblems(server({ port: { number: 443, name: 'tls', protocol: 'TLS' }, tls: { mode: 'PASSTHROUGH', credentialName: 'x' } }))).toStrictEqual([]);
    expect(istioGatewayProblems(server({ tls: { ...SIMPLE, cipherSuites: ['not-a-cipher'], minProtocolVersion: 'TLSV1_0' } }))).toStrictEqual([]);
  });
});

describe('host forms as Istio reads them (pkg/config/labels, pkg/config/host, pkg/jwt)', () => {
  test('labels take upper case letters and `*-` wildcard prefixes; the top-level domain is not all digits', () => {
    expect(wildcardDomainProblem('*-api.Example.com')).toBeUndefined();
    expect(wildcardDomainProblem('a.123')).toBe('domain name \'a.123\' is invalid (its top-level domain \'123\' cannot be all-numeric)');
    expect(wildcardDomainProblem('istio.io.')).toBeUndefined();
  });

  test('hosts overlap as host.Name.Matches says', () => {
    expect([hostsOverlap('*.a.com', '*.com'), hostsOverlap('*', 'x.com'), hostsOverlap('*.a.com', 'a.com'), hostsOverlap('a.com', 'a.com')]).toStrictEqual([true, true, false, true]);
  });

  test('JWT claim header names as jwt.ToRoutingClaim reads them', () => {
    expect(['@request.auth.claims.a', '@Request.Auth.Claims[a][b]', '@request.auth.claims', '@request.auth.claims.', '@request.auth.claims[]'].map(isRoutingClaim))
      .toStrictEqual([true, true, false, false, false]);
  });
});

describe('through SchemaValidation (as at synth and in mesh-kit analyze)', () => {
  test('the webhook\'s problems come after the schema\'s; a valid object has none', () => {
    expect(SchemaValidation.pinned().validate(httpOnly({ redirect: {} })).problems).toStrictEqual([
      '/spec/http/0/redirect: a redirect must set uri, prefixRewrite, authority, scheme or port: got none (Istio webhook: validateHTTPRedirect)',
    ]);
    expect(SchemaValidation.pinned().validate(http({ timeout: '10s', retries: { attempts: 3, perTryTimeout: '2s' } })).problems).toStrictEqual([]);
  });
});
