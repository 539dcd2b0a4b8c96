import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import * as lib from '../lib';

const ROOT = path.resolve(__dirname, '..');

/** The type errors of a TypeScript source written beside the tests (imports relative to test/). */
function typeErrors(source: string): string[] {
  const file = path.join(ROOT, 'test', `.readme-snippet-${process.pid}.ts`);
  fs.writeFileSync(file, source);
  try {
    const program = ts.createProgram([file], {
      strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, esModuleInterop: true,
    });
    return ts.getPreEmitDiagnostics(program).filter(d => d.file?.fileName === file).map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  } finally {
    fs.rmSync(file, { force: true });
  }
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

  test('the data-plane model snippet runs against the quick start\'s app, with Jest\'s expect', () => {
    const block = /## Where each request goes[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    // the quick start's program without its synth, then the snippet, as one module importing the package
    const quickStart = fs.readFileSync(path.join(ROOT, 'examples', 'quickstart', 'main.ts'), 'utf8').replace(/^app\.synth\(\);$/m, '');
    const js = ts.transpileModule(`${quickStart}\n${block![1]}`, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
    const load = (id: string): unknown => {
      if (id !== '@mesh-kit/core') throw new Error(`the snippet imports '${id}': only the package is given to it`);
      return lib;
    };
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('require', 'exports', 'expect', js)(load, {}, expect);
    expect(block![1]).toContain('toRoute(');
  });

  test('the "Installing the mesh" snippet type-checks against the library and runs', () => {
    const block = /## Installing the mesh\n\n[^`]*```ts\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const names = Object.keys(lib).filter(k => new RegExp(`\\b${k}\\b`).test(block![1]));
    const source = `import { ${names.join(', ')} } from '../lib';\nimport { App } from 'cdk8s';\n`
      + 'declare const app: App; declare const apps: import(\'../lib\').MeshChart; declare const addons: import(\'../lib\').ObservabilityAddons;\n'
      + `export function snippet(): void {\n${block![1]}}\n`;
    expect(typeErrors(source)).toStrictEqual([]);
    // and it runs: the objects it declares are built
    const app = new lib.MeshApp();
    const apps = new lib.MeshChart(app, 'apps', { namespace: 'shop' });
    const addons = new lib.ObservabilityAddons(new lib.MeshChart(app, 'addons', { namespace: 'istio-system' }), 'addons', { tracing: lib.TracingBackend.jaeger() });
    const js = ts.transpileModule(block![1], { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('lib', 'app', 'apps', 'addons', `const { ${names.join(', ')} } = lib;\n${js}`)(lib, app, apps, addons);
    expect(app.synthFiles().has('istio/README.md')).toBe(true);
  });

  test('the Pulumi section\'s program type-checks against the library (its imports pointed at this repository)', () => {
    const block = /## Pulumi\n\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const source = block![1].replace("from '@mesh-kit/core/pulumi'", "from '../lib/pulumi'").replace("from '@mesh-kit/core'", "from '../lib'");
    expect(source).not.toContain('@mesh-kit/core');
    expect(typeErrors(source)).toStrictEqual([]);
  });
});
