import * as fs from 'fs';
import * as path from 'path';
import { SchemaValidation } from '../../lib';
import { objectsOfYaml } from '../../lib/analysis/load';
import { Manifest } from '../../lib/render/model';
import { describeWithShared, SHARED_DIR } from '../support/shared';

/**
 * The API server's structural rules the pinned CRDs declare (issue 30 item 3): x-kubernetes-list-type map and set,
 * the formats it enforces, CEL messageExpression; and YAML read as kubectl reads it in flow collections.
 */
const m = (o: object) => o as Manifest;
const pinned = SchemaValidation.pinned();
const problems = (o: object) => pinned.validate(m(o)).problems;

/** The spec of a one-document YAML object whose spec is `spec`, as mesh-kit's loaders read it. */
function specOf(spec: string): unknown {
  const [o] = objectsOfYaml(`apiVersion: v1\nkind: Example\nmetadata:\n  name: e\nspec: ${spec}\n`, 'e.yaml');
  return o.manifest.spec;
}

describe('YAML as kubectl reads it: a colon in a flow collection\'s plain scalar (go-yaml v2 scannerc.go)', () => {
  test('accepted if a flow sequence holds an IPv6 address ending in a colon: two strings, as kubectl reads them', () => {
    expect(specOf('[1.2.3.4, 001:db8::]')).toStrictEqual(['1.2.3.4', '001:db8::']);
    expect(specOf('{addresses: [2001:db8::, "::1", 10.0.0.0/8]}')).toStrictEqual({ addresses: ['2001:db8::', '::1', '10.0.0.0/8'] });
  });

  test('a colon before `,` `]` or `}` stays in the scalar, in sequences and mappings, keys and values', () => {
    expect(specOf('[a:, b]')).toStrictEqual(['a:', 'b']);
    expect(specOf('[a:b:]')).toStrictEqual(['a:b:']);
    expect(specOf('{a:, b: c}')).toStrictEqual({ 'a:': null, 'b': 'c' });
    expect(specOf('{k: v:, x: "y"}')).toStrictEqual({ k: 'v:', x: 'y' });
    expect(specOf('[[a:], {b:}]')).toStrictEqual([['a:'], { 'b:': null }]);
    // a number followed by a colon is no number to go-yaml v2 either
    expect(specOf('[1:]')).toStrictEqual(['1:']);
  });

  test('a colon followed by a blank, or after a quoted scalar, is still a value indicator', () => {
    expect(specOf('[a: b]')).toStrictEqual([{ a: 'b' }]);
    expect(specOf('[a :]')).toStrictEqual([{ a: null }]);
    expect(specOf('["a":]')).toStrictEqual([{ a: null }]);
    expect(specOf('[a:\n  ]')).toStrictEqual([{ a: null }]);
  });

  test('quoted scalars, comments, block scalars and block context are left alone', () => {
    const [o] = objectsOfYaml('# [a:]\napiVersion: v1\nkind: Example\nmetadata:\n  name: e\nq: ["x:]", \'y:,\']\nb: |\n  [a:]\nc: a:,\n', 'e.yaml');
    expect(o.manifest).toMatchObject({ q: ['x:]', 'y:,'], b: '[a:]\n', c: 'a:,' });
  });

  test('lines and the private-use character the fix stands in with are the file\'s own', () => {
    const text = 'apiVersion: v1\nkind: Example\nmetadata:\n  name: e\nspec: [\ue000, f:]\n---\napiVersion: v1\nkind: Example\nmetadata:\n  name: g\n';
    const objects = objectsOfYaml(text, 'e.yaml');
    expect(objects.map(o => o.source.line)).toStrictEqual([1, 7]);
    expect(objects[0].manifest.spec).toStrictEqual(['\ue000', 'f:']);
  });

  test('refused if the colon makes a ServiceEntry address a mapping even to kubectl (a blank after it)', () => {
    const [o] = objectsOfYaml('apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: se\nspec:\n  hosts: [a.example.com]\n'
      + '  addresses: [1.2.3.4, 001:db8: ]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: STATIC\n', 'se.yaml');
    expect(pinned.validate(o.manifest).problems).toContain('/spec/addresses/1: must be string');
  });
});

describeWithShared('upstream\'s ServiceEntries, their addresses as a flow sequence (../shared/reference/istio)', () => {
  const istio = path.join(SHARED_DIR, 'reference', 'istio');
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name) && /kind: ServiceEntry/.test(fs.readFileSync(p, 'utf8'))) files.push(p);
    }
  };
  walk(istio);
  const entries = files.flatMap(f => objectsOfYaml(fs.readFileSync(f, 'utf8'), path.relative(istio, f)))
    .filter(o => o.manifest.kind === 'ServiceEntry' && !/analyzer-suite/.test(o.file))
    .map(o => o.manifest);

  test('Istio\'s docs tasks hold ServiceEntries, all accepted as written', () => {
    expect(entries.length).toBeGreaterThanOrEqual(5);
    expect(entries.map(e => [e.metadata.name, pinned.validate(e).problems]).filter(([, p]) => p.length > 0)).toStrictEqual([]);
  });

  test('accepted if each is written with `addresses: [1.2.3.4, 001:db8::]` in flow style and read back by the loader', () => {
    for (const e of entries) {
      const spec = e.spec as { [k: string]: unknown };
      const yaml = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: se\nspec:\n'
        + `  hosts: [${(spec.hosts as string[]).join(', ')}]\n  addresses: [1.2.3.4, 001:db8::, 2001:db8::/32, 10.0.0.0/8]\n`
        + `  ports: ${JSON.stringify(spec.ports)}\n  resolution: STATIC\n`
        + '  endpoints: [{address: 2001:db8::}]\n';
      const [o] = objectsOfYaml(yaml, `${e.metadata.name}.yaml`);
      expect((o.manifest.spec as { addresses: unknown }).addresses).toStrictEqual(['1.2.3.4', '001:db8::', '2001:db8::/32', '10.0.0.0/8']);
      expect([e.metadata.name, pinned.validate(o.manifest).problems]).toStrictEqual([e.metadata.name, []]);
    }
  });
});
