import { SchemaValidation } from '../../../lib';
import { Manifest } from '../../../lib/render/model';
import { apiRuleProblems } from '../../../lib/schema/api-rules';

// Istio's validating webhook for DestinationRule, ServiceEntry, Sidecar, WorkloadEntry, WorkloadGroup and exportTo
// (istio/istio pkg/config/validation): one "refused if / accepted if" pair per rule. Every accepted object is also
// held to the pinned CRDs at the end, so that no pair accepts what the schema refuses.

const NET = 'networking.istio.io/v1';
const object = (kind: string, spec: object, meta: object = {}): Manifest => ({ apiVersion: NET, kind, metadata: { name: 'r', namespace: 'shop', ...meta }, spec });
const dr = (spec: object, meta?: object) => object('DestinationRule', { host: 'reviews', ...spec }, meta);
const tp = (trafficPolicy: object) => dr({ trafficPolicy });
const se = (spec: object, meta?: object) => object('ServiceEntry', spec, meta);
const http = [{ number: 80, name: 'http', protocol: 'HTTP' }];
const sidecar = (spec: object) => object('Sidecar', spec);
const egress = (...listeners: object[]) => sidecar({ egress: listeners });
const ingress = (listener: object) => sidecar({ ingress: [listener] });
const vs = (spec: object) => object('VirtualService', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }], ...spec });
const we = (spec: object) => object('WorkloadEntry', spec);
const wg = (spec: object) => object('WorkloadGroup', { template: {}, ...spec });

const accepted: Manifest[] = [];

/** A rule's pair: the refused object with its exact problems, and the accepted one with none. */
function rule(refusedIf: string, bad: Manifest, problems: string[], acceptedIf: string, good: Manifest): void {
  test(`refused if ${refusedIf}`, () => expect(apiRuleProblems(bad)).toStrictEqual(problems));
  test(`accepted if ${acceptedIf}`, () => expect(apiRuleProblems(good)).toStrictEqual([]));
  accepted.push(good);
}

describe('DestinationRule (ValidateDestinationRule, validateSubset)', () => {
  rule('the host is not a host name', dr({ host: 'reviews_v1' }), [
    '/spec/host: must be a host name, its first label \'*\' or \'*\'-prefixed (domain name \'reviews_v1\' is invalid (label \'reviews_v1\' is not a DNS-1123 label or a wildcard)): got \'reviews_v1\' (Istio webhook: ValidateDestinationRule)',
  ], 'the host is a wildcard host name in any case', dr({ host: '*.Shop.svc.cluster.local' }));
  rule('two subsets share a name', dr({ subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v1', labels: { version: 'v2' } }] }), [
    '/spec/subsets/1/name: subset names must be unique: got \'v1\' (Istio webhook: ValidateDestinationRule)',
  ], 'the subset names differ', dr({ subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] }));
  rule('a subset name is empty', dr({ subsets: [{ name: '' }] }), [
    '/spec/subsets/0/name: a subset needs a name: got \'\' (Istio webhook: validateSubsetName)',
  ], 'the subset is named', dr({ subsets: [{ name: 'v1' }] }));
  rule('a subset name is not a DNS-1123 label', dr({ subsets: [{ name: 'v1.0' }] }), [
    '/spec/subsets/0/name: a subset name must be a DNS-1123 label (letters, digits and \'-\', at most 63 characters): got \'v1.0\' (Istio webhook: validateSubsetName)',
  ], 'the name is a label, upper case letters included (labels.IsDNS1123Label)', dr({ subsets: [{ name: 'V1-canary' }] }));
  rule('a subset label key or value is not a label', dr({ subsets: [{ name: 'v1', labels: { 'version!': 'v 1' } }] }), [
    '/spec/subsets/0/labels: a label key must be [prefix/]name: letters, digits, \'-\', \'_\' and \'.\', at most 63 characters: got \'version!\' (Istio webhook: validateSubset)',
    '/spec/subsets/0/labels/version!: a label value must be letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit: got \'v 1\' (Istio webhook: validateSubset)',
  ], 'the labels are prefixed keys and empty or plain values', dr({ subsets: [{ name: 'v1', labels: { 'app.kubernetes.io/version': 'v1.2_3', 'track': '' } }] }));
});

describe('traffic policies (validateTrafficPolicy, validatePortTrafficPolicies, validateTunnelSettings)', () => {
  rule('a traffic policy is empty', tp({}), [
    '/spec/trafficPolicy: a traffic policy must set at least one field: got {}; set a policy or remove trafficPolicy (Istio webhook: validateTrafficPolicy)',
  ], 'it sets a field', tp({ loadBalancer: { simple: 'ROUND_ROBIN' } }));
  rule('a subset\'s traffic policy is empty', dr({ subsets: [{ name: 'v1', trafficPolicy: {} }] }), [
    '/spec/subsets/0/trafficPolicy: a traffic policy must set at least one field: got {}; set a policy or remove trafficPolicy (Istio webhook: validateTrafficPolicy)',
  ], 'it sets a field', dr({ subsets: [{ name: 'v1', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }] }));
  const tunnel = { protocol: 'CONNECT', targetHost: 'egress.example.com', targetPort: 8443 };
  rule('tunnel and proxyProtocol are set together', tp({ tunnel, proxyProtocol: { version: 'V1' } }), [
    '/spec/trafficPolicy: tunnel and proxyProtocol cannot be set together: got both; keep one of them (Istio webhook: validateTrafficPolicy)',
  ], 'only the tunnel is set', tp({ tunnel }));
  rule('a tunnel\'s target host is neither a FQDN nor an IP, and its port is 0', tp({ tunnel: { protocol: 'POST', targetHost: 'egress_gw', targetPort: 0 } }), [
    '/spec/trafficPolicy/tunnel/targetHost: must be a FQDN or an IP address (domain name \'egress_gw\' is invalid (label \'egress_gw\' is not a DNS-1123 label)): got \'egress_gw\' (Istio webhook: validateTunnelSettings)',
    '/spec/trafficPolicy/tunnel/targetPort: must be a port in the range 1..65535: got 0 (Istio webhook: validateTunnelSettings)',
  ], 'the target is an IP address and a port', tp({ tunnel: { targetHost: '10.0.0.7', targetPort: 8443 } }));
  rule('a port policy has no port', tp({ portLevelSettings: [{ loadBalancer: { simple: 'LEAST_REQUEST' } }] }), [
    '/spec/trafficPolicy/portLevelSettings/0/port: a port traffic policy needs its port: got nothing; set port.number (Istio webhook: validatePortTrafficPolicies)',
  ], 'it has one', tp({ portLevelSettings: [{ port: { number: 9080 }, loadBalancer: { simple: 'LEAST_REQUEST' } }] }));
  rule('a port policy sets nothing', tp({ portLevelSettings: [{ port: { number: 9080 } }] }), [
    '/spec/trafficPolicy/portLevelSettings/0: a port traffic policy must set at least one of outlierDetection, connectionPool, loadBalancer or tls: got none (Istio webhook: validatePortTrafficPolicies)',
  ], 'it sets TLS', tp({ portLevelSettings: [{ port: { number: 9080 }, tls: { mode: 'DISABLE' } }] }));
  rule('a port policy\'s connection pool is empty', tp({ portLevelSettings: [{ port: { number: 9080 }, connectionPool: {} }] }), [
    '/spec/trafficPolicy/portLevelSettings/0/connectionPool: a connection pool must set at least one of http or tcp: got {}; set http or tcp settings, or remove the connection pool (Istio webhook: validateConnectionPool)',
  ], 'it sets tcp', tp({ portLevelSettings: [{ port: { number: 9080 }, connectionPool: { tcp: { maxConnections: 10 } } }] }));
});

