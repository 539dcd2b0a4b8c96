import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { MeshApp, MeshChart, MeshService } from '../../lib';
import { renderApp } from '../../lib/hosting/cdk8s/render-app';
import { PICTURE_MAX_NODES, meshPictureMarkdown, mermaidFlowchart, mermaidText } from '../../lib/picture/mermaid';
import { meshIntent } from '../../lib/picture/mesh-intent';
import { shop } from '../support/pictures';


describe('the mesh picture', () => {
  test('Mermaid text: quotes, #, backticks, < > and | become entity codes; unicode stays', () => {
    expect(mermaidText('a "b" #1 `c` <d> | é')).toBe('a #quot;b#quot; #35;1 #96;c#96; #lt;d#gt; #124; é');
  });

  test('routes, versions with their weights, faults and mirrors, in rule order', () => {
    const app = new App();
    shop(app);
    const chart = renderApp(app)[0];
    const intent = meshIntent(chart.objects);
    expect(intent.services.map(s => [s.namespace, s.name, s.versions])).toStrictEqual([['shop', 'web', ['v1', 'v2']]]);
    const vs = intent.routes.find(r => r.name === 'web')!;
    expect(vs.rules).toStrictEqual([
      { match: 'header x-user exact jäson "the #1" [admin] | <b>', destinations: [{ host: 'web', version: 'v2', weight: 100 }], fault: 'delay 7s 10%' },
      { match: 'any', destinations: [{ host: 'web', version: 'v1', weight: 90 }, { host: 'web', version: 'v2', weight: 10 }], mirror: 'web/v2 5%' },
    ]);
    const chartText = mermaidFlowchart(intent);
    expect(chartText).toContain('-- "2. any · 90%" -->');
    expect(chartText).toContain('-. "2. mirror 5%" .->');
    expect(chartText).toContain('jäson #quot;the #35;1#quot; [admin] #124; #lt;b#gt;');
  });

  test('MeshApp writes mesh-kit-graph.md beside the YAML, byte-identical across runs; graphFile \'\' writes none', () => {
    const synth = (graphFile?: string) => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-pic-'));
      const app = new MeshApp({ outdir, graphFile, analysis: { printWarnings: false } });
      shop(app);
      app.synth();
      const files = fs.readdirSync(outdir).sort();
      const md = files.includes('mesh-kit-graph.md') ? fs.readFileSync(path.join(outdir, 'mesh-kit-graph.md'), 'utf8') : undefined;
      fs.rmSync(outdir, { recursive: true, force: true });
      return { files, md };
    };
    const a = synth();
    expect(a.files).toStrictEqual(['mesh-kit-analysis.json', 'mesh-kit-graph.md', 'shop.k8s.yaml']);
    expect(a.md).toMatch(/^# Mesh picture\n[\s\S]*\n## shop\.k8s\.yaml\n\n```mermaid\nflowchart LR\n/);
    expect(synth().md).toBe(a.md);
    expect(synth('').files).toStrictEqual(['mesh-kit-analysis.json', 'shop.k8s.yaml']);
    expect(synth('review/graph.md').files).toStrictEqual(['mesh-kit-analysis.json', 'review', 'shop.k8s.yaml']);
    const clash = new MeshApp({ graphFile: 'shop.k8s.yaml' });
    shop(clash);
    expect(() => clash.synthFiles()).toThrow("[(app)] 'graphFile' must not be the name of another output file: got 'shop.k8s.yaml'; chart 'shop' writes that file: choose another graphFile, e.g. 'mesh-kit-graph.md'");
    expect(() => new MeshApp({ graphFile: '../graph.md' })).toThrow("[(app)] 'graphFile' must be a relative path inside the output folder: got '../graph.md'; e.g. 'mesh-kit-graph.md'");
    expect(() => new MeshApp({ graphFile: 'pics/' })).toThrow("[(app)] 'graphFile' must name a file, not a folder: got 'pics/'; e.g. 'pics/mesh-kit-graph.md'");
  });

  test(`more than ${PICTURE_MAX_NODES} services, routes and gateways in a file: summarised by namespace`, () => {
    const app = new App();
    for (const ns of ['a', 'b']) {
      const c = new MeshChart(app, ns, { namespace: ns });
      for (let i = 0; i < 80; i++) new MeshService(c, `s${i}`, { ports: [{ port: 8080 }], image: 'nginx:1.27.0' });
    }
    const objects = renderApp(app).flatMap(c => c.objects);
    const text = mermaidFlowchart(meshIntent(objects));
    expect(text.split('\n').filter(l => l.trim() !== '')).toStrictEqual([
      'flowchart LR',
      '  n0["namespace a<br/>80 services · 0 routes · 0 gateways"]',
      '  n1["namespace b<br/>80 services · 0 routes · 0 gateways"]',
      `  %% summarised by namespace: 160 services, routes and gateways (more than ${PICTURE_MAX_NODES})`,
    ]);
  });

  test('a file is read with the files applied beside it: the base, never its siblings among alternatives', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'shop' },
      spec: { template: { metadata: { labels: { app: 'api' } }, spec: { serviceAccountName: 'api', containers: [] } } },
    };
    const policy = {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'web' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/api'] } }] }] },
    };
    const picture = (deploymentGroup: string | undefined) => meshPictureMarkdown([
      { file: 'workloads.k8s.yaml', objects: [deployment], ...(deploymentGroup ? { alternativeGroup: deploymentGroup } : {}) },
      { file: 'policy.k8s.yaml', objects: [policy], alternativeGroup: 'steps' },
    ]).split('## policy.k8s.yaml')[1];
    // the account's pods applied beside the policy: the caller is the service they run
    expect(picture(undefined)).toContain('["api · shop"]');
    expect(picture(undefined)).not.toContain('shop/sa/api');
    // declared in a sibling step only: the caller is the identity
    expect(picture('steps')).toContain('["shop/sa/api"]');
    expect(picture('steps')).not.toContain('["api · shop"]');
  });

  test('an empty file says so', () => {
    expect(meshPictureMarkdown([{ file: 'empty.k8s.yaml', objects: [] }])).toContain('n0["no services, gateways or routes"]');
  });
});
