import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readText, textOfBytes } from '../../lib/analysis/files';
import { NotAnObjectError, objectsOfYaml } from '../../lib/analysis/load';
import { MeshValidationError } from '../../lib/core/errors';

const SVC = 'apiVersion: v1\nkind: Service\nmetadata: { name: web }\n';
const spec = (text: string) => objectsOfYaml(text, 'in.yaml')[0].manifest as unknown as { spec: { [k: string]: unknown } };

describe('YAML as kubectl reads it (sigs.k8s.io/yaml over go-yaml v2)', () => {
  test('YAML 1.1 booleans: y/yes/on and n/no/off, in any of their cases', () => {
    expect(spec(`${SVC}spec: { a: yes, b: No, c: on, d: OFF, e: y, f: N, g: true, h: 'yes' }\n`).spec)
      .toStrictEqual({ a: true, b: false, c: true, d: false, e: true, f: false, g: true, h: 'yes' });
  });

  test('YAML 1.1 integers: 0755 octal, 0x hex, 0b binary, 1_000; base 60 and timestamps stay strings as in go-yaml v2', () => {
    expect(spec(`${SVC}spec: { mode: 0755, hex: 0x1F, bin: 0b101, big: 1_000, zero: 0, time: 1:30, date: 2001-12-14, f: 1.5 }\n`).spec)
      .toStrictEqual({ mode: 493, hex: 31, bin: 5, big: 1000, zero: 0, time: '1:30', date: '2001-12-14', f: 1.5 });
  });

  test('a float needs a digit, as go-yaml v2\'s yamlStyleFloat: \'.\' (exportTo) and \'e5\' stay strings', () => {
    expect(spec(`${SVC}spec: { exportTo: [., '*'], a: e5, b: .e5, c: -., d: 1., e: .5, f: 1e3, g: 1_0.5, h: .inf, i: -.Inf }\n`).spec)
      .toStrictEqual({ exportTo: ['.', '*'], a: 'e5', b: '.e5', c: '-.', d: 1, e: 0.5, f: 1000, g: 10.5, h: Infinity, i: -Infinity });
  });

  test('a key given twice is refused as strict decoding refuses it, naming the line', () => {
    expect(() => objectsOfYaml(`${SVC}spec:\n  type: ClusterIP\n  type: NodePort\n`, 'in.yaml')).toThrow(new MeshValidationError(
      'in.yaml: document 1 (line 6, column 3) has a key given twice in one mapping, which kubectl\'s strict decoding refuses: keep one'));
  });

  test('deep nesting is a clear error, not "Maximum call stack size exceeded"', () => {
    const deep = `${SVC}spec: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    expect(() => objectsOfYaml(deep, 'deep.yaml')).toThrow(new MeshValidationError(
      'deep.yaml: the YAML nests too deeply to read (hundreds of levels of mappings or lists); a Kubernetes object nests a few dozen levels at most: check the file is a manifest'));
    expect(() => objectsOfYaml(`${SVC}spec: ${'['.repeat(50)}${']'.repeat(50)}\n`, 'ok.yaml')).not.toThrow();
  });

  test('a kind: List\'s items are located at their own lines', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: { name: a }\n'
      + '- apiVersion: v1\n  kind: Service\n  metadata: { name: b }\n';
    expect(objectsOfYaml(text, 'list.yaml').map(o => o.source.line)).toStrictEqual([4, 7]);
    expect(() => objectsOfYaml('apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {}\n', 'l.yaml'))
      .toThrow(new MeshValidationError('l.yaml: document 1 item 0 (line 4) is not a Kubernetes object: \'metadata.name\' must be a non-empty string (Service)'));
  });

  test('a document that is YAML but not a Kubernetes object is a NotAnObjectError (skippable); malformed YAML is not', () => {
    expect(() => objectsOfYaml('name: chart\nversion: 1.0.0\n', 'Chart.yaml')).toThrow(NotAnObjectError);
    let e: unknown;
    try {
      objectsOfYaml('a: [\n', 'bad.yaml');
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(MeshValidationError);
    expect(e).not.toBeInstanceOf(NotAnObjectError);
  });
});

describe('bytes as kubectl reads them (cli-runtime visitor.go, BOMOverride)', () => {
  const text = `${SVC}spec: { type: ClusterIP }\n`;
  test('UTF-8 with a BOM, UTF-16LE and UTF-16BE with a BOM read as the same text', () => {
    const be = Buffer.from(text, 'utf16le');
    be.swap16();
    expect(textOfBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'f')).toBe(text);
    expect(textOfBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'f')).toBe(text);
    expect(textOfBytes(Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'f')).toBe(text);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-yaml-')), 'utf16.yaml');
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    expect(objectsOfYaml(readText(file), file).map(o => o.manifest.metadata.name)).toStrictEqual(['web']);
  });

  test('UTF-16 without a BOM (NUL bytes) is an error naming the fix', () => {
    expect(() => textOfBytes(Buffer.from(text, 'utf16le'), 'x.yaml')).toThrow(new MeshValidationError(
      'x.yaml: the file holds NUL bytes (UTF-16 without a byte-order mark, or binary): save it as UTF-8'));
  });
});
