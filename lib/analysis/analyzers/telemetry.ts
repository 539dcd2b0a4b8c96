import { list, nameOf } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel } from '../model';
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
      .flatMap((l, i) => (list(l?.providers).length === 0 && l?.disabled === undefined ? [{
        object: t,
        message: `Telemetry '${name(t)}' in namespace '${ctx.namespaceOf(t)}' has an access-logging entry without providers and the mesh config has no default: it is ignored`,
        field: `spec.accessLogging[${i}].providers`,
        value: l?.providers ?? [],
        fix: `name a provider in spec.accessLogging[${i}].providers (e.g. 'envoy'), or set defaultProviders.accessLogging in the mesh config`,
      }] : [])))),
};

const lightstep: Analyzer = {
  analyzer: 'telemetry.LightstepAnalyzer',
  code: 'IST0002',
  name: 'Deprecated',
  level: FindingLevel.WARNING,
  description: 'a Telemetry uses a Lightstep provider, which Istio deprecated (use OpenTelemetry)',
  run: ctx => {
    const names = new Set(ctx.meshConfig.extensionProviders.filter(p => p.kinds.includes('lightstep')).map(p => p.name));
    const tracing = (t: AnalyzedObject) => list(spec(t).tracing as Array<{ providers?: Array<{ name?: string }> }>);
    return names.size === 0 ? [] : telemetry(ctx).flatMap(t => {
      const at = tracing(t).flatMap((tr, i) => list(tr?.providers).flatMap((p, j) => (names.has(p?.name ?? '') ? [{ i, j, name: p?.name ?? '' }] : [])))[0];
      if (!at && ctx.namespaceOf(t) !== ctx.meshConfig.rootNamespace) return [];
      const lightstepName = at?.name ?? [...names][0];
      return [{
        object: t,
        message: `Telemetry '${name(t)}': the Lightstep tracing provider is deprecated`,
        // a Telemetry of the root namespace naming none applies the mesh's providers, Lightstep's among them
        field: at ? `spec.tracing[${at.i}].providers[${at.j}].name` : 'spec.tracing',
        value: at ? at.name : lightstepName,
        fix: `use an OpenTelemetry provider instead of '${lightstepName}' (an extensionProviders entry with opentelemetry)`,
      }];
    });
  },
};

/** Istio's `telemetry` analyzers. */
export const TELEMETRY_ANALYZERS: Analyzer[] = [
  telemetrySelectorNotFound, telemetryConflict, telemetriesWithoutSelector, telemetryProviders, lightstep,
];
