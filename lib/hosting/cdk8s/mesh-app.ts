import * as path from 'path';
import { App, AppProps, YamlOutputType } from 'cdk8s';
import { AnalysisOptions, analyzeCharts } from './analysis';
import { RenderedChart, renderApp } from './render-app';
import { WriteFile, writeFilesAtomically } from './write-files';
import { AnalysisReport, FindingLevel, findingLine } from '../../analysis';
import { Problem, failAt, meshError, problem } from '../../core/errors';
import { checkArguments } from '../../core/input';
import { toYamlDocuments } from '../../core/yaml';
import { meshPictureMarkdown } from '../../picture/mermaid';
import { installFiles } from '../../render/install';

/** Props of a {@link MeshApp}. */
export interface MeshAppProps extends AppProps {
  /**
   * The synth-time analysis: Istio's analyzer checks over every object of the app.
   * @default - errors stop synth, warnings are printed, the report is written to `mesh-kit-analysis.json`
   */
  readonly analysis?: AnalysisOptions;

  /**
   * The file, under the output folder, the picture of the app is written to: a Mermaid flowchart per synthesized file
   * (gateways → routes → services and versions with weights, mirrors, faults, who may call whom, mutual TLS), which
   * GitHub and GitLab render in a pull request. Empty to write none.
   * @default 'mesh-kit-graph.md'
   */
  readonly graphFile?: string;
}

/**
 * A cdk8s app that writes one file per chart, named by the chart's `fileName` when it is a
 * {@link MeshChart} (e.g. `nginx-canary.stage-10`, `gateway-api/route-all-v1`), and that writes
 * nothing at all (not even the output folder) when any validation fails.
 *
 * Before writing, it runs the synth-time analysis (Istio's analyzer checks, `[IST0101]`…) over
 * every object of every chart: findings Istio calls errors stop synth; warnings are printed to
 * standard error and, with everything else found, written to the report file (cdk8s has no warning
 * channel of its own). A check is accepted on a construct with `Suppressions.add(scope, code, reason)`;
 * the report lists it with its reason.
 */
export class MeshApp extends App {
  /** The report of the last synth (or `synthFiles()`), or undefined before. */
  public report?: AnalysisReport;
  /** How files are written: a test injects a failure half-way. @internal */
  public writeFile?: WriteFile;
  private readonly analysis: AnalysisOptions;
  private readonly graphFile: string;
  private readonly recordMetadata: boolean;
  /** The chart path that writes each file of the last `synthFiles()`. */
  private writers = new Map<string, string>();

  public constructor(props: MeshAppProps = {}) {
    checkArguments('MeshApp.constructor', [props]);
    if (props.yamlOutputType !== undefined && props.yamlOutputType !== YamlOutputType.FILE_PER_CHART) {
      appFail(problem('yamlOutputType', 'must be FILE_PER_CHART for a MeshApp', YamlOutputType[props.yamlOutputType],
        'leave yamlOutputType unset (or FILE_PER_CHART), or use cdk8s App for other layouts'));
    }
    super(props);
    this.analysis = props.analysis ?? {};
    this.graphFile = props.graphFile ?? 'mesh-kit-graph.md';
    checkOutputFile('graphFile', this.graphFile, 'mesh-kit-graph.md');
    this.recordMetadata = props.recordConstructMetadata ?? process.env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true';
    checkOutputFile('analysis.reportFile', this.analysis.reportFile, 'mesh-kit-analysis.json');
  }

