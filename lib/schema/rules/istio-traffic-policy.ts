/**
 * Istio's validating webhook for traffic policies (istio/istio pkg/config/validation): what a DestinationRule's
 * `trafficPolicy` (top level, per subset, per port) and a Sidecar's connection pools must satisfy beyond the CRD
 * schema — validateTrafficPolicy, validateConnectionPool, validateLoadBalancer, validateOutlierDetection,
 * validatePortTrafficPolicies, validateTunnelSettings, agent.ValidateTLS, agent.ValidateLocalityLbSetting and
 * agent.ValidateZoneAwareLbSetting. Only errors are reported: what Istio merely warns about is accepted.
 *
 * @module
 */
import { durationProblem, fqdnProblem, isIP, istio, portProblem } from './istio-common';
import { Obj, arr, obj, str } from './util';

/** A value shown as it is written, unquoted (`nothing`, `{}`, a count of items). */
export class Bare {
  constructor(readonly text: string) {}
}
/** `got nothing`: the field is unset. */
export const UNSET = new Bare('nothing');
/** `got {}`: the object is empty. */
export const EMPTY = new Bare('{}');

/** How a value reads in a problem: strings quoted, numbers, booleans and Bare values as they are. */
export const shown = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : v instanceof Bare ? v.text : String(v));

/** Appends `<at>: <what>: got <value>[; <fix>] (Istio webhook: <fn>)`, the message convention of every rule. */
export function report(out: string[], at: string, what: string, got: unknown, fn: string, fix?: string): void {
  out.push(`${at}: ${what}: got ${shown(got)}${fix ? `; ${fix}` : ''} ${istio(fn)}`);
}

/** A shared helper's problem at a path: the helper's text already names the value when it says `got`. */
export function reportHelper(out: string[], at: string, problem: string, got: unknown, fn: string): void {
  if (problem.includes(': got ')) out.push(`${at}: ${problem} ${istio(fn)}`);
  else report(out, at, problem, got, fn);
}

/**
 * agent.ValidateDuration on a protobuf Duration the CRD already checks (its CEL rule refuses a duration under 1ms
 * or one that does not parse): what is left is Istio's millisecond precision.
 */
export function checkDuration(out: string[], at: string, v: unknown, fn: string): void {
  const p = durationProblem(v);
  if (p?.startsWith('must be whole milliseconds')) out.push(`${at}: ${p} ${istio(fn)}`);
}

/** Whether a protobuf message field is set (a JSON object; `null` reads as unset, as protojson reads it). */
const isSet = (v: unknown): boolean => obj(v) !== undefined;

/** A non-negative int32 field (`must be non-negative` in validateConnectionPool). */
function nonNegative(out: string[], o: Obj, at: string, key: string, fn: string): void {
  const v = o[key];
  if (typeof v === 'number' && v < 0) report(out, `${at}/${key}`, 'must not be negative', v, fn);
}

/** validateConnectionPool: a pool sets `http` or `tcp`; counts are non-negative; durations whole milliseconds. */
export function connectionPoolProblems(out: string[], at: string, v: unknown): void {
  const pool = obj(v);
  if (!pool) return;
  const fn = 'validateConnectionPool';
  if (!isSet(pool.http) && !isSet(pool.tcp)) {
    report(out, at, 'a connection pool must set at least one of http or tcp', EMPTY, fn, 'set http or tcp settings, or remove the connection pool');
    return;
  }
  const http = obj(pool.http);
  if (http) {
    const h = `${at}/http`;
    for (const key of ['http1MaxPendingRequests', 'http2MaxRequests', 'maxRequestsPerConnection', 'maxRetries', 'maxConcurrentStreams']) nonNegative(out, http, h, key, fn);
    if (http.idleTimeout !== undefined) checkDuration(out, `${h}/idleTimeout`, http.idleTimeout, fn);
    if (http.h2UpgradePolicy === 'UPGRADE' && http.useClientProtocol === true) {
      report(out, `${h}/useClientProtocol`, 'must not be true when h2UpgradePolicy is UPGRADE', true, fn, 'drop one of the two');
    }
    const keepalive = obj(http.http2KeepAlive);
    if (keepalive) {
      for (const key of ['interval', 'timeout']) {
        if (keepalive[key] === undefined || keepalive[key] === null) {
          report(out, `${h}/http2KeepAlive/${key}`, `an HTTP/2 keepalive requires its ${key}`, UNSET, fn, `set ${key}, e.g. '30s'`);
        } else {
          checkDuration(out, `${h}/http2KeepAlive/${key}`, keepalive[key], fn);
        }
      }
    }
  }
  const tcp = obj(pool.tcp);
  if (tcp) {
    const t = `${at}/tcp`;
    nonNegative(out, tcp, t, 'maxConnections', fn);
    for (const key of ['connectTimeout', 'maxConnectionDuration']) if (tcp[key] !== undefined) checkDuration(out, `${t}/${key}`, tcp[key], fn);
    if (tcp.idleTimeout !== undefined) {
      // Istio skips a TCP idle timeout below 1ms (0s disables it); any other value is checked as a duration.
      const p = durationProblem(tcp.idleTimeout);
      if (p && !p.startsWith('must be at least 1ms')) out.push(`${t}/idleTimeout: ${p} ${istio(fn)}`);
    }
    const ka = obj(tcp.tcpKeepalive);
    for (const key of ['time', 'interval']) if (ka?.[key] !== undefined) checkDuration(out, `${t}/tcpKeepalive/${key}`, ka[key], fn);
  }
}

