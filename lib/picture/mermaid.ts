import { MeshIntent, meshIntent } from './mesh-intent';
import { Manifest } from '../render/model';

/**
 * Text for a Mermaid label in double quotes: Mermaid's entity codes for what it reads specially (quotes, `#`, backticks,
 * `<`/`>`, `|`), so any name — unicode included — renders as written.
 */
export function mermaidText(s: string): string {
  return s.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/`/g, '#96;').replace(/</g, '#lt;').replace(/>/g, '#gt;')
    .replace(/\|/g, '#124;').replace(/[\r\n]+/g, ' ');
}

/** Past this many services, routes and gateways in one file, the picture summarises by namespace. */
export const PICTURE_MAX_NODES = 150;

/** A Mermaid flowchart of one set of objects (a chart's file). */
export function mermaidFlowchart(intent: MeshIntent): string {
  const lines = ['flowchart LR'];
  const ids = new Map<string, string>();
  const id = (key: string) => {
    let v = ids.get(key);
    if (!v) ids.set(key, v = `n${ids.size}`);
    return v;
  };
  const size = intent.services.length + intent.routes.length + intent.gateways.length;
  if (size > PICTURE_MAX_NODES) {
    // too many to read: one node per namespace with what it holds
    const byNs = new Map<string, { services: number; routes: number; gateways: number }>();
    const at = (ns: string) => byNs.get(ns) ?? byNs.set(ns, { services: 0, routes: 0, gateways: 0 }).get(ns)!;
    for (const s of intent.services) at(s.namespace).services++;
    for (const r of intent.routes) at(r.namespace).routes++;
    for (const g of intent.gateways) at(g.namespace).gateways++;
    for (const [ns, c] of [...byNs].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`  ${id(`ns/${ns}`)}["${mermaidText(`namespace ${ns}`)}<br/>${c.services} services · ${c.routes} routes · ${c.gateways} gateways"]`);
    }
    lines.push(`  %% summarised by namespace: ${size} services, routes and gateways (more than ${PICTURE_MAX_NODES})`);
    return `${lines.join('\n')}\n`;
  }
  const serviceKey = (ns: string, host: string) => (host.includes('.') || host.includes('/') ? `host/${host}` : `svc/${ns}/${host}`);
  // services, each a subgraph of its versions
  const versionsOf = new Map<string, Set<string>>();
  for (const s of intent.services) versionsOf.set(`svc/${s.namespace}/${s.name}`, new Set(s.versions));
  for (const r of intent.routes) {
    for (const rule of r.rules) {
      for (const d of rule.destinations) {
        const key = serviceKey(r.namespace, d.host);
        const v = versionsOf.get(key) ?? versionsOf.set(key, new Set()).get(key)!;
        if (d.version) v.add(d.version);
      }
    }
  }
  const labelOf = (key: string) => (key.startsWith('svc/') ? `${key.split('/')[2]} · ${key.split('/')[1]}` : key.slice('host/'.length));
  for (const [key, versions] of [...versionsOf].sort(([a], [b]) => a.localeCompare(b))) {
    if (versions.size === 0) {
      lines.push(`  ${id(key)}["${mermaidText(labelOf(key))}"]`);
      continue;
    }
    lines.push(`  subgraph ${id(key)}["${mermaidText(labelOf(key))}"]`);
    for (const v of [...versions].sort()) lines.push(`    ${id(`${key}/${v}`)}(["${mermaidText(v)}"])`);
    lines.push('  end');
  }
  for (const g of intent.gateways) {
    const listeners = g.listeners.map(l => mermaidText(`:${l.port} ${l.protocol} ${l.hosts.join(' ')}`)).join('<br/>');
    lines.push(`  ${id(`gw/${g.namespace}/${g.name}`)}[/"${mermaidText(`${g.kind} ${g.namespace}/${g.name}`)}<br/>${listeners}"\\]`);
  }
  for (const e of intent.external) {
    lines.push(`  ${id(`se/${e.namespace}/${e.name}`)}{{"${mermaidText(`external ${e.hosts.join(' ')}`)}${e.ports.length > 0 ? mermaidText(` :${e.ports.join(',')}`) : ''}"}}`);
  }
  const edges: string[] = [];
  for (const r of intent.routes) {
    const rid = id(`route/${r.namespace}/${r.kind}/${r.name}`);
    lines.push(`  ${rid}{{"${mermaidText(`${r.kind} ${r.namespace}/${r.name}`)}<br/>${mermaidText(`hosts: ${r.hosts.join(' ') || '-'}`)}"}}`);
    for (const g of r.gateways) {
      const gid = ids.get(`gw/${g}`) ?? id(`gw/${g}`);
      if (!intent.gateways.some(x => `${x.namespace}/${x.name}` === g)) lines.push(`  ${gid}[/"${mermaidText(`gateway ${g}`)}"\\]`);
      edges.push(`  ${gid} --> ${rid}`);
    }
    r.rules.forEach((rule, i) => {
      const marks = [rule.fault ? `fault: ${rule.fault}` : '', rule.other ?? ''].filter(x => x !== '');
      for (const d of rule.destinations) {
        const key = serviceKey(r.namespace, d.host);
        const target = id(d.version ? `${key}/${d.version}` : key);
        edges.push(`  ${rid} -- "${mermaidText(`${i + 1}. ${rule.match} · ${d.weight}%${marks.length > 0 ? ` · ${marks.join(' · ')}` : ''}`)}" --> ${target}`);
      }
      if (rule.destinations.length === 0 && marks.length > 0) {
        const note = id(`route/${r.namespace}/${r.kind}/${r.name}/${i}`);
        lines.push(`  ${note}["${mermaidText(marks.join(' · '))}"]`);
        edges.push(`  ${rid} -- "${mermaidText(`${i + 1}. ${rule.match}`)}" --> ${note}`);
      }
      if (rule.mirror) {
        const [host] = rule.mirror.split(' ');
        const [h, v] = host.split('/');
        const key = serviceKey(r.namespace, h);
        if (!ids.has(v ? `${key}/${v}` : key)) lines.push(`  ${id(v ? `${key}/${v}` : key)}["${mermaidText(host)}"]`);
        edges.push(`  ${rid} -. "${mermaidText(`${i + 1}. mirror ${rule.mirror.split(' ').slice(1).join(' ')}`)}" .-> ${id(v ? `${key}/${v}` : key)}`);
      }
    });
  }
  for (const a of intent.access) {
    const target = a.target.endsWith('/*') ? `ns/${a.target.slice(0, -2)}` : `svc/${a.target}`;
    if (!ids.has(target)) lines.push(`  ${id(target)}["${mermaidText(a.target.endsWith('/*') ? `namespace ${a.target.slice(0, -2)}` : labelOf(target))}"]`);
    const verb = a.action === 'DENY' ? 'denied' : a.action === 'ALLOW' ? 'may call' : a.action.toLowerCase();
    if (a.callers.length === 0) {
      lines.push(`  ${id(`authz/${a.namespace}/${a.name}`)}["${mermaidText(`${a.kind} ${a.name}: ${a.action === 'ALLOW' ? 'nobody may call' : a.action}`)}"]`);
      edges.push(`  ${id(`authz/${a.namespace}/${a.name}`)} -.- ${id(target)}`);
      continue;
    }
    for (const c of a.callers) {
      const key = /^[a-z0-9-]+\/[a-z0-9-]+$/.test(c) ? `svc/${c}` : `id/${c}`;
      if (!ids.has(key)) lines.push(`  ${id(key)}["${mermaidText(key.startsWith('svc/') ? labelOf(key) : c)}"]`);
      edges.push(`  ${id(key)} -. "${mermaidText(verb)}" .-> ${id(target)}`);
    }
  }
  for (const t of intent.mtls) lines.push(`  ${id(`mtls/${t.scope}`)}[("${mermaidText(`mTLS ${t.mode} · ${t.scope}`)}")]`);
  if (lines.length === 1) lines.push(`  ${id('empty')}["${mermaidText('no services, gateways or routes')}"]`);
  return `${[...lines, ...edges].join('\n')}\n`;
}

/**
 * The picture of an app: one Mermaid flowchart per synthesized file, in the files' order, in a markdown document. A
 * file's objects are read with what is applied beside it, as the analysis reads them: the files of no alternative group
 * (`MeshChart.alternativeGroup`), and the file itself — never its siblings (a ServiceAccount's workloads declared in
 * another step of a task are not this step's callers).
 */
export function meshPictureMarkdown(
  files: ReadonlyArray<{ readonly file: string; readonly objects: readonly Manifest[]; readonly alternativeGroup?: string }>,
): string {
  const out = [
    '# Mesh picture',
    '',
    'Generated by mesh-kit at synth, one flowchart per file beside this one: gateways and their listeners → routes (their',
    'rules in order: match · weight) → services and their versions; dashed, mirrors and who may call whom (authorization);',
    'mutual TLS modes as cylinders, external hosts as hexagons.',
    '',
  ];
  const base = files.filter(f => f.alternativeGroup === undefined);
  for (const f of files) {
    const context = [...base, ...(f.alternativeGroup === undefined ? [] : [f])].flatMap(c => c.objects);
    out.push(`## ${f.file}`, '', '```mermaid', mermaidFlowchart(meshIntent(f.objects, context)).trimEnd(), '```', '');
  }
  return out.join('\n');
}
