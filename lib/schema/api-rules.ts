/**
 * What the API server and Istio's validating webhook refuse that no schema says: Kubernetes' own
 * validation (names per kind, label and annotation keys and values, container port names, etcd's request
 * size) and Istio's `pkg/config/validation` (VirtualServices: retry policies, durations, percentages, header
 * names, RE2 regular expressions; Gateways: label names, unique port names, TLS settings by protocol).
 * Problems are `<path>: <what is wrong>`, as the schema's.
 *
 * @module
 */
import { DNS1035_LABEL, DNS1123_LABEL, DNS1123_SUBDOMAIN, LABEL_VALUE, labelKeyProblem as keyProblem } from '../core/names';
import { Manifest } from '../render/model';

/** etcd's default request limit (`--max-request-bytes`, 1.5 MiB): the API server refuses a larger object. */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;
/** The API server's limit on all annotations of an object together (keys and values). */
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** Kinds whose names are DNS-1123 labels (at most 63 characters), or DNS-1035 labels for Services. */
const LABEL_NAMED = new Set(['Namespace']);

function nameProblem(kind: string, name: string): string | undefined {
  if (kind === 'Service') {
    return name.length <= 63 && DNS1035_LABEL.test(name) ? undefined
      : `must be a DNS-1035 label for a Service (at most 63 characters: lower case letters, digits and '-', starting with a letter): got '${name}'`;
  }
  if (LABEL_NAMED.has(kind)) {
    return name.length <= 63 && DNS1123_LABEL.test(name) ? undefined
      : `must be a DNS-1123 label for a ${kind} (at most 63 characters: lower case letters, digits and '-'): got '${name}'`;
  }
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name) ? undefined
    : `must be a DNS-1123 subdomain (at most 253 characters: lower case letters, digits, '-' and '.'): got '${name}'`;
}

function labelProblems(labels: unknown, at: string): string[] {
  if (!labels || typeof labels !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(labels)) {
    const kp = keyProblem(k);
    if (kp) out.push(`${at}: label key ${kp}`);
    if (typeof v === 'string' && (v.length > 63 || !LABEL_VALUE.test(v))) {
      out.push(`${at}/${k}: a label value must be at most 63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit: got '${v}'`);
    }
  }
  return out;
}

/** IANA_SVC_NAME: a container port name (at most 15 characters, lower case letters, digits and '-', a letter at least, no '--'). */
function portNameProblem(name: string): string | undefined {
  if (name.length > 15) return `must be at most 15 characters (IANA_SVC_NAME): got '${name}' (${name.length})`;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.includes('--') || !/[a-z]/.test(name)) {
    return `must be an IANA_SVC_NAME (lower case letters, digits and '-', at least one letter, no '--', not starting or ending with '-'): got '${name}'`;
  }
  return undefined;
}

type Obj = { [key: string]: unknown };
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Obj : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function podSpecProblems(spec: Obj | undefined, at: string): string[] {
  if (!spec) return [];
  const out: string[] = [];
  for (const key of ['initContainers', 'containers']) {
    arr(spec[key]).forEach((c, i) => {
      const container = obj(c);
      if (!container) return;
      const cat = `${at}/${key}/${i}`;
      if (typeof container.name === 'string' && (container.name.length > 63 || !DNS1123_LABEL.test(container.name))) {
        out.push(`${cat}/name: must be a DNS-1123 label (at most 63 characters): got '${container.name}'`);
      }
      const seen = new Set<string>();
      arr(container.ports).forEach((p, j) => {
        const name = obj(p)?.name;
        if (typeof name !== 'string') return;
        const problem = portNameProblem(name);
        if (problem) out.push(`${cat}/ports/${j}/name: ${problem}`);
        if (seen.has(name)) out.push(`${cat}/ports/${j}/name: must be unique in the container: got '${name}' twice`);
        seen.add(name);
      });
    });
  }
  return out;
}