/** validateOutlierDetection: durations, local-origin failures only with split errors, percentages 0..100. */
export function outlierDetectionProblems(out: string[], at: string, v: unknown): void {
  const od = obj(v);
  if (!od) return;
  const fn = 'validateOutlierDetection';
  for (const key of ['baseEjectionTime', 'interval']) if (od[key] !== undefined) checkDuration(out, `${at}/${key}`, od[key], fn);
  const local = od.consecutiveLocalOriginFailures;
  if (typeof local === 'number' && local > 0 && od.splitExternalLocalOriginErrors !== true) {
    report(out, `${at}/consecutiveLocalOriginFailures`, 'counts local origin failures only when splitExternalLocalOriginErrors is true', local, fn,
      'set splitExternalLocalOriginErrors: true');
  }
  for (const key of ['maxEjectionPercent', 'minHealthPercent']) {
    const p = od[key];
    if (typeof p === 'number' && (p < 0 || p > 100)) report(out, `${at}/${key}`, 'must be a percentage between 0 and 100', p, fn);
  }
}

/** Envoy's primality test for a Maglev table size (validateLoadBalancer follows Envoy's utility). */
function isPrime(x: number): boolean {
  if (x !== 0 && x < 4) return true;
  if (x % 2 === 0) return false;
  const limit = Math.floor(Math.sqrt(x));
  for (let f = 3; f <= limit; f += 2) if (x % f === 0) return false;
  return true;
}

/** The topology labels Istio refuses in `failoverPriority` beside `failover`, and in a zone-aware setting's. */
export const TOPOLOGY_LABELS: ReadonlySet<string> = new Set(['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone']);

/**
 * agent.validateLocalities: at most one trailing `*`, no empty part, no locality overlapping an earlier one.
 * Shared with the typed API (`LocalityLoadBalancing`, lib/intent/locality.ts).
 */
export function localitiesProblem(localities: readonly string[]): string | undefined {
  // region → zone → subzones; '*' marks "all of it"
  const seen = new Map<string, Map<string, Set<string>>>();
  for (const locality of localities) {
    const stars = locality.split('*').length - 1;
    if (stars > 1 || (stars === 1 && !locality.endsWith('*'))) return `locality '${locality}' may hold one '*' wildcard, at its end`;
    if (seen.has('*')) return `locality '${locality}' overlaps one given before it`;
    const parts = locality.split('/');
    const items = parts.length > 3 ? [parts[0], parts[1], parts.slice(2).join('/')] : parts;
    if (items.some((i) => i === '')) return `locality '${locality}' must not have an empty region, zone or subzone`;
    const [region, zone, subzone] = items;
    const zones = seen.get(region);
    if (items.length === 1) {
      if (zones) return `locality '${locality}' overlaps one given before it`;
      seen.set(region, new Map([['*', new Set(['*'])]]));
    } else if (items.length === 2) {
      if (zones?.has('*') || zones?.has(zone)) return `locality '${locality}' overlaps one given before it`;
      if (zones) zones.set(zone, new Set(['*']));
      else seen.set(region, new Map([[zone, new Set(['*'])]]));
    } else {
      if (zones?.has('*')) return `locality '${locality}' overlaps one given before it`;
      const subzones = zones?.get(zone);
      if (subzones?.has('*') || subzones?.has(subzone)) return `locality '${locality}' overlaps one given before it`;
      if (subzones) subzones.add(subzone);
      else if (zones) zones.set(zone, new Set([subzone]));
      else seen.set(region, new Map([[zone, new Set([subzone])]]));
    }
  }
  return undefined;
}

