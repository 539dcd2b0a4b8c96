import { exportsToAll, isObj, list, nameOf, strs, toFqdn } from '../context';
import { AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

/*
 * ServiceEntries: Istio's `serviceentry` analyzers (istio/istio pkg/config/analysis/analyzers/serviceentry/), one file per Istio package.
 */

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
    return list(spec(se).ports as unknown[]).map(obj).flatMap((p, i) => (p.protocol === undefined || p.protocol === '' || String(p.protocol).toUpperCase() === 'TCP' ? [{
      object: se,
      message: `ServiceEntry '${name(se)}' port ${p.number} is ${p.protocol ? String(p.protocol) : 'without a protocol'} and the entry has no addresses`,
      field: p.protocol ? `spec.ports[${i}].protocol` : `spec.ports[${i}]`,
      value: p.protocol ? p.protocol : p,
      fix: 'give it addresses, or a protocol Istio can route by (HTTP, TLS)',
    }] : []));
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
      return strs(spec(se).hosts).flatMap(h => list(spec(se).ports as unknown[]).map(obj).map((p, i) => ({
        se, scopes, host: toFqdn(ns, String(h)), port: Number(p.number), protocol: String(p.protocol ?? '').toUpperCase(), at: i,
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
        found.push({
          object: e.se,
          message: `ServiceEntry '${name(e.se)}' declares ${e.host}:${e.port} as ${e.protocol || 'no protocol'}, ServiceEntry '${ctx.namespaceOf(other.se)}/${name(other.se)}' as ${other.protocol || 'no protocol'}: one of them is ignored`,
          field: `spec.ports[${e.at}].protocol`,
          value: e.protocol || null,
          fix: `give port ${e.port} of '${e.host}' one protocol in both ServiceEntries (${other.protocol ? `${other.protocol}, as '${ctx.namespaceOf(other.se)}/${name(other.se)}' declares it` : e.protocol}), or declare it in only one of them`,
        });
      }
    }
    return found;
  },
};

/** Istio's `serviceentry` analyzers. */
export const SERVICE_ENTRY_ANALYZERS: Analyzer[] = [serviceEntryAddresses, conflictingProtocols];
