/**
 * The parts of one schema problem (`<JSON pointer>: <what is wrong>`, as `SchemaValidation.validate` reports it from the
 * OpenAPI schema, the CEL rules and the admission rules): the field as a path from the object's root
 * (`spec.http[0].route[1].destination.subset`), the value written there (or, for a missing field, the field asked for),
 * the schema's rule in words, and what to write instead.
 *
 * @module
 */

/** One schema problem, in parts. */
export interface ProblemParts {
  /** A path from the object's root: `spec.ports[0].name`, `metadata.labels['app.kubernetes.io/name']`. */
  readonly field: string;
  /** What is written at `field`; for a missing field, its name. */
  readonly value: unknown;
  /** The rule broken, in words (with the upstream citation the problem gives). */
  readonly rule: string;
  /** What to do, as one imperative sentence without a trailing period. */
  readonly fix: string;
  /** The field is missing (`value` is its name, not something written). */
  readonly absent?: boolean;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** The segments of a JSON pointer (`/spec/ports/0` → `spec`, `ports`, `0`). */
function segments(pointer: string): string[] {
  return pointer.split('/').slice(1).filter((s, i, all) => !(s === '' && i === all.length - 1 && all.length === 1))
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A path from the object's root, as the analysis writes fields: `spec.http[0].match[1]`, `metadata.labels['a/b']`. */
export function fieldPath(keys: readonly string[]): string {
  let out = '';
  for (const k of keys) {
    if (/^(0|[1-9][0-9]*)$/.test(k)) out += `[${k}]`;
    else if (IDENTIFIER.test(k)) out += out === '' ? k : `.${k}`;
    else out += `['${k}']`;
  }
  return out;
}

function valueAt(o: unknown, keys: readonly string[]): unknown {
  let v = o;
  for (const key of keys) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, key)) return undefined;
    v = (v as { [k: string]: unknown })[key];
  }
  return v;
}

/** A value short enough to show: itself when its JSON is at most 200 characters, else the start of its JSON. */
function shown(v: unknown): unknown {
  if (v === undefined) return undefined;
  const json = JSON.stringify(v);
  return json === undefined || json.length <= 200 ? v : `${json.slice(0, 197)}…`;
}

const TYPES: { readonly [type: string]: string } = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object (a map of fields)',
  array: 'a list',
  null: 'null',
};

/** The citation a rule ends with (`(istio/istio pkg/config/validation/...)`), split off the text before it. */
function citation(text: string): { text: string; cite: string } {
  const m = /^(.*?)\s*(\((?:istio\/|linkerd|kubernetes|k8s\.io|sigs\.k8s|gateway-api|Kubernetes|Istio|Linkerd|API server|apiextensions)[^()]*(?:\([^()]*\)[^()]*)*\))$/s.exec(text);
  return m ? { text: m[1], cite: m[2] } : { text, cite: '' };
}

/**
 * The parts of a problem of `SchemaValidation.validate` about `o`. A problem not of the form `<pointer>: <message>`
 * (a model package's own text) is about the object as a whole.
 */
