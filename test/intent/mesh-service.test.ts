import { App, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-27';
import {
  Autoscaling,
  DisruptionBudget,
  EnvValue,
  ExternalTrafficPolicy,
  ImagePullPolicy,
  MeshChart,
  MeshNamespace, NamespaceInjection,
  MeshService,
  Probe,
  Protocol,
  RouteAction,
  ServiceExposure,
  SessionAffinity,
  SidecarInjection,
  TransportProtocol,
  Volume,
  VolumeMount,
  WorkloadSecurity,
} from '../../lib';
import { errorOf } from '../support/errors';
import { only, synthError, synthObjects } from '../support/synth';

const IMAGE = 'example/app:1.0.0';

function objectsOf(build: (chart: Chart) => void) {
  return synthObjects(app => build(new MeshChart(app, 'test')));
}


describe('MeshService', () => {
  describe('defaults', () => {
    const objects = objectsOf(chart => {
      const svc = new MeshService(chart, 'shop', { ports: [{ port: 8080 }] });
      svc.addVersion('v1', { image: IMAGE });
    });
    const deployment = only(objects, 'Deployment');
    const pod = (deployment.spec as any).template;
    const container = pod.spec.containers[0];

    test('name, app label, ServiceAccount and container name are the construct id', () => {
      expect(only(objects, 'Service').metadata).toStrictEqual({ name: 'shop', labels: { app: 'shop', service: 'shop' } });
      expect(only(objects, 'ServiceAccount').metadata).toStrictEqual({ name: 'shop', labels: { account: 'shop' } });
      expect(pod.spec.serviceAccountName).toBe('shop');
      expect(container.name).toBe('shop');
    });

    test('the Service selects every version by app; a port is named after its protocol (http)', () => {
      expect(only(objects, 'Service').spec).toStrictEqual({ ports: [{ name: 'http', port: 8080 }], selector: { app: 'shop' } });
    });

    test('Deployment <app>-<version> with labels app and version, 1 replica, IfNotPresent', () => {
      expect(deployment.metadata).toStrictEqual({ name: 'shop-v1', labels: { app: 'shop', version: 'v1' } });
      expect((deployment.spec as any).replicas).toBe(1);
      expect((deployment.spec as any).selector).toStrictEqual({ matchLabels: { app: 'shop', version: 'v1' } });
      expect(pod.metadata).toStrictEqual({ labels: { app: 'shop', version: 'v1' } });
      expect(container.imagePullPolicy).toBe('IfNotPresent');
      expect(container.ports).toStrictEqual([{ containerPort: 8080 }]);
    });

    test('workloads are hardened: restricted Pod Security Standard as user 65532, resource requests, no API token', () => {
      // a user id, so that the kubelet starts images that declare none; no group: the image's (0 when it lacks the user)
      expect(pod.spec.securityContext).toStrictEqual({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
      expect(container.securityContext).toStrictEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(container.resources).toStrictEqual({ requests: { cpu: '100m', memory: '128Mi' } });
      expect(only(objects, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    });

    test('sidecar injection is inherited from the namespace (no pod label)', () => {
      expect(pod.metadata.labels['sidecar.istio.io/inject']).toBeUndefined();
    });

    test('one DestinationRule named like the service with a subset per version, mutual TLS for its clients', () => {
      expect(only(objects, 'DestinationRule')).toStrictEqual({
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: 'shop' },
        spec: { host: 'shop', subsets: [{ name: 'v1', labels: { version: 'v1' } }], trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } },
      });
    });

    test('no VirtualService unless a route is added', () => {
      expect(objects.filter(o => o.kind === 'VirtualService')).toStrictEqual([]);
    });
  });

  describe('options', () => {
    test('ports: protocol, suffix names, appProtocol, targetPort and transport', () => {
      const objects = objectsOf(chart => {
        const svc = new MeshService(chart, 'api', {
          ports: [
            { port: 80, protocol: Protocol.HTTP, name: 'http-web', targetPort: 8080 },
            { port: 9090, protocol: Protocol.GRPC },
            { port: 5432, protocol: Protocol.TCP, name: 'postgres', appProtocol: true, transport: TransportProtocol.TCP },
          ],
        });
        svc.addVersion('v1', { image: IMAGE });
      });
      expect((only(objects, 'Service').spec as any).ports).toStrictEqual([
        { name: 'http-web', port: 80, targetPort: 8080 },
        { name: 'grpc', port: 9090 },
        { name: 'postgres', port: 5432, appProtocol: 'tcp', protocol: 'TCP' },
      ]);
      expect((only(objects, 'Deployment').spec as any).template.spec.containers[0].ports)
        .toStrictEqual([{ containerPort: 8080 }, { containerPort: 9090 }, { containerPort: 5432 }]);
    });

    test('env, volumes (declared order, then mounted-only ones) and mounts', () => {
      const objects = objectsOf(chart => {
        const cache = Volume.emptyDir('cache', { memory: true, sizeLimit: Size.mebibytes(64) });
        const config = Volume.fromConfigMap('config', 'app-config', { items: { 'app.yaml': 'config.yaml' } });
        const svc = new MeshService(chart, 'api', {
          ports: [{ port: 80 }],
          env: { MODE: EnvValue.fromValue('prod'), NODE: EnvValue.fromFieldPath('spec.nodeName'), PASSWORD: EnvValue.fromSecretKey('db', 'password') },
          volumes: [config],
          volumeMounts: [VolumeMount.of(cache, '/cache'), VolumeMount.of(config, '/etc/app', { readOnly: true })],
        });
        svc.addVersion('v1', { image: IMAGE, env: { MODE: EnvValue.fromValue('canary'), EXTRA: EnvValue.fromConfigMapKey('cm', 'k') } });
      });
      const spec = (only(objects, 'Deployment').spec as any).template.spec;
      expect(spec.containers[0].env).toStrictEqual([
        { name: 'MODE', value: 'canary' },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        { name: 'EXTRA', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } },
      ]);
      expect(spec.volumes).toStrictEqual([
        { name: 'config', configMap: { name: 'app-config', items: [{ key: 'app.yaml', path: 'config.yaml' }] } },
        { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      ]);
      expect(spec.containers[0].volumeMounts).toStrictEqual([
        { name: 'cache', mountPath: '/cache' },
        { name: 'config', mountPath: '/etc/app', readOnly: true },
      ]);
    });

    test('secret volumes, sub-path mounts, command and args (absent unless given)', () => {
      const objects = objectsOf(chart => {
        const certs = Volume.fromSecret('certs', 'tls-cert');
        const s = new MeshService(chart, 'api', {
          ports: [{ port: 80 }],
          volumeMounts: [VolumeMount.of(certs, '/etc/tls/cert.pem', { subPath: 'tls.crt' })],
          command: ['/bin/server'],
          args: ['--port', '80'],
        });
        s.addVersion('v1', { image: IMAGE });
        new MeshService(chart, 'plain', { ports: [{ port: 80 }] }).addVersion('v1', { image: IMAGE });
      });
      const spec = (only(objects, 'Deployment', 'api-v1').spec as any).template.spec;
      expect(spec.volumes).toStrictEqual([{ name: 'certs', secret: { secretName: 'tls-cert' } }]);
      expect(spec.containers[0].volumeMounts).toStrictEqual([{ name: 'certs', mountPath: '/etc/tls/cert.pem', subPath: 'tls.crt' }]);
      expect(spec.containers[0].command).toStrictEqual(['/bin/server']);
      expect(spec.containers[0].args).toStrictEqual(['--port', '80']);
      const plain = (only(objects, 'Deployment', 'plain-v1').spec as any).template.spec;
      expect(Object.keys(plain.containers[0]).sort()).toStrictEqual(['image', 'imagePullPolicy', 'name', 'ports', 'resources', 'securityContext']);
      expect(plain.volumes).toBeUndefined();
    });

    test('version options: replicas, label, deployment name, pod labels and annotations', () => {
      const objects = objectsOf(chart => {
        const svc = new MeshService(chart, 'nginx', { ports: [{ port: 80 }], replicas: 3, podAnnotations: { a: '1' } });
        svc.addVersion('v117', { image: 'nginx:1.17.9', label: '1.17', deploymentName: 'nginx-117', podLabels: { 'minor-version': '1.17.9' }, podAnnotations: { b: '2' } });
        svc.addVersion('v116', { image: 'nginx:1.16.1', label: '1.16', replicas: 1 });
      });
      const [v117, v116] = objects.filter(o => o.kind === 'Deployment') as any[];
      expect(v117.metadata.name).toBe('nginx-117');
      expect(v117.spec.replicas).toBe(3);
      expect(v117.spec.template.metadata).toStrictEqual({
        labels: { 'app': 'nginx', 'version': '1.17', 'minor-version': '1.17.9' },
        annotations: { a: '1', b: '2' },
      });
      expect(v116.metadata.name).toBe('nginx-v116');
      expect(v116.spec.replicas).toBe(1);
      expect((only(objects, 'DestinationRule').spec as any).subsets).toStrictEqual([
        { name: 'v117', labels: { version: '1.17' } },
        { name: 'v116', labels: { version: '1.16' } },
      ]);
    });

    test('naming and labelling for manifests that differ from Istio\'s samples (the nginx seed)', () => {
      const objects = objectsOf(chart => {
        const echo = (v: string) => Volume.fromConfigMap('echo-txt', 'static', { items: { [`echo.${v}`]: 'test.txt' } });
        const svc = new MeshService(chart, 'nginx-svc', {
          app: 'nginx',
          containerName: 'nginx',
          destinationRuleName: 'nginx',
          subsetsSelectApp: true,
          deploymentLabels: { deploy: 'nginx' },
          ports: [{ port: 80 }],
          volumeMounts: [VolumeMount.of(echo('v1.17'), '/usr/share/nginx/html/echo')],
        });
        svc.addVersion('v117', { image: 'nginx:1.17.9', label: '1.17' });
        svc.addVersion('v116', { image: 'nginx:1.16.1', label: '1.16', volumes: [echo('v1.16')], volumeMounts: [VolumeMount.of(Volume.emptyDir('cache'), '/cache')] });
      });
      expect(only(objects, 'Service').metadata.labels).toStrictEqual({ app: 'nginx', service: 'nginx' });
      expect(only(objects, 'ServiceAccount').metadata).toStrictEqual({ name: 'nginx-svc', labels: { account: 'nginx' } });
      expect(only(objects, 'DestinationRule')).toMatchObject({
        metadata: { name: 'nginx' },
        spec: { host: 'nginx-svc', subsets: [{ name: 'v117', labels: { app: 'nginx', version: '1.17' } }, { name: 'v116', labels: { app: 'nginx', version: '1.16' } }] },
      });
      const [v117, v116] = objects.filter(o => o.kind === 'Deployment') as any[];
      expect(v117.metadata).toStrictEqual({ name: 'nginx-v117', labels: { deploy: 'nginx', app: 'nginx', version: '1.17' } });
      expect(v117.spec.template.spec.volumes).toStrictEqual([{ name: 'echo-txt', configMap: { name: 'static', items: [{ key: 'echo.v1.17', path: 'test.txt' }] } }]);
      expect(v116.spec.template.spec.volumes).toStrictEqual([
        { name: 'echo-txt', configMap: { name: 'static', items: [{ key: 'echo.v1.16', path: 'test.txt' }] } },
        { name: 'cache', emptyDir: {} },
      ]);
      expect(v116.spec.template.spec.containers[0].volumeMounts).toStrictEqual([
        { name: 'echo-txt', mountPath: '/usr/share/nginx/html/echo' },
        { name: 'cache', mountPath: '/cache' },
      ]);
    });

    test('fails if a version mounts two volumes at one path', () => {
      const s = new MeshService(new Chart(new App(), 'c'), 'a', { ports: [{ port: 80 }], volumeMounts: [VolumeMount.of(Volume.emptyDir('a'), '/data')] });
      expect(errorOf(() => s.addVersion('v1', { image: IMAGE, volumeMounts: [VolumeMount.of(Volume.emptyDir('b'), '/data')] })))
        .toBe("[c/a] 'versions.v1.volumeMounts.mountPath' must be unique within a container: got '/data'");
    });

    test('an external version gets a subset but no Deployment', () => {
      const objects = objectsOf(chart => {
        const svc = new MeshService(chart, 'ratings', { ports: [{ port: 9080 }] });
        svc.addVersion('v1', { image: IMAGE });
        svc.addExternalVersion('v2-mysql');
      });
      expect(objects.filter(o => o.kind === 'Deployment').map(o => o.metadata.name)).toStrictEqual(['ratings-v1']);
      expect((only(objects, 'DestinationRule').spec as any).subsets.map((s: any) => s.name)).toStrictEqual(['v1', 'v2-mysql']);
    });

    test('hardening is overridable: unset, or restricted with user, group and read-only root', () => {
      const objects = objectsOf(chart => {
        new MeshService(chart, 'a', { ports: [{ port: 80 }], security: WorkloadSecurity.unset(), resources: {} }).addVersion('v1', { image: IMAGE });
        new MeshService(chart, 'b', {
          ports: [{ port: 80 }],
          security: WorkloadSecurity.restricted({
            runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, readOnlyRootFilesystem: true, automountServiceAccountToken: true,
          }),
          resources: { cpu: { request: Cpu.millis(250), limit: Cpu.units(1) }, memory: { limit: Size.gibibytes(1) } },
          imagePullPolicy: ImagePullPolicy.ALWAYS,
        }).addVersion('v1', { image: IMAGE });
      });
      const a = (only(objects, 'Deployment', 'a-v1').spec as any).template.spec;
      expect(a.securityContext).toBeUndefined();
      expect(a.containers[0].securityContext).toBeUndefined();
      expect(a.containers[0].resources).toBeUndefined();
      expect(only(objects, 'ServiceAccount', 'a').automountServiceAccountToken).toBeUndefined();
      const b = (only(objects, 'Deployment', 'b-v1').spec as any).template.spec;
      expect(b.securityContext).toStrictEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } });
      expect(b.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
      expect(b.containers[0].resources).toStrictEqual({ requests: { cpu: '250m' }, limits: { cpu: '1', memory: '1Gi' } });
      expect(b.containers[0].imagePullPolicy).toBe('Always');
      expect(only(objects, 'ServiceAccount', 'b').automountServiceAccountToken).toBe(true);
    });

    test('restricted hardening writes 65532 as the user unless given; a group only when given; unset() writes none', () => {
      const podOf = (security: WorkloadSecurity) => {
        const objects = objectsOf(chart => new MeshService(chart, 'a', { ports: [{ port: 80 }], security }).addVersion('v1', { image: IMAGE }));
        return (only(objects, 'Deployment').spec as any).template.spec.securityContext;
      };
      const seccomp = { type: 'RuntimeDefault' };
      expect(podOf(WorkloadSecurity.restricted())).toStrictEqual({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: seccomp });
      expect(podOf(WorkloadSecurity.restricted({ runAsUser: 1000 }))).toStrictEqual({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: seccomp });
      expect(podOf(WorkloadSecurity.restricted({ runAsGroup: 3000 })))
        .toStrictEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 3000, seccompProfile: seccomp });
      expect(podOf(WorkloadSecurity.unset())).toBeUndefined();
      // the previous output (the image's user), through the escape hatch the CHANGELOG names
      const old = objectsOf(chart => {
        const v1 = new MeshService(chart, 'a', { ports: [{ port: 80 }] }).addVersion('v1', { image: IMAGE });
        v1.deployment?.addJsonPatch(JsonPatch.remove('/spec/template/spec/securityContext/runAsUser'));
      });
      expect((only(old, 'Deployment').spec as any).template.spec.securityContext).toStrictEqual({ runAsNonRoot: true, seccompProfile: seccomp });
    });

    test('fails if the restricted user is root or Istio\'s proxy user', () => {
      expect(errorOf(() => WorkloadSecurity.restricted({ runAsUser: 0 })))
        .toBe('WorkloadSecurity.restricted: \'runAsUser\' must not be 0 (root) under the restricted policy: got 0; use WorkloadSecurity.unset() to run as root');
      expect(errorOf(() => WorkloadSecurity.restricted({ runAsUser: 1337 })))
        .toBe('WorkloadSecurity.restricted: \'runAsUser\' must not be 1337, the user id of the Istio sidecar (IST0144): got 1337');
    });

    test.each([
      [SidecarInjection.ENABLED, 'true'],
      [SidecarInjection.DISABLED, 'false'],
    ])('sidecar injection %s writes the pod label sidecar.istio.io/inject=%s', (injection, label) => {
      const objects = objectsOf(chart => {
        new MeshService(chart, 'a', { ports: [{ port: 80 }], sidecarInjection: injection }).addVersion('v1', { image: IMAGE });
      });
      expect((only(objects, 'Deployment').spec as any).template.metadata.labels['sidecar.istio.io/inject']).toBe(label);
    });

    test('no ISTIO_MUTUAL by default toward pods without a sidecar (service or namespace injection disabled): they could not answer it', () => {
      const objects = synthObjects(app => {
        const chart = new Chart(app, 'c');
        const off = new MeshNamespace(chart, 'legacy', { injection: NamespaceInjection.disabled() });
        const on = new MeshNamespace(chart, 'shop');
        new MeshService(chart, 'a', { ports: [{ port: 80 }], sidecarInjection: SidecarInjection.DISABLED }).addVersion('v1', { image: IMAGE });
        new MeshService(chart, 'b', { ports: [{ port: 80 }], namespace: off }).addVersion('v1', { image: IMAGE });
        new MeshService(chart, 'c', { ports: [{ port: 80 }], namespace: off, sidecarInjection: SidecarInjection.ENABLED }).addVersion('v1', { image: IMAGE });
        new MeshService(chart, 'd', { ports: [{ port: 80 }], namespace: on }).addVersion('v1', { image: IMAGE });
      });
      const tls = (name: string) => ((only(objects, 'DestinationRule', name).spec as any).trafficPolicy?.tls?.mode) ?? 'none';
      expect(['a', 'b', 'c', 'd'].map(tls)).toStrictEqual(['none', 'none', 'ISTIO_MUTUAL', 'ISTIO_MUTUAL']);
    });

    test('namespace: from a MeshNamespace, else the chart\'s', () => {
      const objects = synthObjects(app => {
        const chart = new Chart(app, 'c', { namespace: 'team-a' });
        const ns = new MeshNamespace(chart, 'shop');
        new MeshService(chart, 'a', { ports: [{ port: 80 }] }).addVersion('v1', { image: IMAGE });
        new MeshService(chart, 'b', { ports: [{ port: 80 }], namespace: ns }).addVersion('v1', { image: IMAGE });
      });
      expect(objects.filter(o => o.metadata.name.startsWith('a')).map(o => o.metadata.namespace)).toStrictEqual(['team-a', 'team-a', 'team-a', 'team-a']);
      expect(objects.filter(o => o.metadata.name.startsWith('b')).map(o => o.metadata.namespace)).toStrictEqual(['shop', 'shop', 'shop', 'shop']);
    });

    test('getters return copies', () => {
      const chart = new Chart(new App(), 'c');
      const svc = new MeshService(chart, 'a', { ports: [{ port: 80 }] });
      svc.ports.pop();
      svc.versionNames.push('x');
      expect(svc.ports).toHaveLength(1);
      expect(svc.versionNames).toStrictEqual([]);
    });
  });

  describe('errors at once', () => {
    const chart = () => new Chart(new App(), 'c');
    const svc = () => new MeshService(chart(), 'shop', { ports: [{ port: 80 }] });

    test('fails if the name is not a DNS-1035 label', () => {
      expect(errorOf(() => new MeshService(chart(), 'Shop'))).toBe(
        "[c/Shop] 'name (the construct id)' must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63 characters): got 'Shop'; write it as 'shop'");
      expect(errorOf(() => new MeshService(chart(), 'x', { name: '1shop' }))).toMatch(/^\[c\/x\] 'name' must be a DNS-1035 label .*: got '1shop'; write a name of lower-case letters, digits and '-', starting with a letter and ending with a letter or digit$/);
    });

    test('fails if a version name is not a DNS-1123 label', () => {
      expect(errorOf(() => svc().addVersion('V_1', { image: IMAGE }))).toMatch(/^\[c\/shop\] 'version' must be a DNS-1123 label .*: got 'V_1'; write it as 'v-1'$/);
    });

    test('fails if a version is added twice', () => {
      const s = svc();
      s.addVersion('v1', { image: IMAGE });
      expect(errorOf(() => s.addExternalVersion('v1'))).toBe("[c/shop] 'version' must be unique within service 'shop': got 'v1'; give each version its own name, or add version 'v1' once");
    });

    test('fails if two versions would select the same pods', () => {
      const s = svc();
      s.addVersion('v1', { image: IMAGE });
      expect(errorOf(() => s.addVersion('v2', { image: IMAGE, label: 'v1' }))).toBe(
        "[c/shop] 'label' must differ between versions: version 'v1' already selects pods labelled version=v1: got 'v1'");
    });

    test('fails if a port number or name is used twice', () => {
      const s = svc();
      expect(errorOf(() => s.addPort({ port: 80, name: 'http-other' }))).toBe("[c/shop] 'ports.port' must be unique within a service: got 80");
      expect(errorOf(() => s.addPort({ port: 81 }))).toBe("[c/shop] 'ports.name' must be unique within a service: got 'http'");
    });

    test('fails if a port is out of range', () => {
      expect(errorOf(() => svc().addPort({ port: 70000 }))).toBe("[c/shop] 'port' must be a whole number between 1 and 65535: got 70000; give the port the Service listens on, from 1 to 65535");
      expect(errorOf(() => svc().addPort({ port: 81, name: 'http-x', targetPort: 0 }))).toBe("[c/shop] 'targetPort' must be a whole number between 1 and 65535: got 0; give the port the container listens on, from 1 to 65535 (or leave it out: the service port)");
    });

    test.each([['nginx', 'nginx'], ['nginx:latest', 'nginx'], ['registry:5000/team/app', 'registry:5000/team/app'], ['app:', 'app']])(
      'fails if the image %s is not pinned, naming the opt-outs for %s', (image, repository) => {
        expect(errorOf(() => svc().addVersion('v1', { image }))).toBe(
          `[c/shop] 'versions.v1.image' must be pinned to a tag other than 'latest' or to a digest: got '${image}'; e.g. 'nginx:1.17.9'`
          + `; or, for tutorials and development, opt out for this image (allowUnpinnedImages: UnpinnedImages.of('${repository}')) or for the app or chart (allowUnpinnedImages: UnpinnedImages.ALL), with MeshSettings.apply or MeshChart`);
      });

    test('accepts images pinned by tag (with a registry port) or digest', () => {
      const s = svc();
      s.addVersion('v1', { image: 'registry:5000/team/app:2.1' });
      s.addVersion('v2', { image: `app@sha256:${'a'.repeat(64)}` });
      expect(s.versionNames).toStrictEqual(['v1', 'v2']);
    });

    test('fails if replicas is negative or fractional', () => {
      expect(errorOf(() => new MeshService(chart(), 'a', { replicas: -1 }))).toBe("[c/a] 'replicas' must be a whole number of at least 0: got -1");
      expect(errorOf(() => svc().addVersion('v1', { image: IMAGE, replicas: 1.5 }))).toBe("[c/shop] 'versions.v1.replicas' must be a whole number of at least 0: got 1.5");
    });

    test('fails if a volume name is used twice', () => {
      expect(errorOf(() => new MeshService(chart(), 'a', {
        volumes: [Volume.emptyDir('tmp')],
        volumeMounts: [VolumeMount.of(Volume.emptyDir('tmp'), '/tmp')],
      }))).toBe("[c/a] 'volumes' must have unique names: got 'tmp'");
    });

    test('fails if a version that does not exist is asked for', () => {
      const s = svc();
      expect(errorOf(() => s.version('v1'))).toBe("[c/shop] 'version' must be a version of service 'shop': got 'v1'; it has none yet: call addVersion() first");
      s.addVersion('v1', { image: IMAGE });
      s.addExternalVersion('v2');
      expect(errorOf(() => s.version('v4'))).toBe("[c/shop] 'version' must be a version of service 'shop': got 'v4'; its versions are 'v1', 'v2'");
    });

    test('fails if a restricted workload would run as root or as the sidecar\'s user', () => {
      expect(errorOf(() => WorkloadSecurity.restricted({ runAsUser: 0 }))).toBe("WorkloadSecurity.restricted: 'runAsUser' must not be 0 (root) under the restricted policy: got 0; use WorkloadSecurity.unset() to run as root");
      expect(errorOf(() => WorkloadSecurity.restricted({ runAsUser: 1337 }))).toBe("WorkloadSecurity.restricted: 'runAsUser' must not be 1337, the user id of the Istio sidecar (IST0144): got 1337");
      expect(errorOf(() => WorkloadSecurity.restricted({ fsGroup: -2 }))).toBe("WorkloadSecurity.restricted: 'fsGroup' must be a whole number of at least 0: got -2");
    });

    test('fails if a mount path is relative or a volume name invalid', () => {
      expect(errorOf(() => VolumeMount.of(Volume.emptyDir('tmp'), 'tmp'))).toBe("VolumeMount.of: 'mountPath' must be an absolute path: got 'tmp'");
      expect(errorOf(() => Volume.emptyDir('Tmp'))).toMatch(/^\w+\.\w+: 'volume' must be a DNS-1123 label .*: got 'Tmp'; write it as 'tmp'$/);
    });
  });

  describe('errors at synth (all reported together, nothing written)', () => {
    test('fails if the service has no port and no version', () => {
      expect(synthError(app => new MeshService(new Chart(app, 'c'), 'shop'))).toBe([
        'Validation failed with the following errors:',
        "  [c/shop] 'ports' must hold at least one port: got '[]'; pass ports or call addPort()",
        "  [c/shop] 'versions' must hold at least one version: got '[]'; call addVersion(), or give the service one workload with the image prop",
      ].join('\n'));
    });

    test('fails if a port name breaks Istio\'s <protocol>[-suffix] convention', () => {
      expect(synthError(app => {
        const s = new MeshService(new Chart(app, 'c'), 'shop', { ports: [{ port: 80, name: 'web' }, { port: 90, protocol: Protocol.GRPC, name: 'http-x' }] });
        s.addVersion('v1', { image: IMAGE });
      })).toBe([
        'Validation failed with the following errors:',
        "  [c/shop] 'ports.name' breaks Istio's port naming convention '<protocol>[-<suffix>]' for a http port: got 'web'; name it 'http' or 'http-<suffix>', or set 'appProtocol: true' to keep the name",
        "  [c/shop] 'ports.name' breaks Istio's port naming convention '<protocol>[-<suffix>]' for a grpc port: got 'http-x'; name it 'grpc' or 'grpc-<suffix>', or set 'appProtocol: true' to keep the name",
      ].join('\n'));
    });
  });

  describe('addRoute', () => {
    test('creates one VirtualService named like the service, routes in the order added', () => {
      const objects = objectsOf(chart => {
        const s = new MeshService(chart, 'shop', { ports: [{ port: 80 }] });
        s.addVersion('v1', { image: IMAGE });
        s.addVersion('v2', { image: IMAGE });
        s.addRoute({ name: 'canary', action: RouteAction.weightedForward([{ target: s.version('v1'), weight: 90 }, { target: s.version('v2'), weight: 10 }]) });
      });
      expect(only(objects, 'VirtualService')).toStrictEqual({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'shop' },
        spec: {
          hosts: ['shop'],
          http: [{
            name: 'canary',
            route: [
              { destination: { host: 'shop', subset: 'v1' }, weight: 90 },
              { destination: { host: 'shop', subset: 'v2' }, weight: 10 },
            ],
          }],
        },
      });
    });
  });
});

