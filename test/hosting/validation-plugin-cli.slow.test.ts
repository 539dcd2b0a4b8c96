/** The real cdk8s CLI running the plugin (slow tier: `npm run test:slow`): `cdk8s synth --validate`. */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeWithCompiled } from '../support/compiled';

const ROOT = path.resolve(__dirname, '..', '..');
const CDK8S = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');

const BROKEN_APP = `
const { App, Chart, ApiObject } = require('cdk8s');
const app = new App();
const chart = new Chart(app, 'plain');
new ApiObject(chart, 'route', { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews-route', namespace: 'shop' },
  spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v9' } }] }] } });
new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews', namespace: 'shop' }, spec: { selector: { app: 'reviews' }, ports: [{ name: 'http', port: 9080 }] } });
app.synth();
`;

describeWithCompiled('MeshKitValidation through the real cdk8s CLI (the compiled package)', () => {
  test('the real cdk8s CLI: `cdk8s synth --validate` passes the quickstart example and fails a plain App, naming the construct path', () => {
    // the example's compiled program (examples/.build, what its cdk8s.yaml runs), importing the compiled package
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(ROOT, 'scripts', 'build-examples.js')).buildExamples();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-validate-'));
    const quickstart = spawnSync(CDK8S, ['synth', '--validate', '--no-check-upgrade', '-o', path.join(out, 'quickstart'), '--validation-reports-output-file', path.join(out, 'quickstart.json')],
      { cwd: path.join(ROOT, 'examples', 'quickstart'), encoding: 'utf8' });
    expect(quickstart.status).toBe(0);
    const passed = JSON.parse(fs.readFileSync(path.join(out, 'quickstart.json'), 'utf8')).reports[0];
    expect(passed.summary.status).toBe('success');
    // its gateway route carries reviews' routes: Istio's analyzer has nothing to say (IST0140 before)
    expect(passed.violations.map((v: { ruleName: string }) => v.ruleName)).toStrictEqual([]);

    // a plain cdk8s App of ApiObjects, not a MeshApp: the plugin is what analyzes it (cdk8s keys construct paths
    // by object name, so the two objects have different names)
    const plain = path.join(out, 'plain');
    fs.mkdirSync(plain);
    fs.writeFileSync(path.join(plain, 'main.js'), BROKEN_APP);
    fs.writeFileSync(path.join(plain, 'cdk8s.yaml'), [
      'app: node main.js', 'output: dist', 'validations:',
      `  - package: ${path.join(ROOT, 'examples', 'quickstart', 'validation-plugin.js')}`, '    version: 0.0.0', '    class: MeshKitValidation', '',
    ].join('\n'));
    const env = { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') };
    const failed = spawnSync(CDK8S, ['synth', '--validate', '--no-check-upgrade', '--validation-reports-output-file', path.join(out, 'plain.json')], { cwd: plain, encoding: 'utf8', env });
    expect(failed.status).toBe(2);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'plain.json'), 'utf8')).reports[0];
    expect(report.summary.status).toBe('failure');
    expect(report.violations.map((v: { ruleName: string; violatingConstructs: Array<{ constructPath: string }> }) => `${v.ruleName} ${v.violatingConstructs[0].constructPath}`))
      .toContain('IST0101 ReferencedResourceNotFound (Error) plain/route');
    expect(execFileSync(CDK8S, ['--version'], { encoding: 'utf8' })).toMatch(/^\d+\.\d+\.\d+/);
  }, 120_000);
});
