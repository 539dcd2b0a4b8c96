/**
 * Helpers shared by the Istio webhook rules, each following a function of istio/istio `pkg/config/validation`
 * (most in `agent/validation.go`): durations, percentages, header names, RE2 patterns, host names with
 * and without wildcards, `namespace/host` forms, IP addresses and subnets, ports. Each returns the problem
 * as text (no path), or undefined when the value is accepted.
 *
 * @module
 */
import * as net from 'net';
import { hostnamePartProblems, isIP, isLabel } from './istio-names';
import { obj } from './util';

/** The citation ending a problem: `(Istio webhook: validateHTTPRoute)`. */
export const istio = (fn: string): string => `(Istio webhook: ${fn})`;

const DURATION = /^(\d+(\.\d+)?(h|m|s|ms|us|µs|ns))+$/;
const UNIT_NS: { [u: string]: number } = { h: 3600e9, m: 60e9, s: 1e9, ms: 1e6, us: 1e3, µs: 1e3, ns: 1 };

/** A protobuf Duration as Istio's webhook wants it (agent.ValidateDuration): at least 1ms, whole milliseconds. */
export function durationProblem(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  if (!DURATION.test(v)) return `must be a duration such as '1s' or '250ms': got '${v}'`;
  let ns = 0;
  for (const m of v.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) ns += Number(m[1]) * UNIT_NS[m[2]];
  if (ns < 1e6) return `must be at least 1ms: got '${v}'`;
  if (Math.round(ns) % 1e6 !== 0) return `must be whole milliseconds: got '${v}'`;
  return undefined;
}

export const HEADER_NAME = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;
export const PSEUDO_HEADERS = new Set([':method', ':scheme', ':authority', ':path', ':status']);

type Re2 = { compile(p: string): unknown };
let re2: Re2 | undefined;
/** Whether Go's RE2 (as Istio compiles `regex` matches) accepts a pattern; the error otherwise. */
export function re2Problem(pattern: string): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  re2 ??= (require('@bufbuild/re2') as { RE2JS: Re2 }).RE2JS;
  try {
    re2.compile(pattern);
    return undefined;
  } catch (e) {
    return `must be an RE2 regular expression (${(e as Error).message}): got '${pattern}'`;
  }
}

export function stringMatchProblems(m: unknown, at: string): string[] {
  const regex = obj(m)?.regex;
  if (typeof regex !== 'string') return [];
  const p = re2Problem(regex);
  return p ? [`${at}/regex: ${p}`] : [];
}

export function percentProblem(v: unknown): string | undefined {
  if (typeof v !== 'number') return undefined;
  return v < 0 || v > 100 || (v > 0 && v < 0.0001) ? `must be 0 or between 0.0001 and 100: got ${v}` : undefined;
}

export { fqdnProblem, isIP, wildcardDomainProblem } from './istio-names';

/** agent.ValidateIPAddress. */
export const ipProblem = (addr: string): string | undefined => (isIP(addr) ? undefined : `'${addr}' is not a valid IP address`);

/** Go's netip.ParsePrefix: `address/bits`, no zone, bits in range and written without leading zeros. */
export function isCidr(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0 || s.indexOf('/', slash + 1) >= 0) return false;
  const addr = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  if (addr.includes('%') || !/^(0|[1-9]\d{0,2})$/.test(bits)) return false;
  const family = net.isIP(addr);
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}

/** agent.ValidateIPSubnet: a CIDR block (`10.0.0.0/8`, `2001:db8::/32`) or a single address. */
export function ipSubnetProblem(subnet: string): string | undefined {
  if ((subnet.match(/\//g) ?? []).length === 1) return isCidr(subnet) ? undefined : `'${subnet}' is not a valid CIDR block`;
  return ipProblem(subnet);
}

/** agent.ValidatePort: 1 to 65535. */
export const portProblem = (port: unknown): string | undefined =>
  (typeof port === 'number' && (!Number.isInteger(port) || port < 1 || port > 65535) ? `port number ${port} must be in the range 1..65535` : undefined);

/**
 * agent.ValidateNamespaceSlashWildcardHostname for a Sidecar's egress host: `namespace/dnsName`, the namespace `*`, `.`,
 * a DNS-1123 label or one prefixed by `~`. (A Gateway server's host is istio-names' gatewayHostProblems.)
 */
export function sidecarHostProblems(hostname: string): string[] {
  const slash = hostname.indexOf('/');
  if (slash < 0) return ['a host must be of the form namespace/dnsName'];
  const ns = hostname.slice(0, slash);
  const host = hostname.slice(slash + 1);
  const out: string[] = [];
  if (ns === '' || host === '') out.push('the namespace and the dnsName of a host cannot be empty');
  const n = ns.startsWith('~') ? ns.slice(1) : ns;
  if (n !== '' && n !== '*' && n !== '.' && !isLabel(n)) out.push(`invalid namespace '${ns}' in a Sidecar host`);
  out.push(...hostnamePartProblems(host, false));
  return out;
}
