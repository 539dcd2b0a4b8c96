import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import * as lib from '../lib';

const ROOT = path.resolve(__dirname, '..');

/**
 * What the docs show of a snippet file (docs/snippets/*.ts): its lines up to `// docs: end` (after it, what the guide's
 * context gives them: imports and declarations for the type-check, which test/tsconfig.json runs once over every snippet).
 */
function shown(snippet: string): string {
  const text = fs.readFileSync(path.join(ROOT, 'docs', 'snippets', snippet), 'utf8');
  const end = text.indexOf('\n// docs: end');
  return end < 0 ? text : text.slice(0, end + 1);
}

describe('README', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  test('the quick start is examples/quickstart/main.ts (type-checked and synthesized), importing the package', () => {
    const block = /## Quick start\n\n```ts\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const example = fs.readFileSync(path.join(ROOT, 'examples', 'quickstart', 'main.ts'), 'utf8');
    expect(block![1]).toBe(example);
    expect(block![1].split('\n').filter(l => l.trim() !== '').length).toBeLessThanOrEqual(20);
  });

  test('names the package and the two set-up commands that .ci/run runs', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(readme).toContain(`\`${pkg.name}\``);
    expect(readme).toContain('`npm ci && npm run synth`');
    expect(readme).toContain('`npm test`');
    const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/^npm ci\b.*$/m);
    expect(ci).toMatch(/^npm run synth$/m);
    expect(ci).toMatch(/^npm test$/m);
  });

  test('the data-plane model snippet (docs/dataplane.md) runs against the quick start\'s app, with Jest\'s expect', () => {
    const block = shown('dataplane.ts');
    // the quick start's program without its synth, then the snippet, as one module importing the package
    const quickStart = fs.readFileSync(path.join(ROOT, 'examples', 'quickstart', 'main.ts'), 'utf8').replace(/^app\.synth\(\);$/m, '');
    const js = ts.transpileModule(`${quickStart}\n${block}`, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
    const load = (id: string): unknown => {
      if (id !== '@mesh-kit/core') throw new Error(`the snippet imports '${id}': only the package is given to it`);
      return lib;
    };
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('require', 'exports', 'expect', js)(load, {}, expect);
    expect(block).toContain('toRoute(');
  });

  test('the "Installing the mesh" snippet (docs/installing.md) runs', () => {
    const block = shown('installing.ts');
    const names = Object.keys(lib).filter(k => new RegExp(`\\b${k}\\b`).test(block));
    // it is type-checked with the rest (test/tsconfig.json); here it runs: the objects it declares are built
    const app = new lib.MeshApp();
    const apps = new lib.MeshChart(app, 'apps', { namespace: 'shop' });
    const addons = new lib.ObservabilityAddons(new lib.MeshChart(app, 'addons', { namespace: 'istio-system' }), 'addons', { tracing: lib.TracingBackend.jaeger() });
    const js = ts.transpileModule(block, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('lib', 'app', 'apps', 'addons', `const { ${names.join(', ')} } = lib;\n${js}`)(lib, app, apps, addons);
    expect(app.synthFiles().has('istio/README.md')).toBe(true);
  });
});
