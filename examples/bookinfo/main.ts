import { buildBookinfo } from './app';
import { buildBookinfoGatewayApi } from './gateway-api';
import { buildBookinfoSecurity } from './security';
import { MeshApp } from '../../lib';

const app = new MeshApp();
const bookinfo = buildBookinfo(app); // Istio's own API: dist/*.k8s.yaml
buildBookinfoSecurity(app, bookinfo); // mutual TLS and zero-trust authorization: dist/security.k8s.yaml
buildBookinfoGatewayApi(app); // the Gateway API: dist/gateway-api/*.k8s.yaml
app.synth();
