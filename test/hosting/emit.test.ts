import { ApiObject, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext, Testing } from 'cdk8s';
import { emit } from '../../lib/hosting/cdk8s/emit';
import { Manifest } from '../../lib/render/model';

describe('emit (the cdk8s host\'s carrier of rendered objects)', () => {
  const identity = { apiVersion: 'v1', kind: 'ConfigMap', name: 'cfg', labels: { app: 'x' }, body: ['data'] };

  test('renders the body once per synth, so changes made before a later synth reach it', async () => {
    const chart = new Chart(new App(), 'c');
    let renders = 0;
    let value = 'one';
    emit(chart, 'Cfg', identity, (): Manifest => {
      renders++;
      return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', labels: { app: 'x' } }, data: { k: value } };
    });
    expect(renders).toBe(0);
    expect(Testing.synth(chart)).toStrictEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', labels: { app: 'x' } }, data: { k: 'one' } }]);
    expect(renders).toBe(1);
    await Promise.resolve(); // next tick: a new synth
    value = 'two';
    expect((Testing.synth(chart)[0] as { data: unknown }).data).toStrictEqual({ k: 'two' });
    expect(renders).toBe(2);
  });

  test('fails loudly if the render disagrees with the declared identity (a library bug, never silent)', () => {
    const chart = new Chart(new App(), 'c');
    emit(chart, 'Cfg', identity, () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', labels: { app: 'x' } }, data: {} }));
    expect(() => Testing.synth(chart)).toThrow("internal: c/Cfg declared ConfigMap 'cfg' {\"app\":\"x\"} but rendered ConfigMap 'other' {\"app\":\"x\"}");
  });

  describe('toJson() equals what a plain cdk8s ApiObject of the same data gives', () => {
    /** A body with unsorted keys, `undefined`, `null`, empty objects and arrays, nested lists. */
    const body = () => ({ z: { b: 2, a: [{ y: 1, x: undefined }, 'p'], n: null }, a: {}, e: [] as unknown[], m: 'text' });
    const manifest = (data: unknown): Manifest => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', labels: { app: 'x' } }, data } as Manifest);
    /** Ours and a twin plain ApiObject in a second app with the same props, after the same `adjust`. */
    function pair(adjust: (o: ApiObject) => void = () => undefined, appProps = {}, chartLabels?: { [k: string]: string }, data: unknown = body()) {
      const ours = emit(new Chart(new App(appProps), 'c', { labels: chartLabels }), 'Cfg', identity, () => manifest(data));
      const twin = new ApiObject(new Chart(new App(appProps), 'c', { labels: chartLabels }), 'Cfg', manifest(data));
      adjust(ours);
      adjust(twin);
      return { ours: ours.toJson(), twin: twin.toJson() };
    }

    test('plain data: keys sorted, undefined and null dropped, empty objects and arrays kept', () => {
      const { ours, twin } = pair();
      expect(ours).toStrictEqual(twin);
      expect(JSON.stringify(ours)).toBe(JSON.stringify(twin)); // same key order too
      expect(Object.keys(ours.data as object)).toStrictEqual(['a', 'e', 'm', 'z']);
    });

    test('escape hatches apply: JSON patches, metadata labels and annotations, chart labels', () => {
      const { ours, twin } = pair(o => {
        o.addJsonPatch(JsonPatch.add('/data/added', 'yes'), JsonPatch.remove('/data/m'));
        o.metadata.addAnnotation('team', 'mesh');
        o.metadata.addLabel('tier', 'web');
      }, {}, { owner: 'platform' });
      expect(JSON.stringify(ours)).toBe(JSON.stringify(twin));
      expect(ours.data).toMatchObject({ added: 'yes' });
      expect(ours.metadata).toStrictEqual({ name: 'cfg', annotations: { team: 'mesh' }, labels: { app: 'x', owner: 'platform', tier: 'web' } });
    });

    test('an app resolver of the user\'s own still sees every value', () => {
      class Shout implements IResolver {
        public resolve(context: ResolutionContext): void {
          if (typeof context.value === 'string' && context.value === 'text') context.replaceValue(context.value.toUpperCase());
        }
      }
      const { ours, twin } = pair(undefined, { resolvers: [new Shout()] });
      expect(JSON.stringify(ours)).toBe(JSON.stringify(twin));
      expect((ours.data as { m: string }).m).toBe('TEXT');
    });

    test('CDK8S_DISABLE_SORT keeps the declared key order, as cdk8s does', () => {
      process.env.CDK8S_DISABLE_SORT = '1';
      try {
        const { ours, twin } = pair();
        expect(JSON.stringify(ours)).toBe(JSON.stringify(twin));
        expect(Object.keys(ours.data as object)).toStrictEqual(['z', 'a', 'e', 'm']);
      } finally {
        delete process.env.CDK8S_DISABLE_SORT;
      }
    });

    test('a value that is not plain data (a cdk8s Lazy) is resolved by cdk8s', () => {
      const { ours, twin } = pair(undefined, {}, undefined, { lazy: Lazy.any({ produce: () => ({ b: 1, a: 2 }) }) });
      expect(JSON.stringify(ours)).toBe(JSON.stringify(twin));
      expect(ours.data).toStrictEqual({ lazy: { a: 2, b: 1 } });
    });
  });
});
