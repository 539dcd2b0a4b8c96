import { App } from 'cdk8s';
import { Emojivoto, REGISTRY } from './app';
import { CanaryPlan, CanaryRelease, ServiceVersion } from '@mesh-kit/core';

/**
 * The rollout of emoji-svc v12 over v11, mesh-kit's addition: v12's Deployment `emoji-v12` (and its version Service)
 * join emoji-svc in `emojivoto.k8s.yaml`, the Service then selecting v11's pods only (Linkerd's traffic-shifting
 * guide); each stage is a GRPCRoute of its own file (`emoji-canary.stage-10`, `-50`, `-100`, `.rollback`).
 */
export function buildEmojiCanary(app: App, { emoji, emojiV11 }: Emojivoto): ServiceVersion {
  const v12 = emoji.addVersion('v12', { image: `${REGISTRY}/emojivoto-emoji-svc:v12`, deploymentName: 'emoji-v12' });
  new CanaryRelease(app, 'emoji-canary', { service: emoji, stable: emojiV11, canary: v12, plan: CanaryPlan.stages([10, 50, 100]), port: 8080 });
  return v12;
}
