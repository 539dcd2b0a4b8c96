import { execFileSync } from 'child_process';
import * as path from 'path';
import { describeWithShared } from '../support/shared';

const root = path.resolve(__dirname, '..', '..');

describeWithShared('lib/install/generated/install-data.ts and linkerd-install-data.ts (generated from ../shared/reference/{istio,linkerd}/install)', () => {
  test('are what scripts/generate-install-data.js makes of Istio\'s and Linkerd\'s chart values, profiles, HA overlays and gateway schema (never hand-edited)', () => {
    expect(() => execFileSync('node', [path.join(root, 'scripts', 'generate-install-data.js'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
