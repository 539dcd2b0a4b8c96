import * as fs from 'fs';
import * as path from 'path';

/**
 * `npm ci` on a clean machine refuses a lockfile that lacks any optional dependency, even one for
 * another platform. The registry mirror here has no macOS/Windows binaries, so `npm install` drops
 * them; scripts/lock-optional-binaries.js puts them back, guarded by os/cpu. This catches a lockfile
 * rewritten without it, before CI does.
 */
test('package-lock.json records every optional dependency (run scripts/lock-optional-binaries.js if not)', () => {
  const lock = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package-lock.json'), 'utf8'));
  const packages = lock.packages as { [where: string]: { optionalDependencies?: { [name: string]: string } } };
  const missing = Object.entries(packages).flatMap(([where, pkg]) => Object.keys(pkg.optionalDependencies ?? {})
    .filter(dep => !packages[`node_modules/${dep}`] && !packages[`${where}/node_modules/${dep}`]));
  expect(missing).toStrictEqual([]);
});
