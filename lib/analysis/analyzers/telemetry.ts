import { list, nameOf } from '../context';
import { AnalysisContext, Analyzer, FindingLevel } from '../model';
import { selectorChecks, selectorSpec as spec, severalNamespaceWide } from './util/selectors';

/*
 * Telemetries: Istio's `telemetry` analyzers (istio/istio pkg/config/analysis/analyzers/telemetry/), one file per Istio package.
 */

const TEL = 'telemetry.istio.io';
const name = nameOf;

const telemetry = (ctx: AnalysisContext) => ctx.of('Telemetry', TEL);
const telemetrySelectorNotFound: Analyzer = {
  analyzer: 'telemetry.SelectorAnalyzer',
  code: 'IST0101',
  name: 'ReferencedResourceNotFound',
  level: FindingLevel.ERROR,
  description: 'a Telemetry\'s selector picks no pod of its namespace',
  run: ctx => selectorChecks(ctx, telemetry(ctx), 'Telemetry', 'missing'),
};
const telemetryConflict: Analyzer = {
  analyzer: 'telemetry.SelectorAnalyzer',
  code: 'IST0159',
  name: 'ConflictingTelemetryWorkloadSelectors',
  level: FindingLevel.ERROR,
  description: 'several Telemetries select the same pod',
  run: ctx => selectorChecks(ctx, telemetry(ctx), 'Telemetry', 'conflict'),
};
const telemetriesWithoutSelector: Analyzer = {
  analyzer: 'telemetry.DefaultSelectorAnalyzer',
  code: 'IST0160',
  name: 'MultipleTelemetriesWithoutWorkloadSelectors',
  level: FindingLevel.ERROR,
  description: 'more than one Telemetry in a namespace has no workload selector',
  run: ctx => severalNamespaceWide(ctx, telemetry(ctx), 'Telemetry'),
};

const telemetryProviders: Analyzer = {
  analyzer: 'telemetry.ProviderAnalyzer',
  code: 'IST0157',
  name: 'InvalidTelemetryProvider',
  level: FindingLevel.WARNING,
  description: 'a Telemetry access-logging entry names no provider while the mesh config has no default access-logging provider: it is ignored',
  run: ctx => (ctx.meshConfig.defaultAccessLogging.length > 0 ? [] : telemetry(ctx)
    .flatMap(t => list(spec(t).accessLogging as Array<{ providers?: unknown[]; disabled?: boolean }>)
      .filter(l => list(l?.providers).length === 0 && l?.disabled === undefined)
      .map(() => ({ object: t, message: `Telemetry '${name(t)}' in namespace '${ctx.namespaceOf(t)}' has an access-logging entry without providers and the mesh config has no default: it is ignored` })))),
};

const lightstep: Analyzer = {
  analyzer: 'telemetry.LightstepAnalyzer',
  code: 'IST0002',
  name: 'Deprecated',
  level: FindingLevel.WARNING,
  description: 'a Telemetry uses a Lightstep provider, which Istio deprecated (use OpenTelemetry)',
  run: ctx => {
    const names = new Set(ctx.meshConfig.extensionProviders.filter(p => p.kinds.includes('lightstep')).map(p => p.name));
    return names.size === 0 ? [] : telemetry(ctx).filter(t => list(spec(t).tracing as Array<{ providers?: Array<{ name?: string }> }>)
      .some(tr => list(tr?.providers).some(p => names.has(p?.name ?? ''))) || ctx.namespaceOf(t) === ctx.meshConfig.rootNamespace)
      .map(t => ({ object: t, message: `Telemetry '${name(t)}': the Lightstep tracing provider is deprecated: use an OpenTelemetry provider` }));
  },
};

/** Istio's `telemetry` analyzers. */
export const TELEMETRY_ANALYZERS: Analyzer[] = [
  telemetrySelectorNotFound, telemetryConflict, telemetriesWithoutSelector, telemetryProviders, lightstep,
];
