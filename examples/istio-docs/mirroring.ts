/**
 * Istio's mirroring task (tasks/traffic-management/mirroring): httpbin v1 and v2 and the sleep client, all requests
 * routed to v1 (`mirroring.k8s.yaml`), then every request mirrored to v2 (`mirroring.mirror.k8s.yaml`); the same
 * under the Gateway API (`mirroring-gateway-api[.mirror].k8s.yaml`), where the versions are reached through their own
 * Services (`httpbin-v1`, `httpbin-v2`). The task runs `docker.io/kennethreitz/httpbin` and `curlimages/curl`
 * unpinned, as it writes them: the charts opt out of the pinned-image rule for these two images.
 * istio-docs: deliberately not reproduced, HTTPRoute default/httpbin (both Gateway API steps) — the task's parent is
 * `{kind: Service, name: httpbin, port: 8000}` with no `group`, which the API server defaults to
 * `gateway.networking.k8s.io` (the HTTPRoute CRD's `parentRefs[].group` default): a Service of the Gateway API's group,
 * which does not exist, so the route would attach to nothing. mesh-kit writes the core group, `group: ''`, as Istio's
 * request-routing and ambient tasks do.
 */
import { App } from 'cdk8s';
import { taskChart } from './chart';
import { ClientTls, ImagePullPolicy, MeshClient, MeshNamespace, MeshService, RouteAction, ServiceRouting, TrafficApi, UnpinnedImages } from '@mesh-kit/core';

const HTTPBIN = 'docker.io/kennethreitz/httpbin';
const CURL = 'curlimages/curl';

export function mirroring(app: App, trafficApi: TrafficApi = TrafficApi.ISTIO): void {
  const gatewayApi = trafficApi === TrafficApi.GATEWAY_API;
  const suffix = gatewayApi ? '-gateway-api' : '';
  const step = (fileName: string, mirror: boolean) => {
    const chart = taskChart(app, fileName, { trafficApi, allowUnpinnedImages: UnpinnedImages.of(HTTPBIN, CURL) });
    const ns = MeshNamespace.fromName('default');
    const httpbin = new MeshService(chart, 'httpbin', {
      namespace: ns,
      ports: [{ port: 8000, targetPort: 80, name: 'http' }],
      command: ['gunicorn', '--access-logfile', '-', '-b', '0.0.0.0:80', 'httpbin:app'],
      imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
      // the task's DestinationRule sets no TLS: auto mutual TLS, rather than the ISTIO_MUTUAL written by default
      trafficPolicy: { tls: ClientTls.auto() },
    });
    const v1 = httpbin.addVersion('v1', { image: HTTPBIN });
    const v2 = httpbin.addVersion('v2', { image: HTTPBIN });
    new MeshClient(chart, 'sleep', { namespace: ns, image: CURL, command: ['/bin/sleep', '3650d'], imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT });
    // each tab as written: Istio's route gives v1 `weight: 100` and the mirror `mirrorPercentage: 100`, the
    // HTTPRoute neither (one backend takes every request; a RequestMirror without `percent` copies every request)
    const routes = gatewayApi
      ? [{ action: RouteAction.forward(v1), mirror: mirror ? { target: v2 } : undefined }]
      : [{ action: RouteAction.weightedForward([{ target: v1, weight: 100 }]), mirror: mirror ? { target: v2, percentage: 100 } : undefined }];
    new ServiceRouting(chart, 'httpbin-routes', { service: httpbin, name: 'httpbin', routes });
  };
  step(`mirroring${suffix}`, false);
  step(`mirroring${suffix}.mirror`, true);
}
