import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
/** The compiled package: what `@mesh-kit/core` resolves to for the examples' programs and the real cdk8s CLI. */
export const DIST_INDEX = path.join(ROOT, 'dist', 'index.js');

/** The newest source of the package, and whether dist/ is at least as new (a stale dist would test old code). */
function freshness(): { fresh: boolean; newest?: string } {
  if (!fs.existsSync(DIST_INDEX)) return { fresh: false };
  const built = fs.statSync(DIST_INDEX).mtimeMs;
  const lib = path.join(ROOT, 'lib');
  const newest = fs.readdirSync(lib, { recursive: true }).map(String).filter(f => f.endsWith('.ts'))
    .map(f => ({ f, t: fs.statSync(path.join(lib, f)).mtimeMs })).reduce((a, b) => (b.t > a.t ? b : a));
  return { fresh: newest.t <= built, newest: `lib/${newest.f}` };
}

/**
 * `describe` for tests that run the compiled package (the examples' programs, the real cdk8s CLI): skipped, saying
 * why, when dist/ was never built (`npm run synth` builds it; CI runs it before the tests); failing, naming the
 * source, when dist/ is older than the sources.
 */
export function describeWithCompiled(name: string, fn: () => void): void {
  const { fresh, newest } = freshness();
  if (!fs.existsSync(DIST_INDEX)) {
    // eslint-disable-next-line no-console
    console.warn(`SKIPPED '${name}': ${DIST_INDEX} is absent (run \`npm run synth\` or \`npx projen compile\`)`);
    describe.skip(`${name} (SKIPPED: the package is not compiled; \`npm run synth\` compiles it)`, fn);
  } else {
    describe(name, () => {
      test('runs the compiled package as it is now (dist/ is not older than lib/)', () => {
        if (!fresh) throw new Error(`dist/ is older than ${newest}: run \`npx projen compile\` (or \`npm run synth\`) before these tests`);
      });
      fn();
    });
  }
}
