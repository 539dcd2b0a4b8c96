import { isObj, str } from '../../analysis/context';

/**
 * Gateway API route matches (HTTPRoute `matches[]`, GRPCRoute `matches[]`) against one request, with the spec's
 * precedence between matching rules — what a Linkerd proxy applies to its inbound routes (routes whose parent is a
 * Server: linkerd2-proxy `linkerd/http/route/src/http/r#match.rs`, `grpc/r#match.rs`) and to egress routes.
 */

/** The parts of a request a match reads. */
export interface MatchableRequest {
  readonly method: string;
  /** Without the query. */
  readonly path: string;
  readonly query: ReadonlyArray<readonly [string, string]>;
  /** Names lower-case. */
  readonly headers: { readonly [name: string]: string };
}

/** How specific a match is: compared field by field, larger first (the Gateway API's rule precedence). */
export type MatchScore = readonly number[];

const fullRegex = (pattern: string): RegExp | undefined => {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return undefined;
  }
};

/** `PathPrefix` matches whole segments: `/foo` takes `/foo`, `/foo/` and `/foo/bar`, not `/foobar`. */
export function pathPrefixMatches(prefix: string, path: string): boolean {
  const p = prefix.length > 1 ? prefix.replace(/\/+$/, '') : prefix;
  if (p === '/' || p === '') return true;
  return path === p || path.startsWith(`${p}/`);
}

function headersMatch(list: unknown, headers: { readonly [name: string]: string }): boolean {
  return (Array.isArray(list) ? list.filter(isObj) : []).every(h => {
    const v = headers[str(h.name).toLowerCase()];
    if (v === undefined) return false;
    if (str(h.type) === 'RegularExpression') return fullRegex(str(h.value))?.test(v) ?? false;
    return v === str(h.value);
  });
}

/** An HTTPRoute match's score when it matches the request, else undefined. */
export function httpMatchScore(m: unknown, req: MatchableRequest): MatchScore | undefined {
  const match = isObj(m) ? m : {};
  const path = isObj(match.path) ? match.path : { type: 'PathPrefix', value: '/' };
  const type = str(path.type) || 'PathPrefix';
  const value = str(path.value) || '/';
  let pathScore: number[];
  if (type === 'Exact') {
    if (req.path !== value) return undefined;
    pathScore = [2, value.length];
  } else if (type === 'RegularExpression') {
    if (!(fullRegex(value)?.test(req.path) ?? false)) return undefined;
    pathScore = [0, value.length];
  } else {
    if (!pathPrefixMatches(value, req.path)) return undefined;
    pathScore = [1, value.length];
  }
  if (match.method !== undefined && str(match.method).toUpperCase() !== req.method) return undefined;
  if (!headersMatch(match.headers, req.headers)) return undefined;
  const params = Array.isArray(match.queryParams) ? match.queryParams.filter(isObj) : [];
  const queryOk = params.every(q => {
    const found = req.query.find(([k]) => k === str(q.name));
    if (!found) return false;
    return str(q.type) === 'RegularExpression' ? fullRegex(str(q.value))?.test(found[1]) ?? false : found[1] === str(q.value);
  });
  if (!queryOk) return undefined;
  const headerCount = Array.isArray(match.headers) ? match.headers.length : 0;
  return [...pathScore, match.method !== undefined ? 1 : 0, headerCount, params.length];
}

/** A GRPCRoute match's score when it matches the request (`/package.Service/Method`), else undefined. */
export function grpcMatchScore(m: unknown, req: MatchableRequest): MatchScore | undefined {
  const match = isObj(m) ? m : {};
  const [, service = '', method = ''] = /^\/([^/]*)\/([^/]*)$/.exec(req.path) ?? [];
  let specificity = 0;
  if (isObj(match.method)) {
    const wantService = str(match.method.service);
    const wantMethod = str(match.method.method);
    const regex = str(match.method.type) === 'RegularExpression';
    const test = (want: string, got: string) => (regex ? fullRegex(want)?.test(got) ?? false : want === got);
    if (wantService && !test(wantService, service)) return undefined;
    if (wantMethod && !test(wantMethod, method)) return undefined;
    specificity = (wantService ? 1 : 0) + (wantMethod ? 1 : 0) + (regex ? 0 : 1);
  }
  if (!headersMatch(match.headers, req.headers)) return undefined;
  return [specificity, Array.isArray(match.headers) ? match.headers.length : 0];
}

/** Compares two scores: positive when `a` is more specific. */
export function compareScores(a: MatchScore, b: MatchScore): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The best match among a rule's matches (a rule without matches matches everything, with the lowest score). */
export function ruleScore(matches: unknown, req: MatchableRequest, grpc: boolean): { score: MatchScore; match?: number } | undefined {
  const list = Array.isArray(matches) ? matches : [];
  if (list.length === 0) return { score: grpc ? [0, 0] : [1, 1, 0, 0, 0] };
  let best: { score: MatchScore; match: number } | undefined;
  list.forEach((m, i) => {
    const score = grpc ? grpcMatchScore(m, req) : httpMatchScore(m, req);
    if (score && (!best || compareScores(score, best.score) > 0)) best = { score, match: i };
  });
  return best;
}
