import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { failAt, problem } from '../../core/errors';
import { MeshSettings, TrafficApi } from '../../core/settings';
import { Manifest, RenderContext } from '../../render/model';

const HEAD = new Set(['apiVersion', 'kind', 'metadata']);

/** Per chart: the objects emitted so far, `group/kind/namespace/name -> construct path`. */
const emitted = new WeakMap<Chart, Map<string, string>>();

/**
 * Two objects of one kind, name and namespace in one chart (one file) would silently overwrite
 * each other on `kubectl apply`: refuse the second at once, naming the first.
 */
function claimIdentity(scope: Construct, head: Manifest): void {
  const chart = Chart.of(scope);
  const seen = emitted.get(chart) ?? new Map<string, string>();
  emitted.set(chart, seen);
  const group = head.apiVersion.includes('/') ? head.apiVersion.split('/')[0] : '';
  const key = [group, head.kind, head.metadata.namespace ?? chart.namespace ?? '', head.metadata.name].join('/');
  const first = seen.get(key);
  if (first !== undefined) {
    failAt(scope, problem('name', `must be unique among the ${head.kind}s of a chart`, head.metadata.name,
      `'${first}' already emits ${head.kind} '${head.metadata.name}': give one of them another name, or move it to another chart`));
  }
  seen.set(key, scope.node.path);
}

/**
 * Carries a rendered object into a cdk8s chart as an `ApiObject`.
 *
 * The object's identity (apiVersion, kind, name, namespace, labels) is taken when it is created;
 * its body is rendered lazily at synth, so `addXxx()` calls made later still reach the output.
 * The returned `ApiObject` is the escape hatch: `ApiObject.of(x).addJsonPatch(...)`.
 */
export function emit(scope: Construct, id: string, render: () => Manifest): ApiObject {
  const head = render();
  claimIdentity(scope, head);
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

/** Whether routing under `scope` is rendered to the Gateway API. */
export function usesGatewayApi(scope: IConstruct): boolean {
  return MeshSettings.of(scope).trafficApi === TrafficApi.GATEWAY_API;
}

/** The namespace objects under `scope` land in: the one asked for, else the chart's. */
export function namespaceOf(scope: IConstruct, asked: string | undefined): string | undefined {
  return asked ?? Chart.of(scope).namespace;
}
