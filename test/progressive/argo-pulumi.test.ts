import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { buildBookinfoArgo } from '../../examples/progressive-delivery/bookinfo-argo';
import { MeshChart, ObservabilityAddons, renderApp } from '../../lib';
import { MeshComponent } from '../../lib/pulumi';

interface Registered { type: string; name: string; inputs: Record<string, unknown> }
const registered: Registered[] = [];

void pulumi.runtime.setMocks({
  newResource: args => {
    registered.push({ type: args.type, name: args.name, inputs: args.inputs });
    return { id: `${args.name}-id`, state: args.inputs };
  },
  call: args => args.inputs,
}, 'mesh-kit', 'test', false);

describe('the Argo Rollouts driver under Pulumi (MeshComponent, mocks)', () => {
  test('the Rollout, its AnalysisTemplate and the routing Argo edits are registered as cdk8s synth writes them', async () => {
    const app = new App();
    const addons = new ObservabilityAddons(new MeshChart(app, 'observability'), 'addons', {});
    buildBookinfoArgo(app, addons);
    const expected = renderApp(app).flatMap(c => c.objects).filter(o => ['Rollout', 'AnalysisTemplate', 'VirtualService', 'DestinationRule'].includes(o.kind));
    const mesh = new MeshComponent('bookinfo-argo', { app, analysis: { printWarnings: false } });
    await new Promise(resolve => pulumi.all(Object.values(mesh.resources).map(r => r.urn)).apply(resolve));
    expect(expected.map(o => o.kind).filter(k => k.startsWith('Rollout') || k === 'AnalysisTemplate')).toStrictEqual(['AnalysisTemplate', 'Rollout']);
    for (const o of expected) {
      const r = registered.find(x => x.inputs.kind === o.kind && (x.inputs.metadata as { name: string }).name === o.metadata.name)!;
      expect([o.kind, r.type]).toStrictEqual([o.kind, `kubernetes:${o.apiVersion}:${o.kind}`]);
      expect(r.inputs).toStrictEqual(JSON.parse(JSON.stringify(o)));
    }
  });
});
