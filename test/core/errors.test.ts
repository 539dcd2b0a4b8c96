import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { DestinationPolicy, HttpMatch, MeshApp, MeshChart, MeshService, MeshValidationError, Mesh } from '../../lib';
import { Problem, failAt, meshError, problem } from '../../lib/core/errors';
import { synthFiles } from '../support/synth';

/** What JavaScript callers pass: anything. */
const loose = <T>(v: unknown) => v as T;

function chart(): MeshChart {
  return new MeshChart(new MeshApp({ outdir: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-errors-')), 'dist') }), 'c');
}

/** The error `fn` throws, which must be the library's. */
function thrown(fn: () => unknown): MeshValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MeshValidationError);
    return e as MeshValidationError;
  }
  throw new Error('expected a MeshValidationError, but nothing was thrown');
}

/** The fields of an error or a problem that are set, for one focused comparison. */
function fields(e: object): { [k: string]: unknown } {
  const out: { [k: string]: unknown } = {};
  for (const k of ['path', 'call', 'field', 'rule', 'value', 'fix', 'code', 'message']) if (k in e) out[k] = (e as { [k: string]: unknown })[k];
  return out;
}

describe('Problem', () => {
  test('its text is the one message shape, made from its fields', () => {
    const p = problem('weight', 'must be between 0 and 100', 120, 'give a percentage');
    expect(fields(p)).toStrictEqual({
      field: 'weight',
      rule: 'must be between 0 and 100',
      value: 120,
      fix: 'give a percentage',
      message: "'weight' must be between 0 and 100: got 120; give a percentage",
    });
    expect(String(p)).toBe(p.message);
    expect(`${p}`).toBe(p.message);
    expect(JSON.stringify({ p })).toBe(JSON.stringify({ p: p.message }));
  });

  test('without a fix, the text ends with the value', () => {
    expect(problem('hosts', 'must not be empty', []).message).toBe("'hosts' must not be empty: got []");
  });

  test('the text is made when the problem is found (a list changed later does not change it)', () => {
    const list = ['a'];
    const p = problem('names', 'must be unique', list);
    list.push('b');
    expect(p.message).toBe("'names' must be unique: got ['a']");
  });

  test('reported under an analysis code, the code comes first', () => {
    const p = problem('routes[0].port', 'must be given', 'none').withCode('IST0112');
    expect(p.code).toBe('IST0112');
    expect(p.message).toBe("[IST0112] 'routes[0].port' must be given: got 'none'");
  });
});

