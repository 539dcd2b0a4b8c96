import * as fs from 'fs';
import * as path from 'path';
import { STATUS_KINDS, compareStatus } from './gateway-api-conformance-status';
import { Mesh, TrafficRequest, TrafficResult } from '../../lib';
import { K8sObject, SHARED_DIR, parseObjects } from '../support/shared';

/**
 * Replays the Gateway API conformance suite (v1.6.1, `../shared/reference/gateway-api/conformance-v1.6.1/`) against the
 * data-plane model: for each test, the base manifests and the test's own (the GatewayClass placeholder replaced, the
 * Secrets and ConfigMaps the suite creates added), a Mesh built through `Mesh.fromObjects`, and every traffic
 * expectation compared as the suite compares it (`expectations.md` "How the suite compares"; conformance/utils/http/
 * http.go `CompareRoundTrip`). Steps that change the cluster are applied when the model can apply them.
 */

export const CONFORMANCE_DIR = path.join(SHARED_DIR, 'reference', 'gateway-api', 'conformance-v1.6.1');

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** One traffic expectation replayed. */
export interface Replayed {
  /** `<test> #<step>` */
  readonly id: string;
  readonly family: string;
  readonly test: string;
  readonly kind: string;
  readonly subtest?: string;
  readonly ok: boolean;
  /** Why it failed (or what passed). */
  readonly detail: string;
}

/** The step kinds that carry traffic (and the two ad-hoc checks that send requests). */
export const TRAFFIC_KINDS = ['http', 'https', 'grpc', 'tcp', 'tlsConnectionRejected', 'weightedDistribution', 'mirroredRequest', 'mirrorPercentage',
  'websocket', 'tcpAddressReachable', 'udp', 'dns'];
const TRAFFIC_CHECKS = ['backendHeaderMatchesPod', 'allTrafficToBackend'];

/** The family of a test: the prefix of its name. */
export function familyOf(test: string): string {
  for (const f of ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute', 'ListenerSet', 'BackendTLSPolicy', 'GatewayClass', 'Gateway']) {
    if (test.startsWith(f)) return f === 'GatewayClass' ? 'Gateway' : f;
  }
  return test.startsWith('GRPC') ? 'GRPCRoute' : 'other';
}

const REQUEST_ID = 'gateway-api-conformance-request-id=00000000-0000-4000-8000-000000000000';
const UUID = '00000000-0000-4000-8000-000000000001';
const PEM = (what: string) => `-----BEGIN ${what}-----\nMIIB (suite-generated)\n-----END ${what}-----\n`;
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** The Secrets and ConfigMaps the suite creates before the tests (`suiteCreatedObjects`), with PEM-shaped content. */
function suiteObjects(expectations: Json): K8sObject[] {
  return (expectations.suiteCreatedObjects as Json[]).map(o => (o.kind === 'Secret'
    ? { apiVersion: 'v1', kind: 'Secret', metadata: { name: o.name, namespace: o.namespace }, type: 'kubernetes.io/tls', data: { 'tls.crt': b64(PEM('CERTIFICATE')), 'tls.key': b64(PEM('PRIVATE KEY')) } }
    : { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: o.name, namespace: o.namespace }, data: { 'ca.crt': PEM('CERTIFICATE') } }));
}

function manifests(file: string): K8sObject[] {
  const text = fs.readFileSync(path.join(CONFORMANCE_DIR, file), 'utf8').split('{GATEWAY_CLASS_NAME}').join('conformance');
  return parseObjects(text);
}

/** A change of the cluster the model can apply, or why not. */
type Change = (objects: K8sObject[]) => string | undefined;

const find = (objects: K8sObject[], kind: string, namespace: string, name: string) =>
  objects.find(o => o.kind === kind && (o.metadata.namespace ?? 'default') === namespace && o.metadata.name === name);

/**
 * Changes the suite makes without an `action` step (its Go code does them between subtests), before the step of the
 * named subtest.
 */
const deleteGrant = (namespace: string, name: string): Change => objects => {
  const i = objects.findIndex(o => o.kind === 'ReferenceGrant' && o.metadata.namespace === namespace && o.metadata.name === name);
  if (i < 0) return 'the ReferenceGrant to delete is not there';
  objects.splice(i, 1);
  return undefined;
};