describe('MeshService: the Service\'s type, annotations and session affinity', () => {
  const service = (props: Partial<ConstructorParameters<typeof MeshService>[2]>) => synthObjects(app => {
    new MeshService(new MeshChart(app, 'c'), 'productpage', { ports: [{ port: 9080 }], ...props }).addVersion('v1', { image: 'example/productpage:1.0.0' });
  }).find(o => o.kind === 'Service')!;

  test('defaults: a ClusterIP Service (type not written), no annotations, no affinity', () => {
    const svc = service({});
    expect(svc.spec).toStrictEqual({ ports: [{ port: 9080, name: 'http' }], selector: { app: 'productpage' } });
    expect(svc.metadata.annotations).toBeUndefined();
  });

  test('NodePort with a fixed node port and Local traffic policy, as Istio\'s productpage NodePort sample; LoadBalancer with source ranges', () => {
    const nodePort = ServiceExposure.nodePort({ nodePorts: { 9080: 30080 }, externalTrafficPolicy: ExternalTrafficPolicy.LOCAL });
    expect(service({ exposure: nodePort }).spec).toStrictEqual({
      type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ port: 9080, name: 'http', nodePort: 30080 }], selector: { app: 'productpage' },
    });
    const lb = service({
      exposure: ServiceExposure.loadBalancer({ sourceRanges: ['203.0.113.0/24'], loadBalancerClass: 'service.k8s.aws/nlb' }),
      serviceAnnotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' },
    });
    expect(lb.spec).toStrictEqual({
      type: 'LoadBalancer',
      loadBalancerSourceRanges: ['203.0.113.0/24'],
      loadBalancerClass: 'service.k8s.aws/nlb',
      ports: [{ port: 9080, name: 'http' }],
      selector: { app: 'productpage' },
    });
    expect(lb.metadata.annotations).toStrictEqual({ 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' });
  });

  test('ClientIP session affinity with a timeout', () => {
    expect(service({ sessionAffinity: SessionAffinity.CLIENT_IP, sessionAffinityTimeout: Duration.minutes(30) }).spec).toStrictEqual({
      ports: [{ port: 9080, name: 'http' }],
      selector: { app: 'productpage' },
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 1800 } },
    });
  });

  test('fails on exposure that cannot work: headless and exposed, a node port of no service port, a timeout without ClientIP, bad ranges', () => {
    expect(synthError(app => {
      new MeshService(new MeshChart(app, 'c'), 'web', { ports: [{ port: 80 }], headless: true, exposure: ServiceExposure.nodePort() });
    })).toBe('[c/web] \'exposure\' cannot be combined with headless: a headless Service has no cluster IP to expose: got \'NodePort\'; '
      + 'remove headless, or expose the service through an IngressGateway');
    expect(synthError(app => {
      new MeshService(new MeshChart(app, 'c'), 'web', { ports: [{ port: 80 }], exposure: ServiceExposure.nodePort({ nodePorts: { 8080: 30080 } }) }).addVersion('v1', { image: 'nginx:1.27.0' });
    })).toContain('[c/web] \'exposure.nodePorts.8080\' must name a port of the service: got 8080; its ports are 80');
    expect(synthError(app => {
      new MeshService(new MeshChart(app, 'c'), 'web', { ports: [{ port: 80 }], sessionAffinityTimeout: Duration.minutes(5) });
    })).toBe('[c/web] \'sessionAffinityTimeout\' needs sessionAffinity: SessionAffinity.CLIENT_IP: got \'None\'');
    expect(synthError(app => {
      new MeshService(new MeshChart(app, 'c'), 'web', { ports: [{ port: 80 }], sessionAffinity: SessionAffinity.CLIENT_IP, sessionAffinityTimeout: Duration.hours(25) });
    })).toBe('[c/web] \'sessionAffinityTimeout\' must be whole seconds, at least 1 and at most 86400: got \'90000s\'');
    expect(errorOf(() => ServiceExposure.loadBalancer({ sourceRanges: ['everyone'] })))
      .toBe('ServiceExposure.loadBalancer: \'loadBalancer.sourceRanges\' must be CIDR blocks: got \'everyone\'; e.g. \'203.0.113.0/24\'');
    expect(errorOf(() => ServiceExposure.nodePort({ nodePorts: { 80: 1.5 } })))
      .toMatch(/^ServiceExposure.nodePort: 'nodePort.nodePorts.80' must be a whole port number/);
  });
});

