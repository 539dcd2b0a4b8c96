import { TrafficDestination, TrafficOutcome, TrafficResult } from './types';
import { isObj } from '../analysis/context';
import { meshError, problem, showValue } from '../core/errors';

/** One destination a request is expected to reach: only the fields given are compared. */
export interface ExpectedDestination {
  /** `namespace/name` of the Service, or the external host. */
  readonly service?: string;
  readonly port?: number;
  readonly subset?: string;
  readonly version?: string;
  /** The share in percent (compared to 0.01). */
  readonly weight?: number;
}

/** What a request is expected to do: only the fields given are compared. */
export interface TrafficExpectation {
  readonly outcome?: TrafficOutcome;
  readonly status?: number;
  /** The route object and rule (only the fields given are compared); null: no route object takes the request. */
  readonly route?: {
    readonly kind?: string;
    readonly namespace?: string;
    readonly name?: string;
    readonly rule?: number;
    readonly ruleName?: string;
  } | null;
  /**
   * Every destination with a share, each matched by the fields given; the list is complete (a destination the result has
   * and the list lacks is a mismatch).
   */
  readonly destinations?: readonly ExpectedDestination[];
  /** The share of requests per version (the pods' `version` label), complete: `{ v1: 90, v2: 10 }`. */
  readonly versions?: { readonly [version: string]: number };
  /** The redirect (only the fields given are compared); null: none. */
  readonly redirect?: { readonly location?: string; readonly status?: number } | null;
  /** Headers the backend receives (names case-insensitive); a null value: the header must not arrive. */
  readonly requestHeaders?: { readonly [name: string]: string | null };
  /** The verdict at every destination that answers. */
  readonly authorization?: 'allow' | 'deny';
}

const EXPECTATION_FIELDS = ['outcome', 'status', 'route', 'destinations', 'versions', 'redirect', 'requestHeaders', 'authorization'];
const DESTINATION_FIELDS = ['service', 'port', 'subset', 'version', 'weight'];
const OUTCOMES: readonly TrafficOutcome[] = ['routed', 'redirected', 'answered', 'no-route', 'denied', 'unavailable', 'undecided'];
const TOLERANCE = 0.01;

/** A destination as one line: `shop/reviews:9080 subset v1 (version v1) 90%`. */
export function destinationText(d: TrafficDestination | ExpectedDestination): string {
  const parts = [`${d.service ?? '*'}${d.port !== undefined ? `:${d.port}` : ''}`];
  if (d.subset !== undefined) parts.push(`subset ${d.subset}`);
  if (d.version !== undefined) parts.push(`version ${d.version}`);
  if (d.weight !== undefined) parts.push(`${d.weight}%`);
  return parts.join(' ');
}

const sameWeight = (a: number, b: number) => Math.abs(a - b) <= TOLERANCE;

function destinationMatches(e: ExpectedDestination, d: TrafficDestination): boolean {
  return (e.service === undefined || e.service === d.service) && (e.port === undefined || e.port === d.port)
    && (e.subset === undefined || e.subset === d.subset) && (e.version === undefined || e.version === d.version)
    && (e.weight === undefined || sameWeight(e.weight, d.weight));
}

/**
 * Checks an expectation's shape (it may come from YAML or JavaScript): unknown fields, wrong types. `where` prefixes the
 * field names (`tests[2].expect`).
 */
export function checkExpectation(e: unknown, where = 'expect'): TrafficExpectation {
  const bad = (field: string, rule: string, got: unknown, fix?: string): never => {
    throw meshError([problem(`${where}.${field}`, rule, got, fix)]);
  };
  if (!isObj(e)) bad('', 'must be an object', e);
  const x = e as { [k: string]: unknown };
  for (const k of Object.keys(x)) if (!EXPECTATION_FIELDS.includes(k)) bad(k, 'is not a field of an expectation', x[k], `the fields are ${EXPECTATION_FIELDS.join(', ')}`);
  if (x.outcome !== undefined && !OUTCOMES.includes(x.outcome as TrafficOutcome)) bad('outcome', `must be one of ${showValue(OUTCOMES)}`, x.outcome);
  if (x.status !== undefined && (typeof x.status !== 'number' || !Number.isInteger(x.status))) bad('status', 'must be an HTTP status (an integer)', x.status);
  if (x.route !== undefined && x.route !== null) {
    if (!isObj(x.route)) bad('route', 'must be an object (kind, namespace, name, rule, ruleName) or null', x.route);
    for (const [k, v] of Object.entries(x.route as object)) {
      if (!['kind', 'namespace', 'name', 'rule', 'ruleName'].includes(k)) bad(`route.${k}`, 'is not a field of a route', v, 'the fields are kind, namespace, name, rule, ruleName');
      if (k === 'rule' ? typeof v !== 'number' : typeof v !== 'string') bad(`route.${k}`, k === 'rule' ? 'must be a rule index (a number)' : 'must be a string', v);
    }
  }
  if (x.destinations !== undefined) {
    if (!Array.isArray(x.destinations)) bad('destinations', 'must be a list', x.destinations);
    (x.destinations as unknown[]).forEach((d, i) => {
      if (!isObj(d)) bad(`destinations[${i}]`, 'must be an object', d);
      for (const [k, v] of Object.entries(d as object)) {
        if (!DESTINATION_FIELDS.includes(k)) bad(`destinations[${i}].${k}`, 'is not a field of a destination', v, `the fields are ${DESTINATION_FIELDS.join(', ')}`);
        if ((k === 'port' || k === 'weight') ? typeof v !== 'number' : typeof v !== 'string') bad(`destinations[${i}].${k}`, k === 'port' || k === 'weight' ? 'must be a number' : 'must be a string', v);
      }
    });
  }
  if (x.versions !== undefined) {
    if (!isObj(x.versions)) bad('versions', 'must map versions to shares', x.versions, 'e.g. { v1: 90, v2: 10 }');
    for (const [k, v] of Object.entries(x.versions as object)) if (typeof v !== 'number') bad(`versions.${k}`, 'must be a share in percent', v);
  }
  if (x.redirect !== undefined && x.redirect !== null) {
    if (!isObj(x.redirect)) bad('redirect', 'must be an object (location, status) or null', x.redirect);
    for (const [k, v] of Object.entries(x.redirect as object)) {
      if (k !== 'location' && k !== 'status') bad(`redirect.${k}`, 'is not a field of a redirect', v, 'the fields are location, status');
    }
  }
  if (x.requestHeaders !== undefined) {
    if (!isObj(x.requestHeaders)) bad('requestHeaders', 'must map header names to values (null: absent)', x.requestHeaders);
    for (const [k, v] of Object.entries(x.requestHeaders as object)) if (v !== null && typeof v !== 'string') bad(`requestHeaders.${k}`, 'must be a string or null', v);
  }
  if (x.authorization !== undefined && x.authorization !== 'allow' && x.authorization !== 'deny') bad('authorization', 'must be \'allow\' or \'deny\'', x.authorization);
  return x as TrafficExpectation;
}

