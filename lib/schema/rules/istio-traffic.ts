/**
 * Istio's validating webhook (istio/istio pkg/config/validation, validation.go) for the traffic kinds:
 * DestinationRule, ServiceEntry, Sidecar, WorkloadEntry, WorkloadGroup, and `exportTo` on every kind that
 * carries it (VirtualService, DestinationRule, ServiceEntry). Each problem cites the Go function it follows.
 * Only errors are reported: what Istio merely warns about (duplicate egress hosts, partial wildcards on a
 * ServiceEntry, a selector without labels, deprecated fields) is accepted. Traffic policies are in
 * `./istio-traffic-policy`.
 *
 * @module
 */
import {
  fqdnProblem, ipProblem, ipSubnetProblem, isIP, sidecarHostProblems, portProblem, wildcardDomainProblem,
} from './istio-common';
import { Bare, EMPTY, UNSET, connectionPoolProblems, report, reportHelper, trafficPolicyProblems } from './istio-traffic-policy';
import { Obj, arr, obj, specOf, str } from './util';
import { Manifest } from '../../render/model';

/** pkg/config/labels.IsDNS1123Label: letters (either case), digits and '-', at most 63 characters. */
const LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
export const isIstioDNS1123Label = (s: string): boolean => s.length <= 63 && LABEL.test(s);

