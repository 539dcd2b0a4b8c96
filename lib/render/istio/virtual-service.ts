import {
  VirtualServiceSpec,
  VirtualServiceSpecHttp,
  VirtualServiceSpecHttpMatch,
  toJson_VirtualServiceSpec,
} from '../../imports/networking.istio.io';
import { gatewayRefOf, hostOf } from '../hosts';
import { metadataOf } from '../metadata';
import { HttpRouteModel, Manifest, MatchModel, RenderContext, VirtualServiceModel } from '../model';

function renderMatch(m: MatchModel): VirtualServiceSpecHttpMatch {
  return {
    uri: m.uri,
    headers: m.headers,
    ignoreUriCase: m.ignoreUriCase,
    port: m.port,
  };
}

function renderRoute(route: HttpRouteModel, vs: VirtualServiceModel, ctx: RenderContext): VirtualServiceSpecHttp {
  return {
    name: route.name,
    match: route.match.length > 0 ? route.match.map(renderMatch) : undefined,
    route: route.destinations.map(d => ({
      destination: {
        host: hostOf(d.service, vs.namespace, ctx.clusterDomain),
        subset: d.subset,
        port: d.port !== undefined ? { number: d.port } : undefined,
      },
      weight: d.weight,
    })),
  };
}

/**
 * Renders a VirtualService: its hosts, the gateways it binds to (none: the mesh) and its HTTP routes,
 * in the order they were added (Istio evaluates them top to bottom).
 */
export function renderVirtualService(vs: VirtualServiceModel, ctx: RenderContext): Manifest {
  const spec: VirtualServiceSpec = {
    hosts: vs.hosts,
    gateways: vs.gateways.length > 0 ? vs.gateways.map(g => gatewayRefOf(g, vs.namespace)) : undefined,
    http: vs.http.map(r => renderRoute(r, vs, ctx)),
  };
  return {
    apiVersion: `networking.istio.io/${ctx.istioApiVersion}`,
    kind: 'VirtualService',
    metadata: metadataOf(vs.name, vs.namespace),
    spec: toJson_VirtualServiceSpec(spec),
  };
}
