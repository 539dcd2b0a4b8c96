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

/** Istio's `deprecation` analyzers. */
export const DEPRECATION_ANALYZERS: Analyzer[] = [deprecatedFields];
