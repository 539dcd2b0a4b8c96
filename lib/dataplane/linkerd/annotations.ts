/**
 * Linkerd's outbound annotations, read as its policy controller reads them (linkerd2
 * `policy-controller/k8s/index/src/outbound/index.rs` `parse_timeouts`, `parse_accrual_config`, `parse_duration`;
 * `outbound/index/http.rs` `parse_http_retry`; `outbound/index/grpc.rs` `parse_grpc_retry`): each parser answers a
 * value or the error text the controller logs.
 */

type Annotations = { readonly [k: string]: string };

/** A parse: the value, or why the controller rejects it. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const err = <T>(error: string): Parsed<T> => ({ ok: false, error });

const UNITS: { readonly [u: string]: number } = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration in milliseconds: `500ms`, `2s`, `1m`; `0` alone; no fractions, no negatives (`parse_duration`). */
export function parseDuration(text: string): Parsed<number> {
  const s = text.trim();
  if (s.startsWith('-')) return err(`duration value cannot be negative: '${s}'`);
  const m = /^(.*\d)(\D*)$/.exec(s);
  if (!m) return err(`${s} does not contain a timeout duration value`);
  const [, magnitude, unit] = m;
  if (magnitude.includes('.')) return err('fractional values not supported');
  if (!/^\d+$/.test(magnitude)) return err(`invalid duration '${s}'`);
  const n = Number(magnitude);
  if (unit === '' && n === 0) return ok(0);
  if (unit === '') return err(`missing duration unit; did you mean '${n}s' or '${n}ms'?`);
  if (!(unit in UNITS)) return err(`invalid duration unit ${unit} (expected one of 'ms', 's', 'm', 'h', or 'd')`);
  return ok(n * UNITS[unit]);
}