describe('MeshValidationError as data', () => {
  test('a construct error: the path, the field, the rule, the value and the fix', () => {
    const e = thrown(() => new MeshService(chart(), 'a', { replicas: -1 }));
    expect(e.message).toBe("[c/a] 'replicas' must be a whole number of at least 0: got -1");
    expect(fields(e)).toStrictEqual({
      path: 'c/a',
      field: 'replicas',
      rule: 'must be a whole number of at least 0',
      value: -1,
      message: e.message,
    });
    expect(e.problems).toStrictEqual([{
      path: 'c/a',
      field: 'replicas',
      rule: 'must be a whole number of at least 0',
      value: -1,
      message: "'replicas' must be a whole number of at least 0: got -1",
    }]);
  });

  test('a factory error: the call, the field, the rule, the value and the fix; no path', () => {
    const e = thrown(() => HttpMatch.grpc('hello world'));
    expect(e.message).toBe("HttpMatch.grpc: 'grpc.service' must be a fully qualified gRPC service name (package.Service): got 'hello world'; e.g. 'helloworld.Greeter'");
    expect(fields(e)).toStrictEqual({
      call: 'HttpMatch.grpc',
      field: 'grpc.service',
      rule: 'must be a fully qualified gRPC service name (package.Service)',
      value: 'hello world',
      fix: 'e.g. \'helloworld.Greeter\'',
      message: e.message,
    });
    expect(e.path).toBeUndefined();
  });

  test('a run-time argument check: the construct path, the call and each problem', () => {
    const one = thrown(() => new MeshService(chart(), 'web', loose({ ports: [{ port: '80' }] })));
    expect(one.message).toBe('[c/web] MeshService: \'props.ports[0].port\' must be a finite number: got \'80\'; write the number 80, without quotes');
    expect(fields(one)).toStrictEqual({
      path: 'c/web',
      call: 'MeshService',
      field: 'props.ports[0].port',
      rule: 'must be a finite number',
      value: '80',
      fix: 'write the number 80, without quotes',
      message: one.message,
    });

    const web = new MeshService(chart(), 'web', { ports: [{ port: 80 }] });
    const several = thrown(() => web.addVersion('v1', loose({ imag: 'nginx:1.27.0' })));
    expect(several.message).toBe([
      '[c/web] MeshService.addVersion:',
      '  \'options.imag\' is not a property of ServiceVersionOptions: got \'nginx:1.27.0\'; did you mean \'image\'?',
      '  \'options.image\' is required: got undefined; give a string (The container image, pinned to a tag or digest (never `latest`))',
    ].join('\n'));
    expect(fields(several)).toStrictEqual({ path: 'c/web', call: 'MeshService.addVersion', message: several.message });
    expect(several.problems.map(p => [p.path, p.call, p.field, p.rule, p.value, p.fix])).toStrictEqual([
      ['c/web', 'MeshService.addVersion', 'options.imag', 'is not a property of ServiceVersionOptions', 'nginx:1.27.0', 'did you mean \'image\'?'],
      ['c/web', 'MeshService.addVersion', 'options.image', 'is required', undefined,
        'give a string (The container image, pinned to a tag or digest (never `latest`))'],
    ]);
    expect('value' in several.problems[1]).toBe(true);
  });

  test('a factory\'s argument check names the call, without a path', () => {
    const e = thrown(() => Mesh.fromYaml(loose(42)));
    expect(e.message).toBe('Mesh.fromYaml: \'text\' must be a string: got 42; give a string');
    expect(fields(e)).toStrictEqual({ call: 'Mesh.fromYaml', field: 'text', rule: 'must be a string', value: 42, fix: 'give a string', message: e.message });
  });

  test('a multi-problem synth error: every problem with its construct path and fields', () => {
    let e: unknown;
    try {
      synthFiles(app => new MeshService(new Chart(app, 'c'), 'shop'), outdir => new MeshApp({ outdir }) as App);
    } catch (x) {
      e = x;
    }
    expect(MeshValidationError.isMeshValidationError(e)).toBe(true);
    const err = e as MeshValidationError;
    expect(err.message).toBe([
      'Validation failed with the following errors:',
      "  [c/shop] 'ports' must hold at least one port: got '[]'; pass ports or call addPort()",
      "  [c/shop] 'versions' must hold at least one version: got '[]'; call addVersion(), or give the service one workload with the image prop",
    ].join('\n'));
    expect(err.path).toBeUndefined();
    expect(err.field).toBeUndefined();
    expect(err.problems).toStrictEqual([
      {
        path: 'c/shop',
        field: 'ports',
        rule: 'must hold at least one port',
        value: '[]',
        fix: 'pass ports or call addPort()',
        message: "'ports' must hold at least one port: got '[]'; pass ports or call addPort()",
      },
      {
        path: 'c/shop',
        field: 'versions',
        rule: 'must hold at least one version',
        value: '[]',
        fix: 'call addVersion(), or give the service one workload with the image prop',
        message: "'versions' must hold at least one version: got '[]'; call addVersion(), or give the service one workload with the image prop",
      },
    ]);
  });

  test('a validation someone else added keeps its text, without fields', () => {
    let e: unknown;
    try {
      synthFiles(app => {
        const c = new Chart(app, 'c');
        c.node.addValidation({ validate: () => ['something is off'] });
      }, outdir => new MeshApp({ outdir }) as App);
    } catch (x) {
      e = x;
    }
    expect((e as Error).message).toBe('Validation failed with the following errors:\n  [c] something is off');
    expect((e as MeshValidationError).problems).toStrictEqual([{ path: 'c', message: 'something is off' }]);
  });

  test('a field inside another (a port\'s policies) is named with its full path, in the text and the field', () => {
    const c = chart();
    const reviews = new MeshService(c, 'reviews', { ports: [{ port: 9080 }] });
    reviews.addVersion('v1', { image: 'nginx:1.27.0' });
    const e = thrown(() => new DestinationPolicy(c, 'd', { service: reviews, trafficPolicy: { ports: [{ port: 9080, connectionPool: { maxConnections: 0 } }] } }));
    expect(e.message).toBe("'ports[0].connectionPool.maxConnections' must be a whole number of at least 1: got 0");
    expect(fields(e)).toMatchObject({ field: 'ports[0].connectionPool.maxConnections', rule: 'must be a whole number of at least 1', value: 0 });
  });

  test('an error made with a message alone has that message as its one problem', () => {
    const e = new MeshValidationError('something is off');
    expect(e.problems).toStrictEqual([{ message: 'something is off' }]);
    expect(e.field).toBeUndefined();
    expect(e.name).toBe('MeshValidationError');
  });

  test('failAt puts the path before an error found inside the construct, keeping its fields', () => {
    const c = chart();
    const inner = meshError([problem('port', 'must be a port number', 0)]);
    const e = thrown(() => failAt(c, inner));
    expect(e.message).toBe("[c] 'port' must be a port number: got 0");
    expect(fields(e)).toStrictEqual({ path: 'c', field: 'port', rule: 'must be a port number', value: 0, message: e.message });
  });
});