describe('connection pools (validateConnectionPool)', () => {
  rule('a pool is empty', tp({ connectionPool: {} }), [
    '/spec/trafficPolicy/connectionPool: a connection pool must set at least one of http or tcp: got {}; set http or tcp settings, or remove the connection pool (Istio webhook: validateConnectionPool)',
  ], 'it sets http', tp({ connectionPool: { http: { http2MaxRequests: 100 } } }));
  rule('a count is negative', tp({ connectionPool: { http: { http1MaxPendingRequests: -1, maxRetries: -2 }, tcp: { maxConnections: -1 } } }), [
    '/spec/trafficPolicy/connectionPool/http/http1MaxPendingRequests: must not be negative: got -1 (Istio webhook: validateConnectionPool)',
    '/spec/trafficPolicy/connectionPool/http/maxRetries: must not be negative: got -2 (Istio webhook: validateConnectionPool)',
    '/spec/trafficPolicy/connectionPool/tcp/maxConnections: must not be negative: got -1 (Istio webhook: validateConnectionPool)',
  ], 'the counts are 0 or more', tp({ connectionPool: { http: { http1MaxPendingRequests: 0, maxRequestsPerConnection: 1, maxConcurrentStreams: 0 }, tcp: { maxConnections: 0 } } }));
  rule('a duration is not whole milliseconds', tp({ connectionPool: { tcp: { connectTimeout: '1500us', tcpKeepalive: { time: '7200.0005s' } }, http: { idleTimeout: '2.5ms' } } }), [
    '/spec/trafficPolicy/connectionPool/http/idleTimeout: must be whole milliseconds: got \'2.5ms\' (Istio webhook: validateConnectionPool)',
    '/spec/trafficPolicy/connectionPool/tcp/connectTimeout: must be whole milliseconds: got \'1500us\' (Istio webhook: validateConnectionPool)',
    '/spec/trafficPolicy/connectionPool/tcp/tcpKeepalive/time: must be whole milliseconds: got \'7200.0005s\' (Istio webhook: validateConnectionPool)',
  ], 'the durations are whole milliseconds', tp({ connectionPool: { tcp: { connectTimeout: '1500ms', maxConnectionDuration: '1h', tcpKeepalive: { time: '7200s', interval: '75s' } } } }));
  rule('the TCP idle timeout is not whole milliseconds', tp({ connectionPool: { tcp: { idleTimeout: '1.0005s' } } }), [
    '/spec/trafficPolicy/connectionPool/tcp/idleTimeout: must be whole milliseconds: got \'1.0005s\' (Istio webhook: validateConnectionPool)',
  ], 'it is 0s (the timeout disabled)', tp({ connectionPool: { tcp: { idleTimeout: '0s' } } }));
  rule('the client\'s protocol is kept while upgrading to HTTP/2', tp({ connectionPool: { http: { h2UpgradePolicy: 'UPGRADE', useClientProtocol: true } } }), [
    '/spec/trafficPolicy/connectionPool/http/useClientProtocol: must not be true when h2UpgradePolicy is UPGRADE: got true; drop one of the two (Istio webhook: validateConnectionPool)',
  ], 'only one of the two is asked', tp({ connectionPool: { http: { h2UpgradePolicy: 'DO_NOT_UPGRADE', useClientProtocol: true } } }));
  rule('an HTTP/2 keepalive lacks its interval', tp({ connectionPool: { http: { http2KeepAlive: { timeout: '5s' } } } }), [
    '/spec/trafficPolicy/connectionPool/http/http2KeepAlive/interval: an HTTP/2 keepalive requires its interval: got nothing; set interval, e.g. \'30s\' (Istio webhook: validateConnectionPool)',
  ], 'it has both', tp({ connectionPool: { http: { http2KeepAlive: { interval: '30s', timeout: '5s' } } } }));
  rule('an HTTP/2 keepalive lacks its timeout', tp({ connectionPool: { http: { http2KeepAlive: { interval: '30s' } } } }), [
    '/spec/trafficPolicy/connectionPool/http/http2KeepAlive/timeout: an HTTP/2 keepalive requires its timeout: got nothing; set timeout, e.g. \'30s\' (Istio webhook: validateConnectionPool)',
  ], 'it has both, whole milliseconds', tp({ connectionPool: { http: { http2KeepAlive: { interval: '1500ms', timeout: '1s' } } } }));
});

describe('outlier detection (validateOutlierDetection)', () => {
  rule('local origin failures are counted without splitting them out', tp({ outlierDetection: { consecutiveLocalOriginFailures: 5 } }), [
    '/spec/trafficPolicy/outlierDetection/consecutiveLocalOriginFailures: counts local origin failures only when splitExternalLocalOriginErrors is true: got 5; set splitExternalLocalOriginErrors: true (Istio webhook: validateOutlierDetection)',
  ], 'they are split out', tp({ outlierDetection: { consecutiveLocalOriginFailures: 5, splitExternalLocalOriginErrors: true } }));
  rule('a percentage is outside 0..100', tp({ outlierDetection: { maxEjectionPercent: 101, minHealthPercent: -1 } }), [
    '/spec/trafficPolicy/outlierDetection/maxEjectionPercent: must be a percentage between 0 and 100: got 101 (Istio webhook: validateOutlierDetection)',
    '/spec/trafficPolicy/outlierDetection/minHealthPercent: must be a percentage between 0 and 100: got -1 (Istio webhook: validateOutlierDetection)',
  ], 'they are within', tp({ outlierDetection: { maxEjectionPercent: 100, minHealthPercent: 0 } }));
  rule('a duration is not whole milliseconds', tp({ outlierDetection: { interval: '10.0001s', baseEjectionTime: '30s' } }), [
    '/spec/trafficPolicy/outlierDetection/interval: must be whole milliseconds: got \'10.0001s\' (Istio webhook: validateOutlierDetection)',
  ], 'they are', tp({ outlierDetection: { interval: '10s', baseEjectionTime: '30s', consecutive5xxErrors: 7 } }));
});

