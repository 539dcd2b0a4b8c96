import { exportsToAll, isObj, list, nameOf, strs, toFqdn } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

const NET = 'networking.istio.io';
const name = nameOf;
type Obj = { [k: string]: unknown };
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const spec = (o: AnalyzedObject) => obj(o.manifest.spec);

const serviceEntryAddresses: Analyzer = {
  analyzer: 'serviceentry.ProtocolAddressesAnalyzer',
  code: 'IST0134',
  name: 'ServiceEntryAddressesRequired',
  level: FindingLevel.WARNING,
  description: 'a ServiceEntry port is TCP (or has no protocol) and the entry has no addresses, while the mesh does not allocate them (ISTIO_META_DNS_AUTO_ALLOCATE)',
  run: ctx => (ctx.meshConfig.dnsAutoAllocate ? [] : ctx.of('ServiceEntry', NET).flatMap(se => {
    if (spec(se).addresses !== undefined && spec(se).addresses !== null) return [];
    // addresses Istio already allocated (status.addresses)
    if (list(obj(se.manifest.status).addresses as unknown[]).length > 0) return [];
    return list(spec(se).ports as unknown[]).map(obj).filter(p => p.protocol === undefined || p.protocol === '' || String(p.protocol).toUpperCase() === 'TCP').map(p => ({
      object: se,
      message: `ServiceEntry '${name(se)}' port ${p.number} is ${p.protocol ? String(p.protocol) : 'without a protocol'} and the entry has no addresses: give it addresses, or a protocol Istio can route by (HTTP, TLS)`,
    }));
  })),
};

const conflictingProtocols: Analyzer = {
  analyzer: 'serviceentry.ConflictingServiceEntryProtocolAnalyzer',
  code: 'IST0177',
  name: 'ConflictingServiceEntryProtocol',
  level: FindingLevel.WARNING,
  description: 'ServiceEntries visible in a common namespace declare one host and port with different protocols',
  run: ctx => {
    const entries = ctx.of('ServiceEntry', NET).flatMap(se => {
      const ns = ctx.namespaceOf(se);
      const exportTo = strs(spec(se).exportTo).map(String);
      const scopes = exportsToAll(exportTo) ? ['*'] : exportTo.map(e => (e === '.' ? ns : e));
      return strs(spec(se).hosts).flatMap(h => list(spec(se).ports as unknown[]).map(obj).map(p => ({
        se, scopes, host: toFqdn(ns, String(h)), port: Number(p.number), protocol: String(p.protocol ?? '').toUpperCase(),
      })));
    });
    const overlap = (a: string[], b: string[]) => a.includes('*') || b.includes('*') || a.some(x => b.includes(x));
    const found: RawFinding[] = [];
    const reported = new Set<AnalyzedObject>();
    for (const e of entries) {
      const other = entries.find(o => o.se !== e.se && o.host === e.host && o.port === e.port && o.protocol !== e.protocol
        && overlap(e.scopes, o.scopes));
      if (other && !reported.has(e.se)) {
        reported.add(e.se);
        found.push({ object: e.se, message: `ServiceEntry '${name(e.se)}' declares ${e.host}:${e.port} as ${e.protocol || 'no protocol'}, ServiceEntry '${ctx.namespaceOf(other.se)}/${name(other.se)}' as ${other.protocol || 'no protocol'}: one of them is ignored` });
      }
    }
    return found;
  },
};

/** Istio's EnvoyFilter patch checks (envoyfilter.EnvoyPatchAnalyzer), in the order Istio walks the filters. */
function envoyFilterFindings(ctx: AnalysisContext): Array<RawFinding & { code: string }> {
  const out: Array<RawFinding & { code: string }> = [];
  let withProxyVersion: string[] = [];
  for (const ef of ctx.of('EnvoyFilter', NET)) {
    const priority = Number(spec(ef).priority ?? 0);
    for (const [i, raw] of list(spec(ef).configPatches as unknown[]).entries()) {
      const patchItem = obj(raw);
      if (patchItem.patch === undefined || patchItem.patch === null) break;
      const patch = obj(patchItem.patch);
      const match = obj(patchItem.match);
      const value = obj(patch.value);
      const instance = value.name !== undefined ? JSON.stringify(value.name) : JSON.stringify(obj(obj(obj(match.listener).filterChain).filter).name ?? '');
      const applyTo = String(patchItem.applyTo ?? '');
      const op = String(patch.operation ?? '');
      const at = `configPatches[${i}]`;
      const relative = () => {
        if (priority !== 0) return;
        const versioned = withProxyVersion.includes(instance);
        out.push(versioned
          ? { code: 'IST0155', object: ef, message: `EnvoyFilter '${name(ef)}' uses a relative operation with a proxyVersion match and no priority: its order against other EnvoyFilters changes with upgrades; set priority` }
          : { code: 'IST0151', object: ef, message: `EnvoyFilter '${name(ef)}' uses a relative operation (INSERT_BEFORE, INSERT_AFTER, REPLACE, REMOVE) without a priority: its result depends on the order EnvoyFilters are applied; set priority` });
      };
      const route = applyTo === 'ROUTE_CONFIGURATION' || applyTo === 'HTTP_ROUTE';
      if (op === 'ADD') {
        if (route) out.push({ code: 'IST0153', object: ef, message: `EnvoyFilter '${name(ef)}' uses ADD on ${applyTo} (${at}), where Istio ignores it` });
      } else if (op === 'REMOVE') {
        if (route) out.push({ code: 'IST0154', object: ef, message: `EnvoyFilter '${name(ef)}' uses REMOVE on ${applyTo} (${at}), where Istio ignores it` });
        else relative();
      } else if (op === 'REPLACE') {
        if (!['NETWORK_FILTER', 'HTTP_FILTER', 'VIRTUAL_HOST'].includes(applyTo)) out.push({ code: 'IST0152', object: ef, message: `EnvoyFilter '${name(ef)}' uses REPLACE on ${applyTo || 'nothing'} (${at}): REPLACE applies to HTTP_FILTER, NETWORK_FILTER and VIRTUAL_HOST only` });
        else relative();
      } else if (op === 'INSERT_BEFORE' || op === 'INSERT_AFTER') {
        relative();
      }
      if (obj(match.proxy).proxyVersion) withProxyVersion = [...withProxyVersion, instance];
    }
  }
  return out;
}