/** Kubernetes' own validation of an object's metadata, workload pod templates and Service ports. */
function kubernetesProblems(o: Manifest): string[] {
  const out: string[] = [];
  const meta = obj(o.metadata) ?? {};
  if (typeof meta.name === 'string') {
    const p = nameProblem(o.kind, meta.name);
    if (p) out.push(`/metadata/name: ${p}`);
  }
  if (typeof meta.namespace === 'string' && (meta.namespace.length > 63 || !DNS1123_LABEL.test(meta.namespace))) {
    out.push(`/metadata/namespace: must be a DNS-1123 label (at most 63 characters): got '${meta.namespace}'`);
  }
  out.push(...labelProblems(meta.labels, '/metadata/labels'));
  const annotations = obj(meta.annotations);
  if (annotations) {
    let size = 0;
    for (const [k, v] of Object.entries(annotations)) {
      const kp = keyProblem(k);
      if (kp) out.push(`/metadata/annotations: annotation key ${kp}`);
      size += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
    }
    if (size > MAX_ANNOTATIONS_BYTES) out.push(`/metadata/annotations: must total at most 256 KiB: got ${size} bytes`);
  }
  const spec = obj((o as unknown as Obj).spec);
  // the specs of Kubernetes' own kinds (custom resources carry their own rules in their schemas)
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  if (!spec || (group.includes('.') && !(group.endsWith('.k8s.io') && !group.startsWith('gateway.')))) return out;
  out.push(...labelProblems(obj(spec.selector)?.matchLabels ?? (o.kind === 'Service' ? spec.selector : undefined), '/spec/selector'));
  const template = obj(spec.template) ?? obj(obj(obj(spec.jobTemplate)?.spec)?.template);
  if (template) {
    const tat = spec.template ? '/spec/template' : '/spec/jobTemplate/spec/template';
    out.push(...labelProblems(obj(template.metadata)?.labels, `${tat}/metadata/labels`));
    out.push(...podSpecProblems(obj(template.spec), `${tat}/spec`));
  }
  if (o.kind === 'Pod') out.push(...podSpecProblems(spec, '/spec'));
  if (o.kind === 'Service') {
    arr(spec.ports).forEach((p, i) => {
      const name = obj(p)?.name;
      if (typeof name === 'string' && (name.length > 63 || !DNS1123_LABEL.test(name))) {
        out.push(`/spec/ports/${i}/name: must be a DNS-1123 label (at most 63 characters): got '${name}'`);
      }
    });
  }
  return out;
}

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

const DURATION = /^(\d+(\.\d+)?(h|m|s|ms|us|µs|ns))+$/;
const UNIT_NS: { [u: string]: number } = { h: 3600e9, m: 60e9, s: 1e9, ms: 1e6, us: 1e3, µs: 1e3, ns: 1 };

/** A protobuf Duration as Istio's webhook wants it (agent.ValidateDuration): at least 1ms, whole milliseconds. */
function durationProblem(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  if (!DURATION.test(v)) return `must be a duration such as '1s' or '250ms': got '${v}'`;
  let ns = 0;
  for (const m of v.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) ns += Number(m[1]) * UNIT_NS[m[2]];
  if (ns < 1e6) return `must be at least 1ms: got '${v}'`;
  if (Math.round(ns) % 1e6 !== 0) return `must be whole milliseconds: got '${v}'`;
  return undefined;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;
const PSEUDO_HEADERS = new Set([':method', ':scheme', ':authority', ':path', ':status']);

type Re2 = { compile(p: string): unknown };
let re2: Re2 | undefined;
/** Whether Go's RE2 (as Istio compiles `regex` matches) accepts a pattern; the error otherwise. */
function re2Problem(pattern: string): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  re2 ??= (require('@bufbuild/re2') as { RE2JS: Re2 }).RE2JS;
  try {
    re2.compile(pattern);
    return undefined;
  } catch (e) {
    return `must be an RE2 regular expression (${(e as Error).message}): got '${pattern}'`;
  }
}

function stringMatchProblems(m: unknown, at: string): string[] {
  const regex = obj(m)?.regex;
  if (typeof regex !== 'string') return [];
  const p = re2Problem(regex);
  return p ? [`${at}/regex: ${p}`] : [];
}

function percentProblem(v: unknown): string | undefined {
  if (typeof v !== 'number') return undefined;
  return v < 0 || v > 100 || (v > 0 && v < 0.0001) ? `must be 0 or between 0.0001 and 100: got ${v}` : undefined;
}

/** Istio's validating webhook (pkg/config/validation: validateHTTPRoute, validateHTTPRetry…) over a VirtualService's HTTP routes. */
function virtualServiceProblems(o: Manifest): string[] {
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
function istioGatewayProblems(o: Manifest): string[] {
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

/**
 * What the API server or Istio's webhook would refuse in an object beyond its schema: Kubernetes' names,
 * labels, annotations and port names, etcd's size limit, and Istio's VirtualService rules.
 */
export function apiRuleProblems(o: Manifest): string[] {
  const out = kubernetesProblems(o);
  if (o.apiVersion.startsWith('networking.istio.io/') && o.kind === 'VirtualService') out.push(...virtualServiceProblems(o));
  if (o.apiVersion.startsWith('networking.istio.io/') && o.kind === 'Gateway') out.push(...istioGatewayProblems(o));
  const size = Buffer.byteLength(JSON.stringify(o));
  if (size > MAX_OBJECT_BYTES) {
    out.push(`/: the object is ${(size / 1024 / 1024).toFixed(2)} MiB, over etcd's 1.5 MiB request limit: the API server refuses it; `
      + 'split it (e.g. one ConfigMap per dashboard or file, or fewer routes per VirtualService)');
  }
  return out;
}