describe('load balancers (validateLoadBalancer, ValidateLocalityLbSetting, ValidateZoneAwareLbSetting)', () => {
  const lb = (loadBalancer: object) => tp({ loadBalancer, outlierDetection: { consecutive5xxErrors: 5 } });
  rule('an HTTP cookie hash has no cookie name', lb({ consistentHash: { httpCookie: { name: '', ttl: '0s' } } }), [
    '/spec/trafficPolicy/loadBalancer/consistentHash/httpCookie/name: an HTTP cookie hash needs the cookie name: got \'\' (Istio webhook: validateLoadBalancer)',
  ], 'it is named', lb({ consistentHash: { httpCookie: { name: 'user', ttl: '0s' } } }));
  rule('cookie attributes are unnamed or repeated', lb({ consistentHash: { httpCookie: { name: 'user', attributes: [{ name: '' }, { name: 'SameSite', value: 'Strict' }, { name: 'SameSite', value: 'Lax' }] } } }), [
    '/spec/trafficPolicy/loadBalancer/consistentHash/httpCookie/attributes/0/name: a cookie attribute needs a name: got \'\' (Istio webhook: validateLoadBalancer)',
    '/spec/trafficPolicy/loadBalancer/consistentHash/httpCookie/attributes/2/name: cookie attribute names must be unique: got \'SameSite\' (Istio webhook: validateLoadBalancer)',
  ], 'they are named once each', lb({ consistentHash: { httpCookie: { name: 'user', attributes: [{ name: 'SameSite', value: 'Strict' }, { name: 'Secure' }] } } }));
  rule('the deprecated ring size is set with a ring hash', lb({ consistentHash: { useSourceIp: true, minimumRingSize: 1024, ringHash: { minimumRingSize: 1024 } } }), [
    '/spec/trafficPolicy/loadBalancer/consistentHash/minimumRingSize: cannot be set with ringHash or maglev: got 1024; set the ring size in ringHash (Istio webhook: validateLoadBalancer)',
  ], 'only the ring hash sets it', lb({ consistentHash: { useSourceIp: true, ringHash: { minimumRingSize: 1024 } } }));
  rule('a Maglev table size is not prime', lb({ consistentHash: { useSourceIp: true, maglev: { tableSize: 65536 } } }), [
    '/spec/trafficPolicy/loadBalancer/consistentHash/maglev/tableSize: must be a prime number: got 65536; e.g. 65537 (Istio webhook: validateLoadBalancer)',
  ], 'it is prime', lb({ consistentHash: { useSourceIp: true, maglev: { tableSize: 65537 } } }));
  rule('a Maglev table size is 5000011 or more', lb({ consistentHash: { useSourceIp: true, maglev: { tableSize: 5000011 } } }), [
    '/spec/trafficPolicy/loadBalancer/consistentHash/maglev/tableSize: must be less than 5000011: got 5000011 (Istio webhook: validateLoadBalancer)',
  ], 'it is below', lb({ consistentHash: { useSourceIp: true, maglev: { tableSize: 4999963 } } }));
  rule('a Maglev table size is unset', lb({ consistentHash: { useSourceIp: true, maglev: {} } }), [
    '/spec/trafficPolicy/loadBalancer/consistentHash/maglev/tableSize: a Maglev table size is required: got nothing; e.g. 65537 (Istio webhook: validateLoadBalancer)',
  ], 'it is set', lb({ consistentHash: { useSourceIp: true, maglev: { tableSize: 3 } } }));
  rule('locality and zone-aware load balancing are both set', lb({ localityLbSetting: { enabled: true }, zoneAwareLbSetting: {} }), [
    '/spec/trafficPolicy/loadBalancer: cannot set both localityLbSetting and zoneAwareLbSetting: got both; keep one of them (Istio webhook: validateLoadBalancer)',
  ], 'one is set', lb({ zoneAwareLbSetting: {} }));
  rule('a locality setting distributes and fails over', lb({ localityLbSetting: { distribute: [{ from: 'us-east/*', to: { 'us-east/*': 100 } }], failover: [{ from: 'us-east', to: 'us-west' }] } }), [
    '/spec/trafficPolicy/loadBalancer/localityLbSetting: cannot set both distribute and failover: got both; keep one of them (Istio webhook: ValidateLocalityLbSetting)',
  ], 'it fails over only', lb({ localityLbSetting: { failover: [{ from: 'us-east', to: 'us-west' }] } }));
  rule('failover is set with a topology label in failoverPriority', lb({ localityLbSetting: { failover: [{ from: 'us-east', to: 'us-west' }], failoverPriority: ['topology.kubernetes.io/zone'] } }), [
    '/spec/trafficPolicy/loadBalancer/localityLbSetting/failoverPriority: cannot name a topology label when failover is set: got \'topology.kubernetes.io/zone\'; remove it or drop failover (Istio webhook: ValidateLocalityLbSetting)',
  ], 'the priority names other labels', lb({ localityLbSetting: { failover: [{ from: 'us-east', to: 'us-west' }], failoverPriority: ['topology.istio.io/network'] } }));
  rule('a locality weight is outside 1..100', lb({ localityLbSetting: { distribute: [{ from: 'us-east/*', to: { 'us-east/*': 0, 'us-west/*': 100 } }] } }), [
    '/spec/trafficPolicy/loadBalancer/localityLbSetting/distribute/0/to: the weight of locality \'us-east/*\' must be between 1 and 100: got 0 (Istio webhook: ValidateLocalityLbSetting)',
  ], 'the weights are within', lb({ localityLbSetting: { distribute: [{ from: 'us-east/*', to: { 'us-east/*': 80, 'us-west/*': 20 } }] } }));
  rule('the locality weights do not total 100', lb({ localityLbSetting: { distribute: [{ from: 'us-east/*', to: { 'us-east/*': 80, 'us-west/*': 10 } }] } }), [
    '/spec/trafficPolicy/loadBalancer/localityLbSetting/distribute/0/to: the weights must total 100: got 90 (Istio webhook: ValidateLocalityLbSetting)',
  ], 'they do', lb({ localityLbSetting: { distribute: [{ from: 'us-east/zone-1/*', to: { 'us-east/zone-1/*': 90, 'us-east/zone-2/*': 10 } }] } }));
  rule('localities overlap or hold a wildcard not at their end', lb({ localityLbSetting: { distribute: [{ from: 'us-east/*', to: { 'us-east/*': 100 } }, { from: 'us-east/zone-1', to: { '*/zone-2': 100 } }] } }), [
    '/spec/trafficPolicy/loadBalancer/localityLbSetting/distribute/1/to: locality \'*/zone-2\' may hold one \'*\' wildcard, at its end: got \'*/zone-2\' (Istio webhook: ValidateLocalityLbSetting)',
    '/spec/trafficPolicy/loadBalancer/localityLbSetting/distribute: locality \'us-east/zone-1\' overlaps one given before it: got \'us-east/*, us-east/zone-1\' (Istio webhook: ValidateLocalityLbSetting)',
  ], 'they are distinct', lb({ localityLbSetting: { distribute: [{ from: 'us-east/zone-1/*', to: { 'us-east/zone-1/*': 100 } }, { from: 'us-east/zone-2/*', to: { 'us-west/*': 100 } }] } }));
  rule('a failover stays in its region, names a zone or a wildcard', lb({ localityLbSetting: { failover: [{ from: 'us-east', to: 'us-east' }, { from: 'us-east/zone-1', to: '*' }] } }), [
    '/spec/trafficPolicy/loadBalancer/localityLbSetting/failover/0: locality lb failover must go from one region to another: got \'us-east → us-east\' (Istio webhook: ValidateLocalityLbSetting)',
    '/spec/trafficPolicy/loadBalancer/localityLbSetting/failover/1: locality lb failover names regions only (no zone or subzone): got \'us-east/zone-1 → *\' (Istio webhook: ValidateLocalityLbSetting)',
    '/spec/trafficPolicy/loadBalancer/localityLbSetting/failover/1: locality lb failover regions cannot hold a \'*\' wildcard: got \'us-east/zone-1 → *\' (Istio webhook: ValidateLocalityLbSetting)',
  ], 'it goes from a region to another', lb({ localityLbSetting: { failover: [{ from: 'us-east', to: 'eu-west' }] } }));
  rule('zone-aware failoverPriority names a topology label', lb({ zoneAwareLbSetting: { failoverPriority: ['topology.istio.io/subzone'] } }), [
    '/spec/trafficPolicy/loadBalancer/zoneAwareLbSetting/failoverPriority: zone-aware load balancing routes by region and zone itself: failoverPriority cannot name a topology label: got \'topology.istio.io/subzone\' (Istio webhook: ValidateZoneAwareLbSetting)',
  ], 'it names other labels', lb({ zoneAwareLbSetting: { failoverPriority: ['topology.istio.io/network'] } }));
  rule('a zone-aware failover names a zone', lb({ zoneAwareLbSetting: { failover: [{ from: 'us-east/zone-1', to: 'us-west' }] } }), [
    '/spec/trafficPolicy/loadBalancer/zoneAwareLbSetting/failover/0: zone aware lb failover names regions only (no zone or subzone): got \'us-east/zone-1 → us-west\' (Istio webhook: ValidateZoneAwareLbSetting)',
  ], 'it names regions', lb({ zoneAwareLbSetting: { failover: [{ from: 'us-east', to: 'us-west' }] } }));
  rule('a warmup has no duration, too high a minimum or no aggression', lb({ simple: 'ROUND_ROBIN', warmup: { minimumPercent: 101, aggression: 0 } }), [
    '/spec/trafficPolicy/loadBalancer/warmup/duration: a warmup needs its duration: got nothing; e.g. 60s (Istio webhook: validateLoadBalancer)',
    '/spec/trafficPolicy/loadBalancer/warmup/minimumPercent: must be at most 100: got 101 (Istio webhook: validateLoadBalancer)',
    '/spec/trafficPolicy/loadBalancer/warmup/aggression: must be greater than 0: got 0 (Istio webhook: validateLoadBalancer)',
  ], 'it has a duration and sound figures', lb({ simple: 'ROUND_ROBIN', warmup: { duration: '60s', minimumPercent: 10, aggression: 1.5 } }));
});

