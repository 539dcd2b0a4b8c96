import * as fs from 'fs';
import * as path from 'path';
import { isObj } from '../analysis/context';
import { MeshValidationError } from '../core/errors';
import { TrafficExpectation, checkExpectation, compareResult } from '../dataplane/expect';
import { Mesh, requestText } from '../dataplane/mesh';
import { TrafficRequest } from '../dataplane/types';

export const TEST_USAGE = `Usage: mesh-kit test [options] SPEC.yaml [FILE|DIR...]

Runs a file of requests with what each must do against manifests (the spec's 'manifests', relative to
the spec file, and any FILE|DIR given). Exits 0 when every test passes, 1 when one does not (each
difference explained), 2 on bad input (a malformed spec: its file, line and field).

SPEC.yaml:
  manifests: [dist/]                  # optional
  tests:
    - name: jason sees reviews v2
      request: { from: shop/productpage, host: reviews, headers: { end-user: jason } }
      expect: { outcome: routed, versions: { v2: 100 } }
    - name: the gateway splits 90/10
      request: { gateway: shop/shop-gateway, host: shop.example.com, port: 8080, path: /reviews }
      expect: { versions: { v1: 90, v2: 10 } }

  request: from | gateway, host, port, protocol (http, http2, grpc, tcp, tls), tls, sni, method,
           path, query, headers
  expect:  outcome (routed, redirected, answered, no-route, denied, unavailable, undecided), status,
           route { kind, namespace, name, rule, ruleName } | null, destinations [{ service, port,
           subset, version, weight }] (complete), versions { v1: 90 } (complete),
           redirect { location, status } | null, requestHeaders { name: value | null },
           authorization (allow, deny)

Options:
  -o, --output text|json   output format (default: text)
  -h, --help               print this help
`;

class UsageError extends Error {}

interface YamlNode {
  range?: [number, number, number];
}
interface YamlDocument {
  errors: Array<{ message: string; linePos?: Array<{ line: number; col: number }> }>;
  toJS(): unknown;
  getIn(path: ReadonlyArray<string | number>, keepScalar?: boolean): unknown;
}
interface YamlModule {
  LineCounter: new () => { linePos(offset: number): { line: number; col: number } };
  parseDocument(text: string, options?: object): YamlDocument;
}

/** One test of a spec. */
interface SpecTest {
  readonly name: string;
  readonly request: TrafficRequest;
  readonly expect: TrafficExpectation;
  readonly line: number;
}

/** A spec file read and checked: every problem names the file, the line and the field. */
function readSpec(file: string): { manifests: string[]; tests: SpecTest[] } {
  if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) throw new MeshValidationError(`${file}: no such file`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require('yaml') as YamlModule;
  const lines = new YAML.LineCounter();
  const text = fs.readFileSync(file, 'utf8');
  const doc = YAML.parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new MeshValidationError(`${file}:${e.linePos?.[0]?.line ?? 1}: not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const lineOf = (at: ReadonlyArray<string | number>): number => {
    for (let n = at.length; n >= 0; n--) {
      const node = doc.getIn(at.slice(0, n), true) as YamlNode | undefined;
      if (node && Array.isArray(node.range)) return lines.linePos(node.range[0]).line;
    }
    return 1;
  };
  const field = (at: ReadonlyArray<string | number>) => at.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${p}`)).join('');
  const bad = (at: ReadonlyArray<string | number>, message: string): never => {
    throw new MeshValidationError(`${file}:${lineOf(at)}: '${field(at)}' ${message}`);
  };
  const spec = doc.toJS();
  if (!isObj(spec)) throw new MeshValidationError(`${file}:1: a spec must be a mapping with 'tests' (and optionally 'manifests')`);
  for (const k of Object.keys(spec)) if (k !== 'tests' && k !== 'manifests') bad([k], 'is not a field of a spec: the fields are manifests, tests');
  let manifests: string[] = [];
  if (spec.manifests !== undefined) {
    const m: unknown = typeof spec.manifests === 'string' ? [spec.manifests] : spec.manifests;
    if (!Array.isArray(m) || m.some(x => typeof x !== 'string')) bad(['manifests'], 'must be a file or folder, or a list of them (relative to the spec)');
    manifests = (m as string[]).map(x => path.resolve(path.dirname(file), x));
  }
  if (!Array.isArray(spec.tests) || spec.tests.length === 0) bad(['tests'], 'must be a list of tests (name, request, expect)');
  const tests = (spec.tests as unknown[]).map((t, i): SpecTest => {
    if (!isObj(t)) bad(['tests', i], 'must be a mapping with name, request and expect');
    const x = t as { [k: string]: unknown };
    for (const k of Object.keys(x)) if (!['name', 'request', 'expect'].includes(k)) bad(['tests', i, k], 'is not a field of a test: the fields are name, request, expect');
    if (x.name !== undefined && typeof x.name !== 'string') bad(['tests', i, 'name'], 'must be a string');
    if (!isObj(x.request)) bad(['tests', i, 'request'], 'must be a mapping (from or gateway, host, port, path, headers, ...)');
    if (!isObj(x.expect)) bad(['tests', i, 'expect'], 'must be a mapping (outcome, status, route, destinations, versions, redirect, requestHeaders, authorization)');
    let expect: TrafficExpectation;
    try {
      expect = checkExpectation(x.expect, `tests[${i}].expect`);
    } catch (e) {
      if (!(e instanceof MeshValidationError)) throw e;
      // the field the error names, to find its line
      const named = (e.path === undefined && e.call === undefined ? e.field : undefined) ?? `tests[${i}].expect`;
      const at = named.split(/\.|(?=\[)/).flatMap((p): Array<string | number> => (p.startsWith('[') ? [Number(p.slice(1, -1))] : p === '' ? [] : [p]));
      throw new MeshValidationError(`${file}:${lineOf(at)}: ${e.message}`);
    }
    return { name: typeof x.name === 'string' ? x.name : `tests[${i}]`, request: x.request as TrafficRequest, expect, line: lineOf(['tests', i]) };
  });
  return { manifests, tests };
}

