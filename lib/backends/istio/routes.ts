import { emit, istioNetworking, renderContextOf } from '../../hosting/cdk8s/emit';
import { renderVirtualService } from '../../render/istio';
import { RouteKinds } from '../backend';
import { EmittedRoutes } from '../shared/route-objects';

/** Under Istio's API one VirtualService holds every kind of route. */
export class VirtualServiceRoutes extends EmittedRoutes {
  public sync(_kinds: RouteKinds): void {
    const { scope, name, namespace, model } = this.host;
    this.once('VirtualService', () => emit(scope, 'VirtualService', { apiVersion: istioNetworking(scope), kind: 'VirtualService', name, namespace, body: ['spec'] },
      () => renderVirtualService(model(), renderContextOf(scope))));
  }
}
