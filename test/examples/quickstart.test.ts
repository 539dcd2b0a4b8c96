import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const MAIN = path.resolve(__dirname, '..', '..', 'examples', 'quickstart', 'main.ts');

/** Runs the quick start as `cdk8s synth` would, and returns the analysis report it writes beside its manifests. */
function quickStartReport(): { summary: { [level: string]: number }; findings: Array<{ code: string; object: string }> } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-quickstart-'));
  const before = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(MAIN);
    });
    return JSON.parse(fs.readFileSync(path.join(outdir, 'mesh-kit-analysis.json'), 'utf8'));
  } finally {
    process.env.CDK8S_OUTDIR = before;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe('the quick start', () => {
  test('synthesizes without a finding: its gateway route follows reviews\' routes, so Istio\'s IST0140 has nothing to say', () => {
    const report = quickStartReport();
    expect(report.findings.map(f => `${f.code} ${f.object}`)).toStrictEqual([]);
    expect(report.summary).toStrictEqual({ errors: 0, warnings: 0, info: 0, suppressed: 0 });
  });
});
