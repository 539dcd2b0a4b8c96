import * as fs from 'fs';
import * as path from 'path';
import { App, AppProps, Yaml, YamlOutputType } from 'cdk8s';
import { renderApp } from './render-app';
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
    const files = new Map<string, string>();
    for (const { chart, fileName, objects } of renderApp(this)) {
      const file = `${fileName}${this.outputFileExtension}`;
      if (files.has(file)) {
        fail(problem('fileName', 'must be unique within an app', file, `chart '${chart.node.path}' would overwrite another chart's file`));
      }
      files.set(file, Yaml.stringify(...objects));
    }
    return files;
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
