import * as YAML from 'yaml';
import { chartValueProblems, linkerdChartValueProblems, secretMaterialProblems } from '../../lib/install/chart-values';
import { exampleNames, synthExample } from '../support/examples';
import { SchemaValidator } from '../support/schemas';
import { HAS_SHARED, describeWithShared, parseObjects } from '../support/shared';

const names = exampleNames();

const outputs = new Map(names.map(n => [n, synthExample(n)]));
const files = [...outputs].flatMap(([n, fm]) => [...fm.keys()].map(f => [n, f] as [string, string]));
/** The Kubernetes manifests: not an installation's values files, IstioOperator or README. */
const manifestFiles = files.filter(([, f]) => f.endsWith('.k8s.yaml'));

describe('every example', () => {
  test('there are examples, and each writes at least one file', () => {
    expect(names).toEqual(expect.arrayContaining(['bookinfo', 'quickstart']));
    for (const fm of outputs.values()) expect(fm.size).toBeGreaterThan(0);
  });

  test.each(files)('%s/dist/%s matches its snapshot', (name, file) => {
    expect(outputs.get(name)!.get(file)).toMatchSnapshot();
  });
});

describeWithShared('every example is schema-valid (pinned Istio, Gateway API, Linkerd, Argo Rollouts, Flagger, Argo CD and Flux CRDs, Kubernetes models)', () => {
  const validator = HAS_SHARED
    ? SchemaValidator.forSharedCrds('istio-crds.yaml', 'gateway-api-crds.yaml', 'linkerd-crds.yaml', 'argo-rollouts-crds.yaml', 'flagger-crds.yaml', 'argo-cd-crds.yaml', 'flux-crds.yaml')
    : undefined;
  test.each(manifestFiles)('%s/dist/%s', (name, file) => {
    const objects = parseObjects(outputs.get(name)!.get(file)!);
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.flatMap(o => validator!.validate(o))).toStrictEqual([]);
  });
});

describeWithShared('every Linkerd 2 file is valid against what Linkerd 2.20 serves (its CRDs, Gateway API v1.2.1 standard)', () => {
  const linkerdFiles = manifestFiles.filter(([n, f]) => f.startsWith('linkerd2') || f.startsWith('linkerd/') || (n.startsWith('linkerd') && !f.startsWith('linkerd1')));
  const standard = HAS_SHARED ? SchemaValidator.forSharedCrds('gateway-api-v1.2.1-standard-crds.yaml', 'linkerd-crds.yaml') : undefined;
  // Linkerd's egress routes by SNI and port are TLSRoute and TCPRoute v1alpha2, of the Gateway API's experimental channel
  const experimental = HAS_SHARED ? SchemaValidator.forSharedCrds('gateway-api-crds.yaml') : undefined;
  test('there are such files', () => expect(linkerdFiles.length).toBeGreaterThan(0));
  test.each(linkerdFiles)('%s/dist/%s', (name, file) => {
    const objects = parseObjects(outputs.get(name)!.get(file)!);
    expect(objects.flatMap(o => (['TLSRoute', 'TCPRoute'].includes(o.kind) && o.apiVersion.endsWith('v1alpha2') ? experimental! : standard!).validate(o))).toStrictEqual([]);
  });
});

describe('every installation of the examples writes only values its charts have', () => {
  const DIRS: { [chart: string]: string } = { base: 'base', istiod: 'istiod', cni: 'istio-cni', ztunnel: 'ztunnel', gateway: 'gateway' };
  const valuesFiles = files.filter(([, f]) => /(^|\/)values\/\d+-[^/]+\.yaml$/.test(f));
  test('there are values files', () => expect(valuesFiles.length).toBeGreaterThan(0));
  test.each(valuesFiles)('%s/dist/%s', (name, file) => {
    const text = outputs.get(name)!.get(file)!;
    const [, repo, chart] = /^# ([^/\s]+)\/(\S+) /.exec(text) ?? [];
    expect(repo).toMatch(/^(istio|linkerd)$/);
    const values = YAML.parse(text) ?? {};
    expect(secretMaterialProblems('values', values)).toStrictEqual([]);
    if (repo === 'istio') expect(chartValueProblems(DIRS[chart], 'values', values)).toStrictEqual([]);
    else expect(linkerdChartValueProblems(chart, 'values', values)).toStrictEqual([]);
  });
});

describe('every example writes its mesh picture (rendered by Chromium in test/picture/mermaid-render.slow.test.ts)', () => {
  test('every example writes a picture, one flowchart per file', () => {
    const diagrams = [...outputs].flatMap(([, fm]) => [...(fm.get('mesh-kit-graph.md') ?? '').matchAll(/```mermaid\n([\s\S]*?)```/g)]);
    for (const [name, fm] of outputs) {
      const md = fm.get('mesh-kit-graph.md');
      expect(md).toBeDefined();
      const manifests = [...fm.keys()].filter(f => f.endsWith('.k8s.yaml')).sort();
      expect([name, [...md!.matchAll(/^## (.*)$/gm)].map(m => m[1]).sort()]).toStrictEqual([name, manifests]);
    }
    expect(diagrams.length).toBeGreaterThan(50);
  });
});