/** agent.ValidateLocalityLbSetting: distribute or failover, weights 1..100 totalling 100, distinct non-overlapping localities. */
function localityLbProblems(out: string[], at: string, v: unknown): void {
  const lb = obj(v);
  if (!lb) return;
  const fn = 'ValidateLocalityLbSetting';
  const distribute = arr(lb.distribute);
  const failover = arr(lb.failover);
  if (distribute.length > 0 && failover.length > 0) {
    report(out, at, 'cannot set both distribute and failover', new Bare('both'), fn, 'keep one of them');
    return;
  }
  if (failover.length > 0) {
    for (const label of arr(lb.failoverPriority)) {
      if (typeof label === 'string' && TOPOLOGY_LABELS.has(label)) {
        report(out, `${at}/failoverPriority`, 'cannot name a topology label when failover is set', label, fn, 'remove it or drop failover');
        return;
      }
    }
  }
  const sources: string[] = [];
  for (let i = 0; i < distribute.length; i++) {
    const d = obj(distribute[i]) ?? {};
    const from = str(d.from);
    if (from !== undefined) sources.push(from);
    let total = 0;
    const to = obj(d.to) ?? {};
    for (const [loc, weight] of Object.entries(to)) {
      if (typeof weight !== 'number' || weight <= 0 || weight > 100) {
        report(out, `${at}/distribute/${i}/to`, `the weight of locality '${loc}' must be between 1 and 100`, weight, fn);
        return;
      }
      total += weight;
    }
    if (total !== 100) {
      report(out, `${at}/distribute/${i}/to`, 'the weights must total 100', total, fn);
      return;
    }
    const p = localitiesProblem(Object.keys(to));
    if (p) report(out, `${at}/distribute/${i}/to`, p, Object.keys(to).join(', '), fn);
  }
  const p = localitiesProblem(sources);
  if (p) report(out, `${at}/distribute`, p, sources.join(', '), fn);
  failoverProblems(out, at, failover, fn, 'locality lb');
}

/**
 * What is wrong with one failover pair, by the rules ValidateLocalityLbSetting and ValidateZoneAwareLbSetting share:
 * distinct regions, no '/' or '*'. `what` names the setting (`locality lb`, `zone aware lb`). Shared with the typed API.
 */
export function failoverPairProblems(from: string, to: string, what: string): string[] {
  return [
    ...(from === to ? [`${what} failover must go from one region to another`] : []),
    ...(from.includes('/') || to.includes('/') ? [`${what} failover names regions only (no zone or subzone)`] : []),
    ...(from.includes('*') || to.includes('*') ? [`${what} failover regions cannot hold a '*' wildcard`] : []),
  ];
}

/** The failover rules of every pair of a setting (failoverPairProblems). */
function failoverProblems(out: string[], at: string, failover: unknown[], fn: string, what: string): void {
  failover.forEach((f, i) => {
    const from = str(obj(f)?.from) ?? '';
    const to = str(obj(f)?.to) ?? '';
    for (const p of failoverPairProblems(from, to, what)) report(out, `${at}/failover/${i}`, p, `${from} → ${to}`, fn);
  });
}

/** agent.ValidateZoneAwareLbSetting: failover between regions only, no topology label in failoverPriority. */
function zoneAwareLbProblems(out: string[], at: string, v: unknown): void {
  const lb = obj(v);
  if (!lb) return;
  const fn = 'ValidateZoneAwareLbSetting';
  for (const label of arr(lb.failoverPriority)) {
    if (typeof label === 'string' && TOPOLOGY_LABELS.has(label)) {
      report(out, `${at}/failoverPriority`, 'zone-aware load balancing routes by region and zone itself: failoverPriority cannot name a topology label', label, fn);
    }
  }
  failoverProblems(out, at, arr(lb.failover), fn, 'zone aware lb');
}

