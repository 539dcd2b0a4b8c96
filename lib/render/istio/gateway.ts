import { GatewaySpec, GatewaySpecServersTls } from '../../imports/networking.istio.io';
import { metadataOf } from '../metadata';
import { GatewayModel, Manifest, RenderContext } from '../model';

/** Renders an Istio Gateway: the workload selector and one server per listener. */
export function renderGateway(gw: GatewayModel, ctx: RenderContext): Manifest {
  const spec: GatewaySpec = {
    selector: gw.selector,
    servers: gw.servers.map(s => ({
      port: { number: s.port, name: s.portName, protocol: s.protocol },
      hosts: s.hosts,
      tls: s.tls as GatewaySpecServersTls | undefined, // Istio-shaped: mode is one of the enum's values
    })),
  };
  return {
    apiVersion: `networking.istio.io/${ctx.istioApiVersion}`,
    kind: 'Gateway',
    metadata: metadataOf(gw.name, gw.namespace),
    spec,
  };
}
