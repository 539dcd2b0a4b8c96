import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { MeshSettings } from '../../core/settings';
import { Manifest, RenderContext } from '../../render/model';

const HEAD = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * Carries a rendered object into a cdk8s chart as an `ApiObject`.
 *
 * The object's identity (apiVersion, kind, name, namespace, labels) is taken when it is created;
 * its body is rendered lazily at synth, so `addXxx()` calls made later still reach the output.
 * The returned `ApiObject` is the escape hatch: `ApiObject.of(x).addJsonPatch(...)`.
 */
export function emit(scope: Construct, id: string, render: () => Manifest): ApiObject {
  const head = render();
  const body: { [key: string]: unknown } = {};
  for (const key of Object.keys(head)) {
    if (!HEAD.has(key)) {
      body[key] = Lazy.any({ produce: () => render()[key] });
    }
  }
  return new ApiObject(scope, id, {
    ...body,
    apiVersion: head.apiVersion,
    kind: head.kind,
    metadata: {
      name: head.metadata.name,
      namespace: head.metadata.namespace,
      labels: head.metadata.labels ? { ...head.metadata.labels } : undefined,
      annotations: head.metadata.annotations ? { ...head.metadata.annotations } : undefined,
    },
  });
}

/** The render context in force at `scope` (its chart's and app's settings). */
export function renderContextOf(scope: IConstruct): RenderContext {
  return { istioApiVersion: MeshSettings.of(scope).istioApiVersion, clusterDomain: 'cluster.local' };
}

/** The namespace objects under `scope` land in: the one asked for, else the chart's. */
export function namespaceOf(scope: IConstruct, asked: string | undefined): string | undefined {
  return asked ?? Chart.of(scope).namespace;
}
