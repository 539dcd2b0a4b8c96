/**
 * Istio's validating webhook (istio/istio pkg/config/validation) for networking.istio.io kinds: what istiod refuses
 * beyond the CRD schemas. Each rule cites the upstream function it follows.
 *
 * @module
 */
import { durationProblem, HEADER_NAME, percentProblem, PSEUDO_HEADERS, stringMatchProblems } from './istio-common';
import { Obj, arr, obj } from './util';
import { DNS1123_LABEL } from '../../core/names';
import { Manifest } from '../../render/model';

/** Istio's retry policies (`retryOn`), besides HTTP status codes: pkg/config/validation's supportedRetryOnPolicies. */
export const ISTIO_RETRY_ON = new Set([
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx', 'refused-stream', 'retriable-status-codes',
  'retriable-headers', 'envoy-ratelimited', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]);

/** HTTP status codes Go's `http.StatusText` knows (what Istio accepts as a number in `retryOn`). */
const HTTP_STATUS = new Set([100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451,
  500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511]);

/** Istio's validating webhook (pkg/config/validation: validateHTTPRoute, validateHTTPRetry…) over a VirtualService's HTTP routes. */
export function virtualServiceProblems(o: Manifest): string[] {
  const out: string[] = [];
  const spec = obj((o as unknown as Obj).spec) ?? {};
  arr(spec.http).forEach((r, i) => {
    const route = obj(r);
    if (!route) return;
    const at = `/spec/http/${i}`;
    const retries = obj(route.retries);
    if (retries) {
      const attempts = retries.attempts;
      if (typeof attempts === 'number' && attempts < 0) out.push(`${at}/retries/attempts: must not be negative: got ${attempts}`);
      if (attempts === 0 && (retries.perTryTimeout !== undefined || retries.retryOn !== undefined)) {
        out.push(`${at}/retries: must not configure a retry policy when attempts is 0 (retries disabled)`);
      }
      const d = durationProblem(retries.perTryTimeout);
      if (d) out.push(`${at}/retries/perTryTimeout: ${d}`);
      if (typeof retries.retryOn === 'string') {
        for (const policy of retries.retryOn.split(',')) {
          const code = /^\d+$/.test(policy) ? Number(policy) : NaN;
          if (!ISTIO_RETRY_ON.has(policy) && !HTTP_STATUS.has(code)) {
            out.push(`${at}/retries/retryOn: '${policy}' is not a retry policy Istio knows (${[...ISTIO_RETRY_ON].join(', ')}, or an HTTP status code)`);
          }
        }
      }
    }
    const t = durationProblem(route.timeout);
    if (t) out.push(`${at}/timeout: ${t}`);
    arr(route.match).forEach((m, j) => {
      const match = obj(m);
      if (!match) return;
      const mat = `${at}/match/${j}`;
      for (const key of ['uri', 'scheme', 'method', 'authority']) out.push(...stringMatchProblems(match[key], `${mat}/${key}`));
      for (const key of ['headers', 'withoutHeaders', 'queryParams']) {
        for (const [name, value] of Object.entries(obj(match[key]) ?? {})) {
          if (key !== 'queryParams' && !PSEUDO_HEADERS.has(name) && !name.startsWith('@request.auth.claims') && !HEADER_NAME.test(name)) {
            out.push(`${mat}/${key}: '${name}' is not a valid header name (RFC 7230 token characters)`);
          }
          out.push(...stringMatchProblems(value, `${mat}/${key}/${name}`));
        }
      }
    });
    arr(route.route).forEach((d, j) => {
      const w = obj(d)?.weight;
      if (typeof w === 'number' && w < 0) out.push(`${at}/route/${j}/weight: must not be negative: got ${w}`);
    });
    const fault = obj(route.fault);
    for (const kind of ['delay', 'abort']) {
      const p = percentProblem(obj(obj(fault?.[kind])?.percentage)?.value);
      if (p) out.push(`${at}/fault/${kind}/percentage/value: ${p}`);
    }
    const fixedDelay = durationProblem(obj(fault?.delay)?.fixedDelay);
    if (fixedDelay) out.push(`${at}/fault/delay/fixedDelay: ${fixedDelay}`);
    const mirror = percentProblem(obj(route.mirrorPercentage)?.value);
    if (mirror) out.push(`${at}/mirrorPercentage/value: ${mirror}`);
    const headers = obj(route.headers);
    for (const dir of ['request', 'response']) {
      const ops = obj(headers?.[dir]);
      for (const op of ['set', 'add']) {
        for (const name of Object.keys(obj(ops?.[op]) ?? {})) {
          if (name.startsWith(':') && !(dir === 'request' && /^:authority$/i.test(name))) out.push(`${at}/headers/${dir}/${op}: header '${name}' cannot have a ':' prefix`);
        }
      }
      for (const name of arr(ops?.remove)) {
        if (typeof name === 'string' && (/^host$/i.test(name) || name.startsWith(':'))) out.push(`${at}/headers/${dir}/remove: header '${name}' cannot be removed`);
      }
    }
  });
  return out;
}

/** Istio's webhook on Gateways (pkg/config/validation ValidateGateway / validateServer). */
export function istioGatewayProblems(o: Manifest): string[] {
  const out: string[] = [];
  const name = o.metadata?.name;
  if (typeof name === 'string' && !(name.length <= 63 && DNS1123_LABEL.test(name))) {
    out.push(`/metadata/name: must be a DNS-1123 label for an Istio Gateway (no dots, at most 63 characters): got '${name}'`);
  }
  const servers = arr(obj((o as unknown as Obj).spec)?.servers);
  const names = new Set<string>();
  servers.forEach((x, i) => {
    const server = obj(x);
    const port = obj(server?.port);
    if (!server || !port) return;
    const portName = port.name;
    if (typeof portName === 'string') {
      if (names.has(portName)) out.push(`/spec/servers/${i}/port/name: port names in servers must be unique: got '${portName}' twice`);
      names.add(portName);
    }
    const protocol = typeof port.protocol === 'string' ? port.protocol.toUpperCase() : '';
    const tls = obj(server.tls);
    if ((protocol === 'HTTPS' || protocol === 'TLS') && !tls) {
      out.push(`/spec/servers/${i}/tls: must be given for an ${protocol} server (Istio refuses an ${protocol} server without TLS settings)`);
    }
    if ((protocol === 'HTTP' || protocol === 'HTTP2' || protocol === 'GRPC' || protocol === 'TCP') && tls
      && Object.keys(tls).some(k => k !== 'httpsRedirect')) {
      out.push(`/spec/servers/${i}/tls: a plain-text ${protocol} server may only set httpsRedirect`);
    }
  });
  return out;
}
