import { Chart, Duration, Size } from 'cdk8s';
import { Cpu, Topology, k8s } from 'cdk8s-plus-27';
import * as plus34 from 'cdk8s-plus-34';
import {
  AuthorizedClient, Autoscaling, MeshChart, MeshService, MeshServiceProps, PreStop, Projection, Protocol, RequestSource, AuthorizationPolicy,
  ServiceAuthorization, ServiceExposure, TopologySpread, Volume, VolumeMount, WorkloadSelector,
} from '../../lib';
import { SchemaValidation } from '../../lib/schema/schema-validation';
import { errorOf } from '../support/errors';
import { K8sObject } from '../support/shared';
import { only, synthError, synthObjects } from '../support/synth';

const IMAGE = 'example/app:1.0.0';
const pinned = SchemaValidation.pinned();

/** Synthesizes, and expects every object valid against the pinned shapes and Kubernetes' own rules. */
function objectsOf(build: (chart: Chart) => void): K8sObject[] {
  const objects = synthObjects(app => build(new MeshChart(app, 'test', { namespace: 'shop' })));
  expect(objects.flatMap(o => pinned.validate(o as never).problems.map(p => `${o.kind}/${o.metadata.name} ${p}`))).toStrictEqual([]);
  return objects;
}

const podSpecOf = (o: K8sObject) => (o.spec as any).template.spec;

function service(props: Partial<MeshServiceProps> = {}, version: object = {}) {
  return objectsOf(chart => {
    const s = new MeshService(chart, 'web', { ports: [{ port: 80, targetPort: 8080 }], ...props });
    if (!props.image) s.addVersion('v1', { image: IMAGE, ...version });
  });
}

