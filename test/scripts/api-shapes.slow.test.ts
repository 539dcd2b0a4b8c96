import { execFileSync } from 'child_process';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');

describe('lib/core/generated/api-shapes.ts (generated from the library\'s declarations)', () => {
  test('is what scripts/generate-api-shapes.js makes of the public API today: `npm run import:api-shapes` after changing a signature', () => {
    expect(() => execFileSync('node', [path.join(root, 'scripts', 'generate-api-shapes.js'), '--check'], { stdio: 'pipe' })).not.toThrow();
  }, 60_000);
});
