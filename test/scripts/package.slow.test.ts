import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });

/**
 * The way a platform repo uses the library: install the packed tarball next to its cdk8s peers
 * (no Pulumi), import it, build a chart and synthesize.
 */
describe('the published package', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-pack-'));
  let tarball: string;
  let files: string[];

  beforeAll(() => {
    // built as `npx projen compile` builds it (tsc, then the lazy index), in a staging folder: the repository's own
    // dist/ is what other tests run while this one builds
    const stage = path.join(work, 'package');
    fs.mkdirSync(stage);
    for (const f of ['package.json', 'README.md', 'LICENSE', 'API.md', 'CHANGELOG.md', 'generated']) fs.cpSync(path.join(ROOT, f), path.join(stage, f), { recursive: true });
    run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--outDir', path.join(stage, 'dist')], ROOT);
    // (the staged package loads its dependencies from this repository's node_modules while its index is traced)
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'lazy-index.js'), path.join(stage, 'dist')],
      { cwd: ROOT, stdio: 'pipe', env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') } });
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], stage));
    tarball = path.join(work, packed[0].filename);
    files = packed[0].files.map((f: { path: string }) => f.path);
    const consumer = path.join(work, 'platform-repo');
    fs.mkdirSync(consumer);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const peers = ['cdk8s', 'constructs', 'cdk8s-plus-27'].map(p => `${p}@${JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', p, 'package.json'), 'utf8')).version}`);
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'platform-repo', private: true, version: '0.0.0' }));
    run('npm', ['install', tarball, ...peers], consumer);
    expect(pkg.name).toBe('@mesh-kit/core');
  }, 240_000);

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test('the README\'s "Start from nothing": its lines, verbatim, in an empty folder, then the quick start as main.ts', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = /### Start from nothing\n([\s\S]*?)\n## /.exec(readme)![1];
    const [setup, start, compiled] = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map(m => m[1]);
    const quickstart = /## Quick start\n\n```ts\n([\s\S]*?)```/.exec(readme)![1];
    const folder = path.join(work, 'from-nothing');
    fs.mkdirSync(folder);
    // the published package is the tarball here; the other packages come from the registry at the versions this repo uses
    const version = (p: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', p, 'package.json'), 'utf8')).version;
    const pinned = setup.replace('@mesh-kit/core', tarball)
      .replace(/(?<=\s)(cdk8s|constructs|cdk8s-plus-27|typescript|ts-node|@types\/node)(?=\s|$)/gm, (p: string) => `${p}@${version(p)}`);
    run('bash', ['-euo', 'pipefail', '-c', pinned], folder);
    fs.writeFileSync(path.join(folder, 'main.ts'), quickstart);
    run('bash', ['-euo', 'pipefail', '-c', start], folder);
    expect(fs.readFileSync(path.join(folder, 'dist', 'shop.k8s.yaml'), 'utf8')).toContain('kind: VirtualService');
    expect(fs.existsSync(path.join(folder, 'dist', 'mesh-kit-analysis.json'))).toBe(true);
    // the fast form for CI: compiled once, cdk8s.yaml running the JavaScript
    fs.rmSync(path.join(folder, 'dist'), { recursive: true });
    run('bash', ['-euo', 'pipefail', '-c', compiled], folder);
    expect(fs.readFileSync(path.join(folder, 'cdk8s.yaml'), 'utf8')).toBe('app: node main.js\n');
    expect(fs.readFileSync(path.join(folder, 'dist', 'shop.k8s.yaml'), 'utf8')).toContain('kind: VirtualService');
  }, 300_000);

  test('holds only the compiled library, its types, the generated validators and docs', () => {
    expect(files.filter(f => !/^(dist\/.*\.(js|d\.ts)|generated\/validators\/[a-z0-9-]+\.(js|json)|API\.md|CHANGELOG\.md|README\.md|LICENSE|package\.json)$/.test(f))).toStrictEqual([]);
    expect(files).toEqual(expect.arrayContaining(['generated/validators/index.json', 'generated/validators/cel-rules.js', 'generated/validators/core-shapes.json']));
    expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/pulumi/index.js', 'dist/pulumi/index.d.ts', 'CHANGELOG.md']));
    expect(files.some(f => f.startsWith('lib/') || f.startsWith('test/') || f.startsWith('examples/'))).toBe(false);
  });

  test('leaves out dist/imports (the CRD types): no module it ships requires them, no declaration names them', () => {
    expect(files.filter(f => f.startsWith('dist/imports/'))).toStrictEqual([]);
    const installed = path.join(work, 'platform-repo', 'node_modules', '@mesh-kit', 'core');
    const naming = files.filter(f => /\.(js|d\.ts)$/.test(f))
      .filter(f => /(require\(|from |import\()["'](\.\.?\/)+(\.\.\/)*imports\//.test(fs.readFileSync(path.join(installed, f), 'utf8')));
    expect(naming).toStrictEqual([]);
  });

  test('a platform repo imports it, builds a chart and synthesizes, without Pulumi installed', () => {
    const consumer = path.join(work, 'platform-repo');
    fs.writeFileSync(path.join(consumer, 'synth.js'), `
      const { MeshApp, MeshChart, MeshService, RouteAction } = require('@mesh-kit/core');
      const app = new MeshApp();
      const shop = new MeshService(new MeshChart(app, 'shop'), 'shop', { ports: [{ port: 8080 }] });
      const v1 = shop.addVersion('v1', { image: 'shop:1.0.0' });
      shop.addRoute({ action: RouteAction.forward(v1) });
      for (const [file, yaml] of app.synthFiles()) console.log('# ' + file + '\\n' + yaml);
    `);
    const out = run(process.execPath, ['synth.js'], consumer);
    expect(out).toContain('# shop.k8s.yaml');
    expect(out).toContain('kind: Deployment');
    expect(out).toContain('kind: VirtualService');
    expect(fs.existsSync(path.join(consumer, 'node_modules', '@pulumi'))).toBe(false);
  });

  test('installs the mesh-kit command: it analyzes a manifest file (exit 1 on an error, Istio-style lines)', () => {
    const consumer = path.join(work, 'platform-repo');
    fs.writeFileSync(path.join(consumer, 'vs.yaml'), 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: r, namespace: shop }\n'
      + 'spec: { hosts: [r], http: [{ route: [{ destination: { host: ghost } }] }] }\n');
    const r = spawnSync(path.join(consumer, 'node_modules', '.bin', 'mesh-kit'), ['analyze', 'vs.yaml'], { cwd: consumer, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^Error \[IST0101\] \(VirtualService shop\/r vs\.yaml:1\) VirtualService 'r' routes to host 'ghost'/);
  });

  test('installs mesh-kit trace and mesh-kit test: where a request goes, and a spec of requests checked (exit 1 on a mismatch)', () => {
    const consumer = path.join(work, 'platform-repo');
    const deployment = (name: string, version: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${name}, namespace: shop }\n`
      + `spec: { selector: { matchLabels: { app: ${name.split('-')[0]}, version: ${version} } }, template: { metadata: { labels: { app: ${name.split('-')[0]}, version: ${version} } }, `
      + 'spec: { containers: [{ name: app, image: \'example/app:1\' }] } } }\n';
    fs.mkdirSync(path.join(consumer, 'manifests'));
    fs.writeFileSync(path.join(consumer, 'manifests', 'shop.yaml'), [deployment('web-v1', 'v1'), deployment('client-v1', 'v1'),
      'apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: shop }\nspec: { selector: { app: web }, ports: [{ name: http, port: 80 }] }\n'].join('---\n'));
    const bin = path.join(consumer, 'node_modules', '.bin', 'mesh-kit');
    const trace = spawnSync(bin, ['trace', '--from', 'shop/client-v1', '--host', 'web', '-o', 'json', 'manifests'], { cwd: consumer, encoding: 'utf8' });
    expect(trace.stderr).toBe('');
    expect(trace.status).toBe(0);
    expect(JSON.parse(trace.stdout)).toMatchObject({ outcome: 'routed', destinations: [{ service: 'shop/web', port: 80, version: 'v1', weight: 100 }] });
    fs.writeFileSync(path.join(consumer, 'spec.yaml'), 'manifests: manifests\ntests:\n'
      + '  - { name: web answers, request: { from: shop/client-v1, host: web }, expect: { versions: { v1: 100 } } }\n'
      + '  - { name: wrong, request: { from: shop/client-v1, host: web }, expect: { versions: { v2: 100 } } }\n');
    const test = spawnSync(bin, ['test', 'spec.yaml'], { cwd: consumer, encoding: 'utf8' });
    expect(test.status).toBe(1);
    expect(test.stdout).toContain('ok   web answers');
    expect(test.stdout).toContain('FAIL wrong');
    expect(test.stdout).toContain('2 tests: 1 passed, 1 failed');
  });

  test('its entry point is lazy: requiring it loads none of its modules; each export is its module\'s, guarded on first use', () => {
    const consumer = path.join(work, 'platform-repo');
    fs.writeFileSync(path.join(consumer, 'lazy.js'), `
      const inLib = () => Object.keys(require.cache).filter(f => f.includes('@mesh-kit')).map(f => f.split('@mesh-kit/core/')[1]);
      const lib = require('@mesh-kit/core');
      const atRequire = inLib();
      const names = Object.keys(lib);
      const eager = require(require.resolve('@mesh-kit/core').replace(/index\.js$/, 'index.eager.js'));
      const same = Object.keys(eager).filter(n => n !== '__esModule').every(n => lib[n] === eager[n]);
      let guarded;
      try { lib.HttpMatch.prefix(42); } catch (e) { guarded = e.name + ': ' + e.message; }
      // an argument checked against a class nobody has loaded yet: the check loads it
      const { App } = require('cdk8s');
      let loaded;
      try { new lib.IngressGatewayRoute(new lib.MeshChart(new App(), 'c'), 'r', { gateway: {}, hosts: ['a.example.com'], routes: [] }); } catch (e) { loaded = e.message; }
      console.log(JSON.stringify({ atRequire, names: names.length, eagerNames: Object.keys(eager).filter(n => n !== '__esModule').length, same, guarded, loaded }));
    `);
    const out = JSON.parse(run(process.execPath, ['lazy.js'], consumer).trim().split('\n').pop()!);
    expect(out.atRequire).toStrictEqual(['dist/index.js']);
    expect(out.names).toBe(out.eagerNames);
    expect(out.names).toBeGreaterThan(100);
    expect(out.same).toBe(true);
    expect(out.guarded).toMatch(/^MeshValidationError: HttpMatch\.prefix: 'prefix' must be a string: got 42/);
    expect(out.loaded).toMatch(/'props\.gateway' must be an IngressGateway/);
  });

  test('its types resolve through package.json exports for a TypeScript consumer (main and ./pulumi)', () => {
    const consumer = path.join(work, 'platform-repo');
    fs.writeFileSync(path.join(consumer, 'check.ts'), `
      import { App } from 'cdk8s';
      import { MeshService, HttpMatch } from '@mesh-kit/core';
      import type { MeshComponentArgs } from '@mesh-kit/core/pulumi';
      const svc: MeshService = new MeshService(new App(), 'x');
      const m: HttpMatch = HttpMatch.prefix('/');
      const args: Pick<MeshComponentArgs, 'app'> = { app: new App() };
      export { svc, m, args };
    `);
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    // ./pulumi's types reference @pulumi/*, absent here: skipLibCheck, as a cdk8s-only repo would build.
    expect(() => run(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', '--module', 'node16', '--moduleResolution', 'node16', 'check.ts'], consumer)).not.toThrow();
  });
});
