/**
 * The `format`s of CRD schemas as the Kubernetes API server enforces them. Which formats it keeps is
 * apiextensions-apiserver's `pkg/apiserver/validation/formats.go` (StripUnsupportedFormatsPostProcessorForVersion: a
 * string format whose name, dashes removed, is in `supportedVersionedFormats`; `int32`/`int64` on integers;
 * `float`/`double` on numbers; every other format is ignored, never refused). How each is checked is kube-openapi's
 * `pkg/validation/strfmt` (`default.go`, `time.go`, `date.go`, `duration.go`, `bson.go`, `kubernetes-extensions.go`,
 * the govalidator functions of `pkg/internal/third_party/govalidator`) and, for numbers, `validate/values.go`
 * IsValueValidAgainstRange. Reimplemented here over Go's own parsers' rules (net.ParseIP, k8s.io/utils/net's
 * ParseIPSloppy, url.ParseRequestURI, time.Parse, time.ParseDuration, net.ParseMAC).
 *
 * The generated validators (scripts/generate-validators.js) call these functions through ajv's `format` keyword, so
 * that a format inside `anyOf`/`oneOf` (the Gateway API's IPAddress `value`) is checked where the schema puts it.
 *
 * @module
 */

/** A format check in ajv's terms: the JSON type it applies to and the test. */
export interface FormatDefinition {
  readonly type: 'string' | 'number';
  readonly validate: (value: never) => boolean;
}

const BIG = 0xffffff;

/** Go's `dtoi` (net/parse.go): decimal digits at the start of `s`, the value and how many; undefined when none. */
function dtoi(s: string, from: number): [number, number] | undefined {
  let n = 0;
  let i = from;
  for (; i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57; i++) {
    n = n * 10 + s.charCodeAt(i) - 48;
    if (n >= BIG) return undefined;
  }
  return i === from ? undefined : [n, i];
}

/** Go's `xtoi`: hexadecimal digits at the start of `s`. */
function xtoi(s: string, from: number): [number, number] | undefined {
  let n = 0;
  let i = from;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) break;
    n = n * 16 + d;
    if (n >= BIG) return undefined;
  }
  return i === from ? undefined : [n, i];
}

/**
 * Whether `s` from `from` to its end is a dotted IPv4 address: `sloppy` as k8s.io/utils/net ParseIPSloppy (Go 1.16's
 * parser: leading zeros allowed), else as net.ParseIP today (netip: no leading zero in an octet).
 */
function isIPv4At(s: string, from: number, sloppy: boolean): boolean {
  let at = from;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (s[at] !== '.') return false;
      at++;
    }
    const d = dtoi(s, at);
    if (!d || d[0] > 0xff) return false;
    if (!sloppy && (d[1] - at > 3 || (d[1] - at > 1 && s[at] === '0'))) return false;
    at = d[1];
  }
  return at === s.length;
}

/** Whether `s` is an IPv6 address (net.ParseIP's parseIPv6, no zone); `sloppy`: hexadecimal fields of any length, as Go 1.16. */
function isIPv6(s: string, sloppy: boolean): boolean {
  let ellipsis = -1;
  let at = 0;
  if (s.startsWith('::')) {
    ellipsis = 0;
    at = 2;
    if (at === s.length) return true;
  }
  let i = 0;
  while (i < 16) {
    const x = xtoi(s, at);
    if (!x || x[0] > 0xffff || (!sloppy && x[1] - at > 4)) return false;
    if (x[1] < s.length && s[x[1]] === '.') {
      // a trailing IPv4 address, in the last 32 bits
      if ((ellipsis < 0 && i !== 12) || i + 4 > 16 || !isIPv4At(s, at, sloppy)) return false;
      at = s.length;
      i += 4;
      break;
    }
    i += 2;
    at = x[1];
    if (at === s.length) break;
    if (s[at] !== ':' || at + 1 === s.length) return false;
    at++;
    if (s[at] === ':') {
      if (ellipsis >= 0) return false;
      ellipsis = i;
      at++;
      if (at === s.length) break;
    }
  }
  if (at !== s.length) return false;
  // without `::`, eight fields; with it, at least one field of zeros for it to stand for
  return i < 16 ? ellipsis >= 0 : ellipsis < 0;
}

