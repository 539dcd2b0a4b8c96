/**
 * Host and name forms as Istio's webhook reads them for VirtualServices and Gateways (pkg/config/labels,
 * pkg/config/host, pkg/jwt and agent/validation.go). Istio's DNS-1123 labels take upper case letters
 * (labels.dns1123LabelFmt is `[a-zA-Z0-9]…`) and a wildcard label may be `*-`-prefixed, so these helpers
 * follow upstream exactly rather than Kubernetes' lower-case names. Each returns the problem as text (no path).
 *
 * @module
 */
import * as net from 'net';

/** A JSON object's key as a JSON-pointer token. */
export const token = (key: string): string => (key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key);

/** A non-empty string, or undefined. */
export const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Go's netip.ParseAddr: an IPv4 (no leading zeros) or IPv6 address. */
export const isIP = (s: string): boolean => net.isIP(s) !== 0;

// Istio's labels (pkg/config/labels/instance.go dns1123LabelFmt, wildcardPrefix): upper case letters are accepted, and a
// wildcard label may be `*`, `*name` or `*-name`
const LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const WILDCARD_LABEL = /^(?:\*|(?:\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;
const ALL_DIGITS = /^[-+]?\d+$/;

/** labels.IsDNS1123Label: letters (either case), digits and '-', at most 63 characters. */
export const isLabel = (s: string): boolean => s.length <= 63 && LABEL.test(s);

/** labels.IsWildcardDNS1123Label: a label, `*`, or a label prefixed by `*` or `*-`. */
const isWildcardLabel = (s: string): boolean => s.length <= 63 && WILDCARD_LABEL.test(s);

/** agent.CheckDNS1123Preconditions. */
function preconditions(name: string): string | undefined {
  if (name.length > 255) return `domain name '${name.slice(0, 40)}…' is too long (at most 255 characters)`;
  return name.length === 0 ? 'an empty domain name is not allowed' : undefined;
}

/** agent.ValidateDNS1123Labels: every label valid (a trailing dot allowed), the top-level one not all digits. */
function labelsProblem(domain: string, shown: string): string | undefined {
  const parts = domain.split('.');
  const top = parts[parts.length - 1];
  if (ALL_DIGITS.test(top)) return `domain name '${shown}' is invalid (its top-level domain '${top}' cannot be all-numeric)`;
  for (let i = 0; i < parts.length; i++) {
    if (i === parts.length - 1 && parts[i] === '') return undefined;
    if (!isLabel(parts[i])) return `domain name '${shown}' is invalid (label '${parts[i]}' is not a DNS-1123 label)`;
  }
  return undefined;
}

/** agent.ValidateFQDN. */
export const fqdnProblem = (fqdn: string): string | undefined => preconditions(fqdn) ?? labelsProblem(fqdn, fqdn);

/** agent.ValidateWildcardDomain: a host name whose first label may be a wildcard. */
export function wildcardDomainProblem(domain: string): string | undefined {
  const pre = preconditions(domain);
  if (pre) return pre;
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (!isWildcardLabel(first)) return `domain name '${domain}' is invalid (label '${first}' is not a DNS-1123 label or a wildcard)`;
  return dot < 0 ? undefined : labelsProblem(domain.slice(dot + 1), domain);
}

/** agent.validateSidecarOrGatewayHostnamePart: a FQDN or `*`, wildcards only as a whole first label; a Gateway's host may be an IP. */
export function hostnamePartProblems(hostname: string, isGateway: boolean): string[] {
  const out: string[] = [];
  if (hostname !== '*' && !hostname.includes('.')) out.push(`short names (not FQDNs) are not allowed: got '${hostname}'; use a FQDN or '*'`);
  const w = wildcardDomainProblem(hostname);
  if (w && !(isGateway && isIP(hostname))) out.push(w);
  if (hostname.includes('*') && hostname.length !== 1 && !hostname.startsWith('*.')) out.push(`partial wildcard '${hostname}' is not allowed (use '*' or '*.domain')`);
  return out;
}

/**
 * agent.ValidateNamespaceSlashWildcardHostname for a Gateway server's host: `host` or `namespace/host`, the
 * namespace `*`, `.` or a DNS-1123 label (`~` only in Gateways converted from the Gateway API).
 */
export function gatewayHostProblems(hostname: string, gatewaySemantics: boolean): string[] {
  const slash = hostname.indexOf('/');
  if (slash < 0) return hostnamePartProblems(hostname, true);
  const ns = hostname.slice(0, slash);
  const host = hostname.slice(slash + 1);
  const out: string[] = [];
  if (ns === '' || host === '') out.push('the namespace and the dnsName of a host cannot be empty');
  if (ns !== '*' && ns !== '.' && !(ns === '~' && gatewaySemantics) && !isLabel(ns)) out.push(`invalid namespace '${ns}' in a Gateway host (use '*', '.' or a namespace name)`);
  out.push(...hostnamePartProblems(host, true));
  return out;
}

/** jwt.ToRoutingClaim: `@request.auth.claims.a.b` or `@request.auth.claims[a][b]` (the prefix in any case). */
export function isRoutingClaim(name: string): boolean {
  if (name.length < 21 || name.slice(0, 20).toLowerCase() !== '@request.auth.claims') return false;
  const rest = name.slice(20);
  return (rest[0] === '.' && rest.length > 1) || (rest[0] === '[' && rest.endsWith(']') && rest.length > 2);
}

/** host.Name.Matches: two hosts overlap (equal, or one's wildcard covers the other). */
export function hostsOverlap(a: string, b: string): boolean {
  const aw = a.startsWith('*');
  const bw = b.startsWith('*');
  if (aw && bw) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (aw) return b.endsWith(a.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

/** host.Name.SubsetOf: every name `a` covers is covered by `b`. */
export function hostSubsetOf(a: string, b: string): boolean {
  const aw = a.startsWith('*');
  const bw = b.startsWith('*');
  if (aw) return bw && a.length >= b.length && a.slice(1).endsWith(b.slice(1));
  return bw ? a.endsWith(b.slice(1)) : a === b;
}

const HAS_DIGIT = /\d/;
const HAS_LETTER = /[a-zA-Z]/;

/** agent.ValidateWildcardDomainForVirtualServiceBoundToGateway: an SNI host may also be Istio's `outbound_.PORT_._.HOST` form. */
export function gatewayBoundHostProblem(sni: boolean, host: string): string | undefined {
  if (sni && host.startsWith('outbound_') && host.length <= 255) {
    const parts = host.split('_');
    const ok = parts.length >= 4 && HAS_DIGIT.test(parts[1]) && HAS_LETTER.test(parts[3]);
    return ok ? undefined : `domain name '${host}' is invalid (an auto-generated SNI follows 'outbound_.<port>_._.<hostname>')`;
  }
  return wildcardDomainProblem(host);
}

const QUALIFIED_NAME = '(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_FMT = '[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?';
const TAG_KEY = new RegExp(`^(${LABEL_FMT}(?:\\.${LABEL_FMT})*/)?(${QUALIFIED_NAME})$`);
const TAG_VALUE = new RegExp(`^(?:${QUALIFIED_NAME})?$`);

/** labels.Instance.Validate over `sourceLabels`: each key a `[prefix/]name`, each value a qualified name or empty; `[key, problem]` pairs. */
export function sourceLabelsProblems(labels: unknown): [string, string][] {
  const out: [string, string][] = [];
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) return out;
  for (const [key, value] of Object.entries(labels as { [k: string]: unknown })) {
    const m = TAG_KEY.exec(key);
    if (!m) out.push([key, `invalid label key '${key}' (a '[dns-prefix/]name' of letters, digits, '-', '_' and '.'): got '${key}'`]);
    else if (m[1] && m[1].length - 1 > 253) out.push([key, `invalid label key '${key.slice(0, 40)}…' (its DNS prefix is over 253 characters)`]);
    else if (m[2].length > 63) out.push([key, `invalid label key '${key}' (its name is over 63 characters)`]);
    if (typeof value === 'string' && !TAG_VALUE.test(value)) {
      out.push([key, `invalid label value (letters, digits, '-', '_' and '.', starting and ending with a letter or digit): got '${value}'`]);
    }
  }
  return out;
}
