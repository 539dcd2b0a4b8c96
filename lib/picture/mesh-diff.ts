/**
 * What changed between two outputs, in the terms a reviewer uses: weights of versions, rules added or removed, hosts of
 * gateways, who may call whom, mutual TLS modes, versions of services — and every other object that changed, by kind
 * and name (never dropped).
 *
 * @module
 */
import { MeshIntent, RouteIntent, RouteRule, meshIntent } from './mesh-intent';
import { Manifest } from '../render/model';

/** One change. */
export interface MeshChange {
  /** What changed: `route`, `gateway`, `access`, `mtls`, `service`, `object`, `file`. */
  readonly kind: string;
  /** The object (`Kind namespace/name`) or file. */
  readonly subject: string;
  /** The change in words. */
  readonly summary: string;
}

const pct = (n: number) => `${Math.round(n * 10) / 10}%`;

/** Weights by destination (`host/version`) over a rule's destinations. */
function weights(rule: RouteRule): Map<string, number> {
  const m = new Map<string, number>();
  for (const d of rule.destinations) {
    const key = d.version ? `${d.host} ${d.version}` : d.host;
    m.set(key, (m.get(key) ?? 0) + d.weight);
  }
  return m;
}

function describeRule(rule: RouteRule): string {
  const to = rule.destinations.map(d => `${d.host}${d.version ? ` ${d.version}` : ''} ${pct(d.weight)}`).join(', ');
  return `"${rule.match}" → ${to || rule.other || rule.fault || 'nothing'}`;
}

function routeChanges(a: RouteIntent | undefined, b: RouteIntent | undefined): MeshChange[] {
  const r = (b ?? a)!;
  const subject = `${r.kind} ${r.namespace}/${r.name}`;
  const where = r.gateways.length > 0 ? ` on gateway ${r.gateways.join(', ')}` : ` for ${r.hosts.join(', ') || 'its parent'}`;
  if (!a) return [{ kind: 'route', subject, summary: `route added${where}: ${b!.rules.map(describeRule).join('; ')}` }];
  if (!b) return [{ kind: 'route', subject, summary: `route removed${where}` }];
  const out: MeshChange[] = [];
  const byMatch = (rules: readonly RouteRule[]) => new Map(rules.map(x => [x.match, x]));
  const before = byMatch(a.rules);
  const after = byMatch(b.rules);
  for (const [match, rule] of after) {
    const old = before.get(match);
    if (!old) {
      out.push({ kind: 'route', subject, summary: `rule ${describeRule(rule)} added${where}` });
      continue;
    }
    const wa = weights(old);
    const wb = weights(rule);
    const moved = [...new Set([...wa.keys(), ...wb.keys()])].sort()
      .filter(k => (wa.get(k) ?? 0) !== (wb.get(k) ?? 0)).map(k => `${k} ${pct(wa.get(k) ?? 0)} → ${pct(wb.get(k) ?? 0)}`);
    if (moved.length > 0) out.push({ kind: 'route', subject, summary: `${match === 'any' ? '' : `"${match}": `}${moved.join(', ')}` });
    for (const [field, label] of [['fault', 'fault'], ['mirror', 'mirror'], ['other', 'redirect']] as const) {
      if ((old[field] ?? '') !== (rule[field] ?? '')) {
        out.push({ kind: 'route', subject, summary: `"${match}": ${label} ${old[field] ?? 'none'} → ${rule[field] ?? 'none'}` });
      }
    }
  }
  for (const [match, rule] of before) if (!after.has(match)) out.push({ kind: 'route', subject, summary: `rule ${describeRule(rule)} removed${where}` });
  const order = (x: RouteIntent) => x.rules.map(y => y.match).filter(m => before.has(m) && after.has(m)).join('\n');
  if (out.length === 0 && order(a) !== order(b)) out.push({ kind: 'route', subject, summary: 'rules reordered (the first match wins)' });
  if (a.hosts.join(' ') !== b.hosts.join(' ')) out.push({ kind: 'route', subject, summary: `hosts ${a.hosts.join(', ')} → ${b.hosts.join(', ')}` });
  if (a.gateways.join(' ') !== b.gateways.join(' ')) out.push({ kind: 'route', subject, summary: `gateways ${a.gateways.join(', ') || 'none'} → ${b.gateways.join(', ') || 'none'}` });
  return out;
}

