/**
 * Istio's secure ingress task (tasks/traffic-management/ingress/secure-ingress), as a user following it would write it
 * with mesh-kit's typed constructs: HTTPS for httpbin.example.com at the ingress gateway, then mutual TLS, with Istio's
 * API and with the Gateway API, one chart (one file) per step that replaces another. The task's workloads (httpbin on
 * 8000, helloworld on 5000) and its credentials are istio/istio's samples and `kubectl create secret` commands: not in
 * the docs' YAML, not written here. What the typed API cannot write yet is left out and marked
 * `istio-docs: gap <Kind> <namespace>/<name> — why`.
 */
import { App } from 'cdk8s';
import { taskChart } from './chart';
import { GatewayProtocol, GatewayTls, HttpMatch, IngressGateway, IngressGatewayRoute, MeshNamespace, MeshService, RouteAction, TrafficApi } from '@mesh-kit/core';

/**
 * Istio's API (`secure-ingress.k8s.yaml`, `.mutual`, `.multiple-hosts`) or the Gateway API (`secure-ingress-gateway-api…`):
 * HTTPS for httpbin.example.com, then mutual TLS; apart from them, a second host on the same port, helloworld.example.com
 * with its own credential (two HTTPS servers on 443, told apart by their port names and hosts).
 */
export function secureIngress(app: App, trafficApi: TrafficApi = TrafficApi.ISTIO): void {
  const gatewayApi = trafficApi === TrafficApi.GATEWAY_API;
  const file = gatewayApi ? 'secure-ingress-gateway-api' : 'secure-ingress';
  const defaultNs = MeshNamespace.fromName('default');
  // the Gateway API's Gateway is in istio-system (the task's), Istio's Gateway beside its routes in default
  const gatewayNs = gatewayApi ? MeshNamespace.fromName('istio-system') : defaultNs;
  const step = (fileName: string, tls: GatewayTls, helloworld = false) => {
    const chart = taskChart(app, fileName, { trafficApi });
    const httpbin = MeshService.fromAttributes(chart, 'httpbin-service', { name: 'httpbin', namespace: 'default', ports: [{ port: 8000 }] });
    const servers = [{ port: 443, protocol: GatewayProtocol.HTTPS, name: helloworld ? 'https-httpbin' : 'https', hosts: ['httpbin.example.com'], tls }];
    if (helloworld) {
      servers.push({ port: 443, protocol: GatewayProtocol.HTTPS, name: 'https-helloworld', hosts: ['helloworld.example.com'], tls: GatewayTls.simple('helloworld-credential') });
    }
    const gateway = new IngressGateway(chart, 'mygateway', { namespace: gatewayNs, servers });
    new IngressGatewayRoute(chart, 'httpbin', {
      gateway,
      namespace: defaultNs,
      hosts: ['httpbin.example.com'],
      routes: [{ match: [HttpMatch.prefix('/status'), HttpMatch.prefix('/delay')], action: RouteAction.forward(httpbin, { port: 8000 }) }],
    });
    if (helloworld) {
      const hello = MeshService.fromAttributes(chart, 'helloworld-service', { name: 'helloworld', namespace: 'default', ports: [{ port: 5000 }] });
      new IngressGatewayRoute(chart, 'helloworld', {
        gateway,
        namespace: defaultNs,
        hosts: ['helloworld.example.com'],
        routes: [{ match: [HttpMatch.exact('/hello')], action: RouteAction.forward(hello, { port: 5000 }) }],
      });
    }
  };
  step(file, GatewayTls.simple('httpbin-credential'));
  step(`${file}.mutual`, GatewayTls.mutual('httpbin-credential'));
  step(`${file}.multiple-hosts`, GatewayTls.simple('httpbin-credential'), true);
}


/**
 * Istio's ingress task (tasks/traffic-management/ingress/ingress-control): httpbin's /status and /delay at
 * httpbin.example.com (`ingress-control.k8s.yaml`), then /headers for any host, for a browser
 * (`ingress-control.browser.k8s.yaml`); with Istio's API or the Gateway API (`ingress-control-gateway-api…`), the
 * Gateway beside its routes in default.
 */
export function ingressControl(app: App, trafficApi: TrafficApi = TrafficApi.ISTIO): void {
  const file = trafficApi === TrafficApi.GATEWAY_API ? 'ingress-control-gateway-api' : 'ingress-control';
  const namespace = MeshNamespace.fromName('default');
  const step = (fileName: string, hosts: string[], match: HttpMatch[]) => {
    const chart = taskChart(app, fileName, { trafficApi });
    const httpbin = MeshService.fromAttributes(chart, 'httpbin-service', { name: 'httpbin', namespace: 'default', ports: [{ port: 8000 }] });
    const gateway = new IngressGateway(chart, 'httpbin-gateway', { namespace, servers: [{ port: 80, name: 'http', protocol: GatewayProtocol.HTTP, hosts }] });
    new IngressGatewayRoute(chart, 'httpbin', { gateway, namespace, hosts, routes: [{ match, action: RouteAction.forward(httpbin, { port: 8000 }) }] });
  };
  step(file, ['httpbin.example.com'], [HttpMatch.prefix('/status'), HttpMatch.prefix('/delay')]);
  step(`${file}.browser`, ['*'], [HttpMatch.prefix('/headers')]);
}
