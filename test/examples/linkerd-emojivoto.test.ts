import { buildEmojivoto } from '../../examples/linkerd-emojivoto/app';
import { buildEmojivotoAuthorization } from '../../examples/linkerd-emojivoto/authorization';
import { buildEmojiCanary } from '../../examples/linkerd-emojivoto/canary';
import { buildEmojivotoEgress, buildVotingRoutes } from '../../examples/linkerd-emojivoto/routes';
import { Mesh, MeshApp } from '../../lib';
import { parseObjects } from '../support/shared';
import { synthFiles } from '../support/synth';

/**
 * emojivoto as emojivoto ships it (BuoyantIO/emojivoto `kustomize/deployment/*.yml`, applied by Linkerd's getting-started
 * as run.linkerd.io/emojivoto.yml). The upstream manifests are not in ../shared: they are compared field for field by a
 * tool outside the repository; this test pins what the comparison found, and the snapshot pins the rest.
 */
const files = synthFiles(app => {
  const emojivoto = buildEmojivoto(app);
  buildVotingRoutes(app, emojivoto);
  buildEmojivotoEgress(app);
  buildEmojiCanary(app, emojivoto);
  buildEmojivotoAuthorization(app, emojivoto);
}, outdir => new MeshApp({ outdir }));
const base = parseObjects(files.get('emojivoto.k8s.yaml')!);
const named = (kind: string, name: string) => base.find(o => o.kind === kind && o.metadata.name === name)!;

describe('emojivoto example: the upstream objects', () => {
  test('mesh-kit\'s additions are files of their own; the base file holds upstream\'s objects, the version Services and the canary\'s v12', () => {
    expect([...files.keys()].filter(f => f.endsWith('.k8s.yaml'))).toStrictEqual([
      'authorization-audit.k8s.yaml', 'authorization-enforce.k8s.yaml', 'emoji-canary.rollback.k8s.yaml', 'emoji-canary.stage-10.k8s.yaml',
      'emoji-canary.stage-100.k8s.yaml', 'emoji-canary.stage-50.k8s.yaml', 'emojivoto-egress.k8s.yaml', 'emojivoto-routes.k8s.yaml', 'emojivoto.k8s.yaml',
    ]);
    expect(base.map(o => `${o.kind}/${o.metadata.name}`).sort()).toStrictEqual([
      'Deployment/emoji', 'Deployment/emoji-v12', 'Deployment/vote-bot', 'Deployment/voting', 'Deployment/web', 'Namespace/emojivoto',
      'Service/emoji-svc', 'Service/emoji-svc-v11', 'Service/emoji-svc-v12', 'Service/voting-svc', 'Service/voting-svc-v11', 'Service/web-svc', 'Service/web-svc-v11',
      'ServiceAccount/emoji', 'ServiceAccount/voting', 'ServiceAccount/web',
    ]);
  });

  test.each(['emoji', 'voting', 'web'])('Deployment %s: upstream\'s pod, without mesh-kit\'s hardening or memory request', name => {
    const d = named('Deployment', name) as any;
    expect(d.metadata.labels).toStrictEqual({
      'app': `${name}-svc`, 'version': 'v11', 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'emojivoto', 'app.kubernetes.io/version': 'v11',
    });
    const pod = d.spec.template.spec;
    expect(pod.serviceAccountName).toBe(name);
    expect(pod.securityContext).toBeUndefined();
    expect(pod.automountServiceAccountToken).toBeUndefined();
    expect(pod.containers[0].name).toBe(`${name}-svc`);
    expect(pod.containers[0].image).toBe(`ghcr.io/buoyantio/emojivoto-${name === 'web' ? 'web' : `${name}-svc`}:v11`);
    expect(pod.containers[0].securityContext).toBeUndefined();
    expect(pod.containers[0].resources).toStrictEqual({ requests: { cpu: '100m' } });
  });

  test('Deployment vote-bot: upstream\'s load generator, a MeshClient running as the namespace\'s default ServiceAccount (none written)', () => {
    const d = named('Deployment', 'vote-bot') as any;
    expect(d.metadata.labels).toStrictEqual({
      'app': 'vote-bot', 'version': 'v11', 'app.kubernetes.io/name': 'vote-bot', 'app.kubernetes.io/part-of': 'emojivoto', 'app.kubernetes.io/version': 'v11',
    });
    expect(d.spec.selector.matchLabels).toStrictEqual({ app: 'vote-bot', version: 'v11' });
    const pod = d.spec.template.spec;
    expect(pod.serviceAccountName).toBe('default');
    expect(pod.securityContext).toBeUndefined();
    expect(pod.containers).toStrictEqual([{
      name: 'vote-bot',
      image: 'ghcr.io/buoyantio/emojivoto-web:v11',
      imagePullPolicy: 'IfNotPresent',
      command: ['emojivoto-vote-bot'],
      env: [{ name: 'WEB_HOST', value: 'web-svc.emojivoto:80' }],
      resources: { requests: { cpu: '10m' } },
    }]);
    expect(base.filter(o => o.kind === 'ServiceAccount').map(o => o.metadata.name)).not.toContain('default');
  });

  const vote = (file: string) => Mesh.fromObjects([...base, ...parseObjects(files.get(file)!)] as any)
    .request({ from: 'emojivoto/vote-bot', host: 'web-svc.emojivoto', port: 80, path: '/api/vote' });
  test('vote-bot\'s votes reach web-svc with the authorization audited (the data-plane model)', () => {
    const r = vote('authorization-audit.k8s.yaml');
    expect(r.outcome).toBe('routed');
    expect(r.destinations.filter(d => d.weight > 0).map(d => d.service)).toStrictEqual(['emojivoto/web-svc']);
  });
  test('enforced, web-svc admits vote-bot by its address (the cluster\'s 10.0.0.0/8), which the model cannot know: not refused for its identity', () => {
    const r = vote('authorization-enforce.k8s.yaml');
    expect({ outcome: r.outcome, reason: r.reason }).toStrictEqual({
      outcome: 'undecided',
      reason: 'linkerd cannot be decided: AuthorizationPolicy emojivoto/web-svc-8080-networks admits only some addresses (10.0.0.0/8), and the caller\'s address is not in the configuration',
    });
  });

  test('the gRPC services keep their prom port; web-svc spells out type: ClusterIP', () => {
    expect((named('Service', 'voting-svc').spec as any).ports).toStrictEqual([
      { name: 'grpc', port: 8080, targetPort: 8080 }, { name: 'prom', port: 8801, targetPort: 8801 },
    ]);
    expect((named('Service', 'web-svc').spec as any).type).toBe('ClusterIP');
  });
});
