/**
 * The two test tiers. `npm test` is the fast tier: every unit, snapshot, reference and example test, and the property
 * tests at a small size. `npm run test:slow` (TEST_TIER=slow) runs the `*.slow.test.ts` files (the packed tarball,
 * generated-file freshness, the real cdk8s CLI, Chromium) and the property tests again at full size. CI runs both.
 */
export const SLOW = process.env.TEST_TIER === 'slow';

/**
 * How many cases a property test runs: `fast` in the fast tier, `full` in the slow one; an environment variable
 * (`PROPERTY_RUNS`, or the test's own) overrides both, e.g. to replay a failure with its printed seed.
 */
export function propertyRuns(fast: number, full: number, ...env: string[]): number {
  for (const name of [...env, 'PROPERTY_RUNS']) {
    const v = process.env[name];
    if (v !== undefined && v !== '') {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number: got '${v}'`);
      return n;
    }
  }
  return SLOW ? full : fast;
}
