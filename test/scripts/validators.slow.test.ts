import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeWithShared } from '../support/shared';

const root = path.resolve(__dirname, '..', '..');
const committed = path.join(root, 'generated', 'validators');

describeWithShared('generated/validators (generated from ../shared/schemas and kubernetes-models)', () => {
  test('is what scripts/generate-validators.js makes of the pinned CRDs (never hand-edited): `npm run import:validators`', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-validators-'));
    try {
      execFileSync('node', [path.join(root, 'scripts', 'generate-validators.js'), tmp], { stdio: 'pipe' });
      const files = (dir: string) => fs.readdirSync(dir).sort();
      expect(files(committed)).toStrictEqual(files(tmp));
      const stale = files(tmp).filter(f => !fs.readFileSync(path.join(tmp, f)).equals(fs.readFileSync(path.join(committed, f))));
      expect(stale).toStrictEqual([]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 120_000);
});