export function problemParts(problem: string, o: unknown): ProblemParts {
  const sep = problem.indexOf(': ');
  const hasPointer = problem.startsWith('/') && sep > 0;
  let keys = hasPointer ? segments(problem.slice(0, sep)) : [];
  const message = hasPointer ? problem.slice(sep + 2) : problem;
  // the object as a whole: its spec (or, for a kind without one, its metadata)
  const root = () => (valueAt(o, ['spec']) !== undefined ? ['spec'] : ['metadata']);
  const here = () => fieldPath(keys.length > 0 ? keys : root());
  const written = () => shown(valueAt(o, keys.length > 0 ? keys : root()));
  let m: RegExpExecArray | null;

  if ((m = /^must have required property '([^']+)'$/.exec(message)) || (m = /^must have the field '([^']+)'$/.exec(message))) {
    const parent = keys.length > 0 ? fieldPath(keys) : 'the object';
    keys = [...keys, m[1]];
    return { field: fieldPath(keys), value: m[1], rule: `must have the field '${m[1]}'`, fix: `add the field '${m[1]}' to ${parent}`, absent: true };
  }
  if ((m = /^must NOT have additional properties: '([^']+)'$/.exec(message))) {
    keys = [...keys, m[1]];
    return { field: fieldPath(keys), value: shown(valueAt(o, keys)) ?? m[1], rule: `'${m[1]}' is not a field of the schema here`, fix: `remove the field '${m[1]}', or move it to where the schema has it` };
  }
  if ((m = /^unknown field '([^']+)'; (.*)$/s.exec(message))) {
    const near = /^did you mean '([^']+)'\?$/.exec(m[2]);
    return {
      field: here(),
      value: written() ?? m[1],
      rule: `'${m[1]}' is not a field of the schema here`,
      fix: near ? `rename the field '${m[1]}' to '${near[1]}'` : `remove the field '${m[1]}' (${m[2]})`,
    };
  }
  const { text, cite } = citation(message);
  const got = /^(.*?):? got (.+?)(?:; (.+))?$/s.exec(text);
  const rule = `${got ? got[1] : text}${cite ? ` ${cite}` : ''}`;
  const value = written() ?? (got ? got[2] : undefined) ?? fieldPath(keys.length > 0 ? keys : root());
  const field = here();
  if (got?.[3]) return { field, value, rule, fix: got[3] };
  if (!got && (m = /^(.*); ([^;]+)$/s.exec(text)) && !/^(did you|valid:)/.test(m[2])) return { field, value, rule: `${m[1]}${cite ? ` ${cite}` : ''}`, fix: m[2] };
  const what = got ? got[1] : text;
  if ((m = /^must be ([<>]=?) (.+)$/.exec(what))) {
    return { field, value, rule, fix: `write at ${field} a number ${m[1].startsWith('>') ? 'of at least' : 'of at most'} ${m[2]}${m[1].length === 1 ? ` (not ${m[2]} itself)` : ''}` };
  }
  if ((m = /^must be one of (.+)$/s.exec(what))) return { field, value, rule, fix: `use one of ${m[1]} at ${field}` };
  if ((m = /^must be (string|integer|number|boolean|object|array|null)$/.exec(what))) return { field, value, rule, fix: `write ${TYPES[m[1]]} at ${field}` };
  if ((m = /^must be (.+?)(?: \(format '[^']+'\))?$/s.exec(what))) return { field, value, rule, fix: `write ${m[1]} at ${field}` };
  if ((m = /^must match pattern "(.*)"$/s.exec(what))) return { field, value, rule, fix: `write at ${field} a value that matches the pattern ${m[1]}` };
  if ((m = /^must (NOT )?have (fewer|more) than (\d+) (items|characters|properties)$/.exec(what))) {
    return { field, value, rule, fix: `give ${field} ${m[2] === 'fewer' ? 'at least' : 'at most'} ${m[3]} ${m[4]}` };
  }
  // `a label value must be at most 63 characters...`: write one that is
  if ((m = /^((?:an?|the) [^:]+?) must (be|have|not|start|end|contain|match) (.+)$/s.exec(what))) {
    const verb = { be: 'is', have: 'has', not: 'does not', start: 'starts', end: 'ends', contain: 'contains', match: 'matches' }[m[2]];
    return { field, value, rule, fix: `write at ${field} ${m[1]} that ${verb} ${m[3].replace(/[.\s]+$/, '')}` };
  }
  // a CEL rule's `Must have port for Service reference`: the field to set
  if ((m = /^must have ([a-z][A-Za-z]*)\b/i.exec(what)) && !['a', 'an', 'the', 'at', 'no', 'one', 'only', 'exactly', 'some'].includes(m[1].toLowerCase())) {
    return { field, value, rule, fix: `set ${field}.${m[1]}` };
  }
  if ((m = /^must have (.+)$/is.exec(what))) return { field, value, rule, fix: `give ${field} ${m[1].replace(/[.\s]+$/, '')}` };
  return { field, value, rule, fix: `change ${field} so that it satisfies the rule: ${what.replace(/[.\s]+$/, '')}` };
}
