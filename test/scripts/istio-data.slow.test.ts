import { execFileSync } from 'child_process';
import * as path from 'path';
import { describeWithShared } from '../support/shared';

const root = path.resolve(__dirname, '..', '..');

describeWithShared('lib/analysis/generated/istio-data.ts (generated from ../shared/reference/istio)', () => {
  test('is what scripts/generate-istio-data.js makes of Istio\'s annotations, labels, catalogue and defaults (never hand-edited)', () => {
    expect(() => execFileSync('node', [path.join(root, 'scripts', 'generate-istio-data.js'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
