import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

describe('README', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  test('the quick start is examples/quickstart/main.ts (type-checked and synthesized), importing the package', () => {
    const block = /## Quick start\n\n```ts\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const example = fs.readFileSync(path.join(ROOT, 'examples', 'quickstart', 'main.ts'), 'utf8');
    expect(block![1]).toBe(example.replace("from '../../lib'", "from '@mesh-kit/core'"));
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
});
