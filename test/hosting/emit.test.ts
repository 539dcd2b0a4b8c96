import { App, Chart, Testing } from 'cdk8s';
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
});