describe('MeshService: autoscaling and disruption budgets per version', () => {
  const versionObjects = (props: Partial<ConstructorParameters<typeof MeshService>[2]>, version: Partial<Parameters<MeshService['addVersion']>[1]> = {}): any[] => synthObjects(app => {
    new MeshService(new MeshChart(app, 'c'), 'reviews', { ports: [{ port: 9080 }], ...props }).addVersion('v1', { image: 'example/reviews:1.0.0', ...version });
  });

  const spec = (objects: any[], kind: string): any => only(objects, kind);

  test('defaults: one replica, no autoscaler, no PodDisruptionBudget', () => {
    const objects = versionObjects({});
    expect(objects.map(o => o.kind).sort()).toStrictEqual(['Deployment', 'DestinationRule', 'Service', 'ServiceAccount']);
    expect(spec(objects, 'Deployment').spec.replicas).toBe(1);
  });

  test('two or more replicas get a PodDisruptionBudget of maxUnavailable 1 by default; DisruptionBudget.none() opts out', () => {
    expect(spec(versionObjects({ replicas: 3 }), 'PodDisruptionBudget')).toStrictEqual({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'reviews-v1', labels: { app: 'reviews', version: 'v1' } },
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'reviews', version: 'v1' } } },
    });
    expect(versionObjects({ replicas: 3 }, { disruptionBudget: DisruptionBudget.none() }).some(o => o.kind === 'PodDisruptionBudget')).toBe(false);
    expect(spec(versionObjects({ replicas: 4, disruptionBudget: DisruptionBudget.minAvailable('50%') }), 'PodDisruptionBudget').spec.minAvailable).toBe('50%');
  });

  test('an autoscaler (autoscaling/v2) per version: CPU 80% by default, memory and further metrics; the Deployment then has no replicas', () => {
    const objects = versionObjects({}, { autoscaling: Autoscaling.of({ minReplicas: 2, maxReplicas: 10 }) });
    expect(spec(objects, 'HorizontalPodAutoscaler')).toStrictEqual({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'reviews-v1', labels: { app: 'reviews', version: 'v1' } },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'reviews-v1' },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
      },
    });
    expect(spec(objects, 'Deployment').spec.replicas).toBeUndefined();
    // its minimum of two pods: the default budget
    expect(spec(objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    const custom = versionObjects({
      autoscaling: Autoscaling.of({
        minReplicas: 1,
        maxReplicas: 4,
        memoryUtilization: 70,
        metrics: [{ type: 'Pods', pods: { metric: { name: 'requests_per_second' }, target: { type: 'AverageValue', averageValue: k8s.Quantity.fromString('100') } } }],
      }),
    });
    expect(spec(custom, 'HorizontalPodAutoscaler').spec.metrics).toStrictEqual([
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Pods', pods: { metric: { name: 'requests_per_second' }, target: { type: 'AverageValue', averageValue: '100' } } },
    ]);
  });

  test('fails on scaling that cannot work: min > max, replicas beside an autoscaler, a budget no eviction could satisfy', () => {
    expect(errorOf(() => Autoscaling.of({ minReplicas: 5, maxReplicas: 2 })))
      .toBe('Autoscaling.of: \'maxReplicas\' must be a whole number of at least minReplicas: got 2; minReplicas is 5');
    expect(synthError(app => {
      new MeshService(new MeshChart(app, 'c'), 'reviews', { ports: [{ port: 9080 }], replicas: 2 })
        .addVersion('v1', { image: 'example/reviews:1.0.0', autoscaling: Autoscaling.of({ minReplicas: 2, maxReplicas: 4 }) });
    })).toBe('[c/reviews] \'versions.v1.replicas\' must not be given with autoscaling: the Deployment\'s replicas would fight the autoscaler: got 2; '
      + 'remove replicas (the autoscaler\'s minReplicas sets the floor)');
    expect(synthError(app => {
      new MeshService(new MeshChart(app, 'c'), 'reviews', { ports: [{ port: 9080 }], replicas: 2, disruptionBudget: DisruptionBudget.minAvailable(2) })
        .addVersion('v1', { image: 'example/reviews:1.0.0' });
    })).toBe('[c/reviews] \'versions.v1.disruptionBudget.minAvailable\' must be less than the version\'s pods, or no pod could ever be evicted '
      + '(a node drain would hang): got 2; it has 2: use DisruptionBudget.maxUnavailable(1), or more replicas');
    expect(errorOf(() => DisruptionBudget.maxUnavailable(0))).toMatch(/^DisruptionBudget.maxUnavailable: 'maxUnavailable' must let at least one pod go/);
    expect(errorOf(() => DisruptionBudget.minAvailable('150%'))).toMatch(/must be a whole number of pods or a percentage/);
    expect(errorOf(() => DisruptionBudget.minAvailable('100%'))).toBe('DisruptionBudget.minAvailable: \'minAvailable\' must let at least one pod go, '
      + 'or no node could ever be drained: got \'100%\'; use DisruptionBudget.maxUnavailable(1)');
  });
});

