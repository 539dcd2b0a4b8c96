import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { EnvValue, MeshChart, MeshNamespace, MeshService } from '@mesh-kit/core';
import { MeshComponent, MeshInput } from '@mesh-kit/core/pulumi';

const config = new pulumi.Config();
const ns = new k8s.core.v1.Namespace('shop', { metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } });
const app = new App();
const web = new MeshService(new MeshChart(app, 'shop'), 'web', {
  namespace: MeshNamespace.fromName(MeshInput.string(ns.metadata.name)),
  ports: [{ port: 8080 }],
  image: MeshInput.string(pulumi.interpolate`ghcr.io/acme/web:${config.require('tag')}`),
  env: { API_KEY: EnvValue.fromValue(MeshInput.string(config.requireSecret('apiKey'))) },
});
const mesh = new MeshComponent('shop', { app });
export const host = mesh.services['shop/web'].host;   // shop's in-cluster host name, an Output
// docs: end. A whole program: nothing more is declared.
export { web };