const IMPLICIT: ReadonlyArray<{ test: string; beforeSubtest: string; source: string; apply: Change }> = [{
  test: 'TCPRouteReferenceGrant',
  beforeSubtest: 'TCPRoute ResolvedRefs becomes False with reason RefNotPermitted after the ReferenceGrant is deleted',
  source: 'conformance/tests/tcproute-reference-grant.go deletes ReferenceGrant gateway-conformance-web-backend/tcp-reference-grant first',
  apply: deleteGrant('gateway-conformance-web-backend', 'tcp-reference-grant'),
}, {
  test: 'HTTPRouteReferenceGrant',
  beforeSubtest: 'Simple HTTP request should return 500 after deleting the relevant reference grant',
  source: 'conformance/tests/httproute-reference-grant.go deletes ReferenceGrant gateway-conformance-web-backend/reference-grant first',
  apply: deleteGrant('gateway-conformance-web-backend', 'reference-grant'),
}];

/**
 * Features the model does not claim (the suite runs a test only for the features an implementation claims): UDP, and
 * nothing else; a test that runs only without a claimed feature (`skippedIfFeatureSupported`) does not apply.
 */
const UNCLAIMED = new Set(['UDPRoute']);
const applies = (test: Json): boolean => (test.skippedIfFeatureSupported === undefined || UNCLAIMED.has(test.skippedIfFeatureSupported))
  && (test.runsOnlyIfFeatureSupported === undefined || !UNCLAIMED.has(test.runsOnlyIfFeatureSupported));

/** Applies an `action` step; a reason when the model cannot. */
function applyAction(test: string, step: Json, objects: K8sObject[]): string | undefined {
  const target = step.object ?? {};
  if (step.action === 'create' && typeof step.content === 'object' && step.content !== null && target.kind !== 'ConfigMap') {
    objects.push({ apiVersion: 'gateway.networking.k8s.io/v1', kind: target.kind, metadata: { name: target.name, namespace: target.namespace }, ...step.content });
    return undefined;
  }
  if (test === 'HTTPRouteServiceTypes') {
    // "endpoints := one entry per IP of each Pod selected by Deployment infra-backend-v1": its pods by name
    const deployment = find(objects, 'Deployment', 'gateway-conformance-infra', 'infra-backend-v1') as Json;
    const replicas = deployment?.spec?.replicas ?? 1;
    for (const ref of step.objects as Json[]) {
      const slice = find(objects, 'EndpointSlice', ref.namespace, ref.name) as Json;
      if (!slice) return `EndpointSlice ${ref.namespace}/${ref.name} is not in the manifests`;
      slice.endpoints = Array.from({ length: replicas }, (_, i) => ({
        addresses: [slice.addressType === 'IPv6' ? `fd00::${i + 1}` : `10.0.0.${i + 1}`],
        conditions: { ready: true, serving: true, terminating: false },
        targetRef: { kind: 'Pod', name: `infra-backend-v1-5d8c9f7b6-${i}`, namespace: ref.namespace },
      }));
    }
    return undefined;
  }
  if (test === 'HTTPRouteObservedGenerationBump') {
    const route = find(objects, 'HTTPRoute', target.namespace, target.name) as Json;
    if (!route) return 'the route is not in the manifests';
    route.spec.rules[0].backendRefs[0].name = 'infra-backend-v2';
    return undefined;
  }
  if (test === 'GatewayModifyListeners' || test === 'GatewayObservedGenerationBump') {
    const gateway = find(objects, 'Gateway', target.namespace, target.name) as Json;
    if (!gateway) return 'the Gateway is not in the manifests';
    if (/^append listener/.test(step.change)) {
      const m = /name: (\S+?),.*?port: (\d+), protocol: (\w+)(?:, hostname: (\S+?))?,/.exec(step.change) ?? /name: (\S+?), hostname: (\S+?), port: (\d+), protocol: (\w+)/.exec(step.change);
      if (!m) return `cannot read '${step.change}'`;
      const listener = step.change.includes('hostname: foo.com')
        ? { name: 'alternate', hostname: 'foo.com', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }
        : { name: 'http', port: 80, protocol: 'HTTP', hostname: 'data.test.com', allowedRoutes: { namespaces: { from: 'All' } } };
      gateway.spec.listeners.push(listener);
      return undefined;
    }
    if (/^keep only the listener named "http"/.test(step.change)) {
      gateway.spec.listeners = gateway.spec.listeners.filter((l: Json) => l.name === 'http');
      return undefined;
    }
  }
  if (test === 'GatewayClassObservedGenerationBump') return undefined; // a description: no routing effect
  if (test === 'GatewayStaticAddresses') {
    const gateway = find(objects, 'Gateway', target.namespace, target.name) as Json;
    if (!gateway) return 'the Gateway is not in the manifests';
    gateway.spec.addresses = (gateway.spec.addresses ?? []).slice(1);
    return undefined;
  }
  return `the model does not apply '${step.change ?? step.content ?? step.action}'`;
}