/** validateLoadBalancer: cookie names, one ring-size setting, Maglev table sizes, one locality setting, warmup. */
export function loadBalancerProblems(out: string[], at: string, v: unknown): void {
  const lb = obj(v);
  if (!lb) return;
  const fn = 'validateLoadBalancer';
  const hash = obj(lb.consistentHash);
  if (hash) {
    const h = `${at}/consistentHash`;
    const cookie = obj(hash.httpCookie);
    if (cookie) {
      // an absent name is the CRD's to report (required)
      if (cookie.name === '') report(out, `${h}/httpCookie/name`, 'an HTTP cookie hash needs the cookie name', cookie.name, fn);
      const names = new Set<string>();
      arr(cookie.attributes).forEach((a, i) => {
        const name = str(obj(a)?.name) ?? '';
        if (name === '') report(out, `${h}/httpCookie/attributes/${i}/name`, 'a cookie attribute needs a name', name, fn);
        else if (names.has(name)) report(out, `${h}/httpCookie/attributes/${i}/name`, 'cookie attribute names must be unique', name, fn);
        else names.add(name);
      });
    }
    const ring = hash.minimumRingSize;
    if (typeof ring === 'number' && ring !== 0 && (isSet(hash.ringHash) || isSet(hash.maglev))) {
      report(out, `${h}/minimumRingSize`, 'cannot be set with ringHash or maglev', ring, fn, 'set the ring size in ringHash');
    }
    const maglev = obj(hash.maglev);
    if (maglev) {
      const size = typeof maglev.tableSize === 'number' ? maglev.tableSize : 0;
      if (size === 0) report(out, `${h}/maglev/tableSize`, 'a Maglev table size is required', maglev.tableSize ?? UNSET, fn, 'e.g. 65537');
      else if (size >= 5000011) report(out, `${h}/maglev/tableSize`, 'must be less than 5000011', size, fn);
      else if (!isPrime(size)) report(out, `${h}/maglev/tableSize`, 'must be a prime number', size, fn, 'e.g. 65537');
    }
  }
  if (isSet(lb.localityLbSetting) && isSet(lb.zoneAwareLbSetting)) {
    report(out, at, 'cannot set both localityLbSetting and zoneAwareLbSetting', new Bare('both'), fn, 'keep one of them');
  }
  localityLbProblems(out, `${at}/localityLbSetting`, lb.localityLbSetting);
  zoneAwareLbProblems(out, `${at}/zoneAwareLbSetting`, lb.zoneAwareLbSetting);
  const warmup = obj(lb.warmup);
  if (warmup) {
    if (warmup.duration === undefined || warmup.duration === null) report(out, `${at}/warmup/duration`, 'a warmup needs its duration', UNSET, fn, 'e.g. 60s');
    else checkDuration(out, `${at}/warmup/duration`, warmup.duration, fn);
    const min = warmup.minimumPercent;
    if (typeof min === 'number' && min > 100) report(out, `${at}/warmup/minimumPercent`, 'must be at most 100', min, fn);
    const aggression = warmup.aggression;
    if (typeof aggression === 'number' && aggression <= 0) report(out, `${at}/warmup/aggression`, 'must be greater than 0', aggression, fn);
  }
}

/**
 * agent.ValidateTLS on a client TLS setting: a `configmap://` credential in the object's own namespace; no CA or
 * SANs with insecureSkipVerify; no file certificates with a credentialName; MUTUAL needs a client certificate and key.
 */
export function clientTlsProblems(out: string[], at: string, v: unknown, namespace: string | undefined): void {
  const tls = obj(v);
  if (!tls) return;
  const fn = 'ValidateTLS';
  const mode = tls.mode;
  const credential = str(tls.credentialName) ?? '';
  if (credential.startsWith('configmap://')) {
    const [ns, name] = credential.slice('configmap://'.length).split('/');
    if (!ns || !name) {
      report(out, `${at}/credentialName`, 'a configmap:// credential must be configmap://<namespace>/<name>', credential, fn);
    } else if (namespace !== undefined && ns !== namespace) {
      report(out, `${at}/credentialName`, `a configmap:// credential must be in the object's namespace '${namespace}'`, credential, fn);
    }
  }
  const sans = arr(tls.subjectAltNames).length > 0;
  const ca = !!tls.caCertificates;
  if (tls.insecureSkipVerify === true) {
    if (mode === 'SIMPLE' && (ca || credential !== '' || sans)) {
      report(out, `${at}/insecureSkipVerify`, 'cannot be true with caCertificates, credentialName or subjectAltNames', true, fn,
        'drop insecureSkipVerify or the CA and SAN settings');
    }
    if (mode === 'MUTUAL' && (ca || sans)) {
      report(out, `${at}/insecureSkipVerify`, 'cannot be true with caCertificates or subjectAltNames', true, fn, 'drop insecureSkipVerify or the CA and SAN settings');
    }
  }
  if ((mode === 'SIMPLE' || mode === 'MUTUAL') && credential !== '') {
    for (const key of ['clientCertificate', 'caCertificates', 'privateKey', 'caCrl']) {
      if (tls[key]) report(out, `${at}/${key}`, 'cannot be set with credentialName (the credential holds the certificates)', tls[key], fn);
    }
    return;
  }
  if (mode === 'MUTUAL') {
    for (const key of ['clientCertificate', 'privateKey']) {
      if (!tls[key]) report(out, `${at}/${key}`, `MUTUAL TLS requires ${key} (or a credentialName)`, tls[key] ?? UNSET, fn);
    }
  }
}

