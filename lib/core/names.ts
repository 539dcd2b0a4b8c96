import { Problem, problem } from './errors';
import { deferIfLate } from './late-values';

/** Kubernetes' name patterns (apimachinery's validation), shared by the constructs' checks and schema validation. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** How to write a DNS-1123 label, for a name no valid one can be read from. */
const WRITE_LABEL = 'write a name of lower-case letters, digits and \'-\', starting and ending with a letter or digit';

/**
 * The fix of a name Kubernetes refuses: the name with other characters as '-' (in lower case unless `lower` is
 * false), trimmed to `max`, when that is a valid name (`valid`); else `otherwise`, how to write one.
 */
function nameFix(value: unknown, max: number, valid: (s: string) => boolean, keep: RegExp, otherwise: string, lower = true): string {
  const s = typeof value === 'string'
    ? (lower ? value.toLowerCase() : value).replace(keep, '-').replace(/-{2,}/g, '-').slice(0, max).replace(/^[-._]+|[-._]+$/g, '')
    : '';
  return s !== '' && s !== value && valid(s) ? `write it as '${s}'` : otherwise;
}

/**
 * Checks a DNS-1123 label (names of Deployments' parts, namespaces, subsets, ports).
 * @returns the problem, or undefined when valid
 */
export function checkDnsLabel(field: string, value: string): Problem | undefined {
  if (deferIfLate(field, value, checkDnsLabel)) return undefined;
  if (value.length > 63 || !DNS1123_LABEL.test(value)) {
    return problem(field, 'must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters)', value,
      nameFix(value, 63, x => DNS1123_LABEL.test(x), /[^a-z0-9-]+/g, WRITE_LABEL));
  }
  return undefined;
}

/**
 * Checks a DNS-1035 label: what Kubernetes requires of a Service name (starts with a letter).
 * @returns the problem, or undefined when valid
 */
export function checkServiceName(field: string, value: string): Problem | undefined {
  if (deferIfLate(field, value, checkServiceName)) return undefined;
  if (value.length > 63 || !DNS1035_LABEL.test(value)) {
    return problem(field, 'must be a DNS-1035 label (lower-case letters, digits and \'-\', starting with a letter, ending with a letter or digit, at most 63 characters)', value,
      nameFix(value, 63, x => DNS1035_LABEL.test(x), /[^a-z0-9-]+/g,
        'write a name of lower-case letters, digits and \'-\', starting with a letter and ending with a letter or digit'));
  }
  return undefined;
}

/**
 * Checks a DNS-1123 subdomain (object names such as ServiceAccounts and Deployments).
 * @returns the problem, or undefined when valid
 */
export function checkDnsSubdomain(field: string, value: string): Problem | undefined {
  if (deferIfLate(field, value, checkDnsSubdomain)) return undefined;
  if (value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    return problem(field, 'must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters)', value,
      nameFix(value, 253, x => DNS1123_SUBDOMAIN.test(x), /[^a-z0-9.-]+/g,
        'write dot-separated parts of lower-case letters, digits and \'-\', each starting and ending with a letter or digit'));
  }
  return undefined;
}

/**
 * Checks a Kubernetes label value.
 * @returns the problem, or undefined when valid
 */
export function checkLabelValue(field: string, value: string): Problem | undefined {
  if (deferIfLate(field, value, checkLabelValue)) return undefined;
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    return problem(field, 'must be a Kubernetes label value (at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit)', value,
      nameFix(value, 63, x => LABEL_VALUE.test(x), /[^A-Za-z0-9_.-]+/g, 'write at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit', false));
  }
  return undefined;
}

/**
 * Checks a host name as Istio accepts it in `hosts`: a DNS name, optionally with a leading
 * `*.` wildcard label, or `*` alone.
 * @returns the problem, or undefined when valid
 */
export function checkHostName(field: string, value: string): Problem | undefined {
  if (deferIfLate(field, value, checkHostName)) return undefined;
  if (value === '*') {
    return undefined;
  }
  const bare = value.startsWith('*.') ? value.slice(2) : value;
  if (value.length > 253 || !DNS1123_SUBDOMAIN.test(bare)) {
    return problem(field, 'must be a DNS name, optionally starting with a \'*.\' wildcard label, or \'*\'', value,
      value.includes(':') && !value.includes('/') ? 'hosts never carry a port: reach the gateway on its service port (a LoadBalancer, or port-forward) so that clients send a Host header without the NodePort'
        : hostFix(value));
  }
  return undefined;
}