describe('scheduling', () => {
  test('node selector, tolerations, affinity and priority class are written as given (cdk8s-plus types)', () => {
    const tolerations: k8s.Toleration[] = [
      { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' },
      { operator: 'Exists' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
    ];
    const affinity: k8s.Affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }] }] },
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } } }],
      },
    };
    const spec = podSpecOf(only(service({ nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations, affinity, priorityClassName: 'critical' }), 'Deployment'));
    expect(spec.nodeSelector).toStrictEqual({ 'kubernetes.io/os': 'linux' });
    expect(spec.tolerations).toStrictEqual(tolerations);
    expect(spec.affinity).toStrictEqual(affinity);
    expect(spec.priorityClassName).toBe('critical');
  });

  test('a version replaces the service\'s scheduling field by field', () => {
    const spec = podSpecOf(only(service({ nodeSelector: { pool: 'a' }, priorityClassName: 'low' }, { nodeSelector: { pool: 'b' } }), 'Deployment'));
    expect(spec.nodeSelector).toStrictEqual({ pool: 'b' });
    expect(spec.priorityClassName).toBe('low');
  });

  describe('topology spread', () => {
    test('default with two or more pods: a preference for one pod per node, over the version\'s own pods', () => {
      expect(podSpecOf(only(service({ replicas: 2 }), 'Deployment')).topologySpreadConstraints).toStrictEqual([{
        labelSelector: { matchLabels: { app: 'web', version: 'v1' } }, maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway',
      }]);
    });

    test('default with an autoscaler of at least two pods', () => {
      const spec = podSpecOf(only(service({ autoscaling: Autoscaling.of({ minReplicas: 2, maxReplicas: 4 }) }), 'Deployment'));
      expect(spec.topologySpreadConstraints).toHaveLength(1);
    });

    test('none with one pod, none with []', () => {
      expect(podSpecOf(only(service(), 'Deployment')).topologySpreadConstraints).toBeUndefined();
      expect(podSpecOf(only(service({ replicas: 3, topologySpread: [] }), 'Deployment')).topologySpreadConstraints).toBeUndefined();
    });

    test('across zones, required, with minDomains', () => {
      const spec = podSpecOf(only(service({ replicas: 3, topologySpread: [TopologySpread.across(Topology.ZONE, { required: true, minDomains: 3, maxSkew: 2 })] }), 'Deployment'));
      expect(spec.topologySpreadConstraints).toStrictEqual([{
        labelSelector: { matchLabels: { app: 'web', version: 'v1' } }, maxSkew: 2, minDomains: 3, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule',
      }]);
    });

    test('a Topology of another cdk8s-plus version', () => {
      expect(TopologySpread.across(plus34.Topology.ZONE)._model.topologyKey).toBe('topology.kubernetes.io/zone');
      expect(errorOf(() => TopologySpread.across('zone' as never))).toBe("TopologySpread.across: 'topology' must be a Topology: got 'zone'; pass the object itself, not its name");
    });

    test('bad spreads', () => {
      expect(errorOf(() => TopologySpread.across(Topology.ZONE, { minDomains: 2 })))
        .toBe("TopologySpread.across: 'minDomains' needs required: true (Kubernetes allows it only with DoNotSchedule): got 2");
      expect(errorOf(() => TopologySpread.across(Topology.ZONE, { maxSkew: 0 }))).toBe("TopologySpread.across: 'maxSkew' must be a whole number of at least 1: got 0");
      expect(errorOf(() => service({ topologySpread: [TopologySpread.across(Topology.ZONE), TopologySpread.across(Topology.ZONE)] })))
        .toBe("[test/web] 'topologySpread' must spread across each topology once: got 'topology.kubernetes.io/zone'");
    });
  });

  describe('bad input: Kubernetes\' own rules, named by field', () => {
    test('a toleration without a key must use operator Exists', () => {
      expect(errorOf(() => service({ tolerations: [{ operator: 'Equal', value: 'x' }] }))).toBe(
        "[test/web] 'tolerations[0].operator' must be Exists when the key is empty (it then tolerates every taint): got 'Equal'; give the taint's key, or operator: 'Exists'");
      // Equal is the default operator
      expect(errorOf(() => service({ tolerations: [{ effect: 'NoSchedule' }] }))).toMatch(/'tolerations\[0\]\.operator' must be Exists when the key is empty/);
    });

    test('a version\'s own bad field is named under the version', () => {
      expect(errorOf(() => service({}, { tolerations: [{ key: 'a', operator: 'Exists', value: 'b' }] })))
        .toBe("[test/web] 'versions.v1.tolerations[0].value' must be empty with operator Exists: got 'b'");
    });

    test.each([
      [{ key: 'a', operator: 'Maybe' }, "'tolerations[0].operator' must be one of 'Equal', 'Exists': got 'Maybe'"],
      [{ key: 'a', effect: 'Sometimes' }, "'tolerations[0].effect' must be one of 'NoExecute', 'NoSchedule', 'PreferNoSchedule': got 'Sometimes'"],
      [{ key: 'a', tolerationSeconds: 5 }, "'tolerations[0].tolerationSeconds' applies only to effect NoExecute: got 5; set effect: 'NoExecute'"],
      [{ key: 'a', opertor: 'Exists' }, "'tolerations[0].opertor' is not a field of a Kubernetes Toleration: got 'opertor'"],
      [{ key: 5 }, "'tolerations[0].key' must be a string: got 5"],
      [null, "'tolerations[0]' must be an object (cdk8s-plus's k8s.Toleration): got null"],
    ])('toleration %j', (t, message) => {
      expect(errorOf(() => service({ tolerations: [t as never] }))).toBe(`[test/web] ${message}`);
    });

    test.each([
      [{ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'In' }] }] } } },
        "'affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values' must hold at least one value with In: got []"],
      [{ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['x'] }] }] } } },
        "'affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values' must be one whole number with Gt: got ['x']"],
      [{ podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname' } }] } },
        "'affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight' must be a whole number between 1 and 100: got 0"],
      [{ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: '' }] } },
        "'affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey' must name a node label (kubernetes.io/hostname, topology.kubernetes.io/zone): got ''"],
      [{ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchExpressions: [{ key: 'app', operator: 'Near' }] } }] } },
        "'affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchExpressions[0].operator' must be one of In, NotIn, Exists, DoesNotExist: got 'Near'"],
      [{ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'Near' }] }] } } },
        "'affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator' must be one of 'DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn': got 'Near'"],
      [{ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{}] } },
        "'affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]' must have the field 'topologyKey'"],
    ])('affinity %#', (affinity, message) => {
      expect(errorOf(() => service({ affinity: affinity as never }))).toBe(`[test/web] ${message}`);
    });

    test('node selector, priority class and pull secrets are Kubernetes names', () => {
      expect(errorOf(() => service({ nodeSelector: { 'bad key!': 'x' } }))).toMatch(/^\[test\/web\] 'nodeSelector.bad key!' must be a label key/);
      expect(errorOf(() => service({ priorityClassName: 'High' }))).toMatch(/^\[test\/web\] 'priorityClassName' must be a DNS-1123 subdomain/);
      expect(errorOf(() => service({ imagePullSecrets: ['ok', 'Not_ok'] }))).toMatch(/^\[test\/web\] 'imagePullSecrets\[1\]' must be a DNS-1123 subdomain/);
    });
  });
});