/** The request of a traffic step, as the model takes it. */
function requestOf(step: Json): { request: TrafficRequest; scheme: 'http' | 'https'; expectedPath?: string; path: string } {
  const via = step.via;
  const r = step.request ?? {};
  const gateway = `${via.gateway.namespace}/${via.gateway.name}`;
  const port = via.port ?? (step.kind === 'https' ? 443 : 80);
  let p: string = (r.path ?? '/').split('<random-uuid>').join(UUID);
  let expected: string | undefined = step.expectedRequest?.path;
  if (step.requestIdQueryParam) {
    p = `${p}${p.includes('?') ? '&' : '?'}${REQUEST_ID}`;
    if (expected !== undefined && expected !== '') expected = `${expected}${expected.includes('?') ? '&' : '?'}${REQUEST_ID}`;
  }
  const headers: { [k: string]: string } = { ...(r.headers ?? {}) };
  if (step.kind === 'grpc') {
    return {
      request: { gateway, port, protocol: 'grpc', path: r.fullMethod, ...(r.authority ? { host: r.authority } : {}), ...(r.metadata ? { headers: r.metadata } : {}) },
      scheme: 'http',
      path: r.fullMethod,
    };
  }
  if (step.kind === 'websocket') {
    const wsPath = /^wss?:\/\/[^/]+(\/.*)?$/.exec(step.url)?.[1] ?? '/';
    return { request: { gateway, port, protocol: 'http', path: wsPath, headers: { upgrade: 'websocket', connection: 'Upgrade' } }, scheme: 'http', path: wsPath };
  }
  const h2 = r.protocol === 'H2' || r.protocol === 'H2C_PRIOR_KNOWLEDGE';
  const request: TrafficRequest = {
    gateway,
    port,
    protocol: h2 ? 'http2' : 'http',
    ...(step.kind === 'https' ? { tls: true, ...(step.sni ? { sni: step.sni } : {}) } : { tls: false }),
    ...(r.host ? { host: r.host } : {}),
    method: r.method ?? 'GET',
    path: p,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
  };
  return { request, scheme: step.kind === 'https' ? 'https' : 'http', ...(expected !== undefined ? { expectedPath: expected } : {}), path: p };
}

/** The destinations that answer (a share, no failure). */
const answering = (r: TrafficResult) => r.destinations.filter(d => d.unavailable === undefined && d.weight > 0);

/** Whether a destination is the backend named (pod-name prefix = a workload's name, and the namespace). */
function isBackend(d: TrafficResult['destinations'][number], name: string | null, namespace: string): boolean {
  return d.workloads.some(w => {
    const [ns, workload] = w.split('/');
    return ns === namespace && (name === null || workload.startsWith(name));
  });
}

/** The echo backend's answer to the request it receives (conformance/echo-basic/echo-basic.go): ?delay, ?responseCode + succeedAfter. */
function echoStatus(result: TrafficResult): { status: number; why?: string } {
  const upstream = result.upstreamRequest?.path ?? '';
  const query = new URLSearchParams(upstream.includes('?') ? upstream.slice(upstream.indexOf('?') + 1) : '');
  const delay = query.get('delay');
  if (delay !== null) {
    const ms = durationToMs(delay);
    const limits = [result.filters.timeout, result.filters.backendTimeout]
      .map(t => (t === undefined ? undefined : durationToMs(t))).filter((t): t is number => t !== undefined && t > 0);
    if (limits.some(l => l < ms)) return { status: 504, why: `the backend answers after ${delay}, the route's timeout is ${Math.min(...limits)} ms` };
  }
  const succeedAfter = query.get('succeedAfter');
  if (succeedAfter !== null) {
    const code = Number(query.get('responseCode') ?? 0) || 503;
    const retries = result.filters.retries;
    const retried = retries !== undefined && (retries.codes === undefined || retries.codes.includes(code));
    const tries = 1 + (retried ? retries!.attempts : 0);
    if (Number(succeedAfter) >= tries) return { status: code, why: `the backend fails its first ${succeedAfter} requests, the gateway tries ${tries} times` };
  }
  return { status: 200 };
}

