import { fieldPath, problemParts } from '../../lib/schema/problem-parts';

/** An object as the validator sees it. */
const o = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'r', labels: { 'app.kubernetes.io/name': 'not valid!' } },
  spec: { hots: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', port: { number: 'eighty' } } }] }], resolution: 'BOGUS', hosts: [] as string[] },
};

describe('problemParts: a schema problem as field, value, rule and fix (issue 37)', () => {
  test('fieldPath: indexes in brackets, keys that are no identifier quoted', () => {
    expect(fieldPath(['spec', 'http', '0', 'route', '1', 'destination'])).toBe('spec.http[0].route[1].destination');
    expect(fieldPath(['metadata', 'labels', 'app.kubernetes.io/name'])).toBe('metadata.labels[\'app.kubernetes.io/name\']');
  });

  test('a missing field: the field it asks for, its name as the value, add it', () => {
    expect(problemParts('/spec/http/0: must have required property \'route\'', o)).toStrictEqual({
      field: 'spec.http[0].route', value: 'route', rule: 'must have the field \'route\'', fix: 'add the field \'route\' to spec.http[0]', absent: true,
    });
    expect(problemParts('/: must have required property \'spec\'', o).fix).toBe('add the field \'spec\' to the object');
  });

  test('an unknown field: the field and what is written there, remove it (or the near name: rename it)', () => {
    expect(problemParts('/spec: must NOT have additional properties: \'hots\'', o)).toStrictEqual({
      field: 'spec.hots', value: ['reviews'], rule: '\'hots\' is not a field of the schema here', fix: 'remove the field \'hots\', or move it to where the schema has it',
    });
    expect(problemParts('/spec/hots: unknown field \'hots\'; did you mean \'hosts\'?', o).fix).toBe('rename the field \'hots\' to \'hosts\'');
    expect(problemParts('/spec/hots: unknown field \'hots\'; valid: \'a\', \'b\'', o).fix).toBe('remove the field \'hots\' (valid: \'a\', \'b\')');
  });

  test('an enumeration and a type: the values allowed, the type to write', () => {
    expect(problemParts('/spec/resolution: must be one of \'NONE\', \'DNS\': got \'BOGUS\'', o)).toStrictEqual({
      field: 'spec.resolution', value: 'BOGUS', rule: 'must be one of \'NONE\', \'DNS\'', fix: 'use one of \'NONE\', \'DNS\' at spec.resolution',
    });
    expect(problemParts('/spec/http/0/route/0/destination/port/number: must be integer', o)).toStrictEqual({
      field: 'spec.http[0].route[0].destination.port.number', value: 'eighty', rule: 'must be integer', fix: 'write an integer at spec.http[0].route[0].destination.port.number',
    });
  });

  test('a rule that gives its own fix keeps it, and its citation stays with the rule', () => {
    expect(problemParts('/spec/hosts: a server needs at least one host: got none; use \'*\' for any (Istio webhook: validateServer)', o)).toStrictEqual({
      field: 'spec.hosts', value: [], rule: 'a server needs at least one host (Istio webhook: validateServer)', fix: 'use \'*\' for any',
    });
  });

  test('a rule without a fix: what to write, from the rule\'s words', () => {
    const label = problemParts('/metadata/labels/app.kubernetes.io~1name: a label value must be at most 63 characters: got \'not valid!\'', o);
    expect(label).toStrictEqual({
      field: 'metadata.labels[\'app.kubernetes.io/name\']',
      value: 'not valid!',
      rule: 'a label value must be at most 63 characters',
      fix: 'write at metadata.labels[\'app.kubernetes.io/name\'] a label value that is at most 63 characters',
    });
    expect(problemParts('/spec/http/0/route/0/destination: Must have port for Service reference', o).fix).toBe('set spec.http[0].route[0].destination.port');
    expect(problemParts('/spec/hosts: must NOT have fewer than 1 items', o).fix).toBe('give spec.hosts at least 1 items');
    expect(problemParts('/spec/http/0/route/0/destination/port/number: must be >= 1', o).fix)
      .toBe('write at spec.http[0].route[0].destination.port.number a number of at least 1');
    expect(problemParts('/spec/resolution: must match pattern "^[A-Z]+$"', o).fix).toBe('write at spec.resolution a value that matches the pattern ^[A-Z]+$');
    expect(problemParts('/spec/http: must match exactly one schema in oneOf', o).fix)
      .toBe('change spec.http so that it satisfies the rule: must match exactly one schema in oneOf');
  });

  test('the object as a whole (a root pointer, or a package\'s text without one): its spec', () => {
    const whole = problemParts('/: the object is 2.00 MiB, over etcd\'s 1.5 MiB request limit: the API server refuses it; split it', o);
    expect([whole.field, whole.fix]).toStrictEqual(['spec', 'split it']);
    expect(problemParts('spec.hosts is required', o)).toMatchObject({ field: 'spec', fix: 'change spec so that it satisfies the rule: spec.hosts is required' });
    expect(problemParts('/: bad', { metadata: { name: 'x' } }).field).toBe('metadata');
  });
});