describe('client TLS (agent.ValidateTLS)', () => {
  rule('insecureSkipVerify is set with a CA in SIMPLE mode', tp({ tls: { mode: 'SIMPLE', caCertificates: '/etc/ca.pem', insecureSkipVerify: true } }), [
    '/spec/trafficPolicy/tls/insecureSkipVerify: cannot be true with caCertificates, credentialName or subjectAltNames: got true; drop insecureSkipVerify or the CA and SAN settings (Istio webhook: ValidateTLS)',
  ], 'it is set alone', tp({ tls: { mode: 'SIMPLE', insecureSkipVerify: true } }));
  rule('insecureSkipVerify is set with SANs in MUTUAL mode', tp({ tls: { mode: 'MUTUAL', credentialName: 'client', subjectAltNames: ['reviews.shop'], insecureSkipVerify: true } }), [
    '/spec/trafficPolicy/tls/insecureSkipVerify: cannot be true with caCertificates or subjectAltNames: got true; drop insecureSkipVerify or the CA and SAN settings (Istio webhook: ValidateTLS)',
  ], 'MUTUAL mode takes it with a credential', tp({ tls: { mode: 'MUTUAL', credentialName: 'client', insecureSkipVerify: true } }));
  rule('a credentialName is set with certificate files', tp({ tls: { mode: 'SIMPLE', credentialName: 'client', caCertificates: '/etc/ca.pem' } }), [
    '/spec/trafficPolicy/tls/caCertificates: cannot be set with credentialName (the credential holds the certificates): got \'/etc/ca.pem\' (Istio webhook: ValidateTLS)',
  ], 'the credential stands alone', tp({ tls: { mode: 'SIMPLE', credentialName: 'client', sni: 'reviews.example.com' } }));
  rule('MUTUAL mode has neither client certificate nor key', tp({ tls: { mode: 'MUTUAL', caCertificates: '/etc/ca.pem' } }), [
    '/spec/trafficPolicy/tls/clientCertificate: MUTUAL TLS requires clientCertificate (or a credentialName): got nothing (Istio webhook: ValidateTLS)',
    '/spec/trafficPolicy/tls/privateKey: MUTUAL TLS requires privateKey (or a credentialName): got nothing (Istio webhook: ValidateTLS)',
  ], 'it has both', tp({ tls: { mode: 'MUTUAL', clientCertificate: '/etc/cert.pem', privateKey: '/etc/key.pem' } }));
  rule('a configmap:// credential is in another namespace', tp({ tls: { mode: 'SIMPLE', credentialName: 'configmap://istio-system/ca' } }), [
    '/spec/trafficPolicy/tls/credentialName: a configmap:// credential must be in the object\'s namespace \'shop\': got \'configmap://istio-system/ca\' (Istio webhook: ValidateTLS)',
  ], 'it is in the object\'s namespace', tp({ tls: { mode: 'SIMPLE', credentialName: 'configmap://shop/ca' } }));
  rule('a configmap:// credential has no name', tp({ tls: { mode: 'SIMPLE', credentialName: 'configmap://shop' } }), [
    '/spec/trafficPolicy/tls/credentialName: a configmap:// credential must be configmap://<namespace>/<name>: got \'configmap://shop\' (Istio webhook: ValidateTLS)',
  ], 'it is a Secret credential', tp({ tls: { mode: 'SIMPLE', credentialName: 'kubernetes://istio-system/ca' } }));
});

describe('exportTo (validateExportTo) on VirtualService, DestinationRule and ServiceEntry', () => {
  rule('a VirtualService is exported to no one (~)', vs({ exportTo: ['~'] }), [
    '/spec/exportTo/0: exportTo \'~\' (exported to no one) is only for a ServiceEntry: got \'~\' (Istio webhook: validateExportTo)',
  ], 'it is exported to its namespace', vs({ exportTo: ['.'] }));
  rule('an entry is repeated', vs({ exportTo: ['web', 'web'] }), [
    '/spec/exportTo/1: exportTo entries must be unique: got \'web\'; remove the repeated entry (Istio webhook: validateExportTo)',
  ], 'the entries differ', vs({ exportTo: ['web', 'checkout'] }));
  rule('\'.\' and the object\'s own namespace are both given', dr({ exportTo: ['shop', '.'] }), [
    '/spec/exportTo/1: exportTo entries must be unique (\'.\' is the object\'s namespace \'shop\'): got \'.\'; keep one of \'shop\' and \'.\' (Istio webhook: validateExportTo)',
  ], '\'.\' is given with other namespaces', dr({ exportTo: ['.', 'web'] }));
  rule('an entry is not a namespace name', se({ hosts: ['api.example.com'], ports: http, resolution: 'DNS', exportTo: ['web_ns'] }), [
    '/spec/exportTo/0: an exportTo entry must be \'.\', \'*\' or a namespace name (a DNS-1123 label): got \'web_ns\' (Istio webhook: validateExportTo)',
  ], 'it is one', se({ hosts: ['api.example.com'], ports: http, resolution: 'DNS', exportTo: ['web-ns'] }));
  rule('\'*\' is combined with other entries', vs({ exportTo: ['*', 'web'] }), [
    '/spec/exportTo: \'*\' (public) cannot be combined with other entries: got \'*, web\'; keep \'*\' alone (Istio webhook: validateExportTo)',
  ], '\'*\' stands alone', vs({ exportTo: ['*'] }));
  rule('a ServiceEntry\'s \'~\' is combined with other entries', se({ hosts: ['api.example.com'], ports: http, resolution: 'DNS', exportTo: ['~', '.'] }), [
    '/spec/exportTo: \'~\' (no one) cannot be combined with other entries: got \'~, .\'; keep \'~\' alone (Istio webhook: validateExportTo)',
  ], 'a ServiceEntry\'s \'~\' stands alone', se({ hosts: ['api.example.com'], ports: http, resolution: 'DNS', exportTo: ['~'] }));
  const selector = { matchLabels: { app: 'reviews' } };
  rule('a DestinationRule with a workload selector is exported to another namespace', dr({ workloadSelector: selector, exportTo: ['web'] }), [
    '/spec/exportTo: a DestinationRule with a workloadSelector cannot be exported beyond its own namespace: got \'web\'; use \'.\' (Istio webhook: validateExportTo)',
  ], 'it is exported to its own', dr({ workloadSelector: selector, exportTo: ['shop'] }));
  rule('a DestinationRule with a workload selector is exported to several namespaces', dr({ workloadSelector: selector, exportTo: ['.', 'web'] }), [
    '/spec/exportTo: a DestinationRule with a workloadSelector takes one exportTo entry, its own namespace: got \'., web\'; use \'.\' (Istio webhook: validateExportTo)',
  ], 'it is exported to \'.\'', dr({ workloadSelector: selector, exportTo: ['.'] }));
  test('without a namespace, \'.\' is not compared with namespace names, and a selector\'s own namespace is not known', () => {
    const bare = (spec: object) => ({ ...dr(spec), metadata: { name: 'r' } });
    expect(apiRuleProblems(bare({ exportTo: ['.', 'shop'] }))).toStrictEqual([]);
    expect(apiRuleProblems(bare({ workloadSelector: selector, exportTo: ['shop'] }))).toStrictEqual([]);
    expect(apiRuleProblems(bare({ workloadSelector: selector, exportTo: ['*'] }))).toStrictEqual([
      '/spec/exportTo: a DestinationRule with a workloadSelector cannot be exported beyond its own namespace: got \'*\'; use \'.\' (Istio webhook: validateExportTo)',
    ]);
  });
});