function durationToMs(d: string): number {
  let ms = 0;
  for (const [, n, unit] of d.matchAll(/([0-9.]+)(h|ms|m|s)/g)) ms += Number(n) * (unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : unit === 's' ? 1000 : 1);
  return ms;
}

/** The response headers the client sees: the backend's, changed by the route's response filters. */
function responseHeaders(result: TrafficResult, backendSets: { [k: string]: string } | undefined): { [k: string]: string } {
  const out: { [k: string]: string } = {};
  if (result.outcome === 'routed') for (const [k, v] of Object.entries(backendSets ?? {})) out[k.toLowerCase()] = v;
  const c = result.filters.responseHeaders;
  for (const [k, v] of Object.entries(c?.set ?? {})) out[k.toLowerCase()] = v;
  for (const [k, v] of Object.entries(c?.add ?? {})) out[k.toLowerCase()] = out[k.toLowerCase()] !== undefined ? `${out[k.toLowerCase()]},${v}` : v;
  for (const k of c?.remove ?? []) delete out[k.toLowerCase()];
  return out;
}

/** Compares an HTTP(S) or gRPC answer as the suite does; undefined when it holds. */
function compareHttp(step: Json, result: TrafficResult, req: ReturnType<typeof requestOf>): string | undefined {
  const summary = `${result.outcome}${result.status !== undefined ? ` ${result.status}` : ''}: ${result.reason}`;
  if (step.expectFailure === 'requestError') return result.status === undefined ? undefined : `expected the request to fail, got ${summary}`;
  let status = result.status;
  let why: string | undefined;
  if (status === 200 && result.outcome === 'routed') ({ status, why } = echoStatus(result));
  if (step.expectFailure === 'statusNot200') return status !== 200 ? undefined : `expected a status other than 200, got ${summary}`;
  if (step.kind === 'grpc') {
    const code = step.response?.code ?? 'OK';
    const got = status === 200 ? 'OK' : status === 404 ? 'Unimplemented' : status === undefined ? 'no answer' : `HTTP ${status}`;
    if (code !== got) return `expected gRPC ${code}, got ${got} (${summary})`;
    if (code !== 'OK') return undefined;
  } else {
    const codes: number[] = step.response?.statusCodes ?? [200];
    if (status === undefined || !codes.includes(status)) return `expected status ${codes.join('|')}, got ${status ?? 'no answer'}${why ? ` (${why})` : ''} (${summary})`;
  }
  if (status === 200 || status === 204) {
    const backend = step.backend;
    const served = answering(result);
    if (!backend) {
      if (result.outcome !== 'answered') return `expected the gateway itself to answer (no backend), got ${summary}`;
    } else {
      if (result.outcome !== 'routed' || served.length === 0) return `expected backend ${backend.namespace}/${backend.name ?? '*'}, got ${summary}`;
      const wrong = served.filter(d => !isBackend(d, backend.name, backend.namespace));
      if (wrong.length > 0) return `expected backend ${backend.namespace}/${backend.name ?? '*'}, got ${wrong.map(d => `${d.workloads.join('+') || d.service} ${d.weight}%`).join(', ')}`;
    }
    if (result.outcome === 'routed' && step.kind !== 'grpc') {
      const expected = step.expectedRequest ?? {};
      const r = step.request ?? {};
      const upstream = result.upstreamRequest;
      const expectedPath = req.expectedPath ?? req.path;
      if (upstream?.path !== expectedPath) return `expected the backend to see path ${expectedPath}, got ${upstream?.path}`;
      const method = expected.method ?? r.method ?? 'GET';
      if (upstream?.method !== method) return `expected method ${method}, got ${upstream?.method}`;
      const host = expected.host ?? (step.expectedRequest ? undefined : r.host);
      if (host !== undefined && upstream?.host !== host) return `expected the backend to see host ${host}, got ${upstream?.host}`;
      const expectedHeaders: { [k: string]: string } = step.expectedRequest ? expected.headers ?? {} : r.headers ?? {};
      for (const d of served) {
        const seen = d.requestHeaders ?? result.requestHeaders ?? {};
        for (const [k, v] of Object.entries(expectedHeaders)) {
          if (seen[k.toLowerCase()] !== v) return `expected request header ${k}: ${v}, got ${seen[k.toLowerCase()] ?? 'none'}`;
        }
        for (const k of expected.absentHeaders ?? []) if (seen[k.toLowerCase()] !== undefined) return `expected no request header ${k}, got ${seen[k.toLowerCase()]}`;
      }
    }
    const response = step.response ?? {};
    const got = responseHeaders(result, step.backendSetsResponseHeaders);
    const norm = (v: string) => (response.ignoreWhitespace ? v.split(' ').join('') : v);
    for (const [k, v] of Object.entries((response.headers ?? {}) as { [k: string]: string })) {
      if (got[k.toLowerCase()] === undefined || norm(got[k.toLowerCase()]) !== norm(v)) return `expected response header ${k}: ${v}, got ${got[k.toLowerCase()] ?? 'none'}`;
    }
    for (const [k, vs] of Object.entries((response.validHeaderValues ?? {}) as { [k: string]: string[] })) {
      if (got[k.toLowerCase()] === undefined || !vs.map(norm).includes(norm(got[k.toLowerCase()]))) return `expected response header ${k} one of ${vs.join(' | ')}, got ${got[k.toLowerCase()] ?? 'none'}`;
    }
    for (const k of (response.absentHeaders ?? []) as string[]) if (got[k.toLowerCase()] !== undefined) return `expected no response header ${k}, got ${got[k.toLowerCase()]}`;
    for (const m of (step.mirroredTo ?? []) as Json[]) {
      const share = (result.filters.mirrors ?? []).filter(d => isBackend(d, m.name, m.namespace)).reduce((n, d) => n + d.weight, 0);
      if (Math.abs(share - (m.percent ?? 100)) > 0.01) return `expected ${m.percent ?? 100}% mirrored to ${m.namespace}/${m.name}, got ${share}%`;
    }
    for (const d of step.backendTLS ? served : []) {
      const tls = d.backendTls;
      if (!tls) return `expected the gateway to connect to ${d.service} with TLS (SNI ${step.backendTLS.sni}), it connects in plain text`;
      if (step.backendTLS.sni !== undefined && tls.sni !== step.backendTLS.sni) return `expected the gateway to send SNI ${step.backendTLS.sni} to ${d.service}, it sends ${tls.sni}`;
      const cert = step.backendTLS.clientCert?.fromSecret;
      if (cert && tls.clientCertificate !== `${cert.namespace}/${cert.name}`) return `expected the gateway to present Secret ${cert.namespace}/${cert.name}, it presents ${tls.clientCertificate ?? 'none'}`;
    }
  } else if (status !== undefined && status >= 300 && status < 400 && step.redirect) {
    const location = result.redirect?.location ?? '';
    const m = /^(\w+):\/\/([^/:]+)(?::(\d+))?(\/[^?]*)?/.exec(location);
    if (!m) return `expected a redirect, got Location '${location}'`;
    const [, scheme, host, port, p] = m;
    const exp = step.redirect;
    const expectedScheme = exp.scheme ?? req.scheme;
    if (scheme !== expectedScheme) return `expected redirect scheme ${expectedScheme}, got ${location}`;
    if (exp.host !== undefined && host !== exp.host) return `expected redirect host ${exp.host}, got ${location}`;
    if (exp.port !== undefined ? port !== exp.port : port !== undefined && port !== (scheme === 'https' ? '443' : '80')) return `expected redirect port ${exp.port ?? 'default'}, got ${location}`;
    const expectedPath = exp.path ?? req.path.split('?')[0];
    if ((p ?? '/') !== expectedPath) return `expected redirect path ${expectedPath}, got ${location}`;
  }
  return undefined;
}

