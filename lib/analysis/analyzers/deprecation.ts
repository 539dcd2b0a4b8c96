import { isObj, list, nameOf } from '../context';
import { AnalyzedObject, Analyzer, FindingLevel } from '../model';

/*
 * Deprecated fields: Istio's `deprecation` analyzers (istio/istio pkg/config/analysis/analyzers/deprecation/), one file per Istio package.
 */

const NET = 'networking.istio.io';
const name = nameOf;
type Obj = { [k: string]: unknown };
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const spec = (o: AnalyzedObject) => obj(o.manifest.spec);

const deprecatedFields: Analyzer = {
  analyzer: 'deprecation.FieldAnalyzer',
  code: 'IST0002',
  name: 'Deprecated',
  level: FindingLevel.WARNING,
  description: 'a deprecated field is used: a VirtualService fault\'s percent or mirrorPercent, a Sidecar\'s outboundTrafficPolicy.egressProxy',
  run: ctx => [
    ...ctx.of('VirtualService', NET).flatMap(vs => list(spec(vs).http as unknown[]).map(obj).flatMap((r, i) => {
      const fault = obj(r.fault);
      const percentage = (v: unknown) => `percentage: { value: ${typeof v === 'number' ? v : JSON.stringify(v)} }`;
      return [
        ...(['delay', 'abort'] as const).filter(k => obj(fault[k]).percent !== undefined).map(k => ({
          shown: `http[${i}].fault.${k}.percent`,
          field: `spec.http[${i}].fault.${k}.percent`,
          value: obj(fault[k]).percent,
          fix: `write ${percentage(obj(fault[k]).percent)} in spec.http[${i}].fault.${k} instead`,
        })),
        ...(r.mirrorPercent !== undefined ? [{
          shown: `http[${i}].mirror_percent`,
          field: `spec.http[${i}].mirrorPercent`,
          value: r.mirrorPercent,
          fix: `write mirrorPercentage: { value: ${typeof r.mirrorPercent === 'number' ? r.mirrorPercent : JSON.stringify(r.mirrorPercent)} } in spec.http[${i}] instead`,
        }] : []),
      ].map(({ shown, field, value, fix }) => ({ object: vs, message: `VirtualService '${name(vs)}' uses the deprecated field ${shown}`, field, value, fix }));
    })),
    ...ctx.of('Sidecar', NET).filter(s => obj(spec(s).outboundTrafficPolicy).egressProxy !== undefined).map(s => ({
      object: s,
      message: `Sidecar '${name(s)}' uses the deprecated field outboundTrafficPolicy.egressProxy`,
      field: 'spec.outboundTrafficPolicy.egressProxy',
      value: obj(spec(s).outboundTrafficPolicy).egressProxy,
      fix: 'remove it, and send the traffic through an egress gateway (a Gateway, and a VirtualService routing the external host to it) instead',
    })),
  ],
};

/** Istio's `deprecation` analyzers. */
export const DEPRECATION_ANALYZERS: Analyzer[] = [deprecatedFields];