/** net.ParseIP (`sloppy`: ParseIPSloppy): the first `.` or `:` decides the family. */
function parseIP(s: string, sloppy: boolean): boolean {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '.') return isIPv4At(s, 0, sloppy);
    if (s[i] === ':') return isIPv6(s, sloppy);
  }
  return false;
}

/** strfmt isIPv4: ParseIPSloppy reads it and it has a dot (an IPv4-mapped IPv6 address `::ffff:1.2.3.4` too). */
export function isIPv4Format(s: string): boolean {
  return s.includes('.') && parseIP(s, true);
}

/** govalidator IsIPv6: net.ParseIP reads it and it has a colon. */
export function isIPv6Format(s: string): boolean {
  return s.includes(':') && parseIP(s, false);
}

/** strfmt isCIDR: k8s.io/utils/net ParseCIDRSloppy (an IPv4 or IPv6 address, `/`, a prefix length within its size). */
export function isCidrFormat(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const addr = s.slice(0, slash);
  const bits = isIPv4At(addr, 0, true) ? 32 : isIPv6(addr, true) ? 128 : 0;
  const d = dtoi(s, slash + 1);
  return bits > 0 && d !== undefined && d[1] === s.length && d[0] <= bits;
}

// strfmt HostnamePattern, as a JavaScript regular expression (`u`: \p{S} symbols and \p{L} letters as in RE2)
const HOSTNAME = /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9\-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u;

/** Length in bytes of the UTF-8 encoding, as Go's len() of a string. */
const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

/** strfmt IsHostname: the pattern, at most 255 bytes, each dot-separated part at most 63. */
export function isHostnameFormat(s: string): boolean {
  return HOSTNAME.test(s) && utf8Length(s) <= 255 && s.split('.').every(p => utf8Length(p) <= 63);
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;
const BAD_ESCAPE = /%(?![0-9a-fA-F]{2})/;
// the bytes url.parseHost accepts in a host name (shouldEscape with encodeHost), non-ASCII aside
const HOST_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"%\u0080-\uffff]*$/;
// url.validUserinfo
const USERINFO_CHARS = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@\u0080-\uffff]*$/;

/**
 * govalidator IsRequestURI, url.ParseRequestURI: an absolute URI (`scheme:`…) or an absolute path (`/`…); no control
 * characters; a valid authority (user information, host, numeric port) after `scheme://`; `%` escapes of two hex digits.
 */
export function isUriFormat(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (s === '' || /[\x00-\x1f\x7f]/.test(s)) return false;
  let rest = s;
  const scheme = SCHEME.exec(s);
  if (scheme) rest = s.slice(scheme[0].length);
  else if (s[0] === ':') return false;
  const query = rest.indexOf('?');
  if (query >= 0) rest = rest.slice(0, query);
  if (!rest.startsWith('/')) return scheme !== null; // `mailto:x` is opaque; without a scheme, a path must be absolute
  if (scheme && rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    const authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
    rest = end < 0 ? '' : rest.slice(end);
    const atSign = authority.lastIndexOf('@');
    if (atSign >= 0 && !USERINFO_CHARS.test(authority.slice(0, atSign))) return false;
    if (!isUrlHost(authority.slice(atSign + 1))) return false;
  }
  return !BAD_ESCAPE.test(rest);
}

/** url.parseHost: `[IPv6]` or a name, an optional `:port` of digits, valid escapes. */
function isUrlHost(host: string): boolean {
  let name = host;
  let port = '';
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) return false;
    name = host.slice(1, close);
    port = host.slice(close + 1);
    if (port !== '' && port[0] !== ':') return false;
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) {
      name = host.slice(0, colon);
      port = host.slice(colon);
    }
  }
  if (port !== '' && !/^:[0-9]*$/.test(port)) return false;
  return HOST_CHARS.test(name) && !BAD_ESCAPE.test(name);
}