/** pkg/config/labels: a label key is `[dns-prefix/]name`, the name a qualified name of at most 63 characters. */
const LABEL_KEY = /^(?:([a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)*)\/)?((?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/;
/** pkg/config/labels: a label value is empty or a qualified name. */
const LABEL_VALUE = /^((?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** labels.Instance.Validate: the label keys and values of a subset, an endpoint or a workload. */
export function labelProblems(out: string[], at: string, v: unknown, fn: string): void {
  for (const [key, value] of Object.entries(obj(v) ?? {})) {
    // a key longer than a 253-character prefix, '/' and a 63-character name is refused without reading it
    const m = key.length <= 317 ? LABEL_KEY.exec(key) : null;
    if (!m || (m[1] ?? '').length > 253 || m[2].length > 63) {
      report(out, at, 'a label key must be [prefix/]name: letters, digits, \'-\', \'_\' and \'.\', at most 63 characters', key, fn);
    }
    if (typeof value === 'string' && !LABEL_VALUE.test(value)) {
      report(out, `${at}/${pointer(key)}`, 'a label value must be letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit', value, fn);
    }
  }
}

/** A map key as a JSON-pointer token. */
const pointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** pkg/config/protocol.Parse: the protocols Istio knows, case-insensitively (others are "unsupported"). */
const PROTOCOLS = new Map([
  ['tcp', 'TCP'], ['udp', 'UDP'], ['grpc', 'GRPC'], ['grpc-web', 'GRPC-Web'], ['http', 'HTTP'], ['http_proxy', 'HTTP_PROXY'],
  ['http2', 'HTTP2'], ['https', 'HTTPS'], ['tls', 'TLS'], ['mongo', 'Mongo'], ['redis', 'Redis'], ['mysql', 'MySQL'],
]);
/** The protocol as Istio reads it, or undefined when Istio does not know it. */
export const protocolOf = (p: unknown): string | undefined => (typeof p === 'string' ? PROTOCOLS.get(p.toLowerCase()) : undefined);
const isHTTP = (p: string | undefined): boolean => p === 'HTTP' || p === 'HTTP2' || p === 'HTTP_PROXY' || p === 'GRPC' || p === 'GRPC-Web';
const isTLS = (p: string | undefined): boolean => p === 'HTTPS' || p === 'TLS';

/** ValidatePortName, ValidateProtocol and agent.ValidatePort on a service port or a listener port. */
function portProblems(out: string[], at: string, port: Obj, fn: string, options: { nameOptional: boolean; checkNumber: boolean }): void {
  const name = port.name;
  if (typeof name === 'string' && (!options.nameOptional || name !== '') && !isIstioDNS1123Label(name)) {
    report(out, `${at}/name`, 'a port name must be a DNS-1123 label (letters, digits and \'-\', at most 63 characters)', name, fn);
  }
  if (typeof port.protocol === 'string' && port.protocol !== '' && !protocolOf(port.protocol)) {
    report(out, `${at}/protocol`, 'is not a protocol Istio knows', port.protocol, fn,
      'use one of HTTP, HTTPS, HTTP2, GRPC, GRPC-Web, HTTP_PROXY, TCP, TLS, UDP, Mongo, Redis, MySQL, or leave it unset to sniff');
  }
  if (options.checkNumber) numberProblem(out, `${at}/number`, port.number, fn);
}

/** agent.ValidatePort: 1..65535 (an unset number reads as 0). */
function numberProblem(out: string[], at: string, v: unknown, fn: string): void {
  const n = typeof v === 'number' ? v : 0;
  if (n === 0 || portProblem(n)) report(out, at, 'must be a port number in the range 1..65535', v ?? UNSET, fn);
}

/** ValidateUnixAddress: an abstract socket (`@name`) or an absolute path to a file. */
function unixAddressProblem(addr: string): string | undefined {
  if (addr === '') return 'a unix socket address must not be empty';
  if (addr.startsWith('@')) return undefined;
  return !addr.startsWith('/') || addr.endsWith('/') ? 'a unix socket address must be an absolute path to a file' : undefined;
}

/** ValidateProbeHeaderName: as Kubernetes, letters, digits and '-'. */
const PROBE_HEADER = /^[-A-Za-z0-9]+$/;

const namespaceOf = (o: Manifest): string | undefined => str(obj((o as unknown as Obj).metadata)?.namespace);

/**
 * ValidateAlphaWorkloadSelector on the keys of a Sidecar's or a ServiceEntry's selector: not empty, no `*` (the
 * CRDs' CEL rules refuse a `*` in the values; a DestinationRule's CRD checks its keys as validateWorkloadSelector does).
 */
function selectorKeyProblems(out: string[], at: string, v: unknown): void {
  const fn = 'ValidateAlphaWorkloadSelector';
  for (const [key, value] of Object.entries(obj(v) ?? {})) {
    if (key === '') report(out, at, 'a workload selector label key cannot be empty', `=${String(value)}`, fn);
    if (key.includes('*')) report(out, at, 'a workload selector label key cannot hold a wildcard', key, fn, 'name the labels exactly');
  }
}

/** ValidateDestinationRule: the host, the subsets (unique DNS-1123 names, labels, policies) and the traffic policy. */
export function destinationRuleProblems(o: Manifest): string[] {
  const out: string[] = [];
  const spec = specOf(o);
  const namespace = namespaceOf(o);
  const fn = 'ValidateDestinationRule';
  const host = str(spec.host);
  if (host !== undefined) {
    const p = wildcardDomainProblem(host);
    if (p) report(out, '/spec/host', `must be a host name, its first label '*' or '*'-prefixed (${p})`, host, fn);
  }
  trafficPolicyProblems(out, '/spec/trafficPolicy', spec.trafficPolicy, namespace);
  const names = new Set<string>();
  arr(spec.subsets).forEach((s, i) => {
    const subset = obj(s);
    if (!subset) return;
    const at = `/spec/subsets/${i}`;
    const name = str(subset.name) ?? '';
    if (name !== '' && names.has(name)) report(out, `${at}/name`, 'subset names must be unique', name, fn);
    names.add(name);
    if (subset.name === '') report(out, `${at}/name`, 'a subset needs a name', name, 'validateSubsetName');
    else if (name !== '' && !isIstioDNS1123Label(name)) report(out, `${at}/name`, 'a subset name must be a DNS-1123 label (letters, digits and \'-\', at most 63 characters)', name, 'validateSubsetName');
    labelProblems(out, `${at}/labels`, subset.labels, 'validateSubset');
    trafficPolicyProblems(out, `${at}/trafficPolicy`, subset.trafficPolicy, namespace);
  });
  return out;
}

/**
 * validateExportTo for a VirtualService, a DestinationRule or a ServiceEntry: `.`, `*` or namespace names, no
 * duplicates, `*` alone, `~` only on a ServiceEntry and alone; a DestinationRule with a workload selector is
 * exported to its own namespace only.
 */
export function exportToProblems(o: Manifest): string[] {
  const spec = specOf(o);
  const exportTo = arr(spec.exportTo);
  if (exportTo.length === 0) return [];
  const out: string[] = [];
  const fn = 'validateExportTo';
  const namespace = namespaceOf(o);
  const isServiceEntry = o.kind === 'ServiceEntry';
  // entry → how it was written: '.' is the object's own namespace, so with the namespace known '.' and its name are one entry
  const set = new Map<string, string>();
  exportTo.forEach((e, i) => {
    if (typeof e !== 'string') return;
    const at = `/spec/exportTo/${i}`;
    const key = e === '.' && namespace !== undefined ? namespace : e;
    const before = set.get(key);
    if (before !== undefined) {
      report(out, at, before !== e ? `exportTo entries must be unique ('.' is the object's namespace '${namespace}')` : 'exportTo entries must be unique', e, fn,
        before !== e ? `keep one of '${before}' and '${e}'` : 'remove the repeated entry');
    } else if (e === '~' && !isServiceEntry) {
      report(out, at, 'exportTo \'~\' (exported to no one) is only for a ServiceEntry', e, fn);
    } else if (e !== '.' && e !== '*' && e !== '~' && !isIstioDNS1123Label(e)) {
      report(out, at, 'an exportTo entry must be \'.\', \'*\' or a namespace name (a DNS-1123 label)', e, fn);
    } else {
      set.set(key, e);
    }
  });
  const selector = o.kind === 'DestinationRule' && obj(spec.workloadSelector) !== undefined;
  if (selector && set.size > 0) {
    const own = namespace !== undefined ? set.has(namespace) : !set.has('*');
    if (!own) report(out, '/spec/exportTo', 'a DestinationRule with a workloadSelector cannot be exported beyond its own namespace', exportTo.join(', '), fn, 'use \'.\'');
    else if (set.size > 1) report(out, '/spec/exportTo', 'a DestinationRule with a workloadSelector takes one exportTo entry, its own namespace', exportTo.join(', '), fn, 'use \'.\'');
  }
  if (set.has('*') && exportTo.length > 1) report(out, '/spec/exportTo', '\'*\' (public) cannot be combined with other entries', exportTo.join(', '), fn, 'keep \'*\' alone');
  if (set.has('~') && exportTo.length > 1) report(out, '/spec/exportTo', '\'~\' (no one) cannot be combined with other entries', exportTo.join(', '), fn, 'keep \'~\' alone');
  return out;
}

/**
 * validateWorkloadEntry: an address (unless a network is set) that is an IP, a FQDN when allowed, or a unix
 * socket (then the ServiceEntry has exactly one port); endpoint ports naming ports of the ServiceEntry; valid
 * labels. The CRDs' CEL rules already refuse an entry with neither address nor network, a unix socket with ports
 * or a relative path, bad port names and port numbers.
 */
function workloadEntryProblems(out: string[], at: string, we: Obj, servicePorts: Set<string> | undefined, allowFqdn: boolean): void {
  const fn = 'validateWorkloadEntry';
  const address = str(we.address) ?? '';
  if (address === '' && !we.network) {
    if (we.address === '') report(out, `${at}/address`, 'an address is required (or a network)', address, fn);
    return;
  }
  const unix = address.startsWith('unix://');
  if (!unix && address !== '' && !isIP(address)) {
    if (!allowFqdn) report(out, `${at}/address`, 'with resolution STATIC an endpoint address must be an IP address or a unix socket', address, fn);
    else if (fqdnProblem(address)) report(out, `${at}/address`, 'must be an IP address, a FQDN or a unix socket', address, fn);
  }
  if (servicePorts) endpointPortProblems(out, at, we.ports, servicePorts, fn);
  labelProblems(out, `${at}/labels`, we.labels, fn);
  if (unix && servicePorts && servicePorts.size !== 1) {
    report(out, `${at}/address`, 'a unix socket endpoint needs a ServiceEntry with exactly one port', servicePorts.size, fn);
  }
}

/** An endpoint's ports must be ports of its ServiceEntry, by name. */
function endpointPortProblems(out: string[], at: string, ports: unknown, servicePorts: Set<string>, fn: string): void {
  for (const name of Object.keys(obj(ports) ?? {})) {
    if (!servicePorts.has(name)) report(out, `${at}/ports`, 'an endpoint port must name a port of the ServiceEntry', name, fn, `name one of ${[...servicePorts].join(', ')}`);
  }
}

/** ValidateWorkloadEntry: validateWorkloadEntry with FQDN addresses allowed. */
export function workloadEntrySpecProblems(o: Manifest): string[] {
  const out: string[] = [];
  workloadEntryProblems(out, '/spec', specOf(o), undefined, true);
  return out;
}

/**
 * ValidateWorkloadGroup: valid metadata labels, and a readiness probe (validateReadinessProbe) with non-negative
 * counts and one method Istio's webhook knows: httpGet with valid header names, tcpSocket, or exec with a command.
 * The CRD already requires the template, the probe ports and the scheme.
 */
export function workloadGroupProblems(o: Manifest): string[] {
  const out: string[] = [];
  const spec = specOf(o);
  labelProblems(out, '/spec/metadata/labels', obj(spec.metadata)?.labels, 'ValidateWorkloadGroup');
  const probe = obj(spec.probe);
  if (!probe) return out;
  const fn = 'validateReadinessProbe';
  for (const key of ['periodSeconds', 'initialDelaySeconds', 'timeoutSeconds', 'successThreshold', 'failureThreshold']) {
    const v = probe[key];
    if (typeof v === 'number' && v < 0) report(out, `/spec/probe/${key}`, 'must not be negative', v, fn);
  }
  const httpGet = obj(probe.httpGet);
  const exec = obj(probe.exec);
  if (httpGet) {
    arr(httpGet.httpHeaders).forEach((h, i) => {
      const name = str(obj(h)?.name) ?? '';
      if (!PROBE_HEADER.test(name)) report(out, `/spec/probe/httpGet/httpHeaders/${i}/name`, 'a probe header name must be letters, digits and \'-\'', name, 'ValidateProbeHeaderName');
    });
  } else if (exec) {
    if (Array.isArray(exec.command) && exec.command.length === 0) report(out, '/spec/probe/exec/command', 'an exec probe needs a command', new Bare('[]'), fn);
  } else if (!obj(probe.tcpSocket)) {
    // the CRD also offers grpc, but the webhook's switch knows only httpGet, tcpSocket and exec
    report(out, '/spec/probe', 'a readiness probe needs a method Istio\'s webhook accepts', obj(probe.grpc) ? new Bare('grpc') : EMPTY, fn, 'set httpGet, tcpSocket or exec');
  }
  return out;
}

/** host.Name.IsWildCarded: a host starting with `*`. */
const isWildcarded = (h: string): boolean => h.startsWith('*');

/**
 * ValidateServiceEntry: host names, IP or CIDR addresses, unique DNS-1123 port names with known protocols,
 * endpoints by resolution (IPs or unix sockets for STATIC, FQDNs or IPs for DNS, none for DYNAMIC_DNS), FQDN
 * hosts for DNS without endpoints, wildcard hosts for DYNAMIC_DNS, several hosts only with HTTP or TLS ports.
 * The CRD's CEL rules already refuse a `*` host, duplicate port numbers, port numbers out of range, CIDRs with
 * DNS resolution, endpoints with NONE, several endpoints with DNS_ROUND_ROBIN, and a selector with endpoints.
 */
export function serviceEntryProblems(o: Manifest): string[] {
  const out: string[] = [];
  const spec = specOf(o);
  const fn = 'ValidateServiceEntry';
  const resolution = str(spec.resolution) ?? 'NONE';
  selectorKeyProblems(out, '/spec/workloadSelector/labels', obj(spec.workloadSelector)?.labels);
  const endpoints = arr(spec.endpoints);

  const hosts = arr(spec.hosts).filter((h): h is string => typeof h === 'string');
  if (Array.isArray(spec.hosts) && hosts.length === 0) report(out, '/spec/hosts', 'a ServiceEntry needs at least one host', new Bare('[]'), fn);
  arr(spec.hosts).forEach((h, i) => {
    const p = typeof h === 'string' && h !== '*' ? wildcardDomainProblem(h) : undefined;
    if (p) report(out, `/spec/hosts/${i}`, `must be a host name, its first label '*' or '*'-prefixed (${p})`, h, fn);
  });

  const addresses = arr(spec.addresses).filter((a): a is string => typeof a === 'string');
  arr(spec.addresses).forEach((a, i) => {
    const p = typeof a === 'string' ? ipSubnetProblem(a) : undefined;
    if (p) report(out, `/spec/addresses/${i}`, `must be an IP address or a CIDR block (${p})`, a, fn);
  });

  const ports = arr(spec.ports).map(obj);
  // unique port names are the API server's to refuse first: the CRD keys ports by name (x-kubernetes-list-type: map)
  const names = new Set<string>();
  ports.forEach((port, i) => {
    if (!port) return;
    const at = `/spec/ports/${i}`;
    const name = str(port.name);
    if (name !== undefined) names.add(name);
    portProblems(out, at, port, fn, { nameOptional: false, checkNumber: false });
  });

  switch (resolution) {
    case 'STATIC':
      endpoints.forEach((e, i) => { const we = obj(e); if (we) workloadEntryProblems(out, `/spec/endpoints/${i}`, we, names, false); });
      break;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      if (endpoints.length === 0) {
        const i = hosts.findIndex((h) => fqdnProblem(h) !== undefined);
        if (i >= 0) {
          report(out, `/spec/hosts/${i}`, `with resolution ${resolution} and no endpoints every host must be a FQDN without wildcards`, hosts[i], fn,
            'add endpoints or use resolution DYNAMIC_DNS for wildcard hosts');
        }
      }
      endpoints.forEach((e, i) => {
        const ep = obj(e);
        if (!ep) return;
        const at = `/spec/endpoints/${i}`;
        const address = str(ep.address);
        // no address and no network: the CRD's CEL rule says so
        if ((address !== undefined || ep.network) && !isIP(address ?? '') && fqdnProblem(address ?? '')) {
          report(out, `${at}/address`, `with resolution ${resolution} an endpoint address must be a FQDN or an IP address`, address ?? UNSET, fn);
        }
        labelProblems(out, `${at}/labels`, ep.labels, fn);
        endpointPortProblems(out, at, ep.ports, names, fn);
      });
      break;
    case 'DYNAMIC_DNS':
      arr(spec.hosts).forEach((h, i) => {
        if (typeof h === 'string' && !isWildcarded(h)) report(out, `/spec/hosts/${i}`, 'with resolution DYNAMIC_DNS every host must be a wildcard', h, fn, 'e.g. \'*.example.com\'');
      });
      if (addresses.length > 0) report(out, '/spec/addresses', 'resolution DYNAMIC_DNS takes no addresses (routes come from the hosts)', addresses.join(', '), fn);
      if (endpoints.length > 0) report(out, '/spec/endpoints', 'resolution DYNAMIC_DNS takes no endpoints (the destination comes from the host)', endpoints.length, fn);
      ports.forEach((port, i) => {
        const p = protocolOf(port?.protocol);
        if (port && p !== 'HTTP' && p !== 'TLS' && p !== 'GRPC' && p !== 'HTTP2') {
          report(out, `/spec/ports/${i}/protocol`, 'resolution DYNAMIC_DNS supports only HTTP, TLS, GRPC and HTTP2 ports', port.protocol ?? UNSET, fn);
        }
      });
      if (spec.location === 'MESH_INTERNAL') {
        const waypoint = str(obj(obj((o as unknown as Obj).metadata)?.labels)?.['istio.io/use-waypoint']) ?? '';
        if (waypoint !== '' && waypoint.toLowerCase() !== 'none') {
          report(out, '/spec/location', 'MESH_INTERNAL with resolution DYNAMIC_DNS is not supported with a waypoint (istio.io/use-waypoint)', 'MESH_INTERNAL', fn, 'use MESH_EXTERNAL');
        }
      }
      break;
    default:
      break;
  }

  if (resolution !== 'NONE' && hosts.length > 1) {
    const i = ports.findIndex((port) => port && !isHTTP(protocolOf(port.protocol)) && !isTLS(protocolOf(port.protocol)));
    if (i >= 0) {
      report(out, `/spec/ports/${i}/protocol`, `several hosts with resolution ${resolution} need HTTP or TLS ports (plain TCP cannot tell the hosts apart)`,
        ports[i]?.protocol ?? UNSET, fn, 'use one host per ServiceEntry, or resolution NONE');
    }
  }
  return out;
}

/** Go's net.SplitHostPort: `host:port` or `[ipv6]:port`; undefined when the form is wrong. */
function splitHostPort(s: string): { host: string; port: string } | undefined {
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0 || s[end + 1] !== ':' || s.indexOf('[', 1) >= 0 || s.indexOf(']', end + 1) >= 0) return undefined;
    return { host: s.slice(1, end), port: s.slice(end + 2) };
  }
  const i = s.lastIndexOf(':');
  if (i < 0) return undefined;
  const host = s.slice(0, i);
  if (host.includes(':') || host.includes('[') || host.includes(']')) return undefined;
  return { host, port: s.slice(i + 1) };
}

const LOOPBACK_OR_ANY = new Set(['', '127.0.0.1', '0.0.0.0', '::1', '::']);

/** ValidateSidecar on an ingress listener's defaultEndpoint: a unix socket, or a loopback or any address with a port. */
function defaultEndpointProblems(out: string[], at: string, ep: string): void {
  const fn = 'ValidateSidecar';
  if (ep.startsWith('unix://')) {
    const p = unixAddressProblem(ep.slice('unix://'.length));
    if (p) report(out, at, p, ep, 'ValidateUnixAddress');
    return;
  }
  const hp = splitHostPort(ep);
  if (!hp) {
    report(out, at, 'must be <address>:<port> or unix://<path>', ep, fn, 'e.g. \'127.0.0.1:8080\'');
    return;
  }
  if (!LOOPBACK_OR_ANY.has(hp.host)) {
    report(out, at, 'must be 127.0.0.1:<port>, 0.0.0.0:<port>, [::1]:<port>, [::]:<port> or unix://<path>', ep, fn);
  }
  if (!/^[-+]?\d+$/.test(hp.port)) report(out, at, `its port '${hp.port}' is not a number`, ep, fn);
  else if (portProblem(Number(hp.port)) || Number(hp.port) === 0) report(out, at, 'its port must be in the range 1..65535', ep, fn);
}

/** ValidateSidecar on an ingress listener's TLS settings: what a Sidecar does not support, and validateTLSOptions' certificates. */
function ingressTlsProblems(out: string[], at: string, tls: Obj, protocol: unknown): void {
  const fn = 'ValidateSidecar';
  if (arr(tls.subjectAltNames).length > 0) report(out, `${at}/subjectAltNames`, 'is not supported on a Sidecar ingress listener', arr(tls.subjectAltNames).join(', '), fn);
  if (tls.httpsRedirect === true) report(out, `${at}/httpsRedirect`, 'is not supported on a Sidecar ingress listener', true, fn);
  if (tls.credentialName) report(out, `${at}/credentialName`, 'is not supported on a Sidecar ingress listener', tls.credentialName, fn, 'use serverCertificate and privateKey');
  if (arr(tls.credentialNames).length > 0) report(out, `${at}/credentialNames`, 'is not supported on a Sidecar ingress listener', arr(tls.credentialNames).join(', '), fn);
  if (arr(tls.tlsCertificates).length > 0) report(out, `${at}/tlsCertificates`, 'is not supported on a Sidecar ingress listener', arr(tls.tlsCertificates).length, fn);
  const mode = tls.mode;
  if (mode === 'ISTIO_MUTUAL' || mode === 'AUTO_PASSTHROUGH') report(out, `${at}/mode`, 'cannot be ISTIO_MUTUAL or AUTO_PASSTHROUGH on a Sidecar ingress listener', mode, fn);
  if (!isTLS(protocolOf(protocol))) report(out, at, 'TLS settings need an HTTPS or TLS port', protocol ?? UNSET, fn, 'set the port\'s protocol to HTTPS or TLS');
  // validateTLSOptions: without a credential (refused above), SIMPLE and MUTUAL need the certificate and key files
  if ((mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL') && !tls.credentialName && arr(tls.credentialNames).length === 0
    && arr(tls.tlsCertificates).length === 0) {
    for (const key of ['serverCertificate', 'privateKey']) if (!tls[key]) report(out, `${at}/${key}`, `${mode} TLS requires ${key}`, tls[key] ?? UNSET, 'validateTLSOptions');
    if (mode !== 'SIMPLE' && !tls.caCertificates) report(out, `${at}/caCertificates`, `${mode} TLS requires a client CA bundle`, tls.caCertificates ?? UNSET, 'validateTLSOptions');
  }
}

/** ValidateSidecar on an ingress listener: a port, no targetPort, a valid bind and default endpoint, unique port numbers. */
function ingressProblems(out: string[], ingress: unknown[]): void {
  const fn = 'ValidateSidecar';
  const numbers = new Set<number>();
  ingress.forEach((x, i) => {
    const l = obj(x);
    if (!l) return;
    const at = `/spec/ingress/${i}`;
    const port = obj(l.port);
    if (!port) return; // the CRD requires it
    if (typeof port.targetPort === 'number' && port.targetPort > 0) report(out, `${at}/port/targetPort`, 'has no effect on a Sidecar', port.targetPort, fn, 'remove it');
    portProblems(out, `${at}/port`, port, 'validateSidecarIngressPortAndBind', { nameOptional: true, checkNumber: true });
    const bind = str(l.bind) ?? '';
    if (bind !== '' && ipProblem(bind)) report(out, `${at}/bind`, 'must be an IP address', bind, 'validateSidecarIngressPortAndBind');
    const number = typeof port.number === 'number' ? port.number : 0;
    if (numbers.has(number)) report(out, `${at}/port/number`, 'the ports of IP-bound listeners must be unique', number, fn);
    numbers.add(number);
    if (typeof l.defaultEndpoint === 'string' && l.defaultEndpoint !== '') defaultEndpointProblems(out, `${at}/defaultEndpoint`, l.defaultEndpoint);
    const tls = obj(l.tls);
    if (tls) ingressTlsProblems(out, `${at}/tls`, tls, port.protocol);
    connectionPoolProblems(out, `${at}/connectionPool`, l.connectionPool);
  });
}

/** ValidateSidecar on the egress listeners: one catch-all (no port) and last, binds and capture modes, unique ports, `namespace/host` hosts. */
function egressProblems(out: string[], egress: unknown[]): void {
  const fn = 'ValidateSidecar';
  const bindFn = 'validateSidecarEgressPortBindAndCaptureMode';
  const numbers = new Set<number>();
  const sockets = new Set<string>();
  let catchAll = false;
  egress.forEach((x, i) => {
    const l = obj(x);
    if (!l) return;
    const at = `/spec/egress/${i}`;
    const port = obj(l.port);
    if (!port) {
      if (catchAll) {
        report(out, `${at}/port`, 'only one egress listener may leave its port unset', UNSET, fn);
        return;
      }
      if (i === egress.length - 1) catchAll = true;
      else report(out, `${at}/port`, 'the egress listener without a port must be the last one', UNSET, fn, 'move it to the end of egress');
    } else {
      if (typeof port.targetPort === 'number' && port.targetPort > 0) report(out, `${at}/port/targetPort`, 'has no effect on a Sidecar', port.targetPort, fn, 'remove it');
      const bind = str(l.bind) ?? '';
      const number = typeof port.number === 'number' ? port.number : 0;
      portProblems(out, `${at}/port`, port, bindFn, { nameOptional: true, checkNumber: number !== 0 });
      if (number === 0) {
        if (!bind.startsWith('unix://')) {
          report(out, `${at}/bind`, 'a listener on port 0 must bind a unix domain socket', bind || UNSET, bindFn, 'set bind: unix://<path>, or a port number');
        } else {
          const p = unixAddressProblem(bind.slice('unix://'.length));
          if (p) report(out, `${at}/bind`, p, bind, 'ValidateUnixAddress');
        }
        const capture = str(l.captureMode) ?? 'DEFAULT';
        if (capture !== 'DEFAULT' && capture !== 'NONE') report(out, `${at}/captureMode`, 'must be DEFAULT or NONE on a unix domain socket listener', capture, bindFn);
        if (sockets.has(bind)) report(out, `${at}/bind`, 'the unix domain sockets of listeners must be unique', bind, fn);
        sockets.add(bind);
      } else {
        if (bind !== '' && ipProblem(bind)) report(out, `${at}/bind`, 'must be an IP address', bind, bindFn);
        if (numbers.has(number)) report(out, `${at}/port/number`, 'the ports of IP-bound listeners must be unique', number, fn);
        numbers.add(number);
      }
    }
    const hosts = arr(l.hosts);
    if (Array.isArray(l.hosts) && hosts.length === 0) report(out, `${at}/hosts`, 'an egress listener needs at least one host', new Bare('[]'), fn, 'e.g. \'./*\' or \'istio-system/*\'');
    hosts.forEach((h, j) => {
      if (typeof h !== 'string') return;
      for (const p of sidecarHostProblems(h)) reportHelper(out, `${at}/hosts/${j}`, p, h, 'ValidateNamespaceSlashWildcardHostname');
    });
  });
}

/** validateSidecarOutboundTrafficPolicy: ALLOW_ANY_DYNAMIC_DNS is mesh-wide only; an egress proxy needs ALLOW_ANY, a FQDN and a port. */
function outboundPolicyProblems(out: string[], v: unknown): void {
  const otp = obj(v);
  if (!otp) return;
  const fn = 'validateSidecarOutboundTrafficPolicy';
  const at = '/spec/outboundTrafficPolicy';
  const mode = str(otp.mode) ?? 'REGISTRY_ONLY';
  if (mode === 'ALLOW_ANY_DYNAMIC_DNS') {
    report(out, `${at}/mode`, 'ALLOW_ANY_DYNAMIC_DNS is a mesh config mode, not a Sidecar one', mode, fn, 'use ALLOW_ANY or REGISTRY_ONLY');
    return;
  }
  const proxy = obj(otp.egressProxy);
  if (!proxy) return;
  if (mode !== 'ALLOW_ANY') {
    report(out, `${at}/egressProxy`, 'an egress proxy needs mode ALLOW_ANY', mode, fn, 'set mode: ALLOW_ANY');
    return;
  }
  const host = str(proxy.host) ?? '';
  const f = fqdnProblem(host);
  if (f) report(out, `${at}/egressProxy/host`, `must be a FQDN (${f})`, host, fn);
  if (!obj(proxy.port)) {
    report(out, `${at}/egressProxy/port`, 'an egress proxy needs a port', UNSET, fn, 'set port.number');
    return;
  }
  // validateDestination
  if (host === '*') report(out, `${at}/egressProxy/host`, 'cannot be the full wildcard', host, 'validateDestination');
  const subset = proxy.subset;
  if (typeof subset === 'string' && subset !== '' && !isIstioDNS1123Label(subset)) report(out, `${at}/egressProxy/subset`, 'a subset name must be a DNS-1123 label', subset, 'validateSubsetName');
  numberProblem(out, `${at}/egressProxy/port/number`, obj(proxy.port)?.number, 'validatePortSelector');
}

/**
 * ValidateSidecar: something configured, a workload selector without empty keys or wildcards, the ingress and
 * egress listeners, the connection pools and the outbound traffic policy.
 */
export function sidecarProblems(o: Manifest): string[] {
  const out: string[] = [];
  const spec = specOf(o);
  selectorKeyProblems(out, '/spec/workloadSelector/labels', obj(spec.workloadSelector)?.labels);
  const ingress = arr(spec.ingress);
  const egress = arr(spec.egress);
  if (ingress.length === 0 && egress.length === 0 && !obj(spec.outboundTrafficPolicy) && !obj(spec.inboundConnectionPool)) {
    report(out, '/spec', 'a Sidecar must configure something', EMPTY, 'ValidateSidecar', 'set egress, ingress, outboundTrafficPolicy or inboundConnectionPool');
    return out;
  }
  ingressProblems(out, ingress);
  connectionPoolProblems(out, '/spec/inboundConnectionPool', spec.inboundConnectionPool);
  egressProblems(out, egress);
  outboundPolicyProblems(out, spec.outboundTrafficPolicy);
  return out;
}
