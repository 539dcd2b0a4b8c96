import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');

describe('what the READMEs show of the tools\' output (scripts/readme-artifacts.js)', () => {
  test('the nginx README\'s stage 10 → 50 diff is what mesh-kit diff prints; Bookinfo\'s picture is there (docs/analysis-and-cli.md)', () => {
    expect(() => execFileSync('node', [path.join(root, 'scripts', 'readme-artifacts.js'), '--check'], { stdio: 'pipe' })).not.toThrow();
    const png = fs.readFileSync(path.join(root, 'docs', 'bookinfo-graph.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(fs.readFileSync(path.join(root, 'docs', 'analysis-and-cli.md'), 'utf8')).toContain('![Bookinfo\'s mesh picture](bookinfo-graph.png)');
  });
});
