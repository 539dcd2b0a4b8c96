import { NormalizedRequest } from '../request';
import { ServiceInfo, ServicePort, WorkloadInfo } from '../world';

/**
 * The protocol an Istio proxy gives a port: `appProtocol`, else the port name's prefix (`http-web`), as Istio's
 * protocol selection reads them (istio/istio `pkg/config/protocol/instance.go`); an undeclared port is sniffed, so the
 * request decides (sidecars and waypoints both sniff: `pilot/pkg/networking/core/listener_waypoint.go`).
 */
export function istioPortProtocol(port: ServicePort | undefined): 'http' | 'tcp' | 'sniffed' {
  if (!port) return 'sniffed';
  const declared = (port.appProtocol ?? port.name?.split('-')[0] ?? '').toLowerCase();
  if (['http', 'http2', 'grpc', 'grpc-web', 'h2c', 'kubernetes.io/h2c'].includes(declared)) return 'http';
  if (['tcp', 'tls', 'https', 'mongo', 'mysql', 'redis', 'kubernetes.io/ws', 'kubernetes.io/wss'].includes(declared)) return 'tcp';
  return 'sniffed';
}

/** Whether the request is HTTP (HTTP/1, HTTP/2, gRPC). */
export const isHttpRequest = (req: NormalizedRequest) => req.protocol === 'http' || req.protocol === 'http2' || req.protocol === 'grpc';

/** Whether an Istio proxy sees the request as HTTP on this port. */
export const istioSeesHttp = (req: NormalizedRequest, port: ServicePort | undefined) => isHttpRequest(req) && istioPortProtocol(port) !== 'tcp';

/** The Service port a destination port names. */
export const servicePortOf = (service: ServiceInfo | undefined, port: number | undefined): ServicePort | undefined =>
  (service && port !== undefined ? service.ports.find(p => p.port === port) : undefined);

/** The pod port a Service port sends to: its `targetPort`, a container port's name resolved on the pod. */
export function targetPortOf(service: ServiceInfo | undefined, port: number | undefined, pod: WorkloadInfo): number | undefined {
  const sp = servicePortOf(service, port);
  if (!sp) return port;
  if (typeof sp.targetPort === 'number') return sp.targetPort;
  return pod.containerPorts.find(c => c.name === sp.targetPort)?.containerPort;
}