describe('containers beyond the main one', () => {
  test('init containers, then native sidecars (restartPolicy: Always), each hardened unless it says otherwise', () => {
    const spec = podSpecOf(only(service({
      initContainers: [{ name: 'migrate', image: 'example/migrate:2.1', command: ['migrate', 'up'] }],
      sidecarContainers: [
        { name: 'log', image: 'fluent/fluent-bit:3.0.0', ports: [{ containerPort: 2020, hostIp: '127.0.0.1' }] },
        { name: 'root-tool', image: 'example/tool:1.0', securityContext: { runAsUser: 1000 } },
      ],
    }), 'Deployment'));
    const hardened = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
    expect(spec.initContainers).toStrictEqual([
      { command: ['migrate', 'up'], image: 'example/migrate:2.1', name: 'migrate', securityContext: hardened },
      // cdk8s-plus's field names become the API's (hostIp -> hostIP)
      { image: 'fluent/fluent-bit:3.0.0', name: 'log', ports: [{ containerPort: 2020, hostIP: '127.0.0.1' }], restartPolicy: 'Always', securityContext: hardened },
      { image: 'example/tool:1.0', name: 'root-tool', restartPolicy: 'Always', securityContext: { runAsUser: 1000 } },
    ]);
  });

  test('bad containers', () => {
    expect(errorOf(() => service({ initContainers: [{ name: 'web', image: 'x/y:1' }] })))
      .toBe("[test/web] 'initContainers.name' must differ from every other container of the pod (the main one is the containerName): got 'web'");
    expect(errorOf(() => service({ sidecarContainers: [{ name: 'log', image: 'fluent/fluent-bit' }] })))
      .toBe("[test/web] 'sidecarContainers[0].image' must be pinned to a tag other than 'latest' or to a digest: got 'fluent/fluent-bit'; e.g. 'nginx:1.17.9'"
        + "; or, for tutorials and development, opt out for this image (allowUnpinnedImages: UnpinnedImages.of('fluent/fluent-bit')) or for the app or chart (allowUnpinnedImages: UnpinnedImages.ALL), with MeshSettings.apply or MeshChart");
    expect(errorOf(() => service({ initContainers: [{ name: 'wait', image: 'x/y:1', readinessProbe: { exec: { command: ['true'] } } }] })))
      .toBe("[test/web] 'initContainers[0].readinessProbe' is not allowed on an init container (it runs to completion): got 'set'; make it one of sidecarContainers if it keeps running");
    expect(errorOf(() => service({ initContainers: [{ name: 'x', image: 'x/y:1', imagePullPolicy: 'Sometimes' }] })))
      .toBe("[test/web] 'initContainers[0].imagePullPolicy' must be one of 'Always', 'IfNotPresent', 'Never': got 'Sometimes'");
  });
});

