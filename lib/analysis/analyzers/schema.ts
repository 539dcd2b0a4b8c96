import { HttpMatchRequest, VirtualServiceSpec } from './types';
import { list, nameOf } from '../context';
import { AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

/*
 * The match-list warnings of Istio's validation (pkg/config/validation) that its `schema` analyzer package reports
 * (istio/istio pkg/config/analysis/analyzers/schema/validation.go: schemaValidation.CollectionValidationAnalyzer).
 * Schema validation itself (IST0106) is lib/analysis/schema-findings.ts.
 */

const NET = 'networking.istio.io';
const vsSpec = (o: AnalyzedObject) => (o.manifest.spec ?? {}) as VirtualServiceSpec;
const name = nameOf;

/** One rule or match that is never used: what is wrong, where, what is written there and what to do. */
interface Unused { readonly text: string; readonly field: string; readonly value: unknown; readonly fix: string }

/** Istio's validation of HTTP/TCP/TLS match lists (pkg/config/validation: analyzeUnreachable*Rules). */
function unreachable(spec: VirtualServiceSpec): { unreachable: Unused[]; ineffective: Unused[] } {
  const out = { unreachable: [] as Unused[], ineffective: [] as Unused[] };
  const asJson = (m: unknown): string => {
    const norm = (v: unknown): unknown => (Array.isArray(v) ? v.map(norm) : v && typeof v === 'object'
      ? Object.fromEntries(Object.keys(v).sort()
        .filter(k => (v as { [k: string]: unknown })[k] !== undefined && (v as { [k: string]: unknown })[k] !== null)
        .map(k => [k, norm((v as { [k: string]: unknown })[k])]))
      : v);
    if (m && typeof m === 'object' && !Array.isArray(m)) {
      const { name: _n, ...rest } = m as { [k: string]: unknown };
      return JSON.stringify(norm(rest));
    }
    return JSON.stringify(norm(m));
  };
  for (const kind of ['http', 'tcp', 'tls'] as const) {
    const routes = list(spec[kind] as Array<{ name?: string; match?: unknown[] }> | undefined);
    // one rule with at most one match can neither be unreachable nor repeat or cover another match
    if (routes.length < 2 && list(routes[0]?.match).length < 2) continue;
    const routeName = (r: { name?: string } | undefined, i: number) => `${kind}[${i}]${kind === 'http' && r?.name ? ` '${r.name}'` : ''}`;
    const seen = new Map<string, number>();
    let empty = -1;
    const prefixes: Array<{ route: string; match: string; field: string; p: ReturnType<typeof prefixMatch> & {} }> = [];
    // what is written at a rule: its name, else its matches
    const ruleValue = (r: { name?: string; match?: unknown[] }) => r.name ?? r.match ?? [];
    for (const [i, r] of routes.entries()) {
      if (!r) continue;
      const matches = list(r.match);
      if (matches.length === 0) {
        if (empty >= 0) {
          out.unreachable.push({
            text: `rule ${routeName(r, i)} is never used: rule ${kind}[${empty}] before it matches every request (only the last rule can have no matches)`,
            field: `spec.${kind}[${i}]`,
            value: ruleValue(r),
            fix: `give rule ${kind}[${empty}] a match, or move it after rule ${kind}[${i}]`,
          });
        }
        empty = i;
        continue;
      }
      let dups = 0;
      for (const [j, m] of matches.entries()) {
        if (empty >= 0) {
          out.unreachable.push({
            text: `rule ${routeName(r, i)} is never used: rule ${kind}[${empty}] before it matches every request`,
            field: `spec.${kind}[${i}].match[${j}]`,
            value: m,
            fix: `move rule ${kind}[${empty}], which has no match, after rule ${kind}[${i}], or give it a match`,
          });
          continue;
        }
        const key = asJson(m);
        const dup = seen.get(key);
        const matchName = `match[${j}]${kind === 'http' && (m as { name?: string })?.name ? ` '${(m as { name?: string }).name}'` : ''}`;
        if (dup !== undefined) {
          out.ineffective.push({
            text: `rule ${routeName(r, i)} ${matchName} is never used: rule ${routeName(routes[dup], dup)} has the same match`,
            field: `spec.${kind}[${i}].match[${j}]`,
            value: m,
            fix: `remove ${matchName} from rule ${kind}[${i}], or make it differ from the match of rule ${kind}[${dup}]`,
          });
          dups++;
          continue;
        }
        seen.set(key, i);
        const p = kind === 'http' ? prefixMatch(m as HttpMatchRequest) : undefined;
        if (p) prefixes.push({ route: routeName(r, i), match: matchName, field: `spec.${kind}[${i}].match[${j}].uri.prefix`, p });
      }
      if (dups === matches.length) {
        out.unreachable.push({
          text: `rule ${routeName(r, i)} is never used: all its matches are used by prior rules`,
          field: `spec.${kind}[${i}].match`,
          value: matches,
          fix: `remove rule ${kind}[${i}], or give it a match that no earlier rule has`,
        });
      }
    }
    for (const [a, pa] of prefixes.entries()) {
      for (const pb of prefixes.slice(a + 1)) {
        if (pb.p.prefix === pa.p.prefix || !covers(pa.p, pb.p)) continue;
        out.ineffective.push({
          text: `rule ${pb.route} ${pb.match} (prefix '${pb.p.prefix}') is never used: rule ${pa.route} ${pa.match} (prefix '${pa.p.prefix}') before it covers it`,
          field: pb.field,
          value: pb.p.prefix,
          fix: `move rule ${pb.route} before rule ${pa.route}, or remove ${pb.match}`,
        });
      }
    }
  }
  return out;
}

type Prefixed = {
  prefix: string;
  port?: number;
  method: string;
  authority: string;
  headers: Map<string, string>;
  query: Map<string, string>;
  without: Map<string, string>;
};

function prefixMatch(m: HttpMatchRequest | undefined): Prefixed | undefined {
  const prefix = m?.uri?.prefix;
  if (!m || typeof prefix !== 'string' || prefix === '') return undefined;
  const val = (s: { exact?: string; prefix?: string } | undefined) => (s?.exact ? `exact:${s.exact}` : s?.prefix ? `prefix:${s.prefix}` : '');
  const map = (o: { [k: string]: { exact?: string; prefix?: string } } | undefined) => new Map(Object.entries(o ?? {}).map(([k, v]) => [k, val(v)]));
  return {
    prefix,
    port: m.port,
    method: val(m.method) || 'exact:GET',
    authority: val(m.authority),
    headers: map(m.headers),
    query: map(m.queryParams),
    without: map(m.withoutHeaders as { [k: string]: { exact?: string } } | undefined),
  };
}

/** Istio's coveredValidation: an earlier prefix match covers a later one. */
function covers(a: Prefixed, b: Prefixed): boolean {
  if (!b.prefix.startsWith(a.prefix) || a.port !== b.port) return false;
  const ok = (x: string, y: string) => x === y || x.startsWith(y);
  if (!ok(a.method, b.method) || !ok(a.authority, b.authority)) return false;
  for (const [ma, mb] of [[a.headers, b.headers], [a.query, b.query], [a.without, b.without]]) {
    if (ma.size !== mb.size) return false;
    for (const [k, v] of ma) if (!mb.has(k) || !ok(v, mb.get(k)!)) return false;
  }
  return true;
}

const unreachableCache = new WeakMap<object, ReturnType<typeof unreachable>>();
const unreachableOf = (vs: AnalyzedObject) => {
  const spec = vsSpec(vs);
  let r = unreachableCache.get(spec);
  if (!r) {
    r = unreachable(spec);
    unreachableCache.set(spec, r);
  }
  return r;
};

const finding = (vs: AnalyzedObject, m: Unused): RawFinding => ({ object: vs, message: `VirtualService '${name(vs)}' ${m.text}`, field: m.field, value: m.value, fix: m.fix });

const unreachableRule: Analyzer = {
  analyzer: 'schemaValidation.CollectionValidationAnalyzer',
  code: 'IST0130',
  name: 'VirtualServiceUnreachableRule',
  level: FindingLevel.WARNING,
  description: 'a VirtualService rule can never match: a rule without matches comes before it, or all its matches repeat earlier ones',
  run: ctx => ctx.of('VirtualService', NET).flatMap(vs => unreachableOf(vs).unreachable.map(m => finding(vs, m))),
};

const ineffectiveMatch: Analyzer = {
  analyzer: 'schemaValidation.CollectionValidationAnalyzer',
  code: 'IST0131',
  name: 'VirtualServiceIneffectiveMatch',
  level: FindingLevel.INFO,
  description: 'a VirtualService match repeats, or is covered by, a match of an earlier rule',
  run: ctx => ctx.of('VirtualService', NET).flatMap(vs => unreachableOf(vs).ineffective.map(m => finding(vs, m))),
};

/** Istio's `schema` analyzers' VirtualService warnings. */
export const SCHEMA_ANALYZERS: Analyzer[] = [unreachableRule, ineffectiveMatch];
