import { RenderedChart } from './render-app';
import { analyze, AnalysisReport, FindingLevel, findingLine } from '../../analysis';
import { AnalyzedObject } from '../../analysis/model';
import { MeshValidationError } from '../../core/errors';
import { MeshSettings } from '../../core/settings';

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
}

/** The objects of rendered charts, as the analyzers see them. */
export function analyzedObjects(charts: readonly RenderedChart[]): AnalyzedObject[] {
  return charts.flatMap(c => c.objects.map((manifest, i) => ({
    manifest, construct: c.constructs[i], file: c.fileName, mesh: MeshSettings.of(c.chart).mesh as string,
  })));
}

/**
 * Runs the synth-time analysis over rendered charts. Throws, naming every error, when Istio would
 * call any finding an error (or a warning, with `warningsAsErrors`); otherwise returns the report.
 */
export function analyzeCharts(charts: readonly RenderedChart[], options: AnalysisOptions = {}): AnalysisReport {
  const report = analyze(analyzedObjects(charts), { warningsAsErrors: options.warningsAsErrors });
  const errors = report.at(FindingLevel.ERROR);
  if (errors.length > 0) {
    throw new MeshValidationError(`Analysis found ${errors.length} error${errors.length > 1 ? 's' : ''}; nothing was written:\n  ${errors.map(findingLine).join('\n  ')}`);
  }
  return report;
}