/** Runs `mesh-kit test`: returns the exit status (0 all passed, 1 a test failed, 2 bad input). */
export function runTest(argv: readonly string[], io: { out: (t: string) => void; err: (t: string) => void }): number {
  try {
    const args = [...argv];
    let json = false;
    const positional: string[] = [];
    while (args.length > 0) {
      const a = args.shift()!;
      if (a === '-h' || a === '--help') {
        io.out(TEST_USAGE);
        return 0;
      }
      if (a === '-o' || a === '--output' || a.startsWith('--output=')) {
        const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args.shift();
        if (v !== 'json' && v !== 'text') throw new UsageError(`--output must be text or json: got '${v ?? ''}'`);
        json = v === 'json';
        continue;
      }
      if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
      positional.push(a);
    }
    const [specFile, ...inputs] = positional;
    if (specFile === undefined) throw new UsageError('name a spec file');
    const spec = readSpec(specFile);
    const manifests = [...spec.manifests, ...inputs];
    if (manifests.length === 0) throw new UsageError(`${specFile}: no manifests: set 'manifests' in the spec or name files or folders after it`);
    const mesh = Mesh.fromFiles(...manifests);
    for (const note of mesh.notes) io.err(`mesh-kit test: note: ${note}\n`);
    const results = spec.tests.map(t => {
      let differences: string[];
      try {
        differences = compareResult(mesh.request(t.request), t.expect);
      } catch (e) {
        if (!(e instanceof MeshValidationError)) throw e;
        throw new MeshValidationError(`${specFile}:${t.line}: test '${t.name}': ${e.message}`);
      }
      return { name: t.name, line: t.line, request: requestText(t.request), passed: differences.length === 0, differences };
    });
    const failed = results.filter(r => !r.passed).length;
    if (json) {
      io.out(`${JSON.stringify({ tests: results.length, passed: results.length - failed, failed, results }, undefined, 2)}\n`);
    } else {
      for (const r of results) {
        io.out(`${r.passed ? 'ok  ' : 'FAIL'} ${r.name}  (${specFile}:${r.line})\n`);
        if (!r.passed) io.out(`     ${r.request}\n${r.differences.map(d => `     - ${d}\n`).join('')}`);
      }
      io.out(`${results.length} test${results.length === 1 ? '' : 's'}: ${results.length - failed} passed, ${failed} failed\n`);
    }
    return failed > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`mesh-kit test: ${e.message}\n\n${TEST_USAGE}`);
      return 2;
    }
    if (e instanceof MeshValidationError) {
      io.err(`mesh-kit test: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
