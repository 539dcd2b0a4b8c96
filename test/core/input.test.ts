import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { AuthorizationPolicy, Fault, MeshApp, MeshChart, MeshService, MeshValidationError, RouteAction, ServiceRouting } from '../../lib';
import { closest } from '../../lib/core/closest';
import { API_SHAPES } from '../../lib/core/generated/api-shapes';
import { conforms, inputProblems } from '../../lib/core/input';
import { InputSpec } from '../../lib/core/input-shapes';
import { errorOf } from '../support/errors';

/** What JavaScript callers and JSON-loaded config pass: anything. */
const loose = <T>(v: unknown) => v as T;

function chart() {
  return new MeshChart(new MeshApp({ outdir: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-input-')), 'dist') }), 'c');
}

describe('run-time checks of every public call (JavaScript, casts, JSON-loaded config)', () => {
  test('an unknown prop names the closest valid one; a missing required one quotes its doc', () => {
    const web = new MeshService(chart(), 'web', { ports: [{ port: 80 }] });
    expect(errorOf(() => web.addVersion('v1', loose({ imag: 'nginx:1.27.0' })))).toBe([
      '[c/web] MeshService.addVersion:',
      '  \'options.imag\' is not a property of ServiceVersionOptions: got \'nginx:1.27.0\'; did you mean \'image\'?',
      '  \'options.image\' is required: got undefined; give a string (The container image, pinned to a tag or digest (never `latest`))',
    ].join('\n'));
    // `tag` is too far from any name to guess: the valid ones are listed
    expect(errorOf(() => web.addVersion('v2', loose({ tag: '1.27.0', image: 'nginx:1.27.0' })))).toMatch(new RegExp('^\\[c/web\\] MeshService.addVersion: '
      + '\'options.tag\' is not a property of ServiceVersionOptions: got \'1.27.0\'; valid: \'affinity\', .*\'deploymentName\', .*\'image\''));
  });

  test('wrong types, NaN and Infinity, null where a value is optional: the field, the value and what to pass', () => {
    expect(errorOf(() => new MeshService(chart(), 'web', loose({ ports: [{ port: '80' }] }))))
      .toBe('[c/web] MeshService: \'props.ports[0].port\' must be a finite number: got \'80\'; write the number 80, without quotes');
    expect(errorOf(() => new MeshService(chart(), 'web', loose({ ports: [{ port: NaN }] })))).toBe('[c/web] MeshService: \'props.ports[0].port\' must be a finite number: got NaN; give a number that is neither NaN nor Infinity');
    expect(errorOf(() => new MeshService(chart(), 'web', loose({ ports: [{ port: Infinity }] })))).toMatch(/got Infinity; give a number that is neither NaN nor Infinity$/);
    expect(errorOf(() => new MeshService(chart(), 'web', loose(null)))).toBe('[c/web] MeshService: \'props\' must be an object or left out: got null');
    expect(errorOf(() => Fault.delay(loose(5), 10))).toBe('Fault.delay: \'delay\' must be a Duration: got 5; build it with Duration.seconds(5), Duration.millis(250)');
    expect(errorOf(() => RouteAction.forward(loose('reviews'))))
      .toBe('RouteAction.forward: \'target\' must be a RouteTarget: got \'reviews\'; pass a MeshService or a ServiceEntry or a ServiceVersion (or one imported with MeshService.fromAttributes()), not its name');
  });

  test('an enum value in the wrong case is named with the right one', () => {
    expect(errorOf(() => new MeshService(chart(), 'web', loose({ ports: [{ port: 80 }], imagePullPolicy: 'always' }))))
      .toBe('[c/web] MeshService: \'props.imagePullPolicy\' must be one of \'Always\', \'IfNotPresent\', \'Never\': got \'always\'; did you mean \'Always\'?');
  });

  test('a construct\'s scope and id are checked before constructs\' own errors, with the path and the fix', () => {
    expect(errorOf(() => new MeshService(loose('app'), 'web', { ports: [{ port: 80 }] })))
      .toBe('MeshService: \'scope\' must be a construct (a MeshApp, a MeshChart or a construct inside one): got \'app\'; e.g. new MeshService(chart, \'id\', props)');
    const c = chart();
    expect(errorOf(() => new MeshService(c, '', { ports: [{ port: 80 }] }))).toBe('[c] MeshService: \'id\' must be a non-empty string: got \'\'; the construct id names the objects it creates');
    new MeshService(c, 'web', { ports: [{ port: 80 }] });
    expect(errorOf(() => new MeshService(c, 'web', { ports: [{ port: 81 }] }))).toBe('[c/web] MeshService: \'id\' must be unique among the children of \'c\': '
      + 'got \'web\'; give each construct of one scope its own id (ids are the identity of the objects they create)');
    expect(errorOf(() => new MeshService(new MeshApp(), 'web', { ports: [{ port: 80 }] }))).toBe('[web] MeshService: \'scope\' must be a chart or inside one: '
      + 'the objects of a construct go to its chart\'s file: got \'(app)\'; create a chart first, e.g. new MeshChart(app, \'chart\'), and build inside it');
    // a factory that creates constructs: the same checks
    expect(errorOf(() => AuthorizationPolicy.denyAllThenAllow(c, '', { allow: [] })))
      .toBe('[c] AuthorizationPolicy.denyAllThenAllow: \'id\' must be a non-empty string: got \'\'; the construct id names the objects it creates');
    expect(() => new MeshService(new Construct(new App(), 'plain'), 'x', { ports: [{ port: 80 }] })).toThrow(MeshValidationError);
  });

  test('a dependency cycle between charts is our error, naming the cycle and the fix', () => {
    const app = new MeshApp({ outdir: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-cycle-')), 'dist') });
    const a = new MeshChart(app, 'a');
    const b = new MeshChart(app, 'b');
    new MeshService(a, 'web', { ports: [{ port: 80 }] }).addVersion('v1', { image: 'nginx:1.27.0' });
    a.addDependency(b);
    b.addDependency(a);
    expect(errorOf(() => app.synth())).toBe('[a] \'addDependency\' must not form a cycle: each chart is applied after the ones it depends on: got [\'a\', \'b\', \'a\']; '
      + 'remove one of these dependencies (chart.addDependency / node.addDependency): \'a\' on \'b\', \'b\' on \'a\'');
    expect(fs.existsSync(app.outdir)).toBe(false);
  });

  test('a route\'s own error names the construct and the route, when it is added', () => {
    const c = chart();
    const web = new MeshService(c, 'web', { ports: [{ port: 80 }] });
    const v1 = web.addVersion('v1', { image: 'nginx:1.27.0' });
    const routing = new ServiceRouting(c, 'r', { service: web, routes: [{ name: 'all', action: RouteAction.forward(v1) }] });
    expect(errorOf(() => routing.addRoute({ name: 'slow', action: RouteAction.forward(v1), timeout: Duration.millis(0.5) })))
      .toBe('[c/r] routes[1] \'slow\': \'timeout\' must be a whole number of milliseconds, at least 1ms: got \'0.5ms\'');
  });

  test('closest(): a likely misspelling within a third of the name, else none', () => {
    expect(closest('imagee', ['image', 'replicas'])).toBe('image');
    expect(closest('Replicas', ['image', 'replicas'])).toBe('replicas');
    expect(closest('tag', ['image', 'replicas'])).toBeUndefined();
  });
});

describe('the fast check of arguments (conforms) and the problems agree', () => {
  // every spec the library declares, against values of every shape a JavaScript caller passes
  const specs = new Map<string, InputSpec>();
  const collect = (s: InputSpec): void => {
    const key = JSON.stringify(s);
    if (specs.has(key)) return;
    specs.set(key, s);
    if (typeof s === 'string') return;
    const inner = 'list' in s ? [s.list] : 'map' in s ? [s.map] : 'union' in s ? s.union
      : 'type' in s ? [...Object.values(API_SHAPES.types[s.type]?.fields ?? {}), API_SHAPES.types[s.type]?.other] : [];
    for (const x of inner) if (x !== undefined) collect(x);
  };
  Object.values(API_SHAPES.signatures).forEach(params => params.forEach(p => collect(p.spec)));
  const scope = chart();
  const values: unknown[] = [undefined, null, 0, 80, NaN, Infinity, '', 'x', 'true', '80', true, false, [], [1], ['a', 'b'], [null],
    {}, { port: 80 }, { port: '80' }, { name: 'a', port: 80, extra: 1 }, { image: 'nginx:1.27.0' }, () => 1, Duration.seconds(1), scope,
    Object.create(null), new Map(), RouteAction.forward(new MeshService(scope, 'svc', { ports: [{ port: 80 }] }))];

  test(`for each of the ${specs.size} declared specs and ${values.length} values: conforms exactly when no problem is found`, () => {
    const disagree: string[] = [];
    for (const [key, spec] of specs) {
      for (const [i, v] of values.entries()) {
        if (conforms(spec, v) !== (inputProblems(spec, v, 'f').length === 0)) disagree.push(`${key} × values[${i}]`);
      }
    }
    expect(specs.size).toBeGreaterThan(100);
    expect(disagree).toStrictEqual([]);
  });
});