/** net/mail ParseAddress, reduced to its common forms: `local@domain` or `Display Name <local@domain>`. */
export function isEmailFormat(s: string): boolean {
  const angle = /^[^<>]*<([^<>]+)>\s*$/.exec(s);
  const addr = (angle ? angle[1] : s).trim();
  return /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/.test(addr) && !addr.startsWith('.') && !addr.includes('..');
}

/** net.ParseMAC: 6, 8 or 20 octets as `xx:xx:…`, `xx-xx-…` or `xxxx.xxxx.…`. */
export function isMacFormat(s: string): boolean {
  const octets = (n: number) => n === 6 || n === 8 || n === 20;
  if (/^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2})*$/.test(s)) return octets((s.length + 1) / 3);
  if (/^[0-9a-fA-F]{4}(\.[0-9a-fA-F]{4})*$/.test(s)) return octets(((s.length + 1) / 5) * 2);
  return false;
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID3 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID4 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const UUID5 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;
const HEXCOLOR = /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const BYTE_VALUE = '(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])';
const RGBCOLOR = new RegExp(`^rgb\\(\\s*${BYTE_VALUE}\\s*,\\s*${BYTE_VALUE}\\s*,\\s*${BYTE_VALUE}\\s*\\)$`);
const SSN = /^\d{3}[- ]?\d{2}[- ]?\d{4}$/;
const CREDIT_CARD = /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11})$/;
const SHORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LONG_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/;

