import { SchemaValidation } from '../../lib';
import { Manifest } from '../../lib/render/model';
import { apiRuleProblems } from '../../lib/schema/api-rules';

const m = (o: object) => o as Manifest;

describe('rules no schema carries (Kubernetes\' validation, Istio\'s webhook, etcd); Istio\'s VirtualService and Gateway rules are in rules/istio-routing.test.ts', () => {
  test('names per kind: a Service is a DNS-1035 label, a Namespace a DNS-1123 label, others DNS-1123 subdomains', () => {
    expect(apiRuleProblems(m({ apiVersion: 'v1', kind: 'Service', metadata: { name: '1web' } }))).toStrictEqual([
      '/metadata/name: must be a DNS-1035 label for a Service (at most 63 characters: lower case letters, digits and \'-\', starting with a letter): got \'1web\'',
    ]);
    expect(apiRuleProblems(m({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } }))[0]).toMatch(/^\/metadata\/name: must be a DNS-1123 label for a Namespace/);
    expect(apiRuleProblems(m({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a.b' } }))).toStrictEqual([]);
    expect(apiRuleProblems(m({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${'a'.repeat(254)}` } }))[0]).toMatch(/must be a DNS-1123 subdomain \(at most 253/);
  });

  test('label keys and values; annotation keys and their total size', () => {
    expect(apiRuleProblems(m({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { 'app': 'x'.repeat(64), 'a/b/c': 'x', '-bad': 'y' } } }))).toStrictEqual([
      `/metadata/labels/app: a label value must be at most 63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit: got '${'x'.repeat(64)}'`,
      '/metadata/labels: label key \'a/b/c\' must be \'[prefix/]name\' with at most one \'/\'',
      '/metadata/labels: label key the name of \'-bad\' must be at most 63 characters: letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit',
    ]);
    expect(apiRuleProblems(m({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { big: 'x'.repeat(300 * 1024) } } })))
      .toStrictEqual([`/metadata/annotations: must total at most 256 KiB: got ${300 * 1024 + 3} bytes`]);
  });

  test('container port names are IANA_SVC_NAMEs of at most 15 characters, unique in their container; pod template labels', () => {
    const deployment = (ports: object[], labels = { app: 'web' }) => m({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27.0', ports }] } } },
    });
    expect(apiRuleProblems(deployment([{ containerPort: 80, name: 'http-monitoring-port' }, { containerPort: 81, name: '8080' }, { containerPort: 82, name: 'a--b' }])))
      .toStrictEqual([
        '/spec/template/spec/containers/0/ports/0/name: must be at most 15 characters (IANA_SVC_NAME): got \'http-monitoring-port\' (20)',
        '/spec/template/spec/containers/0/ports/1/name: must be an IANA_SVC_NAME (lower case letters, digits and \'-\', at least one letter, no \'--\', not starting or ending with \'-\'): got \'8080\'',
        '/spec/template/spec/containers/0/ports/2/name: must be an IANA_SVC_NAME (lower case letters, digits and \'-\', at least one letter, no \'--\', not starting or ending with \'-\'): got \'a--b\'',
      ]);
    expect(apiRuleProblems(deployment([{ containerPort: 80, name: 'http' }, { containerPort: 81, name: 'http' }])))
      .toStrictEqual(['/spec/template/spec/containers/0/ports/1/name: must be unique in the container: got \'http\' twice']);
    expect(apiRuleProblems(deployment([], { app: 'a b' }))).toHaveLength(2);
  });

  test('an object over etcd\'s 1.5 MiB request limit is refused, naming what to split', () => {
    const big = m({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dashboards' }, data: { 'a.json': 'x'.repeat(1.6 * 1024 * 1024) } });
    expect(apiRuleProblems(big)).toStrictEqual([
      '/: the object is 1.60 MiB, over etcd\'s 1.5 MiB request limit: the API server refuses it; split it (e.g. one ConfigMap per dashboard or file, or fewer routes per VirtualService)',
    ]);
  });

  test('core kinds: nested types of any name are checked (Affinity, MetricSpec… once mistaken for lists and maps)', () => {
    const pod = (affinity: object) => m({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { affinity, containers: [{ name: 'web', image: 'nginx:1.27.0' }] } } },
    });
    const spread = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname' } }] } };
    expect(SchemaValidation.pinned().validate(pod(spread)).problems).toStrictEqual([]);
    expect(SchemaValidation.pinned().validate(pod({ podAntiAfinity: {} })).problems)
      .toStrictEqual(['/spec/template/spec/affinity/podAntiAfinity: unknown field \'podAntiAfinity\'; did you mean \'podAntiAffinity\'?']);
    const hpa = m({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        maxReplicas: 3,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
      },
    });
    expect(SchemaValidation.pinned().validate(hpa).problems).toStrictEqual([]);
  });

  test('run with schema validation by default (pinned or your CRD files), not with the packages\' schemas', () => {
    const bad = m({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'Web' }, spec: { ports: [{ port: 80 }] } });
    expect(SchemaValidation.pinned().validate(bad).problems).toContain(
      '/metadata/name: must be a DNS-1035 label for a Service (at most 63 characters: lower case letters, digits and \'-\', starting with a letter): got \'Web\'');
    expect(SchemaValidation.off().validate(bad).problems).toStrictEqual([]);
  });
});
