/**
 * Istio's port protocols (istio/istio pkg/config/protocol/instance.go) and how a Kubernetes Service port's name or
 * `appProtocol` declares one (pkg/config/kube/conversion.go ConvertProtocol).
 */

export type Protocol =
  | 'GRPC' | 'GRPC-Web' | 'HTTP' | 'HTTP_PROXY' | 'HTTP2' | 'HTTPS' | 'TCP' | 'TLS' | 'UDP' | 'Mongo' | 'Redis' | 'MySQL'
  | 'UnsupportedProtocol';

const BY_NAME: { readonly [k: string]: Protocol } = {
  'tcp': 'TCP',
  'udp': 'UDP',
  'grpc': 'GRPC',
  'grpc-web': 'GRPC-Web',
  'http': 'HTTP',
  'http_proxy': 'HTTP_PROXY',
  'http2': 'HTTP2',
  'https': 'HTTPS',
  'tls': 'TLS',
  'mongo': 'Mongo',
  'redis': 'Redis',
  'mysql': 'MySQL',
};

/** protocol.Parse: case-insensitive; anything else is unsupported (sniffed). */
export const parseProtocol = (s: unknown): Protocol => (typeof s === 'string' ? BY_NAME[s.toLowerCase()] : undefined) ?? 'UnsupportedProtocol';

export const isHttp = (p: Protocol): boolean => p === 'HTTP' || p === 'HTTP2' || p === 'HTTP_PROXY' || p === 'GRPC' || p === 'GRPC-Web';
export const isHttp2 = (p: Protocol): boolean => p === 'HTTP2' || p === 'GRPC' || p === 'GRPC-Web';
export const isTcp = (p: Protocol): boolean => p === 'TCP' || p === 'HTTPS' || p === 'TLS' || p === 'Mongo' || p === 'Redis' || p === 'MySQL';
export const isTls = (p: Protocol): boolean => p === 'HTTPS' || p === 'TLS';
export const isUnsupported = (p: Protocol): boolean => p === 'UnsupportedProtocol';
export const isHttpOrSniffed = (p: Protocol): boolean => isHttp(p) || isUnsupported(p);
export const isGrpc = (p: Protocol): boolean => p === 'GRPC' || p === 'GRPC-Web';
/** What a TLS-terminating listener passes on (AfterTLSTermination). */
export const afterTlsTermination = (p: Protocol): Protocol => (p === 'HTTPS' ? 'HTTP' : p === 'TLS' ? 'TCP' : p);

/** How a listener treats a port (ModelProtocolToListenerProtocol): HTTP, TCP, or sniffed (auto); UDP gets none. */
export type ListenerProtocol = 'http' | 'tcp' | 'auto' | 'none';
export function listenerProtocolOf(p: Protocol): ListenerProtocol {
  if (isHttp(p)) return 'http';
  if (isTcp(p)) return 'tcp';
  if (p === 'UDP') return 'none';
  return 'auto';
}

/** Ports Istio treats as TCP whatever their name (SMTP, DNS, MySQL, MongoDB). */
const WELL_KNOWN_TCP = new Set([25, 53, 3306, 27017]);

/**
 * The protocol of a Kubernetes Service port: UDP stays UDP; `appProtocol` wins over the name; the name's part before
 * the first `-` is parsed (`http-web` is HTTP, `grpc-web*` is gRPC-Web); an unparsed name on a well-known port is TCP.
 */
export function kubePortProtocol(port: number, name: string | undefined, proto: string, appProtocol: string | undefined): Protocol {
  if (proto === 'UDP') return 'UDP';
  let n = name ?? '';
  if (appProtocol !== undefined) {
    n = appProtocol;
    if (n === 'kubernetes.io/h2c') return 'HTTP2';
    if (n === 'kubernetes.io/ws') return 'HTTP';
    if (n === 'kubernetes.io/wss') return 'HTTPS';
  }
  if (n.length >= 8 && n.slice(0, 8).toLowerCase() === 'grpc-web') return 'GRPC-Web';
  const i = n.indexOf('-');
  if (i >= 0) n = n.slice(0, i);
  const p = parseProtocol(n);
  if (p === 'UnsupportedProtocol' && WELL_KNOWN_TCP.has(port)) return 'TCP';
  return p;
}
