import { Mesh, TrafficResult } from '../../lib';
import { parseFailureAccrual } from '../../lib/dataplane/linkerd';
import { Manifest } from '../../lib/render/model';
import { synthExample } from '../support/examples';
import { parseObjects } from '../support/shared';

/**
 * examples/linkerd-docs does what Linkerd's docs tasks (2-edge) say their objects do: the data-plane model reads the
 * example's files as Linkerd's proxy would.
 */
const files = synthExample('linkerd-docs');
const objectsOf = (file: string): Manifest[] => parseObjects(files.get(file)!) as unknown as Manifest[];
const find = (file: string, kind: string, name: string) => objectsOf(file).find(o => o.kind === kind && o.metadata.name === name);
const shares = (r: TrafficResult) => r.destinations.filter(d => d.weight > 0).map(d => [d.service, d.version, d.weight]);

describe('examples/linkerd-docs', () => {
  test('one file per docs task', () => {
    expect([...files.keys()].filter(f => f.endsWith('.k8s.yaml'))).toStrictEqual([
      'circuit-breaking.k8s.yaml', 'dynamic-request-routing.k8s.yaml', 'egress.k8s.yaml', 'egress.step-2.k8s.yaml', 'fault-injection.k8s.yaml', 'grpc-routing.k8s.yaml',
      'multicluster.k8s.yaml', 'per-route-policy.k8s.yaml', 'rate-limiting.k8s.yaml', 'rate-limiting.step-2.k8s.yaml', 'restricting-access.k8s.yaml', 'retries.grpc.k8s.yaml',
      'retries.k8s.yaml', 'timeouts.k8s.yaml', 'traffic-shifting.k8s.yaml', 'traffic-shifting.rollback.k8s.yaml', 'traffic-shifting.stage-10.k8s.yaml',
      'traffic-shifting.stage-100.k8s.yaml',
    ]);
  });

  test('circuit breaking (tasks/circuit-breakers.md): bb has the failure accrual the task shows — 7 failures, 1s to 60s, jitter 0.5', () => {
    const bb = find('circuit-breaking.k8s.yaml', 'Service', 'bb')!;
    expect(parseFailureAccrual(bb.metadata.annotations ?? {})).toStrictEqual({ ok: true, value: { mode: 'consecutive', maxFailures: 7, minPenalty: 1000, maxPenalty: 60_000, jitter: 0.5 } });
  });

  test.each([
    [[], [['traffic-shift-demo/bb', 'v1', 100]]],
    [['traffic-shifting.stage-10.k8s.yaml'], [['traffic-shift-demo/bb', 'v1', 90], ['traffic-shift-demo/bb-v2', 'v2', 10]]],
    [['traffic-shifting.stage-100.k8s.yaml'], [['traffic-shift-demo/bb-v2', 'v2', 100]]],
    [['traffic-shifting.stage-100.k8s.yaml', 'traffic-shifting.rollback.k8s.yaml'], [['traffic-shift-demo/bb', 'v1', 100]]],
  ])('traffic shifting (tasks/traffic-shifting.md): the base and then %j send slow-cooker\'s requests as the task\'s steps do', (stages, expected) => {
    // bb selects v1 alone until a stage's HTTPRoute (the task's bb-route, attached to bb) splits it with bb-v2
    const objects = ['traffic-shifting.k8s.yaml', ...stages].flatMap(objectsOf);
    const latest = objects.filter((o, i) => o.kind !== 'HTTPRoute' || !objects.slice(i + 1).some(x => x.kind === 'HTTPRoute' && x.metadata.name === o.metadata.name));
    const r = Mesh.fromObjects(latest).request({ from: 'traffic-shift-demo/slow-cooker', host: 'bb', port: 8080 });
    expect(shares(r)).toStrictEqual(expected);
  });
});
