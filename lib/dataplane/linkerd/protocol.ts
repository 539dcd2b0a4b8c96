import { AttachedRoute, routesAttached } from './service-routes';
import { parsePortSet } from '../policy/linkerd-authz';
import { ServiceInfo, World } from '../world';

/**
 * What a Linkerd proxy makes of a Service port: opaque (TCP, no HTTP routes), HTTP/1, HTTP/2, or protocol detection;
 * and which kind of route it then reads (linkerd2 `policy-controller/grpc/src/outbound.rs` `to_proto`).
 */

/** Linkerd's default opaque ports (`proxy.opaquePorts` of the control-plane chart: SMTP, MySQL, PostgreSQL, Redis, …). */
export const DEFAULT_OPAQUE_PORTS: ReadonlySet<number> = new Set([25, 587, 3306, 4444, 5432, 6379, 9300, 11211]);

/** The protocol of a Service port for Linkerd. */
export interface LinkerdPortProtocol {
  readonly kind: 'opaque' | 'http1' | 'http2' | 'detect';
  /** Why (for opaque, HTTP/1, HTTP/2): the appProtocol or the opaque-ports annotation. */
  readonly why?: string;
}

/**
 * `appProtocol` first (`http`: HTTP/1; `kubernetes.io/h2c`: HTTP/2; `linkerd.io/opaque` and `linkerd.io/tcp`: opaque;
 * any other value is unknown and treated as opaque: `core/src/outbound.rs` `AppProtocol::from_str`), then the opaque
 * ports: the Service's `config.linkerd.io/opaque-ports`, else its namespace's (the proxy injector writes it onto the
 * Services of an annotated namespace: `controller/proxy-injector/webhook.go`), else Linkerd's default list.
 */
export function linkerdPortProtocol(world: World, service: ServiceInfo, port: number): LinkerdPortProtocol {
  const sp = service.ports.find(p => p.port === port);
  const app = sp?.appProtocol;
  if (app !== undefined) {
    const v = app.toLowerCase();
    if (v === 'http') return { kind: 'http1', why: `appProtocol '${app}'` };
    if (v === 'kubernetes.io/h2c') return { kind: 'http2', why: `appProtocol '${app}'` };
    if (v === 'linkerd.io/opaque' || v === 'linkerd.io/tcp') return { kind: 'opaque', why: `appProtocol '${app}'` };
    return { kind: 'opaque', why: `appProtocol '${app}', which Linkerd does not know (it treats the port as opaque)` };
  }
  const own = service.annotations['config.linkerd.io/opaque-ports'];
  const inherited = world.namespace(service.namespace).annotations['config.linkerd.io/opaque-ports'];
  const [spec, where] = own !== undefined ? [own, `Service ${service.namespace}/${service.name}`] : inherited !== undefined ? [inherited, `namespace ${service.namespace}`] : [undefined, ''];
  if (spec !== undefined) {
    return parsePortSet(spec)?.has(port) ? { kind: 'opaque', why: `config.linkerd.io/opaque-ports '${spec}' on ${where}` } : { kind: 'detect' };
  }
  return DEFAULT_OPAQUE_PORTS.has(port) ? { kind: 'opaque', why: `port ${port} is one of Linkerd's default opaque ports` } : { kind: 'detect' };
}

/**
 * The route kind a Linkerd proxy reads for a Service port: opaque ports only TCPRoutes; HTTP/1 only HTTPRoutes; HTTP/2
 * GRPCRoutes, else HTTPRoutes; with detection GRPCRoutes, else HTTPRoutes, else TLSRoutes, else TCPRoutes.
 */
export function linkerdRouteKind(protocol: LinkerdPortProtocol, attached: readonly AttachedRoute[]): string | undefined {
  const has = (kind: string) => attached.some(r => r.route.kind === kind);
  const order = protocol.kind === 'opaque' ? ['TCPRoute'] : protocol.kind === 'http1' ? ['HTTPRoute'] : protocol.kind === 'http2' ? ['GRPCRoute', 'HTTPRoute']
    : ['GRPCRoute', 'HTTPRoute', 'TLSRoute', 'TCPRoute'];
  return order.find(has);
}

export { routesAttached };