describe('recognising the error', () => {
  test('instanceof still works, and the error is an Error', () => {
    const e = thrown(() => HttpMatch.grpc('hello world'));
    expect(e instanceof MeshValidationError).toBe(true);
    expect(e instanceof Error).toBe(true);
    expect(MeshValidationError.isMeshValidationError(e)).toBe(true);
  });

  test('an error made by another copy of the package is recognised by isMeshValidationError, not by instanceof', () => {
    let other: { MeshValidationError: typeof MeshValidationError; problem: typeof problem; meshError: typeof meshError } | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      other = require('../../lib/core/errors');
    });
    expect(other!.MeshValidationError).not.toBe(MeshValidationError);
    const e = other!.meshError([other!.problem('weight', 'must be between 0 and 100', 120)], { path: 'c/r' });
    expect(e instanceof MeshValidationError).toBe(false);
    expect(MeshValidationError.isMeshValidationError(e)).toBe(true);
    expect(other!.MeshValidationError.isMeshValidationError(new MeshValidationError('x'))).toBe(true);
    expect(Problem.isProblem(other!.problem('a', 'b', 1))).toBe(true);
    expect(e.field).toBe('weight');
  });

  test('the whole package loaded twice: a construct error of the second copy is recognised by the first', () => {
    let second: typeof import('../../lib') | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      second = require('../../lib');
    });
    expect(second!.MeshService).not.toBe(MeshService);
    let e: unknown;
    try {
      second!.HttpMatch.grpc('hello world');
    } catch (x) {
      e = x;
    }
    expect(e instanceof MeshValidationError).toBe(false);
    expect(MeshValidationError.isMeshValidationError(e)).toBe(true);
    expect((e as MeshValidationError).call).toBe('HttpMatch.grpc');
  });

  test('nothing else is recognised', () => {
    for (const x of [undefined, null, 'MeshValidationError', new Error('x'), { name: 'MeshValidationError', message: 'x' }, 42]) {
      expect(MeshValidationError.isMeshValidationError(x)).toBe(false);
      expect(Problem.isProblem(x)).toBe(false);
    }
  });
});