describe('ServiceEntry (ValidateServiceEntry)', () => {
  const dns = (spec: object) => se({ hosts: ['api.example.com'], ports: http, resolution: 'DNS', ...spec });
  rule('a host is not a host name', se({ hosts: ['api.example.com', 'api..example.com'], ports: http }), [
    '/spec/hosts/1: must be a host name, its first label \'*\' or \'*\'-prefixed (domain name \'api..example.com\' is invalid (label \'\' is not a DNS-1123 label)): got \'api..example.com\' (Istio webhook: ValidateServiceEntry)',
  ], 'the hosts are host names, a partial wildcard only warned about', se({ hosts: ['*.example.com', '*example.org'], ports: http, resolution: 'NONE' }));
  rule('hosts is empty', se({ hosts: [], ports: http }), [
    '/spec/hosts: a ServiceEntry needs at least one host: got [] (Istio webhook: ValidateServiceEntry)',
  ], 'it has a host', se({ hosts: ['api.example.com'], ports: http }));
  rule('an address is neither an IP nor a CIDR block', se({ hosts: ['db.example.com'], addresses: ['10.0.0.300', '10.0.0.0/33'], ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }] }), [
    '/spec/addresses/0: must be an IP address or a CIDR block (\'10.0.0.300\' is not a valid IP address): got \'10.0.0.300\' (Istio webhook: ValidateServiceEntry)',
    '/spec/addresses/1: must be an IP address or a CIDR block (\'10.0.0.0/33\' is not a valid CIDR block): got \'10.0.0.0/33\' (Istio webhook: ValidateServiceEntry)',
  ], 'they are an IPv6 address and a CIDR block', se({ hosts: ['db.example.com'], addresses: ['2001:db8::1', '10.0.0.0/24'], ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }] }));
  test('two ports sharing a name are refused once, by the API server (the CRD keys ports by name), before the webhook would', () => {
    const twice = dns({ ports: [{ number: 80, name: 'http', protocol: 'HTTP' }, { number: 8080, name: 'http', protocol: 'HTTP' }] });
    expect(apiRuleProblems(twice)).toStrictEqual([]);
    expect(SchemaValidation.pinned().validate(twice).problems).toStrictEqual([
      '/spec/ports/1: Duplicate value: items 0 and 1 of a list keyed by \'name\' (x-kubernetes-list-type: map) have the same key: got {"name":"http"}; '
        + 'give each item its own key (API server: listtype.validateListMap)',
    ]);
  });
  rule('a port name is not a DNS-1123 label, its protocol unknown', dns({ ports: [{ number: 80, name: 'http_web', protocol: 'HTTP1' }] }), [
    '/spec/ports/0/name: a port name must be a DNS-1123 label (letters, digits and \'-\', at most 63 characters): got \'http_web\' (Istio webhook: ValidateServiceEntry)',
    '/spec/ports/0/protocol: is not a protocol Istio knows: got \'HTTP1\'; use one of HTTP, HTTPS, HTTP2, GRPC, GRPC-Web, HTTP_PROXY, TCP, TLS, UDP, Mongo, Redis, MySQL, or leave it unset to sniff (Istio webhook: ValidateServiceEntry)',
  ], 'the protocol is any case of a known one', dns({ ports: [{ number: 80, name: 'Web', protocol: 'http2' }] }));
  const statics = (endpoints: object[], ports: object[] = http) => se({ hosts: ['api.example.com'], ports, resolution: 'STATIC', endpoints });
  rule('a STATIC endpoint is a host name', statics([{ address: 'api-1.example.com' }]), [
    '/spec/endpoints/0/address: with resolution STATIC an endpoint address must be an IP address or a unix socket: got \'api-1.example.com\' (Istio webhook: validateWorkloadEntry)',
  ], 'it is an IP', statics([{ address: '10.0.0.1' }, { address: '2001:db8::2', labels: { zone: 'a' } }]));
  rule('an endpoint port names no port of the ServiceEntry', statics([{ address: '10.0.0.1', ports: { https: 8443 } }]), [
    '/spec/endpoints/0/ports: an endpoint port must name a port of the ServiceEntry: got \'https\'; name one of http (Istio webhook: validateWorkloadEntry)',
  ], 'it names one', statics([{ address: '10.0.0.1', ports: { http: 8080 } }]));
  rule('an endpoint label value is not a label', statics([{ address: '10.0.0.1', labels: { zone: 'eu west' } }]), [
    '/spec/endpoints/0/labels/zone: a label value must be letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit: got \'eu west\' (Istio webhook: validateWorkloadEntry)',
  ], 'it is one', statics([{ address: '10.0.0.1', labels: { zone: 'eu-west' } }]));
  rule('a unix socket endpoint serves several ports', statics([{ address: 'unix:///var/run/app.sock' }], [...http, { number: 443, name: 'https', protocol: 'HTTPS' }]), [
    '/spec/endpoints/0/address: a unix socket endpoint needs a ServiceEntry with exactly one port: got 2 (Istio webhook: validateWorkloadEntry)',
  ], 'it serves one', statics([{ address: 'unix:///var/run/app.sock' }]));
  rule('a DNS ServiceEntry without endpoints has a wildcard host', dns({ hosts: ['*.example.com'] }), [
    '/spec/hosts/0: with resolution DNS and no endpoints every host must be a FQDN without wildcards: got \'*.example.com\'; add endpoints or use resolution DYNAMIC_DNS for wildcard hosts (Istio webhook: ValidateServiceEntry)',
  ], 'endpoints give the addresses', dns({ hosts: ['*.example.com'], endpoints: [{ address: 'api.example.com' }] }));
  rule('a DNS endpoint is neither a FQDN nor an IP', dns({ endpoints: [{ address: 'unix:///var/run/app.sock' }, { address: '10.0.0.1', ports: { web: 8080 } }] }), [
    '/spec/endpoints/0/address: with resolution DNS an endpoint address must be a FQDN or an IP address: got \'unix:///var/run/app.sock\' (Istio webhook: ValidateServiceEntry)',
    '/spec/endpoints/1/ports: an endpoint port must name a port of the ServiceEntry: got \'web\'; name one of http (Istio webhook: ValidateServiceEntry)',
  ], 'they are a FQDN and an IP', dns({ resolution: 'DNS_ROUND_ROBIN', endpoints: [{ address: 'api.example.com', ports: { http: 8080 } }] }));
  const dynamic = (spec: object, meta?: object) => se({ hosts: ['*.example.com'], ports: http, resolution: 'DYNAMIC_DNS', ...spec }, meta);
  rule('a DYNAMIC_DNS host is not a wildcard', dynamic({ hosts: ['api.example.com'] }), [
    '/spec/hosts/0: with resolution DYNAMIC_DNS every host must be a wildcard: got \'api.example.com\'; e.g. \'*.example.com\' (Istio webhook: ValidateServiceEntry)',
  ], 'it is', dynamic({ hosts: ['*.example.com', '*.example.org'] }));
  rule('DYNAMIC_DNS has addresses and endpoints', dynamic({ addresses: ['10.0.0.1'], endpoints: [{ address: 'api.example.com' }] }), [
    '/spec/addresses: resolution DYNAMIC_DNS takes no addresses (routes come from the hosts): got \'10.0.0.1\' (Istio webhook: ValidateServiceEntry)',
    '/spec/endpoints: resolution DYNAMIC_DNS takes no endpoints (the destination comes from the host): got 1 (Istio webhook: ValidateServiceEntry)',
  ], 'it has neither', dynamic({}));
  rule('a DYNAMIC_DNS port is plain TCP', dynamic({ ports: [...http, { number: 5432, name: 'tcp', protocol: 'TCP' }] }), [
    '/spec/ports/1/protocol: resolution DYNAMIC_DNS supports only HTTP, TLS, GRPC and HTTP2 ports: got \'TCP\' (Istio webhook: ValidateServiceEntry)',
  ], 'its ports are HTTP, TLS, GRPC and HTTP2', dynamic({ ports: [...http, { number: 443, name: 'tls', protocol: 'TLS' }, { number: 9090, name: 'grpc', protocol: 'GRPC' }] }));
  rule('a MESH_INTERNAL DYNAMIC_DNS entry uses a waypoint', dynamic({ location: 'MESH_INTERNAL' }, { labels: { 'istio.io/use-waypoint': 'waypoint' } }), [
    '/spec/location: MESH_INTERNAL with resolution DYNAMIC_DNS is not supported with a waypoint (istio.io/use-waypoint): got \'MESH_INTERNAL\'; use MESH_EXTERNAL (Istio webhook: ValidateServiceEntry)',
  ], 'its waypoint is none', dynamic({ location: 'MESH_INTERNAL' }, { labels: { 'istio.io/use-waypoint': 'None' } }));
  rule('several hosts share a plain TCP port', dns({ hosts: ['a.example.com', 'b.example.com'], ports: [...http, { number: 5432, name: 'tcp', protocol: 'TCP' }] }), [
    '/spec/ports/1/protocol: several hosts with resolution DNS need HTTP or TLS ports (plain TCP cannot tell the hosts apart): got \'TCP\'; use one host per ServiceEntry, or resolution NONE (Istio webhook: ValidateServiceEntry)',
  ], 'the ports are HTTP and TLS, or resolution is NONE', se({ hosts: ['a.example.com', 'b.example.com'], ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }], addresses: ['10.0.0.0/24'] }));
  rule('a workload selector has an empty key', se({ hosts: ['api.example.com'], ports: http, workloadSelector: { labels: { '': 'vm' } } }), [
    '/spec/workloadSelector/labels: a workload selector label key cannot be empty: got \'=vm\' (Istio webhook: ValidateAlphaWorkloadSelector)',
  ], 'its keys are labels', se({ hosts: ['api.example.com'], ports: http, workloadSelector: { labels: { app: 'vm' } } }));
});

