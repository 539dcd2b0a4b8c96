import { App, Chart, Names } from 'cdk8s';
import { MeshChart } from './mesh-chart';
import { Manifest } from '../../render/model';

/** One chart of an app, rendered. */
export interface RenderedChart {
  /** The chart. */
  readonly chart: Chart;
  /** Its file name without extension: `MeshChart.fileName`, else cdk8s's name for the chart. */
  readonly fileName: string;
  /** Its objects, in cdk8s's order. */
  readonly objects: Manifest[];
}

/**
 * Validates a cdk8s app (every construct's validations, all reported at once in cdk8s's format)
 * and renders each chart once. What every host carries: `MeshApp` writes it as YAML, the Pulumi
 * component registers it as resources, so both emit the same objects.
 */
export function renderApp(app: App): RenderedChart[] {
  const all = app.node.findAll();
  const errors = all.flatMap(c => c.node.validate().map(e => `[${c.node.path}] ${e}`));
  if (errors.length > 0) {
    throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }
  if (all.some(c => c.node.dependencies.length > 0)) {
    // cdk8s adds chart- and object-level dependencies here; object order within a chart comes out
    // the same without it (a test compares with cdk8s's App): a safeguard, at one extra render.
    app.synthYaml();
  }
  return app.charts.map(chart => ({
    chart,
    fileName: (chart instanceof MeshChart ? (chart as MeshChart).fileName : undefined) ?? Names.toDnsLabel(chart),
    objects: Object.values(chart.toJson()) as Manifest[],
  }));
}