describe('shutdown', () => {
  test('preStop, grace period, and the Istio sidecar draining as long as the application may be stopping', () => {
    const d = only(service({ preStop: PreStop.sleep(Duration.seconds(10)), terminationGracePeriod: Duration.seconds(40) }), 'Deployment');
    expect(podSpecOf(d).terminationGracePeriodSeconds).toBe(40);
    expect(podSpecOf(d).containers[0].lifecycle).toStrictEqual({ preStop: { sleep: { seconds: 10 } } });
    expect((d.spec as any).template.metadata.annotations).toStrictEqual({ 'proxy.istio.io/config': '{"terminationDrainDuration":"40s"}' });
  });

  test('a preStop alone: the sidecar drains for Kubernetes\' default grace period (30s)', () => {
    const d = only(service({ preStop: PreStop.exec(['/bin/drain']) }), 'Deployment');
    expect((d.spec as any).template.metadata.annotations['proxy.istio.io/config']).toBe('{"terminationDrainDuration":"30s"}');
    expect(podSpecOf(d).containers[0].lifecycle.preStop).toStrictEqual({ exec: { command: ['/bin/drain'] } });
  });

  test('no drain setting without shutdown settings, nor when the user wrote proxy.istio.io/config, nor without a sidecar', () => {
    expect((only(service(), 'Deployment').spec as any).template.metadata.annotations).toBeUndefined();
    const own = '{"holdApplicationUntilProxyStarts":true}';
    const d = only(service({ terminationGracePeriod: Duration.seconds(60), podAnnotations: { 'proxy.istio.io/config': own } }), 'Deployment');
    expect((d.spec as any).template.metadata.annotations['proxy.istio.io/config']).toBe(own);
  });

  test('a grace period no longer than Istio\'s own drain (5s) writes no drain setting; 6s does', () => {
    const annotations = (seconds: number) => (only(service({ terminationGracePeriod: Duration.seconds(seconds) }), 'Deployment').spec as any).template.metadata.annotations;
    expect(annotations(5)).toBeUndefined();
    expect(annotations(6)).toStrictEqual({ 'proxy.istio.io/config': '{"terminationDrainDuration":"6s"}' });
  });

  test('an HTTP preStop targets the container port behind a service port', () => {
    const d = only(service({ preStop: PreStop.http('/drain', { port: 80 }) }), 'Deployment');
    expect(podSpecOf(d).containers[0].lifecycle.preStop).toStrictEqual({ httpGet: { path: '/drain', port: 8080 } });
    expect(synthError(app => new MeshService(new Chart(app, 'c'), 'web', { ports: [{ port: 80 }], preStop: PreStop.http('/drain', { port: 81 }) })
      .addVersion('v1', { image: IMAGE }))).toMatch(/\[c\/web\] 'versions.v1.preStop.port' must be a port the service declares: got 81; its ports are 80/);
  });

  test('a preStop pause as long as the grace period is refused', () => {
    expect(errorOf(() => service({ preStop: PreStop.sleep(Duration.seconds(30)) }))).toBe(
      "[test/web] 'preStop.sleep' must be shorter than the termination grace period (30s, Kubernetes' default), or the process is killed before it gets SIGTERM: got '30s'; raise terminationGracePeriod above 30s");
  });
});

