import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The examples folder, and the examples (folders with a cdk8s.yaml), in name order. */
export const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');
export const exampleNames = (): string[] => fs.readdirSync(EXAMPLES).filter(n => fs.existsSync(path.join(EXAMPLES, n, 'cdk8s.yaml'))).sort();

/** Runs an example's main.ts in-process, as `cdk8s synth` would, and returns `file -> YAML` (and the Markdown it writes). */
export function synthExample(name: string): Map<string, string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `mesh-kit-${name}-`));
  const before = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(path.join(EXAMPLES, name, 'main.ts'));
    });
    // manifests, and what installations write beside them (values files, IstioOperator, README with the commands)
    const files = fs.readdirSync(outdir, { recursive: true }).map(String).filter(f => f.endsWith('.yaml') || f.endsWith('.md')).sort();
    return new Map(files.map(f => [f, fs.readFileSync(path.join(outdir, f), 'utf8')]));
  } finally {
    process.env.CDK8S_OUTDIR = before;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
