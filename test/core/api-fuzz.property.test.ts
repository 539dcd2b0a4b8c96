import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import * as lib from '../../lib';
import { API_SHAPES } from '../../lib/core/generated/api-shapes';
import { InputSpec } from '../../lib/core/input-shapes';
import { propertyRuns } from '../support/tier';

/**
 * Property-based fuzzing of the whole public API: every constructor, static factory and public method of
 * every exported class (as generated into API_SHAPES from the declarations), called with arbitrary JSON
 * values, values of the wrong type and plausible ones mixed, then the app synthesized. Every outcome is
 * success or a MeshValidationError — never a TypeError — and nothing is written when synth fails.
 */
const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 1_000_000_007);
const RUNS = propertyRuns(30, 150);

// both entry points: the library's and the Pulumi host's (@mesh-kit/core/pulumi)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const api = { ...lib, ...(require('../../lib/pulumi') as object) } as typeof lib;
const { MeshApp, MeshChart, MeshService, IngressGateway, MeshNamespace, RouteAction, HttpMatch, MeshValidationError } = api;

// every world's output folder lives under one temporary folder, removed when the file's tests end
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-fuzz-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

/** A small valid world the fuzzed calls can refer to. */
function world() {
  const outdir = path.join(fs.mkdtempSync(path.join(TMP, 'w-')), 'dist');
  const app = new MeshApp({ outdir });
  const chart = new MeshChart(app, 'c', { namespace: 'shop' });
  const svc = new MeshService(chart, 'web', { ports: [{ port: 8080 }] });
  const v1 = svc.addVersion('v1', { image: 'nginx:1.27.0' });
  const gateway = new IngressGateway(chart, 'gw', { servers: [{ port: 80, hosts: ['*.example.com'] }] });
  const namespace = MeshNamespace.fromName('shop');
  return { outdir, app, chart, svc, v1, gateway, namespace };
}
type World = ReturnType<typeof world>;

const json: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(undefined, null, NaN, Infinity, -1, 0, 1.5, 65536, '', 'x', 'v1', 'web', '*', '/', [], {}),
);

/** Values for a spec: plausible ones (to get past the first check and reach the code behind it) and junk. */
function valueOf(spec: InputSpec, w: World, depth = 0): fc.Arbitrary<unknown> {
  const junk = depth > 2 ? fc.constant(undefined) : json;
  const plausible = ((): fc.Arbitrary<unknown> => {
    if (typeof spec === 'string') {
      switch (spec) {
        case 'string': return fc.oneof(fc.constantFrom('web', 'v1', 'shop', 'a.example.com', '*.example.com', 'nginx:1.27.0', '/api', 'http', 'x-user',
          'IST0101', 'istio-system', 'cert', 'https://example.com/jwks.json', '10.0.0.0/8', 'spiffe://cluster.local/ns/shop/sa/web'), fc.string({ maxLength: 8 }));
        case 'number': return fc.oneof(fc.constantFrom(0, 1, 50, 80, 100, 8080, 65535, 65536, -1, 1.5, NaN, Infinity), fc.double());
        case 'boolean': return fc.boolean();
        case 'construct': return fc.constantFrom(w.chart, w.svc, w.app);
        default: return json;
      }
    }
    if ('enum' in spec) return fc.oneof(fc.constantFrom(...spec.enum), fc.string({ maxLength: 4 }));
    if ('list' in spec) return fc.array(valueOf(spec.list, w, depth + 1), { maxLength: 3 });
    if ('map' in spec) return fc.dictionary(fc.constantFrom('app', 'version', 'x-user', 'a/b', 'BAD KEY'), valueOf(spec.map, w, depth + 1), { maxKeys: 2 });
    if ('class' in spec) return fc.constantFrom(...samples(spec.class, w));
    if ('union' in spec) return fc.oneof(...spec.union.map(s => valueOf(s, w, depth + 1)));
    const type = API_SHAPES.types[spec.type];
    if (!type || type.interface) return fc.constantFrom(w.svc, w.v1, w.gateway, w.namespace, 'web', { name: 'web' });
    if (depth > 3) return fc.constant({});
    const fields = Object.entries(type.fields ?? {});
    return fc.record(Object.fromEntries(fields.map(([k, s]) => [k, valueOf(s, w, depth + 1)])), { requiredKeys: [] });
  })();
  return fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 1, arbitrary: junk });
}