describe('volumes, resources, pull secrets', () => {
  test('optional ConfigMap and Secret volumes, projected volumes', () => {
    const spec = podSpecOf(only(service({
      volumes: [
        Volume.fromSecret('tls', 'web-tls', { optional: true }),
        Volume.fromConfigMap('cfg', 'web', { optional: true, items: { 'a.yaml': 'a.yaml' } }),
        Volume.projected('bundle', [
          Projection.configMap('web'), Projection.secret('web-creds', { optional: true }),
          Projection.serviceAccountToken('vault-token', { audience: 'vault', expiration: Duration.hours(2) }),
          Projection.downwardApi({ labels: 'metadata.labels' }),
        ]),
      ],
    }), 'Deployment'));
    expect(spec.volumes).toStrictEqual([
      { name: 'tls', secret: { optional: true, secretName: 'web-tls' } },
      { configMap: { items: [{ key: 'a.yaml', path: 'a.yaml' }], name: 'web', optional: true }, name: 'cfg' },
      {
        name: 'bundle',
        projected: {
          sources: [
            { configMap: { name: 'web' } },
            { secret: { name: 'web-creds', optional: true } },
            { serviceAccountToken: { audience: 'vault', expirationSeconds: 7200, path: 'vault-token' } },
            { downwardAPI: { items: [{ fieldRef: { fieldPath: 'metadata.labels' }, path: 'labels' }] } },
          ],
        },
      },
    ]);
    expect(errorOf(() => Projection.serviceAccountToken('t', { expiration: Duration.minutes(5) }))).toBe("Projection.serviceAccountToken: 'expiration' must be whole seconds, at least 600: got '300s'");
    expect(errorOf(() => Volume.projected('x', []))).toBe("Volume.projected: 'sources' must hold at least one source: got []");
  });

  test('limits, pull secrets; per version resources, args and command', () => {
    const objects = objectsOf(chart => {
      const s = new MeshService(chart, 'echo', {
        ports: [{ port: 9000 }],
        args: ['--port', '9000'],
        imagePullSecrets: ['regcred'],
        resources: { cpu: { request: Cpu.millis(100), limit: Cpu.millis(500) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) } },
      });
      s.addVersion('v1', { image: IMAGE });
      s.addVersion('v2', { image: IMAGE, args: ['--port', '9000', '--prefix', 'two'], command: ['/echo'], resources: { cpu: { request: Cpu.millis(250) } } });
    });
    const [v1, v2] = ['echo-v1', 'echo-v2'].map(n => podSpecOf(only(objects, 'Deployment', n)));
    expect(v1.imagePullSecrets).toStrictEqual([{ name: 'regcred' }]);
    expect(v1.containers[0]).toMatchObject({ args: ['--port', '9000'], resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m', memory: '64Mi' } } });
    expect(v1.containers[0].command).toBeUndefined();
    expect(v2.containers[0]).toMatchObject({ args: ['--port', '9000', '--prefix', 'two'], command: ['/echo'], resources: { requests: { cpu: '250m' } } });
    expect(v2.containers[0].resources.limits).toBeUndefined();
  });
});

describe('a version\'s own ServiceAccount', () => {
  const build = (chart: Chart) => {
    const ratings = new MeshService(chart, 'ratings', { ports: [{ port: 9080 }] });
    ratings.addVersion('v1', { image: IMAGE });
    ratings.addVersion('v2', { image: IMAGE, serviceAccountName: 'ratings-v2' });
    ratings.addVersion('v3', { image: IMAGE, serviceAccountName: 'ratings-v2' });
    const reviews = new MeshService(chart, 'reviews', { ports: [{ port: 9080 }] });
    reviews.addVersion('v1', { image: IMAGE });
    new ServiceAuthorization(chart, 'auth', { service: reviews, allowFrom: [AuthorizedClient.service(ratings)] });
    const policy = new AuthorizationPolicy(chart, 'policy', { workload: WorkloadSelector.service(reviews) });
    policy.addRule({ from: [RequestSource.service(ratings)] });
    return ratings;
  };
  const objects = objectsOf(c => build(c));

  test('the version runs as it; one ServiceAccount per identity', () => {
    expect(objects.filter(o => o.kind === 'ServiceAccount').map(o => o.metadata.name)).toStrictEqual(['ratings', 'ratings-v2', 'reviews']);
    expect(['ratings-v1', 'ratings-v2', 'ratings-v3'].map(n => podSpecOf(only(objects, 'Deployment', n)).serviceAccountName)).toStrictEqual(['ratings', 'ratings-v2', 'ratings-v2']);
  });

  test('authorization naming the service lets every identity of it in', () => {
    const principals = ['cluster.local/ns/shop/sa/ratings', 'cluster.local/ns/shop/sa/ratings-v2'];
    expect((only(objects, 'AuthorizationPolicy', 'reviews').spec as any).rules[0].from[0].source.principals).toStrictEqual(principals);
    expect((only(objects, 'AuthorizationPolicy', 'policy').spec as any).rules[0].from[0].source.principals).toStrictEqual(principals);
  });

  test('versions all under their own identities: the service\'s account is no principal', () => {
    const objs = objectsOf(chart => {
      const a = new MeshService(chart, 'a', { ports: [{ port: 80 }] });
      a.addVersion('v1', { image: IMAGE, serviceAccountName: 'a-v1' });
      const b = new MeshService(chart, 'b', { ports: [{ port: 80 }] });
      b.addVersion('v1', { image: IMAGE });
      new ServiceAuthorization(chart, 'auth', { service: b, allowFrom: [AuthorizedClient.service(a)] });
    });
    expect((only(objs, 'AuthorizationPolicy').spec as any).rules[0].from[0].source.principals).toStrictEqual(['cluster.local/ns/shop/sa/a-v1']);
  });
});

describe('a single workload, no versions', () => {
  const objects = objectsOf(chart => {
    new MeshService(chart, 'web', { ports: [{ port: 80 }], image: 'nginx:1.27.0', replicas: 2 });
  });

  test('a Deployment named like the service, pods labelled app only; the DestinationRule has no subsets', () => {
    const d = only(objects, 'Deployment', 'web');
    expect(d.metadata.labels).toStrictEqual({ app: 'web' });
    expect((d.spec as any).selector).toStrictEqual({ matchLabels: { app: 'web' } });
    expect((d.spec as any).template.metadata.labels).toStrictEqual({ app: 'web' });
    expect(only(objects, 'DestinationRule').spec).toStrictEqual({ host: 'web', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    expect((only(objects, 'PodDisruptionBudget').spec as any).selector).toStrictEqual({ matchLabels: { app: 'web' } });
  });

  test('versions are then refused, and routes to versions have none to name', () => {
    expect(errorOf(() => objectsOf(chart => {
      new MeshService(chart, 'web', { ports: [{ port: 80 }], image: 'nginx:1.27.0' }).addVersion('v2', { image: IMAGE });
    }))).toBe("[test/web] 'version' cannot be added to a service whose pods are one workload (the image prop): got 'v2'; "
      + 'remove image and add every version with addVersion() or adoptVersion()');
    expect(errorOf(() => objectsOf(chart => {
      new MeshService(chart, 'web', { ports: [{ port: 80 }], image: 'nginx:1.27.0' }).version('workload');
    }))).toMatch(/'version' must be a version of service 'web'/);
  });

  test('its image must be pinned', () => {
    expect(errorOf(() => service({ image: 'nginx' }))).toMatch(/^\[test\/web\] 'image' must be pinned/);
  });
});

describe('recommended labels', () => {
  test('on the Service, Deployments and pods; the version is the version label, or a single workload\'s image tag', () => {
    const objects = objectsOf(chart => {
      const s = new MeshService(chart, 'api', { ports: [{ port: 80 }], recommendedLabels: true, partOf: 'shop' });
      s.addVersion('v1', { image: IMAGE });
      new MeshService(chart, 'web', { ports: [{ port: 80 }], image: 'nginx:1.27.0@sha256:' + 'a'.repeat(64), recommendedLabels: true });
    });
    const common = { 'app.kubernetes.io/managed-by': 'mesh-kit', 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/part-of': 'shop' };
    expect(only(objects, 'Service', 'api').metadata.labels).toStrictEqual({ app: 'api', service: 'api', ...common });
    const d = only(objects, 'Deployment', 'api-v1');
    expect(d.metadata.labels).toStrictEqual({ 'app': 'api', 'version': 'v1', ...common, 'app.kubernetes.io/version': 'v1' });
    expect((d.spec as any).template.metadata.labels).toStrictEqual({ 'app': 'api', 'version': 'v1', ...common, 'app.kubernetes.io/version': 'v1' });
    expect((only(objects, 'Deployment', 'web').metadata.labels as Record<string, string>)['app.kubernetes.io/version']).toBe('1.27.0');
  });

  test('partOf needs recommendedLabels', () => {
    expect(errorOf(() => service({ partOf: 'shop' }))).toBe("[test/web] 'partOf' is written only with recommendedLabels: true: got 'shop'; set recommendedLabels: true");
  });
});

describe('Istio\'s samples through the public API, without an escape hatch', () => {
  test('curl: terminationGracePeriodSeconds 0 (no drain setting: shorter than Istio\'s own), an optional Secret volume, a command', () => {
    const objects = objectsOf(chart => {
      const secret = Volume.fromSecret('secret-volume', 'curl-secret', { optional: true });
      new MeshService(chart, 'curl', {
        ports: [{ port: 80 }],
        image: 'curlimages/curl:8.16.0',
        command: ['/bin/sleep', 'infinity'],
        terminationGracePeriod: Duration.seconds(0),
        volumeMounts: [VolumeMount.of(secret, '/etc/curl/tls')],
      });
    });
    const d = only(objects, 'Deployment', 'curl');
    expect(podSpecOf(d)).toMatchObject({
      terminationGracePeriodSeconds: 0,
      containers: [{ command: ['/bin/sleep', 'infinity'], volumeMounts: [{ mountPath: '/etc/curl/tls', name: 'secret-volume' }] }],
      volumes: [{ name: 'secret-volume', secret: { secretName: 'curl-secret', optional: true } }],
    });
    expect((d.spec as any).template.metadata.annotations).toBeUndefined();
    expect((d.spec as any).template.metadata.labels).toStrictEqual({ app: 'curl' });
  });

  test('tcp-echo: each version its own arguments', () => {
    const objects = objectsOf(chart => {
      const echo = new MeshService(chart, 'tcp-echo', { ports: [{ port: 9000, protocol: Protocol.TCP }, { port: 9001, protocol: Protocol.TCP, name: 'tcp-other' }] });
      echo.addVersion('v1', { image: 'docker.io/istio/tcp-echo-server:1.3', args: ['9000,9001,9002', 'one'] });
      echo.addVersion('v2', { image: 'docker.io/istio/tcp-echo-server:1.3', args: ['9000,9001,9002', 'two'] });
    });
    expect(['tcp-echo-v1', 'tcp-echo-v2'].map(n => podSpecOf(only(objects, 'Deployment', n)).containers[0].args[1])).toStrictEqual(['one', 'two']);
  });

  test('ratings v2 under its own ServiceAccount; productpage as a NodePort Service', () => {
    const objects = objectsOf(chart => {
      const ratings = new MeshService(chart, 'ratings', { ports: [{ port: 9080 }], serviceAccountName: 'bookinfo-ratings' });
      ratings.addVersion('v1', { image: IMAGE });
      ratings.addVersion('v2', { image: IMAGE, serviceAccountName: 'bookinfo-ratings-v2' });
      new MeshService(chart, 'productpage', { ports: [{ port: 9080 }], image: IMAGE, exposure: ServiceExposure.nodePort() });
    });
    expect(podSpecOf(only(objects, 'Deployment', 'ratings-v2')).serviceAccountName).toBe('bookinfo-ratings-v2');
    expect(only(objects, 'ServiceAccount', 'bookinfo-ratings-v2')).toBeDefined();
    expect((only(objects, 'Service', 'productpage').spec as any).type).toBe('NodePort');
  });

  describe('ServiceExposure.clusterIp', () => {
    const typeOf = (exposure?: ServiceExposure, headless?: boolean) => (only(objectsOf(chart => {
      new MeshService(chart, 'web', { ports: [{ port: 80 }], image: IMAGE, exposure, headless });
    }), 'Service', 'web').spec as any).type;
    test('writes no type by default (Kubernetes\' default, ClusterIP)', () => {
      expect(typeOf(ServiceExposure.clusterIp())).toBeUndefined();
      expect(typeOf(undefined)).toBeUndefined();
    });
    test('writeType: true writes type: ClusterIP, as manifests that spell out the default do (emojivoto\'s web-svc)', () => {
      expect(typeOf(ServiceExposure.clusterIp({ writeType: true }))).toBe('ClusterIP');
      expect(typeOf(ServiceExposure.clusterIp({ writeType: false }))).toBeUndefined();
    });
    test('a headless Service may spell out its type (it is a ClusterIP Service without a cluster IP)', () => {
      expect(typeOf(ServiceExposure.clusterIp({ writeType: true }), true)).toBe('ClusterIP');
    });
    test('fails if writeType is not a boolean (a JavaScript caller)', () => {
      expect(errorOf(() => ServiceExposure.clusterIp({ writeType: 'yes' as unknown as boolean })))
        .toBe("ServiceExposure.clusterIp: 'options.writeType' must be true or false: got 'yes'; write true, without quotes");
    });
  });
});