const envoyFilterCache = new WeakMap<readonly AnalyzedObject[], Array<RawFinding & { code: string }>>();
const envoyFilter = (code: string, n: string, level: FindingLevel, description: string): Analyzer => ({
  analyzer: 'envoyfilter.EnvoyPatchAnalyzer',
  code,
  name: n,
  level,
  description,
  run: ctx => {
    let all = envoyFilterCache.get(ctx.objects);
    if (!all) {
      all = envoyFilterFindings(ctx);
      envoyFilterCache.set(ctx.objects, all);
    }
    return all.filter(f => f.code === code).map(({ object, message }) => ({ object, message }));
  },
});

const deprecatedFields: Analyzer = {
  analyzer: 'deprecation.FieldAnalyzer',
  code: 'IST0002',
  name: 'Deprecated',
  level: FindingLevel.WARNING,
  description: 'a deprecated field is used: a VirtualService fault\'s percent or mirrorPercent, a Sidecar\'s outboundTrafficPolicy.egressProxy',
  run: ctx => [
    ...ctx.of('VirtualService', NET).flatMap(vs => list(spec(vs).http as unknown[]).map(obj).flatMap((r, i) => {
      const fault = obj(r.fault);
      return [
        ...(obj(fault.delay).percent !== undefined ? [`http[${i}].fault.delay.percent (use percentage)`] : []),
        ...(obj(fault.abort).percent !== undefined ? [`http[${i}].fault.abort.percent (use percentage)`] : []),
        ...(r.mirrorPercent !== undefined ? [`http[${i}].mirror_percent (use mirrorPercentage)`] : []),
      ].map(f => ({ object: vs, message: `VirtualService '${name(vs)}' uses the deprecated field ${f}` }));
    })),
    ...ctx.of('Sidecar', NET).filter(s => obj(spec(s).outboundTrafficPolicy).egressProxy !== undefined)
      .map(s => ({ object: s, message: `Sidecar '${name(s)}' uses the deprecated field outboundTrafficPolicy.egressProxy` })),
  ],
};

/** ServiceEntry, EnvoyFilter and deprecation checks. */
export const MISC_ANALYZERS: Analyzer[] = [
  serviceEntryAddresses, conflictingProtocols, deprecatedFields,
  envoyFilter('IST0151', 'EnvoyFilterUsesRelativeOperation', FindingLevel.WARNING, 'an EnvoyFilter patch uses a relative operation (INSERT_BEFORE/AFTER, REPLACE, REMOVE) without a priority'),
  envoyFilter('IST0152', 'EnvoyFilterUsesReplaceOperationIncorrectly', FindingLevel.ERROR, 'an EnvoyFilter uses REPLACE on something other than HTTP_FILTER or NETWORK_FILTER'),
  envoyFilter('IST0153', 'EnvoyFilterUsesAddOperationIncorrectly', FindingLevel.ERROR, 'an EnvoyFilter uses ADD on ROUTE_CONFIGURATION or HTTP_ROUTE, where it is ignored'),
  envoyFilter('IST0154', 'EnvoyFilterUsesRemoveOperationIncorrectly', FindingLevel.ERROR, 'an EnvoyFilter uses REMOVE on ROUTE_CONFIGURATION or HTTP_ROUTE, where it is ignored'),
  envoyFilter('IST0155', 'EnvoyFilterUsesRelativeOperationWithProxyVersion', FindingLevel.WARNING, 'an EnvoyFilter patch with a proxyVersion match uses a relative operation without a priority'),
];

