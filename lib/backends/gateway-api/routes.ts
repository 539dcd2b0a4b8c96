import { emit } from '../../hosting/cdk8s/emit';
import { backendNameOf, renderGrpcRoute, renderHttpRoute, renderReferenceGrant, renderTcpRoute, renderTlsRoute } from '../../render/gateway-api';
import { Manifest, VirtualServiceModel } from '../../render/model';
import { RouteKinds } from '../backend';
import { EmittedRoutes, needsHttp } from '../shared/route-objects';

const GATEWAY_API = 'gateway.networking.k8s.io/v1';

/**
 * Under the Gateway API each kind of route is an object of its own: an HTTPRoute (a GRPCRoute for a gRPC service), a
 * TCPRoute, a TLSRoute; and a ReferenceGrant in each other namespace the routes send to.
 */
export class GatewayApiRoutes extends EmittedRoutes {
  public sync(kinds: RouteKinds): void {
    const { scope, name, namespace, model, grpc } = this.host;
    const gw = (kind: string, render: (vs: VirtualServiceModel) => Manifest) =>
      this.once(kind, () => emit(scope, kind, { apiVersion: GATEWAY_API, kind, name, namespace, body: ['spec'] }, () => render(model())));
    // an HTTP object emitted before any route was added is dropped once the routes turn out to be TCP or TLS only
    if (!kinds.http && (kinds.tcp || kinds.tls)) this.drop(GATEWAY_API, grpc ? 'GRPCRoute' : 'HTTPRoute');
    if (needsHttp(kinds)) gw(grpc ? 'GRPCRoute' : 'HTTPRoute', grpc ? renderGrpcRoute : renderHttpRoute);
    if (kinds.tcp) gw('TCPRoute', renderTcpRoute);
    if (kinds.tls) gw('TLSRoute', renderTlsRoute);
    this.grantReferences();
  }

  /**
   * A ReferenceGrant in each other namespace the routes send to (or mirror to), naming the Services they use: the
   * Gateway API refuses a cross-namespace backendRef without one.
   * Emitted as such a destination first appears; the route kinds and Services it lists are read at synth.
   */
  private grantReferences(): void {
    const { scope, namespace: from, model } = this.host;
    const targets = (vs: VirtualServiceModel) => [
      ...vs.http.flatMap(r => [...r.destinations, ...(r.mirror ? [r.mirror.destination] : [])]),
      ...(vs.tcp ?? []).flatMap(r => r.destinations),
      ...(vs.tls ?? []).flatMap(r => r.destinations),
    ].filter(d => d.service.namespace !== undefined && d.service.namespace !== from && !d.service.external);
    if (from === undefined) return;
    for (const ns of new Set(targets(model()).map(d => d.service.namespace!))) {
      const id = `ReferenceGrant-${ns}`;
      if (this.emitted.has(id)) continue;
      this.emitted.add(id);
      const name = `${from}-${this.host.name}`.slice(0, 253);
      emit(scope, id, { apiVersion: GATEWAY_API, kind: 'ReferenceGrant', name, namespace: ns, body: ['spec'] },
        () => renderReferenceGrant({
          name,
          namespace: ns,
          fromNamespace: from,
          fromKinds: this.objects.map(o => o.kind),
          services: targets(model()).filter(d => d.service.namespace === ns).map(d => backendNameOf(d)),
        }));
    }
  }
}
