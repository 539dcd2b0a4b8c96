import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'synth-examples.js');

/** A throwaway examples folder with one app that synthesizes and one whose validation fails. */
function fixture(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-examples-'));
  const lib = path.join(ROOT, 'lib');
  const app = (name: string, body: string) => {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'main.ts'), `
      import { App, Chart } from 'cdk8s';
      import { MeshService } from ${JSON.stringify(lib)};
      const app = new App();
      const chart = new Chart(app, '${name}');
      ${body}
      app.synth();
    `);
    fs.writeFileSync(path.join(dir, name, 'cdk8s.yaml'), `app: ${path.join(ROOT, 'node_modules', '.bin', 'ts-node')} --swc --project ${path.join(ROOT, 'tsconfig.json')} main.ts\n`);
  };
  app('a-good', "new MeshService(chart, 'shop', { ports: [{ port: 80 }] }).addVersion('v1', { image: 'shop:1.0' });");
  app('b-bad', "new MeshService(chart, 'shop', { ports: [{ port: 80, name: 'web' }] }).addVersion('v1', { image: 'shop:1.0' });");
  return dir;
}

function run(dir: string, ...only: string[]) {
  return spawnSync(process.execPath, [SCRIPT, ...only], { env: { ...process.env, MESH_KIT_EXAMPLES_DIR: dir, NODE_PATH: path.join(ROOT, 'node_modules') }, encoding: 'utf8' });
}

describe('npm run synth (scripts/synth-examples.js)', () => {
  const dir = fixture();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('fails if any example fails validation, and writes no manifests at all', () => {
    const result = run(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("[b-bad/shop] 'ports.name' breaks Istio's port naming convention");
    expect(result.stderr).toContain('✗ b-bad: synth failed (exit 1); no manifests written');
    expect(fs.existsSync(path.join(dir, 'a-good', 'dist'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'b-bad', 'dist'))).toBe(false);
  });

  test('writes every example\'s dist when all succeed', () => {
    const result = run(dir, 'a-good');
    expect(result.status).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'a-good', 'dist'))).toStrictEqual(['a-good.k8s.yaml']);
    // each example compiled beside (examples/.build mirrors examples/), for cdk8s.yaml files that run the compiled program
    expect(fs.existsSync(path.join(dir, '.build', 'a-good', 'main.js'))).toBe(true);
    expect(fs.readdirSync(dir).filter(f => f.startsWith('.build-'))).toStrictEqual([]);
  });
});