/** validateTunnelSettings: protocol CONNECT or POST, a target host that is a FQDN or an IP, a target port. */
function tunnelProblems(out: string[], at: string, v: unknown): void {
  const tunnel = obj(v);
  if (!tunnel) return;
  const fn = 'validateTunnelSettings';
  const protocol = tunnel.protocol;
  if (typeof protocol === 'string' && protocol !== '' && protocol !== 'CONNECT' && protocol !== 'POST') {
    report(out, `${at}/protocol`, 'a tunnel protocol must be CONNECT or POST', protocol, fn);
  }
  // absent target host and port are the CRD's to report (required)
  const host = tunnel.targetHost;
  const f = typeof host === 'string' ? fqdnProblem(host) : undefined;
  if (typeof host === 'string' && f && !isIP(host)) report(out, `${at}/targetHost`, `must be a FQDN or an IP address (${f})`, host, fn);
  const port = tunnel.targetPort;
  if (typeof port === 'number' && (port === 0 || portProblem(port))) report(out, `${at}/targetPort`, 'must be a port in the range 1..65535', port, fn);
}

const POLICY_FIELDS = ['outlierDetection', 'connectionPool', 'loadBalancer', 'tls', 'tunnel', 'proxyProtocol', 'retryBudget'];

/** validatePortTrafficPolicies: each needs a port and at least one setting. */
function portLevelProblems(out: string[], at: string, v: unknown, namespace: string | undefined): void {
  const fn = 'validatePortTrafficPolicies';
  arr(v).forEach((p, i) => {
    const pol = obj(p);
    const pat = `${at}/${i}`;
    if (!pol) return;
    if (!isSet(pol.port)) report(out, `${pat}/port`, 'a port traffic policy needs its port', UNSET, fn, 'set port.number');
    if (!isSet(pol.outlierDetection) && !isSet(pol.connectionPool) && !isSet(pol.loadBalancer) && !isSet(pol.tls)) {
      report(out, pat, 'a port traffic policy must set at least one of outlierDetection, connectionPool, loadBalancer or tls', new Bare('none'), fn);
      return;
    }
    outlierDetectionProblems(out, `${pat}/outlierDetection`, pol.outlierDetection);
    connectionPoolProblems(out, `${pat}/connectionPool`, pol.connectionPool);
    loadBalancerProblems(out, `${pat}/loadBalancer`, pol.loadBalancer);
    clientTlsProblems(out, `${pat}/tls`, pol.tls, namespace);
  });
}

/** validateTrafficPolicy: at least one setting, not tunnel and proxyProtocol together, then each setting's rules. */
export function trafficPolicyProblems(out: string[], at: string, v: unknown, namespace: string | undefined): void {
  const tp = obj(v);
  if (!tp) return;
  const fn = 'validateTrafficPolicy';
  if (!POLICY_FIELDS.some((k) => isSet(tp[k])) && arr(tp.portLevelSettings).length === 0) {
    report(out, at, 'a traffic policy must set at least one field', EMPTY, fn, 'set a policy or remove trafficPolicy');
    return;
  }
  if (isSet(tp.tunnel) && isSet(tp.proxyProtocol)) {
    report(out, at, 'tunnel and proxyProtocol cannot be set together', new Bare('both'), fn, 'keep one of them');
    return;
  }
  outlierDetectionProblems(out, `${at}/outlierDetection`, tp.outlierDetection);
  connectionPoolProblems(out, `${at}/connectionPool`, tp.connectionPool);
  loadBalancerProblems(out, `${at}/loadBalancer`, tp.loadBalancer);
  clientTlsProblems(out, `${at}/tls`, tp.tls, namespace);
  portLevelProblems(out, `${at}/portLevelSettings`, tp.portLevelSettings, namespace);
  tunnelProblems(out, `${at}/tunnel`, tp.tunnel);
}
