import * as fs from 'fs';
import * as path from 'path';
import { App, AppProps, Chart, Names, Yaml, YamlOutputType } from 'cdk8s';
import { MeshChart } from './mesh-chart';
import { fail, problem } from '../../core/errors';

/**
 * A cdk8s app that writes one file per chart, named by the chart's `fileName` when it is a
 * {@link MeshChart} (e.g. `nginx-canary.stage-10`, `gateway-api/route-all-v1`), and that writes
 * nothing at all (not even the output folder) when any validation fails.
 */
export class MeshApp extends App {
  public constructor(props: AppProps = {}) {
    if (props.yamlOutputType !== undefined && props.yamlOutputType !== YamlOutputType.FILE_PER_CHART) {
      fail(problem('yamlOutputType', 'must be FILE_PER_CHART for a MeshApp', YamlOutputType[props.yamlOutputType], 'use cdk8s App for other layouts'));
    }
    super(props);
  }

  /** The files the app synthesizes, `relative path -> YAML`, validated and in chart order; writes nothing. */
  public synthFiles(): Map<string, string> {
    this.validateAll();
    const files = new Map<string, string>();
    for (const chart of this.charts) {
      const file = `${fileNameOf(chart)}${this.outputFileExtension}`;
      if (files.has(file)) {
        fail(problem('fileName', 'must be unique within an app', file, `chart '${chart.node.path}' would overwrite another chart's file`));
      }
      files.set(file, Yaml.stringify(...Object.values(chart.toJson())));
    }
    return files;
  }

  /**
   * Runs every construct's validations and throws them all at once, in cdk8s's own message format.
   * Unlike `synthYaml()`, it renders nothing. An app whose constructs declare dependencies also goes
   * through `synthYaml()`, which adds cdk8s's chart- and object-level dependencies: the object order
   * within a chart comes out the same without it (a test compares with cdk8s's App), so this is a
   * safeguard for cdk8s behaviour we do not otherwise rely on.
   */
  private validateAll(): void {
    const all = this.node.findAll();
    const errors = all.flatMap(c => c.node.validate().map(e => `[${c.node.path}] ${e}`));
    if (errors.length > 0) {
      throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
    }
    if (all.some(c => c.node.dependencies.length > 0)) {
      this.synthYaml();
    }
  }

  /** Validates, renders every chart in memory, and only then writes the files. */
  public override synth(): void {
    const files = this.synthFiles();
    for (const [file, yaml] of files) {
      const target = path.join(this.outdir, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, yaml);
    }
  }
}

function fileNameOf(chart: Chart): string {
  const own = chart instanceof MeshChart ? (chart as MeshChart).fileName : undefined;
  return own ?? Names.toDnsLabel(chart);
}