/** The fix of a host that is not a DNS name: the name alone (no scheme, path or port), when one can be read from it. */
function hostFix(value: string): string {
  const bare = value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^\/+/, '').split(/[/?#]/)[0].split(':')[0].toLowerCase();
  const name = bare.startsWith('*.') ? bare.slice(2) : bare;
  return name !== '' && bare !== value && DNS1123_SUBDOMAIN.test(name)
    ? `write the host name alone, without scheme, path or port: '${bare}'`
    : value.indexOf('*') > 0 || value.startsWith('*') && !value.startsWith('*.')
      ? 'a wildcard is only the whole first label: write \'*.\' and a DNS name (\'*.example.com\'), or \'*\' alone'
      : 'write a DNS name (\'reviews.example.com\'), a wildcard and a DNS name (\'*.example.com\'), or \'*\' alone';
}

/** A label or annotation key: `[prefix/]name`, the prefix a DNS subdomain (≤ 253), the name a qualified name (≤ 63). */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (parts.length > 2) return `'${key}' must be '[prefix/]name' with at most one '/'`;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
    return `the prefix of '${key}' must be a DNS-1123 subdomain of at most 253 characters`;
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return `the name of '${key}' must be at most 63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

/**
 * Checks a Kubernetes label key (`[prefix/]name`).
 * @returns the problem, or undefined when valid
 */
export function checkLabelKey(field: string, key: string): Problem | undefined {
  const p = labelKeyProblem(key);
  return p ? problem(field, `must be a label key ('[prefix/]name'): ${p}`, key) : undefined;
}

/**
 * Checks an Istio `exportTo` list: `.` (the object's own namespace), `*` (every namespace, alone) or namespace names.
 * @returns the problem, or undefined when valid
 */
export function checkExportTo(field: string, values: readonly string[]): Problem | undefined {
  if (values.length === 0) return problem(field, 'must name at least one namespace (\'.\' for its own, \'*\' for all)', []);
  if (values.includes('*') && values.length > 1) return problem(field, 'must not combine \'*\' with other entries (it already means every namespace)', [...values]);
  for (const v of values) {
    if (v !== '.' && v !== '*' && (v.length > 63 || !DNS1123_LABEL.test(v))) return problem(field, 'must hold \'.\', \'*\' or namespace names', v);
  }
  if (new Set(values).size !== values.length) return problem(field, 'must name each namespace once', [...values]);
  return undefined;
}

/**
 * Checks a port number (a whole number from 1 to 65535).
 * @returns the problem, or undefined when valid
 */
export function checkPort(field: string, port: number): Problem | undefined {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? undefined : problem(field, 'must be a port number (a whole number from 1 to 65535)', port);
}

/**
 * Checks a set of Kubernetes labels (keys and values), naming the first bad one as `<field>.<key>`.
 * @returns the problem, or undefined when valid
 */
export function checkLabels(field: string, labels: { readonly [key: string]: string }): Problem | undefined {
  for (const [k, v] of Object.entries(labels)) {
    const err = checkLabelKey(`${field}.${k}`, k) ?? checkLabelValue(`${field}.${k}`, v);
    if (err) return err;
  }
  return undefined;
}

/** A CIDR block as numbers: its family, first address and prefix length. @internal */
export interface Cidr {
  readonly v6: boolean;
  readonly base: bigint;
  readonly bits: number;
}

/** Parses an IPv4 or IPv6 address, with an optional `/prefix` (none: a single address); undefined when it is not one. @internal */
export function parseCidr(value: string): Cidr | undefined {
  if (typeof value !== 'string') return undefined;
  const [addr, prefix, extra] = value.split('/');
  if (extra !== undefined || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) return undefined;
  let v6 = false;
  let n: bigint;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(addr)) {
    const parts = addr.split('.').map(Number);
    if (parts.some(p => p > 255)) return undefined;
    n = parts.reduce((acc, p) => acc * 256n + BigInt(p), 0n);
  } else if (/^[0-9a-fA-F:]+$/.test(addr) && addr.includes(':')) {
    v6 = true;
    const halves = addr.split('::');
    if (halves.length > 2) return undefined;
    const groups = (h: string) => (h === '' ? [] : h.split(':'));
    const head = groups(halves[0]);
    const tail = halves.length === 2 ? groups(halves[1]) : [];
    const missing = 8 - head.length - tail.length;
    if ((halves.length === 1 && missing !== 0) || missing < 0 || [...head, ...tail].some(g => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    n = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...tail].reduce((acc, g) => acc * 65536n + BigInt(parseInt(g, 16)), 0n);
  } else {
    return undefined;
  }
  const width = v6 ? 128 : 32;
  const bits = prefix === undefined ? width : Number(prefix);
  if (bits > width) return undefined;
  // the block's first address: the host part cleared
  const host = 2n ** BigInt(width - bits);
  return { v6, base: n - (n % host), bits };
}

/** Whether block `outer` holds every address of `inner`. @internal */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.v6 !== inner.v6 || inner.bits < outer.bits) return false;
  const width = outer.v6 ? 128 : 32;
  const host = 2n ** BigInt(width - outer.bits);
  return inner.base / host === outer.base / host;
}

/** A problem when `value` is not an IP address or CIDR block. */
export function checkCidr(field: string, value: string): Problem | undefined {
  return parseCidr(value) ? undefined : problem(field, 'must be an IPv4 or IPv6 address or CIDR block', value, 'e.g. \'10.0.0.0/8\' or \'fd00::/8\'');
}