/** The changes from `before` to `after`. */
export function meshDiff(before: readonly Manifest[], after: readonly Manifest[]): MeshChange[] {
  const a = meshIntent(before);
  const b = meshIntent(after);
  const out: MeshChange[] = [];
  const keyed = <T>(xs: readonly T[], key: (x: T) => string) => new Map(xs.map(x => [key(x), x]));
  const union = (x: Map<string, unknown>, y: Map<string, unknown>) => [...new Set([...x.keys(), ...y.keys()])].sort();

  const ra = keyed(a.routes, r => `${r.kind} ${r.namespace}/${r.name}`);
  const rb = keyed(b.routes, r => `${r.kind} ${r.namespace}/${r.name}`);
  for (const k of union(ra, rb)) out.push(...routeChanges(ra.get(k), rb.get(k)));

  const ga = keyed(a.gateways, g => `Gateway ${g.namespace}/${g.name}`);
  const gb = keyed(b.gateways, g => `Gateway ${g.namespace}/${g.name}`);
  const listeners = (g: MeshIntent['gateways'][number]) => g.listeners.map(l => `:${l.port} ${l.protocol} ${l.hosts.join(' ')}`).join('; ');
  for (const k of union(ga, gb)) {
    const x = ga.get(k);
    const y = gb.get(k);
    if (!x) out.push({ kind: 'gateway', subject: k, summary: `gateway added: ${listeners(y!)}` });
    else if (!y) out.push({ kind: 'gateway', subject: k, summary: 'gateway removed' });
    else if (listeners(x) !== listeners(y)) out.push({ kind: 'gateway', subject: k, summary: `listeners ${listeners(x)} → ${listeners(y)}` });
  }

  const aa = keyed(a.access, p => `${p.kind} ${p.namespace}/${p.name}`);
  const ab = keyed(b.access, p => `${p.kind} ${p.namespace}/${p.name}`);
  for (const k of union(aa, ab)) {
    const x = aa.get(k);
    const y = ab.get(k);
    const target = (y ?? x)!.target;
    const verb = (y ?? x)!.action === 'DENY' ? 'denied' : 'called';
    const before_ = new Set(x?.callers ?? []);
    const after_ = new Set(y?.callers ?? []);
    for (const c of [...after_].filter(n => !before_.has(n))) out.push({ kind: 'access', subject: k, summary: `${target} may now be ${verb} by ${c}` });
    for (const c of [...before_].filter(n => !after_.has(n))) out.push({ kind: 'access', subject: k, summary: `${target} may no longer be ${verb} by ${c}` });
    if (!x && after_.size === 0) out.push({ kind: 'access', subject: k, summary: `policy added: ${y!.action} for ${target}` });
    if (!y && before_.size === 0) out.push({ kind: 'access', subject: k, summary: `policy removed: ${x!.action} for ${target}` });
    if (x && y && x.action !== y.action) out.push({ kind: 'access', subject: k, summary: `action ${x.action} → ${y.action}` });
  }

  const ma = keyed(a.mtls, t => t.scope);
  const mb = keyed(b.mtls, t => t.scope);
  for (const scope of union(ma, mb)) {
    const x = ma.get(scope);
    const y = mb.get(scope);
    if (x?.mode !== y?.mode) out.push({ kind: 'mtls', subject: (y ?? x)!.object, summary: `mutual TLS (${scope}) ${x?.mode ?? 'none'} → ${y?.mode ?? 'none'}` });
  }

  const sa = keyed(a.services, s => `${s.namespace}/${s.name}`);
  const sb = keyed(b.services, s => `${s.namespace}/${s.name}`);
  for (const k of union(sa, sb)) {
    const x = sa.get(k);
    const y = sb.get(k);
    if (!x || !y) {
      out.push({ kind: 'service', subject: `service ${k}`, summary: `service ${x ? 'removed' : 'added'}` });
      continue;
    }
    const added = y.versions.filter(v => !x.versions.includes(v));
    const removed = x.versions.filter(v => !y.versions.includes(v));
    if (added.length > 0) out.push({ kind: 'service', subject: `service ${k}`, summary: `versions added: ${added.join(', ')}` });
    if (removed.length > 0) out.push({ kind: 'service', subject: `service ${k}`, summary: `versions removed: ${removed.join(', ')}` });
  }

  // every object that changed and said nothing above is listed by kind and name
  const explained = new Set(out.map(c => c.subject));
  // an object without a namespace lands in `default`: the intent names it so
  const key = (m: Manifest) => `${m.kind} ${m.metadata.namespace ?? 'default'}/${m.metadata.name}`;
  const oa = keyed(a.objects, o => o.id);
  const ob = keyed(b.objects, o => o.id);
  for (const id of union(oa, ob)) {
    const x = oa.get(id);
    const y = ob.get(id);
    if (x && y && JSON.stringify(x.manifest) === JSON.stringify(y.manifest)) continue;
    if (explained.has(id) || explained.has(key((y ?? x)!.manifest))) continue;
    out.push({ kind: 'object', subject: id, summary: !x ? 'added' : !y ? 'removed' : 'changed (fields the summary above does not read)' });
  }
  return out;
}

/** The changes as markdown, for a pull request comment. */
export function meshDiffMarkdown(changes: readonly MeshChange[], from: string, to: string): string {
  if (changes.length === 0) return `No mesh changes from \`${from}\` to \`${to}\`.\n`;
  const lines = [`### Mesh changes: \`${from}\` → \`${to}\``, ''];
  for (const c of changes) lines.push(`- **${c.subject}**: ${c.summary}`);
  return `${lines.join('\n')}\n`;
}
