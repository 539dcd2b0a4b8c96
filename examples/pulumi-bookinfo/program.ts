/**
 * Bookinfo as a Pulumi program: Pulumi creates the namespace, the gateway's TLS credential and the site settings;
 * mesh-kit's constructs take their names and values as Outputs (`MeshInput.string`), and `MeshComponent` registers one
 * resource per object `cdk8s synth` would write — after Istio's Helm releases — resolving those Outputs in the inputs of
 * the resources that hold them.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { bookinfoServices } from '../bookinfo/app';
import {
  EnvValue, GatewayProtocol, GatewayTls, HttpMatch, IngressGateway, IngressGatewayRoute, IstioGateway, IstioInstallation, MeshChart, MeshNamespace,
  RouteAction,
} from '@mesh-kit/core';
import { MeshComponent, MeshInput } from '@mesh-kit/core/pulumi';

/** The values the app takes from elsewhere: plain strings under cdk8s, MeshInputs (Pulumi Outputs) in the program. */
export interface BookinfoValues {
  readonly namespace: string;
  readonly hostname: string;
  readonly credentialName: string;
  readonly sessionKey: string;
  readonly tag: string;
}

/** The cdk8s app: Istio's installation and ingress gateway, Bookinfo in `namespace`, its gateway on `hostname`. */
export function buildBookinfoApp(v: BookinfoValues): App {
  const app = new App();
  const istio = new MeshChart(app, 'istio', { namespace: 'istio-system' });
  const installation = new IstioInstallation(istio, 'istio', { version: '1.28.0' });
  new IstioGateway(istio, 'istio-ingressgateway', { installation });

  const platform = new MeshChart(app, 'bookinfo');
  const ns = MeshNamespace.fromName(v.namespace);
  // productpage's session key as an environment variable: from the stack's secrets, its Deployment's spec stays secret
  const { productpage } = bookinfoServices(platform, {
    tag: v.tag, namespace: ns, productpageEnv: { FLASK_SECRET_KEY: EnvValue.fromValue(v.sessionKey) },
  });

  const ingress = new MeshChart(app, 'bookinfo-gateway');
  const gateway = new IngressGateway(ingress, 'bookinfo-gateway', {
    namespace: { name: 'istio-system' },
    servers: [
      { port: 8443, protocol: GatewayProtocol.HTTPS, name: 'https', hosts: [v.hostname], tls: GatewayTls.simple(v.credentialName) },
      { port: 8080, hosts: [v.hostname], httpsRedirect: true },
    ],
  });
  new IngressGatewayRoute(ingress, 'bookinfo', {
    namespace: ns,
    gateway,
    hosts: [v.hostname],
    routes: [{ match: [HttpMatch.exact('/productpage'), HttpMatch.prefix('/static')], action: RouteAction.forward(productpage) }],
  });
  return app;
}

/** What the program makes: the component and the resources Pulumi creates for it. */
export interface BookinfoProgram {
  readonly mesh: MeshComponent;
  readonly namespace: k8s.core.v1.Namespace;
  readonly credential: k8s.core.v1.Secret;
  readonly site: k8s.core.v1.ConfigMap;
}

/** Builds the program under the component name `name` (one per stack). */
export function bookinfoProgram(name = 'bookinfo'): BookinfoProgram {
  const config = new pulumi.Config();
  // the namespace, created and labelled for injection by Pulumi: the constructs only take its name
  const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: config.get('namespace') ?? 'bookinfo', labels: { 'istio-injection': 'enabled' } } });
  // the gateway's certificate, from the stack's secrets: never in the manifests, only the Secret's name is
  const credential = new k8s.core.v1.Secret(`${name}-credential`, {
    metadata: { name: 'bookinfo-credential', namespace: 'istio-system' },
    type: 'kubernetes.io/tls',
    stringData: { 'tls.crt': config.requireSecret('tlsCert'), 'tls.key': config.requireSecret('tlsKey') },
  });
  // the public host name, from another resource (the platform's site settings)
  const site = new k8s.core.v1.ConfigMap(`${name}-site`, {
    metadata: { name: 'bookinfo-site', namespace: 'istio-system' },
    data: { hostname: config.get('hostname') ?? 'bookinfo.example.com' },
  });
  const app = buildBookinfoApp({
    namespace: MeshInput.string(namespace.metadata.name),
    hostname: MeshInput.string(site.data.apply(d => d.hostname)),
    credentialName: MeshInput.string(credential.metadata.name),
    sessionKey: MeshInput.string(config.requireSecret('sessionKey')),
    tag: config.get('bookinfoTag') ?? '1.20.2',
  });

  // the Secret and ConfigMap are Pulumi's, not the app's: the analysis is told they exist
  const mesh = new MeshComponent(name, { app, analysis: { externals: { secrets: ['istio-system/bookinfo-credential'] } } });
  return { mesh, namespace, credential, site };
}
