/**
 * Istio's validating webhook (istio/istio pkg/config/validation, validation.go) for Istio Gateways: servers, hosts,
 * ports, binds and TLS settings. Each rule cites the upstream function it follows.
 *
 * @module
 */
import { isIP, istio, portProblem } from './istio-common';
import { gatewayHostProblems, isLabel, nonEmpty } from './istio-names';
import { Obj, arr, obj } from './util';
import { Manifest } from '../../render/model';

/** The protocols protocol.Parse knows (case-insensitive); any other is refused on a Gateway server. */
const PROTOCOLS = new Set(['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql']);
const HTTP_PROTOCOLS = new Set(['http', 'http2', 'http_proxy', 'grpc', 'grpc-web']);
const UNIX = 'unix://';

const WHERE = {
  gateway: istio('ValidateGateway'),
  server: istio('validateServer'),
  host: istio('ValidateNamespaceSlashWildcardHostname'),
  port: istio('validateServerPort'),
  bind: istio('validateServerBind'),
  tls: istio('validateTLSOptions'),
};

/** validateServerPort: a known protocol, a port number (0 only with a unix bind), no targetPort, a name. */
function serverPortProblems(port: Obj, bind: string, at: string): string[] {
  const out: string[] = [];
  if (typeof port.protocol === 'string' && !PROTOCOLS.has(port.protocol.toLowerCase())) {
    out.push(`${at}/protocol: '${port.protocol}' is not a protocol Istio knows: got '${port.protocol}'; use HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, MONGO, REDIS or MYSQL ${WHERE.port}`);
  }
  const n = typeof port.number === 'number' ? port.number : 0;
  if (n > 0 || !bind.startsWith(UNIX)) {
    const p = portProblem(n) ?? (n === 0 ? 'port number 0 must be in the range 1..65535' : undefined);
    if (p) out.push(`${at}/number: ${p}: got ${n} ${WHERE.port}`);
  }
  if (typeof port.targetPort === 'number' && port.targetPort > 0) {
    out.push(`${at}/targetPort: has no effect on a Gateway: got ${port.targetPort}; remove it ${WHERE.port}`);
  }
  if (port.name === '') out.push(`${at}/name: a server port needs a name: got '' ${WHERE.port}`);
  return out;
}

/** validateServerBind: `unix://` with an absolute path or `@abstract` name and port 0, or an IP address. */
function serverBindProblems(bind: string, port: Obj | undefined, at: string): string[] {
  const out: string[] = [];
  if (bind.startsWith(UNIX)) {
    const path = bind.slice(UNIX.length);
    if (path === '') {out.push(`${at}/bind: a unix domain socket address must not be empty: got '${bind}' ${WHERE.bind}`);} else if (!path.startsWith('@') && (!path.startsWith('/') || path.endsWith('/'))) {
      out.push(`${at}/bind: '${path}' is not an absolute path to a file: got '${bind}' ${WHERE.bind}`);
    }
    const n = port?.number;
    if (typeof n === 'number' && n !== 0) out.push(`${at}/port/number: must be 0 for a unix domain socket bind: got ${n} ${WHERE.bind}`);
  } else if (bind !== '' && !isIP(bind)) {
    out.push(`${at}/bind: must be an IP address or 'unix://<path>': got '${bind}' ${WHERE.bind}`);
  }
  return out;
}

/** validateTLSOptions: which certificate fields each TLS mode needs or forbids. */
function tlsOptionsProblems(tls: Obj, at: string): string[] {
  const out: string[] = [];
  const mode = typeof tls.mode === 'string' ? tls.mode : 'PASSTHROUGH';
  const cert = nonEmpty(tls.serverCertificate);
  const key = nonEmpty(tls.privateKey);
  const ca = nonEmpty(tls.caCertificates);
  const credentialName = nonEmpty(tls.credentialName);
  const credentialNames = arr(tls.credentialNames).length > 0;
  const certificates = arr(tls.tlsCertificates);
  if (mode === 'ISTIO_MUTUAL') {
    const set: [string, boolean][] = [['serverCertificate', !!cert], ['privateKey', !!key], ['caCertificates', !!ca],
      ['tlsCertificates', certificates.length > 0], ['credentialName', !!credentialName], ['credentialNames', credentialNames]];
    for (const [field, isSet] of set) {
      if (isSet) out.push(`${at}/${field}: ISTIO_MUTUAL TLS uses the mesh's certificates and cannot set ${field}: got ${field}; remove it or use MUTUAL ${WHERE.tls}`);
    }
    return out;
  }
  const sources = [cert && key ? 'serverCertificate/privateKey' : '', credentialName ? 'credentialName' : '', credentialNames ? 'credentialNames' : '',
    certificates.length > 0 ? 'tlsCertificates' : ''].filter(s => s !== '');
  if (sources.length > 1) {
    out.push(`${at}: only one certificate source may be set: got ${sources.join(', ')}; keep one of credentialName, credentialNames, `
      + `serverCertificate/privateKey, tlsCertificates ${WHERE.tls}`);
  }
  const terminates = mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  if (terminates && (credentialName || credentialNames)) return out;
  if (terminates) {
    const name = mode === 'SIMPLE' ? 'SIMPLE TLS' : 'MUTUAL TLS';
    if (mode !== 'SIMPLE' && !ca) out.push(`${at}/caCertificates: ${name} needs a client CA bundle: got none; set caCertificates or credentialName ${WHERE.tls}`);
    const pairs = certificates.length > 0 ? certificates.map((c, i) => [obj(c) ?? {}, `${at}/tlsCertificates/${i}`] as const) : [[tls, at] as const];
    for (const [c, cat] of pairs) {
      if (!nonEmpty(c.serverCertificate)) out.push(`${cat}/serverCertificate: ${name} needs a server certificate: got none; set it or use credentialName ${WHERE.tls}`);
      if (!nonEmpty(c.privateKey)) out.push(`${cat}/privateKey: ${name} needs a private key: got none; set it or use credentialName ${WHERE.tls}`);
    }
  }
  if (nonEmpty(tls.caCrl)) {
    if (credentialName) out.push(`${at}/caCrl: a CRL cannot be given with credentialName: got both; put the CRL in the credential ${WHERE.tls}`);
    if (mode === 'SIMPLE') out.push(`${at}/caCrl: a CRL is not supported with SIMPLE TLS: got '${String(tls.caCrl)}'; remove it or use MUTUAL ${WHERE.tls}`);
  }
  return out;
}

