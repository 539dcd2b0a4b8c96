import { App } from 'cdk8s';
import { MeshChart, MeshService, Protocol, TransportProtocol } from '../../lib';
import { errorOf } from '../support/errors';
import { expectSchemaValid } from '../support/schemas';
import { only, synthError, synthObjects } from '../support/synth';

const portsOf = (o: object) =>
  ((o as { spec: unknown }).spec as { template: { spec: { containers: Array<{ ports?: unknown }> } } }).template.spec.containers[0].ports;

describe('containerPorts: ports the containers listen on that the Service does not expose', () => {
  test('written on every version\'s container after the Service\'s ports; the Service keeps its own', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      const s = new MeshService(new MeshChart(app, 'c'), 'web', {
        ports: [{ port: 80, targetPort: 8080 }],
        containerPorts: [{ port: 9090, name: 'metrics' }, { port: 5353, protocol: TransportProtocol.UDP }, { port: 15000, protocol: TransportProtocol.TCP }],
      });
      s.addVersion('v1', { image: 'example/web:1.0.0' });
      s.addVersion('v2', { image: 'example/web:2.0.0' });
    }));
    for (const d of ['web-v1', 'web-v2']) {
      expect(portsOf(only(objects, 'Deployment', d))).toStrictEqual([
        { containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }, { containerPort: 5353, protocol: 'UDP' }, { containerPort: 15000 },
      ]);
    }
    expect((only(objects, 'Service', 'web').spec as { ports: unknown }).ports).toStrictEqual([{ name: 'http', port: 80, targetPort: 8080 }]);
  });

  test('the default: the containers declare the Service\'s ports only', () => {
    const objects = synthObjects(app => {
      new MeshService(new MeshChart(app, 'c'), 'web', { ports: [{ port: 80 }], image: 'example/web:1.0.0' });
    });
    expect(portsOf(only(objects, 'Deployment', 'web'))).toStrictEqual([{ containerPort: 80 }]);
  });

  const chart = () => new MeshChart(new App(), 'c');
  test.each([
    ['a port is out of range', [{ port: 0 }], '[c/web] \'containerPorts[0].port\' must be a port number (a whole number from 1 to 65535): got 0'],
    ['a name is not an IANA service name', [{ port: 9090, name: 'prometheus-metrics' }],
      '[c/web] \'containerPorts[0].name\' must be an IANA service name: at most 15 lower-case letters, digits and \'-\', with a letter: got \'prometheus-metrics\'; e.g. \'metrics\''],
    ['a name has no letter', [{ port: 9090, name: '9090' }],
      '[c/web] \'containerPorts[0].name\' must be an IANA service name: at most 15 lower-case letters, digits and \'-\', with a letter: got \'9090\'; e.g. \'metrics\''],
    ['a protocol is not one (from JavaScript)', [{ port: 9090, protocol: 'HTTP' as TransportProtocol }],
      '[c/web] MeshService: \'props.containerPorts[0].protocol\' must be one of \'SCTP\', \'TCP\', \'UDP\': got \'HTTP\'; write one of the values listed'],
    ['a port is given twice', [{ port: 9090 }, { port: 9090, name: 'metrics' }], '[c/web] \'containerPorts.port\' must be unique within the container: got \'9090/TCP\''],
    ['a name is given twice', [{ port: 9090, name: 'm' }, { port: 9091, name: 'm' }], '[c/web] \'containerPorts.name\' must be unique within the container: got \'m\''],
  ])('fails at once if %s', (_n, containerPorts, message) => {
    expect(errorOf(() => new MeshService(chart(), 'web', { ports: [{ port: 80 }], containerPorts }))).toBe(message);
  });

  test('fails at synth if the Service targets the port (it is exposed) or a Service port\'s container port has the name', () => {
    expect(synthError(app => {
      const s = new MeshService(new MeshChart(app, 'c'), 'web', { ports: [{ port: 80 }], containerPorts: [{ port: 8080 }], image: 'example/web:1.0.0' });
      s.addPort({ port: 81, name: 'http-admin', targetPort: 8080 });
    })).toBe('Validation failed with the following errors:\n  [c/web] \'containerPorts[0].port\' is the target of the Service\'s port 81: the Service exposes it: got 8080; leave it out of containerPorts');
    expect(synthError(app => {
      new MeshService(new MeshChart(app, 'c'), 'web', {
        ports: [{ port: 80, containerPortName: 'web' }], containerPorts: [{ port: 9090, name: 'web' }], image: 'example/web:1.0.0',
      });
    })).toBe('Validation failed with the following errors:\n  [c/web] \'containerPorts[0].name\' is the container port name of the Service\'s port 80: got \'web\'; give another name');
  });

  test('a UDP container port beside a TCP Service port of the same number is not exposed by it', () => {
    const objects = synthObjects(app => {
      new MeshService(new MeshChart(app, 'c'), 'dns', { ports: [{ port: 53, name: 'tcp-dns', protocol: Protocol.TCP }], containerPorts: [{ port: 53, protocol: TransportProtocol.UDP }], image: 'example/dns:1.0.0' });
    });
    expect(portsOf(only(objects, 'Deployment', 'dns'))).toStrictEqual([{ containerPort: 53 }, { containerPort: 53, protocol: 'UDP' }]);
  });
});
