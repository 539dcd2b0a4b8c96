import { Construct } from 'constructs';
import { failAt, problem } from '../../core/errors';
import type { CanaryReleaseProps } from '../canary-release';

/** Options of {@link CanaryDriver.argoRollouts}. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface ArgoRolloutsOptions {}

/** @internal Writes the canary release as an Argo Rollouts `Rollout` (issue 35: not built yet). */
export function applyArgoRollouts(scope: Construct, _props: CanaryReleaseProps, _options: ArgoRolloutsOptions): void {
  failAt(scope, problem('driver', 'is not available in this version', 'CanaryDriver.argoRollouts()', 'use CanaryDriver.stagedFiles()'));
}