/** validateServer: hosts, port, bind, TLS settings and whether the protocol takes them. */
function serverProblems(server: Obj, at: string, gatewaySemantics: boolean): string[] {
  const out: string[] = [];
  const hosts = arr(server.hosts);
  if (Array.isArray(server.hosts) && hosts.length === 0) out.push(`${at}/hosts: a server needs at least one host: got none; use '*' for any ${WHERE.server}`);
  hosts.forEach((h, i) => {
    if (typeof h !== 'string') return;
    for (const p of gatewayHostProblems(h, gatewaySemantics)) out.push(`${at}/hosts/${i}: ${p}${p.includes('got \'') ? '' : `: got '${h}'`} ${WHERE.host}`);
  });
  const port = obj(server.port);
  const bind = typeof server.bind === 'string' ? server.bind : '';
  const portProblems = port ? serverPortProblems(port, bind, `${at}/port`) : [];
  out.push(...portProblems);
  out.push(...serverBindProblems(bind, port, at));
  const tls = obj(server.tls);
  if (tls) out.push(...tlsOptionsProblems(tls, `${at}/tls`));
  if (port && portProblems.length === 0 && typeof port.protocol === 'string') {
    const protocol = port.protocol.toLowerCase();
    if ((protocol === 'https' || protocol === 'tls') && !tls) {
      out.push(`${at}/tls: an ${port.protocol} server needs TLS settings: got none; set tls.mode and its certificates ${WHERE.server}`);
    } else if (protocol !== 'https' && protocol !== 'tls' && tls) {
      if (!HTTP_PROTOCOLS.has(protocol)) {
        out.push(`${at}/tls: a ${port.protocol} server cannot have TLS settings: got tls; use protocol TLS or HTTPS ${WHERE.server}`);
      } else {
        const mode = typeof tls.mode === 'string' ? tls.mode : 'PASSTHROUGH';
        if ((mode !== 'PASSTHROUGH' && mode !== 'AUTO_PASSTHROUGH') || nonEmpty(tls.caCertificates) || nonEmpty(tls.privateKey) || nonEmpty(tls.serverCertificate)) {
          out.push(`${at}/tls: a plain-text ${port.protocol} server cannot have TLS settings (only httpsRedirect): got mode ${mode}; use protocol HTTPS ${WHERE.server}`);
        }
      }
    }
  }
  return out;
}

/** ValidateGateway: a DNS-1123 label name, at least one server, each valid, unique server port names. */
export function istioGatewayProblems(o: Manifest): string[] {
  const out: string[] = [];
  const gatewaySemantics = obj(o.metadata?.annotations)?.['internal.istio.io/gateway-semantics'] === 'gateway';
  const name = o.metadata?.name;
  if (typeof name === 'string' && !gatewaySemantics && !isLabel(name)) {
    out.push(`/metadata/name: must be a DNS-1123 label for an Istio Gateway (no dots, at most 63 characters): got '${name}' ${WHERE.gateway}`);
  }
  const servers = arr(obj((o as unknown as Obj).spec)?.servers);
  if (servers.length === 0) out.push(`/spec/servers: a Gateway needs at least one server: got none ${WHERE.gateway}`);
  const names = new Set<string>();
  servers.forEach((x, i) => {
    const server = obj(x);
    if (!server) {
      if (x === null) out.push(`/spec/servers/${i}: a server must not be null: got null ${WHERE.gateway}`);
      return;
    }
    out.push(...serverProblems(server, `/spec/servers/${i}`, gatewaySemantics));
    const portName = obj(server.port)?.name;
    if (typeof portName === 'string') {
      if (names.has(portName)) out.push(`/spec/servers/${i}/port/name: port names in servers must be unique: got '${portName}' twice ${WHERE.gateway}`);
      names.add(portName);
    }
  });
  return out;
}