/** The ways a result differs from an expectation, one sentence each; empty when it meets it. */
export function compareResult(result: TrafficResult, expected: TrafficExpectation): string[] {
  const out: string[] = [];
  const why = ` (${result.reason})`;
  if (expected.outcome !== undefined && result.outcome !== expected.outcome) out.push(`outcome: expected ${expected.outcome}, got ${result.outcome}${why}`);
  if (expected.status !== undefined && result.status !== expected.status) out.push(`status: expected ${expected.status}, got ${result.status ?? 'none'}${why}`);
  if (expected.route !== undefined) {
    const r = result.route;
    if (expected.route === null) {
      if (r !== null) out.push(`route: expected none, got ${r.kind} ${r.namespace}/${r.name} rule ${r.rule}`);
    } else if (r === null) {
      out.push(`route: expected ${JSON.stringify(expected.route)}, got none${why}`);
    } else {
      for (const [k, v] of Object.entries(expected.route)) {
        const got = (r as unknown as { [k: string]: unknown })[k];
        if (got !== v) out.push(`route.${k}: expected ${showValue(v)}, got ${showValue(got)} (${r.kind} ${r.namespace}/${r.name} rule ${r.rule})`);
      }
    }
  }
  const shares = result.destinations.filter(d => d.weight > 0);
  if (expected.destinations !== undefined) {
    const left = [...shares];
    for (const e of expected.destinations) {
      const i = left.findIndex(d => destinationMatches(e, d));
      if (i < 0) out.push(`destinations: expected ${destinationText(e)}, which no destination is; got ${shares.map(destinationText).join(', ') || 'none'}`);
      else left.splice(i, 1);
    }
    for (const d of left) out.push(`destinations: got ${destinationText(d)}, which the expectation does not list`);
  }
  if (expected.versions !== undefined) {
    const got = new Map<string, number>();
    for (const d of shares) got.set(d.version ?? '(none)', (got.get(d.version ?? '(none)') ?? 0) + d.weight);
    const names = new Set([...Object.keys(expected.versions), ...got.keys()]);
    for (const v of [...names].sort()) {
      const want = expected.versions[v] ?? 0;
      const have = got.get(v) ?? 0;
      if (!sameWeight(want, have)) out.push(`versions.${v}: expected ${want}%, got ${Math.round(have * 1000) / 1000}%`);
    }
  }
  if (expected.redirect !== undefined) {
    if (expected.redirect === null) {
      if (result.redirect !== null) out.push(`redirect: expected none, got ${result.redirect.status} ${result.redirect.location}`);
    } else if (result.redirect === null) {
      out.push(`redirect: expected ${JSON.stringify(expected.redirect)}, got none${why}`);
    } else {
      if (expected.redirect.location !== undefined && expected.redirect.location !== result.redirect.location) {
        out.push(`redirect.location: expected '${expected.redirect.location}', got '${result.redirect.location}'`);
      }
      if (expected.redirect.status !== undefined && expected.redirect.status !== result.redirect.status) {
        out.push(`redirect.status: expected ${expected.redirect.status}, got ${result.redirect.status}`);
      }
    }
  }
  if (expected.requestHeaders !== undefined) {
    const headers = result.requestHeaders ?? {};
    for (const [name, value] of Object.entries(expected.requestHeaders)) {
      const got = headers[name.toLowerCase()];
      if (value === null ? got !== undefined : got !== value) {
        out.push(`requestHeaders.${name}: expected ${value === null ? 'absent' : `'${value}'`}, got ${got === undefined ? 'absent' : `'${got}'`}`);
      }
    }
  }
  if (expected.authorization !== undefined) {
    for (const d of shares.filter(x => x.unavailable === undefined)) {
      const verdict = d.authorization?.verdict ?? 'allow';
      if (verdict !== expected.authorization) {
        out.push(`authorization: expected ${expected.authorization} at ${destinationText(d)}, got ${verdict}${d.authorization ? ` (${d.authorization.reason})` : ''}`);
      }
    }
  }
  return out;
}