/** `500ms`, `2s`, `1m`: a duration as the model prints it (the largest whole unit). */
export function showDuration(ms: number): string {
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** `timeout.linkerd.io/request`, `response`, `idle`. */
export interface LinkerdTimeouts {
  readonly request?: number;
  readonly response?: number;
  readonly idle?: number;
}

export function parseTimeouts(a: Annotations): Parsed<LinkerdTimeouts> {
  const out: { request?: number; response?: number; idle?: number } = {};
  for (const k of ['response', 'request', 'idle'] as const) {
    const v = a[`timeout.linkerd.io/${k}`];
    if (v === undefined) continue;
    const d = parseDuration(v);
    if (!d.ok) return err(`timeout.linkerd.io/${k}: ${d.error}`);
    out[k] = d.value;
  }
  return ok(out);
}

/** `retry.linkerd.io/limit`, `timeout`, and `http` or `grpc` conditions; undefined when none is set. */
export interface LinkerdRetry {
  readonly limit: number;
  readonly timeout?: number;
  readonly conditions?: readonly string[];
}

const GRPC_CONDITIONS = ['cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable'];

function httpCondition(c: string): boolean {
  if (/^(5xx|gateway-error)$/i.test(c)) return true;
  const code = (s: string) => /^\d+$/.test(s) && Number(s) >= 100 && Number(s) < 600;
  if (code(c)) return true;
  const i = c.indexOf('-');
  return i > 0 && code(c.slice(0, i)) && code(c.slice(i + 1)) && Number(c.slice(0, i)) <= Number(c.slice(i + 1));
}

export function parseRetry(a: Annotations, grpc: boolean): Parsed<LinkerdRetry | undefined> {
  let limit: number | undefined;
  const l = a['retry.linkerd.io/limit'];
  if (l !== undefined) {
    if (!/^\d+$/.test(l) || Number(l) > 65535) return err(`retry.linkerd.io/limit: '${l}' is not a number from 0 to 65535`);
    limit = Number(l) === 0 ? undefined : Number(l);
  }
  let timeout: number | undefined;
  const t = a['retry.linkerd.io/timeout'];
  if (t !== undefined) {
    const d = parseDuration(t);
    if (!d.ok) return err(`retry.linkerd.io/timeout: ${d.error}`);
    timeout = d.value === 0 ? undefined : d.value;
  }
  let conditions: string[] | undefined;
  const key = grpc ? 'retry.linkerd.io/grpc' : 'retry.linkerd.io/http';
  const c = a[key];
  if (c !== undefined) {
    conditions = c.split(',');
    const bad = conditions.find(x => (grpc ? !GRPC_CONDITIONS.includes(x.toLowerCase()) : !httpCondition(x)));
    if (bad !== undefined) return err(grpc ? `${key}: unknown grpc retry condition: ${bad}` : `${key}: invalid retry condition: ${c}`);
  }
  if (limit === undefined && timeout === undefined && conditions === undefined) return ok(undefined);
  return ok({ limit: limit ?? 1, ...(timeout !== undefined ? { timeout } : {}), ...(conditions ? { conditions } : {}) });
}

/** A failure-accrual configuration (`balancer.linkerd.io/failure-accrual`). */
export interface FailureAccrual {
  readonly mode: 'consecutive' | 'unified';
  readonly maxFailures: number;
  readonly minPenalty: number;
  readonly maxPenalty: number;
  readonly jitter: number;
}

const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The failure accrual a Service's annotations ask for: none without `balancer.linkerd.io/failure-accrual`; an error
 * (the controller then applies none) for an unknown mode or parameters it refuses (min penalty above max penalty, a
 * zero max penalty, a jitter outside 0..100, a success-rate threshold outside 0..1, …) (`parse_accrual_config`).
 */
export function parseFailureAccrual(a: Annotations): Parsed<FailureAccrual | undefined> {
  const mode = a['balancer.linkerd.io/failure-accrual'];
  if (mode === undefined) return ok(undefined);
  if (mode !== 'consecutive' && mode !== 'unified') return err(`unsupported failure accrual mode: ${mode}`);
  const prefix = 'balancer.linkerd.io/failure-accrual-consecutive-';
  const maxFailures = a[`${prefix}max-failures`];
  if (maxFailures !== undefined && (!/^\d+$/.test(maxFailures.trim()) || Number(maxFailures.trim()) > 4294967295)) return err(`${prefix}max-failures: '${maxFailures}' is not a number`);
  const penalty = (k: string, dflt: number): Parsed<number> => {
    const v = a[`${prefix}${k}`];
    if (v === undefined) return ok(dflt);
    const d = parseDuration(v);
    return d.ok ? d : err(`${prefix}${k}: ${d.error}`);
  };
  const maxPenalty = penalty('max-penalty', 60_000);
  if (!maxPenalty.ok) return maxPenalty;
  const minPenalty = penalty('min-penalty', 1000);
  if (!minPenalty.ok) return minPenalty;
  const j = a[`${prefix}jitter-ratio`];
  if (j !== undefined && !FLOAT.test(j.trim())) return err(`${prefix}jitter-ratio: '${j}' is not a number`);
  const jitter = j === undefined ? 0.5 : Number(j.trim());
  if (minPenalty.value > maxPenalty.value) return err(`min_penalty (${showDuration(minPenalty.value)}) cannot exceed max_penalty (${showDuration(maxPenalty.value)})`);
  if (maxPenalty.value <= 0) return err('max_penalty cannot be zero');
  if (jitter < 0) return err('jitter cannot be negative');
  if (jitter > 100) return err('jitter cannot be greater than 100');
  if (mode === 'unified') {
    const sr = 'balancer.alpha.linkerd.io/failure-accrual-success-rate';
    const t = a[`${sr}-threshold`];
    if (t !== undefined && !FLOAT.test(t.trim())) return err(`${sr}-threshold: '${t}' is not a number`);
    const threshold = t === undefined ? 0.8 : Number(t.trim());
    if (threshold < 0 || threshold > 1) return err(`success-rate threshold must be between 0.0 and 1.0, got ${threshold}`);
    const w = a[`${sr}-window`];
    const window = w === undefined ? ok(10_000) : parseDuration(w);
    if (!window.ok) return err(`${sr}-window: ${window.error}`);
    if (window.value <= 0) return err('success-rate-window must be greater than zero');
    if (threshold !== 0 && window.value < 10) return err(`success-rate-window must be at least 10ms, got ${showDuration(window.value)}`);
    const m = a[`${sr}-min-requests`];
    if (m !== undefined && !/^\d+$/.test(m.trim())) return err(`${sr}-min-requests: '${m}' is not a number`);
    const minRequests = m === undefined ? 5 : Number(m.trim());
    if (threshold !== 0 && minRequests > 1_000_000) return err(`success-rate-min-requests cannot exceed 1000000, got ${minRequests}`);
  }
  const failures = maxFailures === undefined ? 7 : Number(maxFailures.trim());
  return ok({ mode, maxFailures: failures, minPenalty: minPenalty.value, maxPenalty: maxPenalty.value, jitter });
}
