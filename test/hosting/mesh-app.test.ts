import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { MeshApp, MeshChart, MeshNamespace, MeshService, MeshValidationError, Protocol } from '../../lib';
import { applyTier } from '../../lib/hosting/cdk8s/render-app';
import { Manifest } from '../../lib/render/model';
import { errorOf } from '../support/errors';
import { K8sObject, parseObjects } from '../support/shared';

function service(chart: MeshChart, ok = true) {
  new MeshService(chart, 'shop', { ports: [{ port: 80, name: ok ? 'http' : 'web' }] }).addVersion('v1', { image: 'shop:1.0' });
}

describe('MeshApp', () => {
  let outdir: string;
  beforeEach(() => { outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-app-')), 'out'); });
  afterEach(() => fs.rmSync(path.dirname(outdir), { recursive: true, force: true }));

  test('names files after MeshChart.fileName (dots and sub-folders allowed), else as cdk8s does', () => {
    const app = new MeshApp({ outdir });
    service(new MeshChart(app, 'Stage10', { fileName: 'shop-canary.stage-10' }));
    service(new MeshChart(app, 'Routes', { fileName: 'gateway-api/route-all-v1' }));
    service(new MeshChart(app, 'plain'));
    app.synth();
    const files = fs.readdirSync(outdir, { recursive: true }).map(String).sort();
    expect(files).toStrictEqual(['gateway-api', 'gateway-api/route-all-v1.k8s.yaml', 'mesh-kit-analysis.json', 'mesh-kit-graph.md', 'plain.k8s.yaml', 'shop-canary.stage-10.k8s.yaml']);
  });

  test('writes nothing, not even the output folder, when validation fails', () => {
    const app = new MeshApp({ outdir });
    service(new MeshChart(app, 'good'));
    service(new MeshChart(app, 'bad'), false);
    expect(() => app.synth()).toThrow(/\[bad\/shop\] 'ports.name' breaks Istio's port naming convention/);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test('writes the objects a cdk8s App writes, in an order kubectl apply accepts in one pass', () => {
    const build = (a: App) => {
      const chart = new MeshChart(a, 'shop');
      service(chart);
      new MeshNamespace(chart, 'ns', { name: 'shop' }); // declared last, applied first
    };
    const ours = new MeshApp({ outdir });
    build(ours);
    const theirs = new App({ outdir: `${outdir}-cdk8s` });
    build(theirs);
    ours.synth();
    theirs.synth();
    const objects = (dir: string) => parseObjects(fs.readFileSync(path.join(dir, 'shop.k8s.yaml'), 'utf8'));
    const id = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
    expect(objects(outdir).map(id)).toStrictEqual(['Namespace/shop', 'Service/shop', 'ServiceAccount/shop', 'Deployment/shop-v1', 'DestinationRule/shop']);
    expect([...objects(outdir)].sort((a, b) => id(a).localeCompare(id(b)))).toStrictEqual([...objects(`${outdir}-cdk8s`)].sort((a, b) => id(a).localeCompare(id(b))));
  });

  test('argoCdSyncWaves annotates each object with its wave: namespaces, workloads, mesh routing', () => {
    const app = new MeshApp({ outdir });
    const chart = new MeshChart(app, 'shop', { argoCdSyncWaves: true });
    service(chart);
    new MeshNamespace(chart, 'ns', { name: 'shop' });
    const waves = parseObjects(app.synthFiles().get('shop.k8s.yaml')!).map(o => `${o.kind}=${(o.metadata.annotations as any)['argocd.argoproj.io/sync-wave']}`);
    expect(waves).toStrictEqual(['Namespace=0', 'Service=1', 'ServiceAccount=1', 'Deployment=1', 'DestinationRule=2']);
    const plain = new MeshApp({ outdir });
    service(new MeshChart(plain, 'shop'));
    expect(parseObjects(plain.synthFiles().get('shop.k8s.yaml')!).every(o => o.metadata.annotations === undefined)).toBe(true);
  });

  test('orders objects by declared dependencies within an apply tier, as a cdk8s App does', () => {
    const build = (a: App) => {
      const chart = new MeshChart(a, 'shop');
      const web = new MeshService(chart, 'web', { ports: [{ port: 80 }] });
      web.addVersion('v1', { image: 'web:1.0' });
      const db = new MeshService(chart, 'db', { ports: [{ port: 5432, name: 'tcp-pg', protocol: Protocol.TCP }] });
      db.addVersion('v1', { image: 'db:1.0' });
      web.node.addDependency(db); // construct-level: every object of db before web's
    };
    const ours = new MeshApp({ outdir });
    build(ours);
    const theirs = new App({ outdir: `${outdir}-cdk8s` });
    build(theirs);
    ours.synth();
    theirs.synth();
    const tier1 = (dir: string) => parseObjects(fs.readFileSync(path.join(dir, 'shop.k8s.yaml'), 'utf8'))
      .filter(o => o.kind !== 'DestinationRule').map(o => `${o.kind}/${o.metadata.name}`);
    expect(tier1(outdir)).toStrictEqual(tier1(`${outdir}-cdk8s`));
    expect(tier1(outdir).indexOf('Deployment/db-v1')).toBeLessThan(tier1(outdir).indexOf('Service/web'));
  });

  test('without dependencies, charts and objects come in the order a cdk8s App gives them (nested charts too)', () => {
    const build = (a: App) => {
      const outer = new MeshChart(a, 'outer');
      service(outer);
      new MeshNamespace(outer, 'ns', { name: 'shop' });
      service(new MeshChart(outer, 'inner')); // a chart inside a chart: its objects are its own
      service(new MeshChart(a, 'last'));
    };
    const ours = new MeshApp({ outdir });
    build(ours);
    const theirs = new App({ outdir: `${outdir}-cdk8s` });
    build(theirs);
    theirs.synth();
    // the charts' files (the mesh picture is mesh-kit's own, beside them)
    const files = new Map([...ours.synthFiles()].filter(([f]) => f !== 'mesh-kit-graph.md'));
    expect([...files.keys()]).toStrictEqual(fs.readdirSync(`${outdir}-cdk8s`).sort().map(f => f.replace(/^\d+-/, '')));
    // cdk8s's order, then stably by apply tier (which MeshApp adds)
    const tiered = (yaml: string) => parseObjects(yaml).map((o, i) => ({ o, i, tier: applyTier(o as Manifest) }))
      .sort((a, b) => a.tier - b.tier || a.i - b.i)
      .map(({ o }) => `${o.kind}/${o.metadata.name}`);
    for (const [file, yaml] of files) {
      const cdk8sFile = fs.readdirSync(`${outdir}-cdk8s`).find(f => f.endsWith(file))!;
      const expected = tiered(fs.readFileSync(path.join(`${outdir}-cdk8s`, cdk8sFile), 'utf8'));
      expect(parseObjects(yaml).map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual(expected);
    }
  });

  test('fails if two charts would write the same file, or the file name is not a relative path', () => {
    const app = new MeshApp({ outdir });
    service(new MeshChart(app, 'a', { fileName: 'same' }));
    service(new MeshChart(app, 'b', { fileName: 'same' }));
    expect(errorOf(() => app.synthFiles())).toBe("[b] 'fileName' must be unique within an app: got 'same.k8s.yaml'; chart 'a' writes that file already: give one of the two charts another fileName");
    expect(errorOf(() => new MeshChart(new MeshApp(), 'c', { fileName: '../up' }))).toBe(
      "[c] 'fileName' must be a relative path of letters, digits, '.', '_' and '-' segments: got '../up'; e.g. 'gateway-api/route-all-v1'");
  });

  test('fails if charts depend on each other in a cycle, naming the chart, the cycle and the dependencies to remove', () => {
    const app = new MeshApp({ outdir });
    const a = new MeshChart(app, 'a');
    const b = new MeshChart(app, 'b');
    service(a);
    service(b);
    a.addDependency(b);
    b.addDependency(a);
    const error = (() => { try { app.synth(); } catch (e) { return e as MeshValidationError; } return undefined; })();
    expect(error?.message).toBe("[a] 'addDependency' must not form a cycle: each chart is applied after the ones it depends on: got ['a', 'b', 'a']; "
      + "remove one of these dependencies (chart.addDependency / node.addDependency): 'a' on 'b', 'b' on 'a'");
    expect(error).toMatchObject({ path: 'a', field: 'addDependency', value: ['a', 'b', 'a'] });
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test('fails if the report would overwrite a chart\'s file or the picture, writing nothing', () => {
    const app = new MeshApp({ outdir, analysis: { reportFile: 'shop.k8s.yaml' } });
    service(new MeshChart(app, 'shop'));
    expect(errorOf(() => app.synth())).toBe("[(app)] 'analysis.reportFile' must not be the name of another output file: got 'shop.k8s.yaml'; "
      + "that file holds a file of chart 'shop': choose another reportFile, e.g. 'mesh-kit-analysis.json'; nothing was written");
    expect(fs.existsSync(outdir)).toBe(false);
    const same = new MeshApp({ outdir, graphFile: 'out.md', analysis: { reportFile: 'out.md' } });
    service(new MeshChart(same, 'shop'));
    expect(errorOf(() => same.synth())).toBe("[(app)] 'analysis.reportFile' must not be the name of another output file: got 'out.md'; "
      + "that file holds the mesh picture (graphFile): choose another reportFile, e.g. 'mesh-kit-analysis.json'; nothing was written");
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test('stays quiet if the report, the picture and the charts each have a file of their own', () => {
    const app = new MeshApp({ outdir, graphFile: 'g.md', analysis: { reportFile: 'r.json', printWarnings: false } });
    service(new MeshChart(app, 'shop'));
    app.synth();
    expect(fs.readdirSync(outdir).sort()).toStrictEqual(['g.md', 'r.json', 'shop.k8s.yaml']);
  });

  test('fails if an output file prop is not a relative file path, naming the app', () => {
    expect(errorOf(() => new MeshApp({ analysis: { reportFile: '/tmp/r.json' } })))
      .toBe("[(app)] 'analysis.reportFile' must be a relative path inside the output folder: got '/tmp/r.json'; e.g. 'mesh-kit-analysis.json'");
  });

  test('fails if asked for an output layout other than one file per chart', () => {
    expect(errorOf(() => new MeshApp({ yamlOutputType: YamlOutputType.FILE_PER_RESOURCE })))
      .toBe("[(app)] 'yamlOutputType' must be FILE_PER_CHART for a MeshApp: got 'FILE_PER_RESOURCE'; leave yamlOutputType unset (or FILE_PER_CHART), or use cdk8s App for other layouts");
  });
});
