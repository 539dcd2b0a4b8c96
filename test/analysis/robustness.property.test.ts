import * as fc from 'fast-check';
import { analyze } from '../../lib/analysis';
import { objectsOfYaml } from '../../lib/analysis/load';
import { AnalyzedObject } from '../../lib/analysis/model';
import { MeshValidationError } from '../../lib/core/errors';
import { Manifest } from '../../lib/render/model';
import { propertyRuns } from '../support/tier';

const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 1_000_000_007);
const RUNS = propertyRuns(200, 2_000);

const KINDS: Array<[string, string]> = [
  ['networking.istio.io/v1', 'VirtualService'], ['networking.istio.io/v1', 'DestinationRule'], ['networking.istio.io/v1', 'Gateway'],
  ['networking.istio.io/v1', 'ServiceEntry'], ['networking.istio.io/v1', 'Sidecar'], ['networking.istio.io/v1alpha3', 'EnvoyFilter'],
  ['security.istio.io/v1', 'AuthorizationPolicy'], ['security.istio.io/v1', 'PeerAuthentication'], ['security.istio.io/v1', 'RequestAuthentication'],
  ['telemetry.istio.io/v1', 'Telemetry'], ['gateway.networking.k8s.io/v1', 'Gateway'], ['v1', 'Service'], ['apps/v1', 'Deployment'], ['v1', 'Pod'],
  ['v1', 'Namespace'], ['v1', 'Secret'], ['v1', 'ConfigMap'], ['v1', 'Node'],
];

/** The field names these kinds have, so that generated specs reach the checks' code paths with values of any type. */
const FIELDS = ['hosts', 'gateways', 'http', 'tcp', 'tls', 'route', 'destination', 'host', 'subset', 'port', 'number', 'match', 'uri', 'prefix', 'headers',
  'exportTo', 'mirror', 'mirrors', 'fault', 'retries', 'timeout', 'subsets', 'labels', 'trafficPolicy', 'portLevelSettings', 'mode', 'credentialName',
  'selector', 'matchLabels', 'workloadSelector', 'servers', 'ports', 'protocol', 'targetPort', 'template', 'metadata', 'spec', 'containers', 'securityContext',
  'runAsUser', 'rules', 'from', 'source', 'namespaces', 'principals', 'accessLogging', 'providers', 'configPatches', 'patch', 'operation', 'applyTo',
  'addresses', 'type', 'listeners', 'hostname', 'mtls', 'data', 'values', 'weight', 'name', 'nodeName', 'targetRefs'];

const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>(tie => ({
  v: fc.oneof({ depthSize: 'small' },
    fc.anything({ maxDepth: 1 }),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...FIELDS), tie('v'), { maxKeys: 4 })),
})).v;

const stringMap = fc.option(fc.dictionary(fc.oneof(fc.constantFrom('app', 'version', 'istio', 'sidecar.istio.io/inject', 'istio-injection',
  'networking.istio.io/exportTo', 'sidecar.istio.io/proxyCPU', 'galley.istio.io/analyze-suppress', 'istio.io/rev'), fc.string()), fc.string(), { maxKeys: 3 }), { nil: undefined });

const object: fc.Arbitrary<AnalyzedObject> = fc.record({
  kind: fc.constantFrom(...KINDS),
  name: fc.constantFrom('a', 'b', 'reviews', 'gw'),
  namespace: fc.option(fc.constantFrom('default', 'shop', 'istio-system'), { nil: undefined }),
  labels: stringMap,
  annotations: stringMap,
  spec: value,
}).map(o => ({
  manifest: {
    apiVersion: o.kind[0],
    kind: o.kind[1],
    metadata: { name: o.name, namespace: o.namespace, labels: o.labels, annotations: o.annotations },
    spec: o.spec,
  } as Manifest,
  file: 'f',
  mesh: 'istio',
}));

describe('property: the analysis never crashes, whatever the objects hold', () => {
  test(`${RUNS} generated sets of objects with fields of any type: a report every time (closed and partial world)`, () => {
    process.stdout.write(`analysis robustness: seed ${SEED}, ${RUNS} runs\n`);
    let findings = 0;
    fc.assert(fc.property(fc.array(object, { maxLength: 8 }), fc.constantFrom('closed' as const, 'partial' as const), (objects, world) => {
      const report = analyze(objects, { world, istioDefaults: true });
      findings += report.findings.length;
      expect(JSON.parse(JSON.stringify(report.toJson())).checks.length).toBeGreaterThan(40);
    }), { numRuns: RUNS, seed: SEED });
    process.stdout.write(`analysis robustness: ${RUNS} runs, ${findings} findings, no crash\n`);
    expect(findings).toBeGreaterThan(0);
  }, 120_000);

  test('YAML text of any shape is read into objects or refused with a MeshValidationError naming the file', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.array(fc.jsonValue(), { maxLength: 3 }).map(docs => docs.map(d => JSON.stringify(d)).join('\n---\n'))), text => {
      try {
        objectsOfYaml(text, 'input.yaml');
      } catch (e) {
        expect(e).toBeInstanceOf(MeshValidationError);
        expect((e as Error).message).toMatch(/^input\.yaml: document \d+ /);
      }
    }), { numRuns: RUNS, seed: SEED });
  });
});