describe('MeshService: probes on the service, overridable per version', () => {
  const deployments = (props: Partial<ConstructorParameters<typeof MeshService>[2]>, v2: Partial<Parameters<MeshService['addVersion']>[1]> = {}): any[] => synthObjects(app => {
    const svc = new MeshService(new MeshChart(app, 'c'), 'web', { ports: [{ port: 80, targetPort: 8080 }, { port: 9090, name: 'grpc', protocol: Protocol.GRPC }], ...props });
    svc.addVersion('v1', { image: 'example/web:1.0.0' });
    svc.addVersion('v2', { image: 'example/web:2.0.0', ...v2 });
  }).filter(o => o.kind === 'Deployment').map(o => (o as any).spec.template.spec.containers[0]);

  test('default: no probes', () => {
    const [v1] = deployments({});
    expect([v1.readinessProbe, v1.livenessProbe, v1.startupProbe]).toStrictEqual([undefined, undefined, undefined]);
  });

  test('HTTP, TCP, gRPC and exec probes target the container port behind the service port; a version overrides the service\'s', () => {
    const [v1, v2] = deployments({
      readinessProbe: Probe.http('/ready', { headers: { 'X-Probe': 'kubelet' }, period: Duration.seconds(5) }),
      livenessProbe: Probe.grpc({ port: 9090, failureThreshold: 5 }),
      startupProbe: Probe.exec(['cat', '/tmp/started']),
    }, { readinessProbe: Probe.tcp({ initialDelay: Duration.seconds(10) }) });
    expect(v1.readinessProbe).toStrictEqual({ httpGet: { path: '/ready', port: 8080, httpHeaders: [{ name: 'X-Probe', value: 'kubelet' }] }, periodSeconds: 5 });
    expect(v1.livenessProbe).toStrictEqual({ grpc: { port: 9090 }, failureThreshold: 5 });
    expect(v1.startupProbe).toStrictEqual({ exec: { command: ['cat', '/tmp/started'] } });
    expect(v2.readinessProbe).toStrictEqual({ tcpSocket: { port: 8080 }, initialDelaySeconds: 10 });
    expect(v2.livenessProbe).toStrictEqual(v1.livenessProbe);
  });

  test('fails on a probe on a port the service does not declare, or a liveness success threshold other than 1', () => {
    expect(synthError(app => {
      new MeshService(new MeshChart(app, 'c'), 'web', { ports: [{ port: 80 }], readinessProbe: Probe.http('/ready', { port: 8081 }) })
        .addVersion('v1', { image: 'example/web:1.0.0' });
    })).toContain('[c/web] \'versions.v1.readinessProbe.port\' must be a port the service declares: got 8081; its ports are 80');
    expect(synthError(app => {
      new MeshService(new MeshChart(app, 'c'), 'web', { ports: [{ port: 80 }], livenessProbe: Probe.tcp({ successThreshold: 2 }) })
        .addVersion('v1', { image: 'example/web:1.0.0' });
    })).toContain('[c/web] \'versions.v1.livenessProbe.successThreshold\' must be 1 for a liveness probe (Kubernetes refuses another): got 2');
    expect(errorOf(() => Probe.http('ready'))).toBe('Probe.http: \'path\' must start with \'/\': got \'ready\'; use \'/ready\'');
    expect(errorOf(() => Probe.tcp({ period: Duration.millis(500) }))).toBe('Probe.tcp: \'period\' must be whole seconds, at least 1: got \'0.5s\'');
  });
});