/** strfmt IsDate: time.Parse("2006-01-02"): four-digit year, month 01–12, a day that month has. */
export function isDateFormat(s: string): boolean {
  const m = FULL_DATE.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

/** strfmt IsDateTime: a date, `T` (either case), then `hh:mm:ss[.frac]` and `Z` or an offset, hours ≤ 23, minutes and seconds ≤ 59. */
export function isDateTimeFormat(s: string): boolean {
  if (s.length < 4) return false;
  const parts = s.toLowerCase().split('t');
  if (parts.length < 2 || !isDateFormat(parts[0])) return false;
  const m = TIME.exec(parts[1]);
  return m !== null && m[1] <= '23' && m[2] <= '59' && m[3] <= '59';
}

const GO_DURATION = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/;
const UNIT_VARIANTS = [['ns', 'nano'], ['us', 'µs', 'micro'], ['ms', 'milli'], ['s', 'sec'], ['m', 'min'], ['h', 'hr', 'hour'], ['d', 'day'], ['w', 'wk', 'week']];

/**
 * strfmt IsDuration: time.ParseDuration (`1h30m`, `-1.5s`, `0`), else any `<digits><blanks><unit>` in the text with a
 * unit of its list (`22 ns`, `3 days`, `1 week`).
 */
export function isDurationFormat(s: string): boolean {
  if (s === '0' || s === '+0' || s === '-0' || GO_DURATION.test(s)) return true;
  const matcher = /(\d+)\s*([A-Za-zµ]+)/g;
  for (let m = matcher.exec(s); m; m = matcher.exec(s)) {
    const unit = m[2].toLowerCase();
    if (UNIT_VARIANTS.some(v => v.some((variant, i) => (i === v.length - 1 && unit.startsWith(variant)) || variant === unit))) return true;
  }
  return false;
}

function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) d = d * 2 >= 10 ? (d * 2) % 10 + 1 : d * 2;
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** govalidator IsISBN (10, 13, or either): blanks and dashes removed, then the check digit. */
export function isIsbnFormat(s: string, version: 10 | 13 | 0): boolean {
  const d = s.replace(/[\s-]+/g, '');
  if (version === 0) return isIsbnFormat(s, 10) || isIsbnFormat(s, 13);
  if (version === 10) {
    if (!/^(?:[0-9]{9}X|[0-9]{10})$/.test(d)) return false;
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += (i + 1) * (d.charCodeAt(i) - 48);
    sum += 10 * (d[9] === 'X' ? 10 : d.charCodeAt(9) - 48);
    return sum % 11 === 0;
  }
  if (!/^[0-9]{13}$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (i % 2 === 0 ? 1 : 3) * (d.charCodeAt(i) - 48);
  return d.charCodeAt(12) - 48 === (10 - (sum % 10)) % 10;
}

const string = (validate: (s: string) => boolean): FormatDefinition => ({ type: 'string', validate });
const number = (validate: (n: number) => boolean): FormatDefinition => ({ type: 'number', validate });

/**
 * The formats the API server enforces, by their name with dashes removed (strfmt's name normalization), with what a
 * message says a value must be.
 */
const STRING_FORMATS: { readonly [normalized: string]: readonly [FormatDefinition, string] } = {
  bsonobjectid: [string(s => /^[0-9a-fA-F]{24}$/.test(s)), 'a BSON object id (24 hexadecimal digits)'],
  uri: [string(isUriFormat), 'an absolute URI or an absolute path, as url.ParseRequestURI reads it'],
  email: [string(isEmailFormat), 'an email address'],
  hostname: [string(isHostnameFormat), 'a host name (RFC 1034: labels of letters, digits and inner dashes, a top-level label of letters)'],
  ipv4: [string(isIPv4Format), 'an IPv4 address'],
  ipv6: [string(isIPv6Format), 'an IPv6 address'],
  cidr: [string(isCidrFormat), 'a CIDR block (an IP address, \'/\' and a prefix length)'],
  mac: [string(isMacFormat), 'a MAC address'],
  uuid: [string(s => UUID.test(s)), 'a UUID'],
  uuid3: [string(s => UUID3.test(s)), 'a version 3 UUID'],
  uuid4: [string(s => UUID4.test(s)), 'a version 4 UUID'],
  uuid5: [string(s => UUID5.test(s)), 'a version 5 UUID'],
  isbn: [string(s => isIsbnFormat(s, 0)), 'an ISBN-10 or ISBN-13'],
  isbn10: [string(s => isIsbnFormat(s, 10)), 'an ISBN-10'],
  isbn13: [string(s => isIsbnFormat(s, 13)), 'an ISBN-13'],
  creditcard: [string(s => { const d = s.replace(/[^0-9]+/g, ''); return CREDIT_CARD.test(d) && luhn(d); }), 'a credit card number'],
  ssn: [string(s => s.length === 11 && SSN.test(s)), 'a US social security number (ddd-dd-dddd)'],
  hexcolor: [string(s => HEXCOLOR.test(s)), 'a hexadecimal colour (#fff or #ffffff)'],
  rgbcolor: [string(s => RGBCOLOR.test(s)), 'an rgb(r, g, b) colour'],
  byte: [string(s => BASE64.test(s)), 'base64-encoded data'],
  password: [string(() => true), 'any string'],
  date: [string(isDateFormat), 'a date (RFC 3339 full-date, 2006-01-02)'],
  duration: [string(isDurationFormat), 'a duration (1h30m, or \'22 ns\')'],
  datetime: [string(isDateTimeFormat), 'a date and time (RFC 3339, 2006-01-02T15:04:05Z)'],
  k8sshortname: [string(s => s.length <= 63 && SHORT_NAME.test(s)), 'a DNS-1123 label (at most 63 lower case letters, digits and inner \'-\')'],
  k8slongname: [string(s => s.length <= 253 && LONG_NAME.test(s)), 'a DNS-1123 subdomain (at most 253 characters: lower case labels joined by \'.\')'],
};

const INT32 = 2 ** 31;
const INT64 = 2 ** 63;
const NUMBER_FORMATS: { readonly [name: string]: readonly [FormatDefinition, string, string] } = {
  int32: [number(n => n >= -INT32 && n < INT32), 'integer', `an integer from ${-INT32} to ${INT32 - 1}`],
  int64: [number(n => n >= -INT64 && n < INT64), 'integer', 'an integer from -2^63 to 2^63-1'],
  // float: strconv.ParseFloat(…, 32) refuses what overflows a float32; double: nothing to check
  float: [number(n => Number.isFinite(Math.fround(n))), 'number', 'a number within a float32\'s range (about ±3.4e38)'],
  double: [number(() => true), 'number', 'a number'],
};

/**
 * The format the API server keeps on a schema node, or undefined when it ignores it (StripUnsupportedFormats):
 * a supported string format on a string (or untyped) node, int32/int64 on an integer, float/double on a number.
 */
export function enforcedFormat(format: unknown, type: unknown): string | undefined {
  if (typeof format !== 'string' || format === '') return undefined;
  if (type === undefined || type === 'string') return STRING_FORMATS[format.replace(/-/g, '')] ? format : undefined;
  const n = NUMBER_FORMATS[format];
  return n && n[1] === type ? format : undefined;
}

/** ajv format definitions for every name a schema may use (`date-time` and `datetime` alike). */
export function ajvFormats(names: Iterable<string>): { [name: string]: FormatDefinition } {
  const out: { [name: string]: FormatDefinition } = {};
  for (const name of names) {
    const def = NUMBER_FORMATS[name]?.[0] ?? STRING_FORMATS[name.replace(/-/g, '')]?.[0];
    if (def) out[name] = def;
  }
  return out;
}

/** Every format name the API server enforces, as schemas write them (dashed forms included). */
export const FORMAT_NAMES: readonly string[] = [...Object.keys(NUMBER_FORMATS), ...Object.keys(STRING_FORMATS), 'date-time', 'k8s-short-name', 'k8s-long-name'];

/** The formats for the generated validators (`formats` in generated/validators/*.js): every name, by name. */
export const FORMATS: { readonly [name: string]: FormatDefinition } = ajvFormats(FORMAT_NAMES);

/** What a value of a format must be, for a message. */
export function formatDescription(format: string): string {
  return NUMBER_FORMATS[format]?.[2] ?? STRING_FORMATS[format.replace(/-/g, '')]?.[1] ?? format;
}

/** The kube-openapi function that checks a string format, by normalized name (the others: `strfmt <name>`). */
const CHECKS: { readonly [normalized: string]: string } = {
  ipv4: 'strfmt isIPv4',
  ipv6: 'govalidator.IsIPv6',
  cidr: 'strfmt isCIDR',
  hostname: 'strfmt.IsHostname',
  uri: 'govalidator.IsRequestURI',
  datetime: 'strfmt.IsDateTime',
  date: 'strfmt.IsDate',
  duration: 'strfmt.IsDuration',
  byte: 'govalidator.IsBase64',
  email: 'strfmt.IsEmail',
  mac: 'govalidator.IsMAC',
  k8sshortname: 'strfmt.IsShortName',
  k8slongname: 'strfmt.IsLongName',
  bsonobjectid: 'strfmt.IsBSONObjectID',
};

/** The kube-openapi function that checks a format, for a message's citation. */
export function formatCheck(format: string): string {
  if (NUMBER_FORMATS[format]) return 'kube-openapi validate.IsValueValidAgainstRange';
  const normalized = format.replace(/-/g, '');
  return `kube-openapi ${CHECKS[normalized] ?? `strfmt ${normalized}`}`;
}

const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);
const SCHEMA_VALUES = new Set(['items', 'additionalProperties', 'not']);

/**
 * A schema with the formats as the API server applies them: those it ignores removed (so that ajv neither checks nor
 * warns about them), those it checks named as {@link FORMATS} names them. Only schema positions are visited, never
 * `default`, `enum` or `example` data, nor a property that happens to be called `format`.
 */
export function withApiFormats(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withApiFormats);
  if (schema === null || typeof schema !== 'object') return schema;
  const node = schema as { [k: string]: unknown };
  const out: { [k: string]: unknown } = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'format') {
      const f = enforcedFormat(v, node.type);
      if (f !== undefined) out.format = FORMATS[f] ? f : f.replace(/-/g, '');
    } else if (SCHEMA_MAPS.has(k) && v !== null && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, withApiFormats(pv)]));
    } else if (SCHEMA_LISTS.has(k) || SCHEMA_VALUES.has(k)) {
      out[k] = withApiFormats(v);
    } else {
      out[k] = v;
    }
  }
  return out;
}
