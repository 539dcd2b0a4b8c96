import { CelEngine, JsonSchema, celProblems, withDefaults } from '../../lib/schema/cel';

/** A schema with a default deep down, a CEL rule in one branch and a list type in another, and a branch with neither. */
const schema: JsonSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        tls: { type: 'object', properties: { mode: { type: 'string', default: 'SIMPLE' }, sni: { type: 'string' } } },
        plain: { type: 'object', properties: { name: { type: 'string' }, items: { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } } } } } },
        ruled: { 'type': 'object', 'properties': { port: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.port > 0', message: 'port must be positive' }] },
        set: { 'type': 'array', 'items': { type: 'string' }, 'x-kubernetes-list-type': 'set' },
      },
    },
  },
};

describe('withDefaults (structural defaulting, as the API server before validating)', () => {
  test('fills a default the object leaves out, a copy along its path only; the object itself is left as it was', () => {
    const plain = { name: 'x', items: [{ a: 'b' }] };
    const o = { spec: { tls: { sni: 'a.example.com' }, plain } };
    const d = withDefaults(schema, o) as { spec: { tls: unknown; plain: unknown } };
    expect(d).toStrictEqual({ spec: { tls: { sni: 'a.example.com', mode: 'SIMPLE' }, plain: { name: 'x', items: [{ a: 'b' }] } } });
    expect(o).toStrictEqual({ spec: { tls: { sni: 'a.example.com' }, plain: { name: 'x', items: [{ a: 'b' }] } } });
    // no default applies under `plain`: the object's own part, not a copy
    expect(d.spec.plain).toBe(plain);
  });

  test('a value where no default applies is returned as it is; a default the object sets is kept', () => {
    const o = { spec: { tls: { mode: 'MUTUAL' }, plain: { name: 'y' } } };
    expect(withDefaults(schema, o)).toBe(o);
  });
});

describe('celProblems: rules and list types, where they are, with their paths', () => {
  const engine: CelEngine = { evaluate: (rule, _s, value) => ({ value: rule === 'self.port > 0' ? (value as { port: number }).port > 0 : true }) };

  test('a rule that fails names its path, a duplicate in a set names the list; a branch with neither is not walked', () => {
    const r = celProblems(engine, schema, { spec: { ruled: { port: 0 }, set: ['a', 'a'], plain: { items: [{ a: 'x' }] } } });
    expect(r.problems).toStrictEqual(['/spec/ruled: port must be positive', '/spec/set/1: Duplicate value: items 0 and 1 of a list-type set are equal: got \'a\'; keep one of them (API server: listtype.validateListSet)']);
    expect(r.evaluated).toBe(1);
  });
});