/** Compares one traffic step; undefined when it holds. */
function compare(mesh: Mesh, step: Json): string | undefined {
  const via = step.via ?? step.request?.via;
  const gateway = via ? `${via.gateway.namespace}/${via.gateway.name}` : '';
  switch (step.kind) {
    case 'http':
    case 'https':
    case 'grpc':
    case 'websocket': {
      const req = requestOf(step);
      const result = mesh.request(req.request);
      if (step.kind === 'websocket') return result.outcome === 'routed' ? undefined : `expected the upgrade to reach a backend, got ${result.outcome}: ${result.reason}`;
      return compareHttp(step, result, req);
    }
    case 'tcp': {
      const result = mesh.request({ gateway, port: via.port, protocol: step.useTLS ? 'tls' : 'tcp', ...(step.sni ? { sni: step.sni } : {}) });
      const served = answering(result);
      if (result.outcome !== 'routed' || served.length === 0) return `expected a connection to ${step.backend.namespace}/${step.backend.name}, got ${result.outcome}: ${result.reason}`;
      const wrong = served.filter(d => !isBackend(d, step.backend.name, step.backend.namespace));
      if (wrong.length > 0) return `expected backend ${step.backend.namespace}/${step.backend.name}, got ${wrong.map(d => d.workloads.join('+') || d.service).join(', ')}`;
      const passthrough = result.listener?.tlsMode === 'Passthrough';
      if (step.backendIsTLS !== undefined && passthrough !== step.backendIsTLS) return `expected the backend to ${step.backendIsTLS ? '' : 'not '}receive TLS, the listener is ${result.listener?.tlsMode ?? 'plain'}`;
      if (step.backendSeesSNI !== undefined && !(passthrough && step.sni === step.backendSeesSNI)) return `expected the backend to see SNI ${step.backendSeesSNI}`;
      return undefined;
    }
    case 'tlsConnectionRejected': {
      const result = mesh.request({ gateway, port: via.port, protocol: 'tls', sni: step.sni });
      return (result.outcome === 'no-route' || result.outcome === 'unavailable') && result.status === undefined ? undefined : `expected the TLS connection to be refused, got ${result.outcome}: ${result.reason}`;
    }
    case 'tcpAddressReachable': {
      const result = mesh.request({ gateway, port: via.port, protocol: 'tcp' });
      return result.outcome === 'routed' ? undefined : `expected the gateway port to take connections, got ${result.outcome}: ${result.reason}`;
    }
    case 'weightedDistribution': {
      const inner = step.request;
      const result = inner.kind === 'tcp' ? mesh.request({ gateway, port: inner.via.port, protocol: 'tcp' }) : mesh.request(requestOf(inner).request);
      const served = answering(result);
      const total = served.reduce((n, d) => n + d.weight, 0);
      for (const [backend, share] of Object.entries(step.expectedWeights as { [b: string]: number })) {
        const got = served.filter(d => d.workloads.some(w => w.split('/')[1].startsWith(backend))).reduce((n, d) => n + d.weight, 0) / 100;
        if (Math.abs(got - share) > step.tolerance || (share === 0) !== (got === 0)) return `expected ${backend} to get ${share * 100}%, got ${got * 100}% (${result.reason})`;
      }
      return Math.abs(total - 100) > 0.01 ? `expected every request answered, ${100 - total}% fail (${result.reason})` : undefined;
    }
    case 'mirroredRequest':
    case 'mirrorPercentage': {
      const inner = step.kind === 'mirrorPercentage' ? { ...step, kind: 'http' } : { kind: 'http', via: { gateway: { namespace: 'gateway-conformance-infra', name: 'same-namespace' }, port: 80 }, request: { path: step.path } };
      const result = mesh.request(requestOf(inner).request);
      for (const m of step.mirroredTo as Json[]) {
        const share = (result.filters.mirrors ?? []).filter(d => d.unavailable === undefined && isBackend(d, m.name, m.namespace))
          .reduce((n, d) => n + d.weight, 0);
        if (Math.abs(share - (m.percent ?? 100)) > 0.01) return `expected ${m.percent ?? 100}% mirrored to ${m.namespace}/${m.name}, got ${share}% (${result.reason})`;
      }
      return undefined;
    }
    case 'backendHeaderMatchesPod': {
      const result = mesh.request(requestOf({ kind: 'http', via: step.via, request: step.request }).request);
      const served = answering(result);
      if (served.length === 0) return `expected backends, got ${result.outcome}: ${result.reason}`;
      for (const d of served) {
        const value = (d.requestHeaders ?? result.requestHeaders ?? {}).backend;
        if (value === undefined || !d.workloads.every(w => w.split('/')[1].startsWith(value))) return `expected each backend to receive a 'Backend' header naming it, ${d.workloads.join('+')} gets ${value ?? 'none'}`;
      }
      return undefined;
    }
    case 'allTrafficToBackend': {
      const result = mesh.request({ gateway, port: via.port, protocol: step.protocol === 'UDP' ? 'tcp' : 'tcp' });
      const served = answering(result);
      const prefix = String(step.backendPodPrefix ?? step.backend).replace(/-$/, '');
      return served.length > 0 && served.every(d => d.workloads.every(w => w.split('/')[1].startsWith(prefix))) ? undefined : `expected every connection to reach ${prefix}, got ${result.outcome}: ${result.reason}`;
    }
    default:
      return `the model does not replay '${step.kind}' steps`;
  }
}

