import { Construct } from 'constructs';
import { failAt, problem } from '../../core/errors';
import type { CanaryReleaseProps } from '../canary-release';

/** Options of {@link CanaryDriver.flagger}. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface FlaggerOptions {}

/** @internal Writes the canary release as a Flagger `Canary` (issue 35: not built yet). */
export function applyFlagger(scope: Construct, _props: CanaryReleaseProps, _options: FlaggerOptions): void {
  failAt(scope, problem('driver', 'is not available in this version', 'CanaryDriver.flagger()', 'use CanaryDriver.stagedFiles()'));
}
