import * as fs from 'fs';
import { RenderedChart } from './render-app';
import { analyze, AnalysisReport, FindingLevel } from '../../analysis';
import { AnalysisExternals, AnalyzedObject, Finding } from '../../analysis/model';
import { schemaFindings } from '../../analysis/schema-findings';
import { meshError, problem } from '../../core/errors';
import { importsOfApp } from '../../core/external-references';
import { holdsToken } from '../../core/late-values';
import { LinkerdVersion, MeshProvider, MeshSettings } from '../../core/settings';
import { SchemaValidation } from '../../schema';


/** Options of the synth-time analysis (`MeshApp`'s and `MeshComponent`'s `analysis`). */
export interface AnalysisOptions {
  /**
   * Treat the findings Istio calls warnings as errors: synth stops on them.
   * @default false
   */
  readonly warningsAsErrors?: boolean;

  /**
   * The file, under the app's output folder, the report is written to (JSON: every finding,
   * suppressed ones with their reason). Empty to write none.
   * @default 'mesh-kit-analysis.json'
   */
  readonly reportFile?: string;

  /**
   * Print warnings (and suppressed findings) to standard error at synth.
   * @default true
   */
  readonly printWarnings?: boolean;

  /**
   * What every object is validated against (IST0106 on any problem; synth stops): unknown fields,
   * types, enums, limits and CEL rules, as the API server would. `SchemaValidation.fromCrdFiles(...)`
   * replaces the pinned schemas with your clusters' CRDs (so does the environment variable
   * `MESH_KIT_CRDS`, paths separated by `:`); `SchemaValidation.off()` turns validation off.
   * @default - SchemaValidation.pinned(), or the files of MESH_KIT_CRDS when it is set
   */
  readonly schemaValidation?: SchemaValidation;

  /**
   * What exists outside the app. The analysis treats the app as part of a mesh: a reference to a Service,
   * gateway, Secret or namespace that is neither among the app's objects, nor Istio's default ingress gateway (assumed only
   * when the app declares no IstioInstallation),
   * nor imported (`MeshService.fromAttributes`, `IngressGateway.fromAttributes`, `MeshNamespace.fromName`), nor
   * listed here is IST0101, as `istioctl analyze` reports it.
   * @default - nothing but what the app imports
   */
  readonly externals?: AnalysisExternals;

  /**
   * The mesh config the checks read (`rootNamespace`, `defaultProviders`, `extensionProviders`,
   * `defaultConfig.proxyMetadata`), as Istio's `meshConfig` (e.g. the istiod chart's `meshConfig` value).
   * @default - the mesh config of the app's IstioInstallation (the default revision's), else Istio's defaults (root namespace istio-system)
   */
  readonly meshConfig?: { readonly [key: string]: unknown };
}

function mergeExternals(a: AnalysisExternals | undefined, b: AnalysisExternals): AnalysisExternals {
  const both = (k: keyof AnalysisExternals) => [...(a?.[k] ?? []), ...(b[k] ?? [])];
  return {
    namespaces: both('namespaces'), services: both('services'), hosts: both('hosts'), gateways: both('gateways'), secrets: both('secrets'), workloads: both('workloads'),
  };
}

/** An app's world: charts applied together, named as the report names it. */
interface World {
  readonly name: string;
  readonly objects: AnalyzedObject[];
}

/**
 * The worlds an app's charts are analyzed in: `base`, the charts of no alternative group (`MeshChart.alternativeGroup`),
 * always applied; then, for each chart of a group, `base + <file>`: the base and that chart, never its siblings. An app
 * without groups is one world, `base`.
 */
function worldsOf(charts: readonly RenderedChart[], objects: ReadonlyMap<RenderedChart, AnalyzedObject[]>): World[] {
  const base = charts.filter(c => c.alternativeGroup === undefined);
  const of = (cs: readonly RenderedChart[]) => cs.flatMap(c => objects.get(c)!);
  return [
    { name: 'base', objects: of(base) },
    ...charts.filter(c => c.alternativeGroup !== undefined).map(alt => ({
      name: `base + ${alt.fileName}`,
      objects: of(charts.filter(c => c === alt || c.alternativeGroup === undefined)),
    })),
  ];
}

/** The objects of rendered charts, as the analyzers see them. */
export function analyzedObjects(charts: readonly RenderedChart[]): AnalyzedObject[] {
  return charts.flatMap(c => {
    const mesh = MeshSettings.of(c.chart).mesh as string;
    return [
      ...c.objects.map((manifest, i) => ({ manifest, construct: c.constructs[i], file: c.fileName, mesh })),
      // what the installation's charts create (a gateway chart's pods and Service): analyzed, never written
      ...(c.installation?.facts.chartObjects ?? []).map(manifest => ({ manifest, file: `${c.fileName}/values`, mesh })),
    ];
  });
}

/** The CRD files of `MESH_KIT_CRDS` (`:`-separated), checked to exist; undefined when it is unset or empty. */
function schemaValidationFromEnv(): SchemaValidation | undefined {
  const value = process.env.MESH_KIT_CRDS;
  if (value === undefined || value.trim() === '') return undefined;
  const files = value.split(':').filter(f => f !== '');
  for (const f of files) {
    if (!fs.existsSync(f) || !fs.statSync(f).isFile()) {
      throw meshError([problem('MESH_KIT_CRDS', 'must list readable CRD files, separated by \':\'', f,
        'fix the path, or unset MESH_KIT_CRDS to validate against the pinned schemas')]);
    }
  }
  return SchemaValidation.fromCrdFiles(...files);
}

