import { MeshApp } from '../../../lib';
import { AnalyzeOptions } from '../../../lib/analysis/run';

/**
 * One input that makes one check report: the check's code (and its analyzer, when several analyzers report the code),
 * the objects as YAML, and the options of `analyze` it needs (mesh config, externals...). `world` defaults to `closed`.
 */
export interface ShapeFixture {
  readonly code: string;
  /** The analyzer, e.g. `virtualservice.DestinationHostAnalyzer` (needed when several analyzers report `code`). */
  readonly analyzer?: string;
  /** The objects, as a YAML stream (or none, with `program`). */
  readonly yaml?: string;
  /** A program instead: its app's report at synth (a check reported from constructs only, e.g. MK0020). */
  readonly program?: (app: MeshApp) => void;
  readonly options?: AnalyzeOptions;
  /** Validate the objects against the pinned schemas first (IST0106). */
  readonly schemas?: boolean;
}

/** The injected `default` namespace, Service reviews (9080) and the Deployment of reviews v1 (test/analysis/analyzers.test.ts's `reviews`). */
export const REVIEWS_V1 = `
apiVersion: v1
kind: Namespace
metadata: { name: default, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: default }
spec: { selector: { app: reviews }, ports: [{ name: http, port: 9080 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: reviews-v1, namespace: default }
spec:
  selector: { matchLabels: { app: reviews, version: v1 } }
  template: { metadata: { labels: { app: reviews, version: v1 } }, spec: { containers: [{ name: app, image: 'x:1' }] } }
`;
