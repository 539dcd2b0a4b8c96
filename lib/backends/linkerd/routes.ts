import { LinkerdVersion, MeshSettings } from '../../core/settings';
import { emit } from '../../hosting/cdk8s/emit';
import { renderLinkerdGrpcRoute, renderLinkerdHttpRoute } from '../../render/linkerd';
import { RouteKinds } from '../backend';
import { EmittedRoutes } from '../shared/route-objects';

/**
 * Under Linkerd one route object: an HTTPRoute or GRPCRoute of the Gateway API (Linkerd 2.20), or Linkerd's own
 * HTTPRoute (`LinkerdVersion.V2_16`). TCP and TLS routes are refused at synth (`linkerdRouteProblems`).
 */
export class LinkerdRoutes extends EmittedRoutes {
  public sync(_kinds: RouteKinds): void {
    const { scope, name, namespace, model, grpc } = this.host;
    // 2.20 and the edge line read the Gateway API's routes; 2.16 to 2.19 Linkerd's own
    const gatewayApi = MeshSettings.of(scope).linkerdVersion !== LinkerdVersion.V2_16;
    const apiVersion = gatewayApi ? 'gateway.networking.k8s.io/v1' : 'policy.linkerd.io/v1beta3';
    const kind = gatewayApi && grpc ? 'GRPCRoute' : 'HTTPRoute';
    this.once(kind, () => emit(scope, kind, { apiVersion, kind, name, namespace, body: ['spec'], renderedAnnotations: true },
      () => (kind === 'GRPCRoute' ? renderLinkerdGrpcRoute(model()) : renderLinkerdHttpRoute(model(), apiVersion))));
  }
}