describe('Sidecar (ValidateSidecar and its listener rules)', () => {
  rule('it configures nothing', sidecar({ workloadSelector: { labels: { app: 'web' } } }), [
    '/spec: a Sidecar must configure something: got {}; set egress, ingress, outboundTrafficPolicy or inboundConnectionPool (Istio webhook: ValidateSidecar)',
  ], 'it sets an outbound traffic policy only', sidecar({ outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } }));
  rule('a selector key holds a wildcard', sidecar({ workloadSelector: { labels: { 'app*': 'web' } }, egress: [{ hosts: ['./*'] }] }), [
    '/spec/workloadSelector/labels: a workload selector label key cannot hold a wildcard: got \'app*\'; name the labels exactly (Istio webhook: ValidateAlphaWorkloadSelector)',
  ], 'it names a label', sidecar({ workloadSelector: { labels: { app: 'web' } }, egress: [{ hosts: ['./*'] }] }));
  const port = { number: 9080, name: 'http', protocol: 'HTTP' };
  rule('an ingress port sets targetPort, a bad name and protocol, port 0', ingress({ port: { number: 0, name: 'http_9080', protocol: 'HTTP1', targetPort: 8080 } }), [
    '/spec/ingress/0/port/targetPort: has no effect on a Sidecar: got 8080; remove it (Istio webhook: ValidateSidecar)',
    '/spec/ingress/0/port/name: a port name must be a DNS-1123 label (letters, digits and \'-\', at most 63 characters): got \'http_9080\' (Istio webhook: validateSidecarIngressPortAndBind)',
    '/spec/ingress/0/port/protocol: is not a protocol Istio knows: got \'HTTP1\'; use one of HTTP, HTTPS, HTTP2, GRPC, GRPC-Web, HTTP_PROXY, TCP, TLS, UDP, Mongo, Redis, MySQL, or leave it unset to sniff (Istio webhook: validateSidecarIngressPortAndBind)',
    '/spec/ingress/0/port/number: must be a port number in the range 1..65535: got 0 (Istio webhook: validateSidecarIngressPortAndBind)',
  ], 'the port is sound, its name optional', ingress({ port: { number: 9080, protocol: 'HTTP' } }));
  rule('an ingress bind is not an IP', ingress({ port, bind: 'localhost' }), [
    '/spec/ingress/0/bind: must be an IP address: got \'localhost\' (Istio webhook: validateSidecarIngressPortAndBind)',
  ], 'it is', ingress({ port, bind: '0.0.0.0' }));
  rule('two ingress listeners share a port', sidecar({ ingress: [{ port }, { port: { ...port, name: 'http-2' } }] }), [
    '/spec/ingress/1/port/number: the ports of IP-bound listeners must be unique: got 9080 (Istio webhook: ValidateSidecar)',
  ], 'the ports differ', sidecar({ ingress: [{ port }, { port: { ...port, number: 9081 } }] }));
  rule('a default endpoint is not a loopback or any address', ingress({ port, defaultEndpoint: '10.0.0.1:8080' }), [
    '/spec/ingress/0/defaultEndpoint: must be 127.0.0.1:<port>, 0.0.0.0:<port>, [::1]:<port>, [::]:<port> or unix://<path>: got \'10.0.0.1:8080\' (Istio webhook: ValidateSidecar)',
  ], 'it is IPv6 loopback', ingress({ port, defaultEndpoint: '[::1]:8080' }));
  rule('a default endpoint has no port or a port that is no number', sidecar({ ingress: [{ port, defaultEndpoint: '127.0.0.1' }, { port: { ...port, number: 9081 }, defaultEndpoint: ':http' }] }), [
    '/spec/ingress/0/defaultEndpoint: must be <address>:<port> or unix://<path>: got \'127.0.0.1\'; e.g. \'127.0.0.1:8080\' (Istio webhook: ValidateSidecar)',
    '/spec/ingress/1/defaultEndpoint: its port \'http\' is not a number: got \':http\' (Istio webhook: ValidateSidecar)',
  ], 'it is a port alone', ingress({ port, defaultEndpoint: ':8080' }));
  rule('a default endpoint\'s port is out of range', ingress({ port, defaultEndpoint: '0.0.0.0:70000' }), [
    '/spec/ingress/0/defaultEndpoint: its port must be in the range 1..65535: got \'0.0.0.0:70000\' (Istio webhook: ValidateSidecar)',
  ], 'it is within', ingress({ port, defaultEndpoint: '0.0.0.0:65535' }));
  rule('a default endpoint is a relative unix socket', ingress({ port, defaultEndpoint: 'unix://run/app.sock' }), [
    '/spec/ingress/0/defaultEndpoint: a unix socket address must be an absolute path to a file: got \'unix://run/app.sock\' (Istio webhook: ValidateUnixAddress)',
  ], 'it is an abstract socket', ingress({ port, defaultEndpoint: 'unix://@app' }));
  const https = { number: 8443, name: 'https', protocol: 'HTTPS' };
  const certs = { serverCertificate: '/etc/certs/cert.pem', privateKey: '/etc/certs/key.pem' };
  rule('ingress TLS sets what a Sidecar does not support', ingress({ port: https, tls: { mode: 'SIMPLE', httpsRedirect: true, subjectAltNames: ['web.shop'], credentialName: 'web-cert' } }), [
    '/spec/ingress/0/tls/subjectAltNames: is not supported on a Sidecar ingress listener: got \'web.shop\' (Istio webhook: ValidateSidecar)',
    '/spec/ingress/0/tls/httpsRedirect: is not supported on a Sidecar ingress listener: got true (Istio webhook: ValidateSidecar)',
    '/spec/ingress/0/tls/credentialName: is not supported on a Sidecar ingress listener: got \'web-cert\'; use serverCertificate and privateKey (Istio webhook: ValidateSidecar)',
  ], 'it sets certificate files', ingress({ port: https, tls: { mode: 'SIMPLE', ...certs } }));
  rule('ingress TLS is ISTIO_MUTUAL on a plain HTTP port', ingress({ port, tls: { mode: 'ISTIO_MUTUAL' } }), [
    '/spec/ingress/0/tls/mode: cannot be ISTIO_MUTUAL or AUTO_PASSTHROUGH on a Sidecar ingress listener: got \'ISTIO_MUTUAL\' (Istio webhook: ValidateSidecar)',
    '/spec/ingress/0/tls: TLS settings need an HTTPS or TLS port: got \'HTTP\'; set the port\'s protocol to HTTPS or TLS (Istio webhook: ValidateSidecar)',
  ], 'it is MUTUAL on a TLS port with a client CA', ingress({ port: { number: 8443, name: 'tls', protocol: 'TLS' }, tls: { mode: 'MUTUAL', caCertificates: '/etc/certs/ca.pem', ...certs } }));
  rule('MUTUAL ingress TLS lacks its key and client CA', ingress({ port: https, tls: { mode: 'MUTUAL', serverCertificate: '/etc/certs/cert.pem' } }), [
    '/spec/ingress/0/tls/privateKey: MUTUAL TLS requires privateKey: got nothing (Istio webhook: validateTLSOptions)',
    '/spec/ingress/0/tls/caCertificates: MUTUAL TLS requires a client CA bundle: got nothing (Istio webhook: validateTLSOptions)',
  ], 'SIMPLE TLS has its files', ingress({ port: https, tls: { mode: 'SIMPLE', ...certs } }));
  rule('a connection pool is empty', sidecar({ inboundConnectionPool: {}, ingress: [{ port, connectionPool: {} }] }), [
    '/spec/ingress/0/connectionPool: a connection pool must set at least one of http or tcp: got {}; set http or tcp settings, or remove the connection pool (Istio webhook: validateConnectionPool)',
    '/spec/inboundConnectionPool: a connection pool must set at least one of http or tcp: got {}; set http or tcp settings, or remove the connection pool (Istio webhook: validateConnectionPool)',
  ], 'the pools set limits', sidecar({ inboundConnectionPool: { http: { http1MaxPendingRequests: 100 } }, ingress: [{ port, connectionPool: { tcp: { maxConnections: 10 } } }] }));
  rule('the egress listener without a port is not the last', egress({ hosts: ['./*'] }, { port, hosts: ['istio-system/*'] }), [
    '/spec/egress/0/port: the egress listener without a port must be the last one: got nothing; move it to the end of egress (Istio webhook: ValidateSidecar)',
  ], 'it is last', egress({ port, hosts: ['istio-system/*'] }, { hosts: ['./*'] }));
  rule('an egress listener on port 0 binds no unix socket, with a capture mode', egress({ port: { number: 0, protocol: 'HTTP' }, bind: '127.0.0.1', captureMode: 'IPTABLES', hosts: ['./*'] }), [
    '/spec/egress/0/bind: a listener on port 0 must bind a unix domain socket: got \'127.0.0.1\'; set bind: unix://<path>, or a port number (Istio webhook: validateSidecarEgressPortBindAndCaptureMode)',
    '/spec/egress/0/captureMode: must be DEFAULT or NONE on a unix domain socket listener: got \'IPTABLES\' (Istio webhook: validateSidecarEgressPortBindAndCaptureMode)',
  ], 'it binds one', egress({ port: { number: 0, protocol: 'HTTP' }, bind: 'unix:///var/run/egress.sock', captureMode: 'NONE', hosts: ['./*'] }));
  rule('two egress listeners bind one unix socket', egress({ port: { number: 0 }, bind: 'unix://@egress', hosts: ['./*'] }, { port: { number: 0 }, bind: 'unix://@egress', hosts: ['web/*'] }), [
    '/spec/egress/1/bind: the unix domain sockets of listeners must be unique: got \'unix://@egress\' (Istio webhook: ValidateSidecar)',
  ], 'they bind two', egress({ port: { number: 0 }, bind: 'unix://@egress', hosts: ['./*'] }, { port: { number: 0 }, bind: 'unix://@egress-2', hosts: ['web/*'] }));
  rule('an egress bind is not an IP, two listeners share a port', egress({ port, bind: 'eth0', hosts: ['./*'] }, { port, hosts: ['web/*'] }), [
    '/spec/egress/0/bind: must be an IP address: got \'eth0\' (Istio webhook: validateSidecarEgressPortBindAndCaptureMode)',
    '/spec/egress/1/port/number: the ports of IP-bound listeners must be unique: got 9080 (Istio webhook: ValidateSidecar)',
  ], 'the binds are IPs, the ports distinct (whatever the binds)', egress({ port, bind: '127.0.0.1', hosts: ['./*'] }, { port: { ...port, number: 9081 }, bind: '::1', hosts: ['web/*'] }));
  rule('an egress listener has no hosts', egress({ hosts: [] }), [
    '/spec/egress/0/hosts: an egress listener needs at least one host: got []; e.g. \'./*\' or \'istio-system/*\' (Istio webhook: ValidateSidecar)',
  ], 'it has one', egress({ hosts: ['*/*'] }));
  rule('an egress host is not namespace/host', egress({ hosts: ['*', 'web/*api.example.com', '~Web_1/*', 'shop/reviews'] }), [
    '/spec/egress/0/hosts/0: a host must be of the form namespace/dnsName: got \'*\' (Istio webhook: ValidateNamespaceSlashWildcardHostname)',
    '/spec/egress/0/hosts/1: partial wildcard \'*api.example.com\' is not allowed (use \'*\' or \'*.domain\'): got \'web/*api.example.com\' (Istio webhook: ValidateNamespaceSlashWildcardHostname)',
    '/spec/egress/0/hosts/2: invalid namespace \'~Web_1\' in a Sidecar host: got \'~Web_1/*\' (Istio webhook: ValidateNamespaceSlashWildcardHostname)',
    '/spec/egress/0/hosts/3: short names (not FQDNs) are not allowed: got \'reviews\'; use a FQDN or \'*\' (Istio webhook: ValidateNamespaceSlashWildcardHostname)',
  ], 'the hosts are namespace/host forms, an excluded namespace included', egress({ hosts: ['./*', 'istio-system/*.example.com', '~web/*', '*/api.example.com'] }));
  rule('ALLOW_ANY_DYNAMIC_DNS is asked of a Sidecar', sidecar({ outboundTrafficPolicy: { mode: 'ALLOW_ANY_DYNAMIC_DNS' } }), [
    '/spec/outboundTrafficPolicy/mode: ALLOW_ANY_DYNAMIC_DNS is a mesh config mode, not a Sidecar one: got \'ALLOW_ANY_DYNAMIC_DNS\'; use ALLOW_ANY or REGISTRY_ONLY (Istio webhook: validateSidecarOutboundTrafficPolicy)',
  ], 'the mode is ALLOW_ANY', sidecar({ outboundTrafficPolicy: { mode: 'ALLOW_ANY' } }));
  const proxy = { host: 'egress.example.com', subset: 'v1', port: { number: 3128 } };
  rule('an egress proxy is set without ALLOW_ANY', sidecar({ outboundTrafficPolicy: { egressProxy: proxy } }), [
    '/spec/outboundTrafficPolicy/egressProxy: an egress proxy needs mode ALLOW_ANY: got \'REGISTRY_ONLY\'; set mode: ALLOW_ANY (Istio webhook: validateSidecarOutboundTrafficPolicy)',
  ], 'the mode is ALLOW_ANY', sidecar({ outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: proxy } }));
  rule('an egress proxy\'s host is no FQDN and its subset no label', sidecar({ outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: { host: 'egress*', subset: 'v1.0', port: { number: 3128 } } } }), [
    '/spec/outboundTrafficPolicy/egressProxy/host: must be a FQDN (domain name \'egress*\' is invalid (label \'egress*\' is not a DNS-1123 label)): got \'egress*\' (Istio webhook: validateSidecarOutboundTrafficPolicy)',
    '/spec/outboundTrafficPolicy/egressProxy/subset: a subset name must be a DNS-1123 label: got \'v1.0\' (Istio webhook: validateSubsetName)',
  ], 'both are sound', sidecar({ outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: { host: 'egress.istio-system.svc.cluster.local', port: { number: 3128 } } } }));
  rule('an egress proxy has no port', sidecar({ outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: { host: 'egress.example.com' } } }), [
    '/spec/outboundTrafficPolicy/egressProxy/port: an egress proxy needs a port: got nothing; set port.number (Istio webhook: validateSidecarOutboundTrafficPolicy)',
  ], 'it has one', sidecar({ outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: { host: 'egress.example.com', port: { number: 443 } } } }));
});