/**
 * Linkerd 2.20 reads Gateway API v1.2.1 and ignores a route with a newer field: its charts' Gateway API objects are
 * validated against v1.2.1 (an escape hatch adding a newer field is caught at synth). The edge line from edge-26.8.2
 * reads v1.5.1, whose CRDs are not pinned: its objects are validated against the pinned v1.6.0 (the default), which
 * accepts every v1.5.1 field.
 */
function linkerdGatewayApi(o: AnalyzedObject): { variant: string; why: string } | undefined {
  if (!o.manifest.apiVersion.startsWith('gateway.networking.k8s.io/') || !o.construct) return undefined;
  const s = MeshSettings.of(o.construct);
  return s.mesh === MeshProvider.LINKERD && s.linkerdVersion === LinkerdVersion.V2_20
    ? { variant: 'gateway-api-v1.2.1', why: 'Gateway API v1.2.1, which Linkerd 2.20 reads: it ignores a route with a field newer than the Gateway API installed' }
    : undefined;
}

/**
 * Runs the synth-time analysis over rendered charts. Throws, naming every error, when Istio would
 * call any finding an error (or a warning, with `warningsAsErrors`); otherwise returns the report.
 */
export function analyzeCharts(charts: readonly RenderedChart[], options: AnalysisOptions = {}): AnalysisReport {
  const byChart = new Map(charts.map(c => [c, analyzedObjects([c])]));
  const objects = charts.flatMap(c => byChart.get(c)!);
  // the mesh config and revisions of the installations the app declares (IstioInstallation)
  const istio = charts.flatMap(c => (c.installation?.facts.mesh === 'istio' ? [c.installation.facts] : []));
  const schemas = options.schemaValidation ?? schemaValidationFromEnv() ?? SchemaValidation.pinned();
  const { extra, notes } = schemas.enabled ? schemaFindings(objects, schemas, linkerdGatewayApi) : { extra: [], notes: ['schema validation: off'] };
  const common = {
    warningsAsErrors: options.warningsAsErrors,
    notes,
    world: 'partial' as const,
    // istioctl's stand-in for the default ingress gateway is for a mesh installed elsewhere: an app that declares its
    // installation has the gateways it declares, and no other (Helm installs none; the IstioOperator turns istioctl's off)
    istioDefaults: istio.length === 0,
    plainJson: true,
    // what the app imports (its own imports, never another app's: issue 29)
    externals: mergeExternals(options.externals, charts.length > 0 ? importsOfApp(charts[0].chart.node.root) : {}),
    meshConfig: options.meshConfig ?? (istio.find(f => f.revision === 'default') ?? istio[0])?.meshConfig,
    installations: { istio: istio.flatMap(f => [f.revision ?? 'default', ...(f.revisionTags ?? [])].map(revision => ({ revision, ambient: f.ambient ?? false, path: f.path }))) },
  };
  // each world is analyzed on its own: the base, then the base with each alternative (never two alternatives of one
  // group together, nor of two groups: a group's siblings are never applied together, and groups are checked one
  // alternative at a time). A finding is reported once, in the first world it was found in.
  const findings = new Map<string, Finding>();
  const suppressed = new Map<string, Finding>();
  let first: AnalysisReport | undefined;
  for (const world of worldsOf(charts, byChart)) {
    const inWorld = new Set(world.objects);
    const report = analyze(world.objects, { ...common, extra: extra.filter(e => inWorld.has(e.object)) });
    first ??= report;
    const keep = (into: Map<string, Finding>, f: Finding) => {
      const key = `${f.code}|${f.path}|${f.file}|${f.message}|${f.suppressedBecause ?? ''}`;
      if (!into.has(key)) into.set(key, { ...f, world: world.name });
    };
    for (const f of report.findings) keep(findings, f);
    for (const f of report.suppressed) keep(suppressed, f);
  }
  let report = new AnalysisReport([...findings.values()], [...suppressed.values()], [...first!.checks], [...first!.notes]);
  // a finding about a value known only at deployment (a Pulumi Output's token) is judged then, per resource
  const late = report.findings.filter(f => holdsToken(f.message));
  if (late.length > 0) {
    report = new AnalysisReport(report.findings.filter(f => !late.includes(f)), [...report.suppressed], [...report.checks], [...report.notes,
      `${late.length} finding${late.length > 1 ? 's' : ''} about values known only at deployment (Pulumi Outputs) left to the checks of each resource once they resolve: `
      + late.map(f => f.code).filter((c, i, all) => all.indexOf(c) === i).join(', ')]);
  }
  const errors = report.at(FindingLevel.ERROR);
  if (errors.length > 0) {
    // one line per finding, as findingLine writes it: `[construct path] [IST0101] message`
    throw meshError(errors.map(f => ({ path: f.path, code: f.code, message: f.message })),
      { header: `Analysis found ${errors.length} error${errors.length > 1 ? 's' : ''}; nothing was written:` });
  }
  return report;
}
