import { ApiObject, App, Chart, DependencyGraph, Names } from 'cdk8s';
import { IConstruct } from 'constructs';
import { InstallationFacts, installationOf } from './installations';
import { MeshChart } from './mesh-chart';
import { meshError, problem, validationProblems } from '../../core/errors';
import { MeshSettings } from '../../core/settings';
import { InstallationModel } from '../../render/install/model';
import { Manifest } from '../../render/model';

/** One chart of an app, rendered. */
export interface RenderedChart {
  /** The chart. */
  readonly chart: Chart;
  /** Its file name without extension: `MeshChart.fileName`, else cdk8s's name for the chart. */
  readonly fileName: string;
  /** Its objects, in apply order. */
  readonly objects: Manifest[];
  /** The construct (ApiObject) of each object, in the same order. */
  readonly constructs: ApiObject[];
  /** The group of alternatives the chart is one of (`MeshChart.alternativeGroup`); undefined for a chart of the base. */
  readonly alternativeGroup?: string;
  /** The mesh installation the chart holds (IstioInstallation, LinkerdInstallation), if any: at most one per chart. @internal */
  readonly installation?: { readonly model: InstallationModel; readonly facts: InstallationFacts };
}

/** API groups of mesh routing and policy: applied after the workloads they select. */
const MESH_GROUPS = new Set(['networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'extensions.istio.io', 'gateway.networking.k8s.io', 'policy.linkerd.io']);

/**
 * The apply tier of an object: 0 for Namespaces and CRDs (everything else may need them), 1 for
 * workloads and plain Kubernetes objects, 2 for mesh routing and policy (they refer to those).
 */
export function applyTier(m: Manifest): number {
  if (m.kind === 'Namespace' || m.kind === 'CustomResourceDefinition') return 0;
  const group = m.apiVersion.includes('/') ? m.apiVersion.split('/')[0] : '';
  return MESH_GROUPS.has(group) ? 2 : 1;
}

/**
 * A chart's objects in tier order (stable: cdk8s's order within a tier), rendered, with sync-wave annotations if asked:
 * `objects` and `constructs` in the same order. One bucket per tier (three), not a sort.
 */
function ordered(constructs: readonly ApiObject[], syncWaves: boolean): { objects: Manifest[]; constructs: ApiObject[] } {
  const tiers: Array<Array<{ m: Manifest; c: ApiObject }>> = [[], [], []];
  for (const c of constructs) {
    const m = c.toJson() as Manifest;
    tiers[applyTier(m)].push({ m, c });
  }
  const out = { objects: [] as Manifest[], constructs: [] as ApiObject[] };
  tiers.forEach((objects, tier) => {
    for (const { m, c } of objects) {
      out.constructs.push(c);
      out.objects.push(syncWaves
        ? { ...m, metadata: { ...m.metadata, annotations: { ...(m.metadata.annotations ?? {}), 'argocd.argoproj.io/sync-wave': m.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? String(tier) } } }
        : m);
    }
  });
  return out;
}

/**
 * A chart's objects in cdk8s's own order (its dependency graph; each object in its closest chart),
 * as `Chart.toJson()` gives them, without the whole-app validation `Chart.toJson()` repeats on
 * every call: `renderApp` has just validated once. Without any dependency in the app, cdk8s's
 * topological order is the construct tree's pre-order: the objects of each chart, in the app's pre-order
 * (`all`), grouped by chart in one pass (`byChart`), and the graph is not built.
 */
function objectsOf(chart: Chart, anyDependencies: boolean, byChart: ReadonlyMap<Chart, ApiObject[]>): ApiObject[] {
  if (!anyDependencies) return byChart.get(chart) ?? [];
  return new DependencyGraph(chart.node).topology().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart);
}

/** The group of alternatives a chart is one of (`MeshChart.alternativeGroup`), or undefined. */
function alternativeGroupOf(chart: Chart): string | undefined {
  return chart instanceof MeshChart ? (chart as MeshChart).alternativeGroup : undefined;
}

/**
 * Validates a cdk8s app (every construct's validations, all reported at once in cdk8s's format)
 * and renders each chart once, its objects in an order `kubectl apply -f` accepts in one pass
 * (Namespaces and CRDs, then workloads, then mesh routing), with Argo CD sync waves when the chart's
 * settings ask. What every host carries: `MeshApp` writes it as YAML, the Pulumi component registers
 * it as resources, so both emit the same objects.
 */
export function renderApp(app: App): RenderedChart[] {
  const all = app.node.findAll();
  const problems = all.flatMap(validationProblems);
  if (problems.length > 0) {
    // cdk8s's words and layout (App.synth's validate), each problem on its line with its construct path
    throw meshError(problems, { header: 'Validation failed with the following errors:' });
  }
  // Dependencies order charts and objects; cdk8s also makes a chart depend on the charts nested in it.
  const anyDependencies = all.some(c => c.node.dependencies.length > 0 || (c instanceof Chart && c.node.children.some(k => k instanceof Chart)));
  if (anyDependencies) {
    // cdk8s turns construct dependencies into chart- and object-level ones here (a test compares
    // the order with cdk8s's App), at one extra render.
    try {
      app.synthYaml();
    } catch (e) {
      // cdk8s's own words for a cycle: our error shape, with the fix
      const cycle = /^Dependency cycle detected: (.*)$/.exec((e as Error)?.message ?? '');
      if (cycle) {
        // cdk8s's route (lib/dependency.ts, DependencyVertex.addChild): each path depends on the next one
        const paths = cycle[1].split(' => ');
        const edges = paths.slice(0, -1).map((p, i) => `'${p}' on '${paths[i + 1]}'`);
        throw meshError([problem('addDependency', 'must not form a cycle: each chart is applied after the ones it depends on', paths,
          `remove one of these dependencies (chart.addDependency / node.addDependency): ${edges.join(', ')}`)], { path: paths[0] });
      }
      throw e;
    }
  }
  // `app.charts` builds the whole app's dependency graph to order the charts; without dependencies
  // that order is the construct tree's pre-order, which `all` already is.
  const charts = anyDependencies ? app.charts : all.filter((c): c is Chart => c instanceof Chart);
  const installations = new Map<Chart, IConstruct[]>();
  const byChart = new Map<Chart, ApiObject[]>();
  for (const c of all) {
    if (c instanceof ApiObject) {
      const chart = Chart.of(c);
      const objects = byChart.get(chart);
      if (objects) objects.push(c);
      else byChart.set(chart, [c]);
    }
    if (!installationOf(c)) continue;
    const chart = Chart.of(c);
    installations.set(chart, [...(installations.get(chart) ?? []), c]);
  }
  return charts.map(chart => {
    const objects = ordered(objectsOf(chart, anyDependencies, byChart), MeshSettings.of(chart).argoCdSyncWaves);
    const held = installations.get(chart) ?? [];
    if (held.length > 1) {
      throw meshError([problem('installation', 'must be one per chart: its files are the chart\'s folder of the output', held.map(c => c.node.path),
        `put each installation in a chart of its own: move '${held[1].node.path}' out of '${chart.node.path}'`)], { path: chart.node.path });
    }
    return {
      chart,
      fileName: (chart instanceof MeshChart ? (chart as MeshChart).fileName : undefined) ?? Names.toDnsLabel(chart),
      ...(alternativeGroupOf(chart) !== undefined ? { alternativeGroup: alternativeGroupOf(chart) } : {}),
      objects: objects.objects,
      constructs: objects.constructs,
      ...(held.length === 1 ? { installation: installationOf(held[0])!._installation() } : {}),
    };
  });
}