describe('WorkloadEntry (ValidateWorkloadEntry) and WorkloadGroup (ValidateWorkloadGroup, validateReadinessProbe)', () => {
  rule('the address is empty and no network is set', we({ address: '' }), [
    '/spec/address: an address is required (or a network): got \'\' (Istio webhook: validateWorkloadEntry)',
  ], 'a network stands for the address', we({ address: '', network: 'vpc-2' }));
  rule('the address is neither an IP, a FQDN nor a unix socket', we({ address: 'vm-1.example.com:9443' }), [
    '/spec/address: must be an IP address, a FQDN or a unix socket: got \'vm-1.example.com:9443\' (Istio webhook: validateWorkloadEntry)',
  ], 'it is a FQDN with ports', we({ address: 'vm-1.example.com', ports: { http: 9080 } }));
  rule('a label key is not a label', we({ address: '10.0.0.5', labels: { 'app/name/x': 'vm' } }), [
    '/spec/labels: a label key must be [prefix/]name: letters, digits, \'-\', \'_\' and \'.\', at most 63 characters: got \'app/name/x\' (Istio webhook: validateWorkloadEntry)',
  ], 'it is', we({ address: '10.0.0.5', labels: { 'app.kubernetes.io/name': 'vm' } }));
  rule('a group\'s metadata labels are not labels', wg({ metadata: { labels: { app: '-vm' } } }), [
    '/spec/metadata/labels/app: a label value must be letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit: got \'-vm\' (Istio webhook: ValidateWorkloadGroup)',
  ], 'they are', wg({ metadata: { labels: { app: 'vm' } } }));
  rule('a probe count is negative', wg({ probe: { periodSeconds: -1, failureThreshold: -3, tcpSocket: { port: 9080 } } }), [
    '/spec/probe/periodSeconds: must not be negative: got -1 (Istio webhook: validateReadinessProbe)',
    '/spec/probe/failureThreshold: must not be negative: got -3 (Istio webhook: validateReadinessProbe)',
  ], 'the counts are 0 or more', wg({ probe: { periodSeconds: 5, initialDelaySeconds: 0, tcpSocket: { port: 9080 } } }));
  rule('a probe header name is not letters, digits and \'-\'', wg({ probe: { httpGet: { port: 9080, httpHeaders: [{ name: 'x_probe', value: '1' }] } } }), [
    '/spec/probe/httpGet/httpHeaders/0/name: a probe header name must be letters, digits and \'-\': got \'x_probe\' (Istio webhook: ValidateProbeHeaderName)',
  ], 'it is', wg({ probe: { httpGet: { port: 9080, path: '/ready', httpHeaders: [{ name: 'X-Probe', value: '1' }] } } }));
  rule('an exec probe has an empty command', wg({ probe: { exec: { command: [] } } }), [
    '/spec/probe/exec/command: an exec probe needs a command: got [] (Istio webhook: validateReadinessProbe)',
  ], 'it has a command', wg({ probe: { exec: { command: ['cat', '/tmp/ready'] } } }));
  rule('a probe has no method Istio\'s webhook accepts', wg({ probe: { periodSeconds: 5 } }), [
    '/spec/probe: a readiness probe needs a method Istio\'s webhook accepts: got {}; set httpGet, tcpSocket or exec (Istio webhook: validateReadinessProbe)',
  ], 'it has one', wg({ probe: { tcpSocket: { port: 9080 } } }));
});