  /**
   * The files the app synthesizes, `relative path -> text`, validated and in chart order: each chart's manifests, an
   * installation's files, the mesh picture; writes nothing.
   */
  public synthFiles(): Map<string, string> {
    const files = new Map<string, string>();
    /** The chart that writes each file, to name it when another file would take its name. */
    const writer = new Map<string, string>();
    this.writers = writer;
    const charts = renderApp(this);
    this.report = analyzeCharts(charts, this.analysis);
    if (this.recordMetadata) {
      // what `cdk8s synth --validate` reads to name the construct of each resource in a validation report
      const resources = Object.fromEntries(charts.flatMap(c => c.objects.map((o, i) =>
        [o.metadata.name, { path: c.constructs[i]?.node.path ?? c.chart.node.path }])));
      files.set('construct-metadata.json', JSON.stringify({ version: '1.0.0', resources }));
    }
    const written: Array<{ file: string; objects: RenderedChart['objects']; alternativeGroup?: string }> = [];
    for (const { chart, fileName, objects, installation, alternativeGroup } of charts) {
      const file = `${fileName}${this.outputFileExtension}`;
      const add = (name: string, content: string) => {
        if (files.has(name)) {
          failAt(chart, problem('fileName', 'must be unique within an app', name,
            `chart '${writer.get(name)}' writes that file already: give one of the two charts another fileName`));
        }
        files.set(name, content);
        writer.set(name, chart.node.path);
      };
      // a chart that holds only an installation (Helm or istioctl output) has nothing to apply: its folder is its output.
      // The bytes of cdk8s's Yaml.stringify(...objects), written by the fast path where it is sure (lib/core/yaml.ts),
      // one document at a time: spreading every object of a chart into one call overflows the stack past ~125,000 objects.
      if (objects.length > 0 || !installation) {
        add(file, toYamlDocuments(objects));
        written.push({ file, objects, ...(alternativeGroup !== undefined ? { alternativeGroup } : {}) });
      }
      // an installation's values files and README go in a folder named like the chart's file
      if (installation) {
        const manifests = objects.length > 0 ? path.posix.relative(fileName, file) : undefined;
        for (const f of installFiles(installation.model, manifests)) add(`${fileName}/${f.path}`, f.content);
      }
    }
    if (this.graphFile !== '') {
      if (files.has(this.graphFile)) {
        failAt(this, problem('graphFile', 'must not be the name of another output file', this.graphFile,
          `chart '${writer.get(this.graphFile)}' writes that file: choose another graphFile, e.g. 'mesh-kit-graph.md'`));
      }
      files.set(this.graphFile, meshPictureMarkdown(written));
    }
    return files;
  }

  /**
   * Validates, renders and analyzes every chart in memory, and only then writes the files and the report, all
   * or nothing: into a temporary folder beside the output folder, swapped in by renames. On any failure the
   * output folder is left as it was.
   */
  public override synth(): void {
    const files = this.synthFiles();
    const report = this.report!;
    const reportFile = this.analysis.reportFile ?? 'mesh-kit-analysis.json';
    if (reportFile !== '') {
      // the report must not overwrite a chart's manifests or the picture: refused before anything is written
      if (files.has(reportFile)) {
        const what = reportFile === this.graphFile ? 'the mesh picture (graphFile)' : `a file of chart '${this.writers.get(reportFile)}'`;
        failAt(this, problem('analysis.reportFile', 'must not be the name of another output file', reportFile,
          `that file holds ${what}: choose another reportFile, e.g. 'mesh-kit-analysis.json'; nothing was written`));
      }
      files.set(reportFile, `${JSON.stringify(report.toJson(), undefined, 2)}\n`);
    }
    writeFilesAtomically(this.outdir, files, this.writeFile);
    const warnings = report.at(FindingLevel.WARNING);
    if ((this.analysis.printWarnings ?? true) && warnings.length > 0) {
      process.stderr.write(`${warnings.map(f => `warning ${findingLine(f)}`).join('\n')}\n`
        + (report.suppressed.length > 0 ? `(${report.suppressed.length} suppressed: see ${reportFile || 'MeshApp.report'})\n` : ''));
    }
  }
}

/** A file the app writes beside its manifests: a relative path inside the output folder naming a file, or '' for none. */
function checkOutputFile(field: string, file: unknown, example: string): void {
  if (file === undefined || file === '') return;
  if (typeof file !== 'string') appFail(problem(field, 'must be a file name (a string)', file, `e.g. '${example}', or '' to write none`));
  if (path.isAbsolute(file) || file.split(/[\\/]/).includes('..')) {
    appFail(problem(field, 'must be a relative path inside the output folder', file, `e.g. '${example}'`));
  }
  if (/[\\/]$/.test(file) || file.split(/[\\/]/).pop() === '.') {
    appFail(problem(field, 'must name a file, not a folder', file, `e.g. '${file.replace(/[\\/.]+$/, '')}/${example}'`));
  }
}

/** Throws for a prop of the app itself, found before the app is a construct: named like the app's path, `[(app)]`. */
function appFail(p: Problem): never {
  throw meshError([p], { path: '' });
}