/** Instances of a library class, built by its factories with plausible arguments (and a few of other classes). */
function samples(cls: string, w: World): unknown[] {
  const made: unknown[] = [Duration.seconds(5), 'not-a-class-instance', {}];
  const attempt = (f: () => unknown) => {
    try {
      made.push(f());
    } catch {
      // a factory that needs other arguments
    }
  };
  if (cls === 'Duration') return [Duration.seconds(5), Duration.millis(0.5), 5, '5s', null];
  attempt(() => RouteAction.forward(w.v1));
  attempt(() => HttpMatch.prefix('/'));
  const Cls = (api as unknown as { [k: string]: { [k: string]: (...a: unknown[]) => unknown } })[cls];
  for (const sig of Object.keys(API_SHAPES.signatures).filter(s => s.startsWith(`${cls}.`) && !s.includes('prototype') && !s.endsWith('constructor'))) {
    const params = API_SHAPES.signatures[sig];
    const name = sig.slice(cls.length + 1);
    const args = params.map(p => p.spec === 'string' ? 'web' : p.spec === 'number' ? 5 : typeof p.spec === 'object' && 'class' in p.spec && p.spec.class === 'Duration'
      ? Duration.seconds(1) : typeof p.spec === 'object' && 'type' in p.spec ? (API_SHAPES.types[p.spec.type]?.interface ? w.v1 : {}) : undefined);
    attempt(() => Cls[name](...args));
  }
  return made;
}

const outcomes = { ok: 0, refused: 0 };

/** Arguments as a failure shows them (constructs by path, no cycles). */
function shown(args: unknown): string {
  const seen = new WeakSet();
  return JSON.stringify(args, (_, v) => {
    if (v === undefined) return '<undefined>';
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    if (v && typeof v === 'object') {
      if ('node' in v && (v as { node?: { path?: string } }).node?.path !== undefined) return `<construct ${(v as { node: { path: string } }).node.path}>`;
      if (seen.has(v)) return '<cycle>';
      seen.add(v);
    }
    return v;
  })?.slice(0, 400) ?? String(args);
}

/** Runs `f`; a MeshValidationError is a refusal, anything else thrown fails the test with the call that threw it. */
function expectSuccessOrRefusal(what: string, args: unknown, f: () => void): void {
  try {
    f();
    outcomes.ok++;
  } catch (e) {
    if (e instanceof MeshValidationError) {
      outcomes.refused++;
      return;
    }
    throw new Error(`${what}(${shown(args)}) `
      + `threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message ?? e}\n${(e as Error)?.stack?.split('\n').slice(1, 4).join('\n')}`);
  }
}

/** Synthesizes the world's app: success, or a refusal that wrote nothing. */
function synthesizes(w: World, what: string, args: unknown): void {
  expectSuccessOrRefusal(`${what} then synth`, args, () => {
    try {
      w.app.synth();
    } catch (e) {
      if (fs.existsSync(w.outdir)) throw new Error(`synth failed (${(e as Error).message}) but wrote ${w.outdir}`);
      throw e;
    }
  });
}

const signatures = Object.entries(API_SHAPES.signatures);