/** The conformance data: `expectations.json`. */
export function loadExpectations(): Json {
  return JSON.parse(fs.readFileSync(path.join(CONFORMANCE_DIR, 'expectations.json'), 'utf8'));
}

/** Replays every traffic expectation of the tests `only` selects (all by default); `status`: the status steps the engine decides instead. */
export function replay(only: (test: string) => boolean = () => true, status = false): Replayed[] {
  const expectations = loadExpectations();
  const base = [...manifests(expectations.baseManifests), ...suiteObjects(expectations)];
  const out: Replayed[] = [];
  for (const test of expectations.tests as Json[]) {
    if (!only(test.name) || !applies(test)) continue;
    const objects: K8sObject[] = JSON.parse(JSON.stringify([...base, ...test.manifests.flatMap((m: string) => manifests(m))]));
    let mesh: Mesh | undefined;
    let blocked: string | undefined;
    const implicit = IMPLICIT.filter(i => i.test === test.name);
    (test.steps as Json[]).forEach((step, index) => {
      for (const i of implicit) {
        if (step.subtest === i.beforeSubtest && !(i as { done?: boolean }).done) {
          const why = i.apply(objects);
          if (why !== undefined) blocked = `${i.source}, which the model cannot apply: ${why}`;
          (i as { done?: boolean }).done = true;
          mesh = undefined;
        }
      }
      if (step.kind === 'action') {
        const why = applyAction(test.name, step, objects);
        if (why !== undefined) blocked = `after the step '${step.action} ${step.object?.kind ?? step.objects?.[0]?.kind ?? ''}' (${why})`;
        mesh = undefined;
        return;
      }
      if (status) {
        if (!STATUS_KINDS.includes(step.kind)) return;
        mesh ??= Mesh.fromObjects(objects as never);
        const compared = compareStatus(mesh, step);
        if (compared === null) return;
        const found = blocked ?? compared;
        out.push({
          id: `${test.name} #${index}`,
          family: familyOf(test.name),
          test: test.name,
          kind: step.kind,
          ...(step.subtest ? { subtest: step.subtest } : {}),
          ok: found === undefined,
          detail: found ?? 'holds',
        });
        return;
      }
      const isCheck = step.kind === 'check' && TRAFFIC_CHECKS.includes(step.check);
      if (!TRAFFIC_KINDS.includes(step.kind) && !isCheck) return;
      const kind = isCheck ? step.check : step.kind;
      const base0 = { id: `${test.name} #${index}`, family: familyOf(test.name), test: test.name, kind, ...(step.subtest ? { subtest: step.subtest } : {}) };
      if (kind === 'udp' || kind === 'dns') {
        out.push({ ...base0, ok: false, detail: 'the model does not route UDP' });
        return;
      }
      if (blocked !== undefined) {
        out.push({ ...base0, ok: false, detail: blocked });
        return;
      }
      mesh ??= Mesh.fromObjects(objects as never);
      let detail: string | undefined;
      try {
        detail = compare(mesh, isCheck ? { ...step, kind } : step);
      } catch (e) {
        detail = `threw ${(e as Error).message}`;
      }
      out.push({ ...base0, ok: detail === undefined, detail: detail ?? 'holds' });
    });
    for (const i of implicit) delete (i as { done?: boolean }).done;
  }
  return out;
}