describe('validateMetadata wraps the traffic kinds too', () => {
  rule('a Sidecar carries the dry-run annotation (AuthorizationPolicy only)', object('Sidecar', { egress: [{ hosts: ['./*'] }] }, { annotations: { 'istio.io/dry-run': 'true' } }), [
    '/metadata/annotations/istio.io~1dry-run: the annotation istio.io/dry-run is only supported on an AuthorizationPolicy: got it on a Sidecar; remove it (Istio webhook: checkDryRunAnnotation)',
  ], 'it carries other annotations', object('Sidecar', { egress: [{ hosts: ['./*'] }] }, { annotations: { 'example.com/owner': 'shop' } }));
  test('on each of DestinationRule, ServiceEntry, WorkloadEntry and WorkloadGroup', () => {
    const annotations = { 'internal.istio.io/parents': 'x' };
    for (const o of [dr({}, { annotations }), se({ hosts: ['api.example.com'], ports: http }, { annotations }), object('WorkloadEntry', { address: '10.0.0.1' }, { annotations }), object('WorkloadGroup', { template: {} }, { annotations })]) {
      expect(apiRuleProblems(o)).toStrictEqual(['/metadata/annotations/internal.istio.io~1parents: Istio\'s internal annotation may not be set by users: got \'internal.istio.io/parents\'; remove it (Istio webhook: validateMetadata)']);
    }
  });
});

describe('the accepted objects are valid against the pinned CRDs too', () => {
  test('no accepted object has a problem with its schema, its CEL rules or the webhook rules', () => {
    const schemas = SchemaValidation.pinned();
    const problems = accepted.flatMap((o) => schemas.validate(o).problems.map((p) => `${o.kind} ${JSON.stringify(o.spec)}: ${p}`));
    expect(problems).toStrictEqual([]);
    expect(accepted.length).toBeGreaterThan(80);
  });

  test('what a CRD\'s CEL rule refuses is said once: a duration under 1ms, a `*` ServiceEntry host', () => {
    const schemas = SchemaValidation.pinned();
    expect(schemas.validate(tp({ outlierDetection: { interval: '0.5ms' } })).problems)
      .toStrictEqual(['/spec/trafficPolicy/outlierDetection/interval: must be a valid duration greater than 1ms']);
    expect(schemas.validate(se({ hosts: ['*'], ports: http })).problems).toStrictEqual(['/spec/hosts/0: hostname cannot be wildcard']);
  });

  test('a field the CRD requires is the schema\'s to report when absent: a ServiceEntry port name, a cookie name, a tunnel target', () => {
    const schemas = SchemaValidation.pinned();
    expect(schemas.validate(se({ hosts: ['api.example.com'], ports: [{ number: 80 }] })).problems).toStrictEqual(['/spec/ports/0: must have required property \'name\'']);
    expect(schemas.validate(tp({ loadBalancer: { consistentHash: { httpCookie: { ttl: '0s' } } } })).problems)
      .toStrictEqual(['/spec/trafficPolicy/loadBalancer/consistentHash/httpCookie: must have required property \'name\'']);
    expect(schemas.validate(tp({ tunnel: { protocol: 'CONNECT' } })).problems).toStrictEqual([
      '/spec/trafficPolicy/tunnel: must have required property \'targetHost\'',
      '/spec/trafficPolicy/tunnel: must have required property \'targetPort\'',
    ]);
  });
});