describe('fuzzing the whole public API: success or MeshValidationError, never a TypeError, nothing written on error', () => {
  afterAll(() => {
    const fuzzed = constructs.length + factories.length + methods.length + 1;
    console.log(`public API fuzzing: ${fuzzed} of ${signatures.length} signatures (${constructs.length + 1} constructors, ${factories.length} static methods, `
      + `${methods.length} construct methods) × ${RUNS} runs, seed ${SEED} (PROPERTY_SEED to replay): ${outcomes.ok} succeeded, ${outcomes.refused} refused`);
  });

  const constructs = signatures.filter(([s, params]) => s.endsWith('.constructor') && params[0]?.spec === 'construct' && params[1]?.name === 'id');
  test.each(constructs.map(([s]) => s.replace('.constructor', '')))('new %s(scope, id, props) then synth', cls => {
    const params = API_SHAPES.signatures[`${cls}.constructor`];
    fc.assert(fc.property(fc.integer(), seed => {
      const w = world();
      const args = fc.sample(fc.tuple(...params.slice(2).map(p => valueOf(p.spec, w))), { numRuns: 1, seed })[0];
      const id = fc.sample(fc.oneof(fc.constant('fuzzed'), json), { numRuns: 1, seed })[0];
      const Cls = (api as unknown as { [k: string]: new (...a: unknown[]) => unknown })[cls];
      let built = false;
      expectSuccessOrRefusal(`new ${cls}`, [id, ...args], () => {
        new Cls(w.chart, id, ...args);
        built = true;
      });
      if (built) synthesizes(w, `new ${cls}`, args);
    }), { numRuns: RUNS, seed: SEED });
  });

  const factories = signatures.filter(([s]) => !s.includes('.prototype.') && !s.endsWith('.constructor'));
  test.each(factories.map(([s]) => s))('%s(...)', signature => {
    const [cls, name] = signature.split('.');
    const params = API_SHAPES.signatures[signature];
    fc.assert(fc.property(fc.integer(), seed => {
      const w = world();
      const args = fc.sample(fc.tuple(...params.map(p => valueOf(p.spec, w))), { numRuns: 1, seed })[0];
      const Cls = (api as unknown as { [k: string]: { [k: string]: (...a: unknown[]) => unknown } })[cls];
      expectSuccessOrRefusal(signature, args, () => Cls[name](...args));
    }), { numRuns: RUNS, seed: SEED });
  });

  /** An instance to call each construct method on. */
  const instances: { [cls: string]: (w: World) => unknown } = {
    MeshService: w => w.svc,
    IngressGateway: w => w.gateway,
    ServiceRouting: w => new api.ServiceRouting(w.chart, 'r', { service: w.svc }),
    IngressGatewayRoute: w => new api.IngressGatewayRoute(w.chart, 'gr', { gateway: w.gateway, hosts: ['a.example.com'] }),
    AuthorizationPolicy: w => new api.AuthorizationPolicy(w.chart, 'ap', { workload: api.WorkloadSelector.service(w.svc) }),
    SchemaValidation: () => api.SchemaValidation.pinned(),
  };
  const methods = signatures.filter(([s]) => s.includes('.prototype.') && instances[s.split('.')[0]] && !/\.(model|synth|synthFiles|resource)$/.test(s));
  test.each(methods.map(([s]) => s))('%s(...) then synth', signature => {
    const [cls, , name] = signature.split('.');
    const params = API_SHAPES.signatures[signature];
    fc.assert(fc.property(fc.integer(), seed => {
      const w = world();
      const target = instances[cls](w) as { [k: string]: (...a: unknown[]) => unknown };
      const args = fc.sample(fc.tuple(...params.map(p => valueOf(p.spec, w))), { numRuns: 1, seed })[0];
      let called = false;
      expectSuccessOrRefusal(signature, args, () => {
        target[name](...args);
        called = true;
      });
      if (called) synthesizes(w, signature, args);
    }), { numRuns: RUNS, seed: SEED });
  });

  test('new MeshApp(props) then synth', () => {
    const app = API_SHAPES.signatures['MeshApp.constructor'];
    fc.assert(fc.property(fc.integer(), seed => {
      const w = world();
      const [props] = fc.sample(fc.tuple(valueOf(app[0].spec, w)), { numRuns: 1, seed })[0];
      expectSuccessOrRefusal('new MeshApp', [props], () => {
        const fresh = new MeshApp(props as never);
        new MeshService(new MeshChart(fresh, 'c'), 'web', { ports: [{ port: 80 }] }).addVersion('v1', { image: 'nginx:1.27.0' });
        fresh.synthFiles();
      });
    }), { numRuns: RUNS, seed: SEED });
  });

  test('every exported class is covered: its methods are guarded and its signatures fuzzed', () => {
    const unguarded = Object.entries(api).filter(([n, v]) => typeof v === 'function' && API_SHAPES.classes.includes(n)
      && !(v as unknown as { [k: symbol]: boolean })[Symbol.for('@mesh-kit/core:guarded')]).map(([n]) => n);
    expect(unguarded).toStrictEqual([]);
    expect(constructs.length + factories.length + methods.length).toBeGreaterThan(100);
  });
});
