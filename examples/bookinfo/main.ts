import { buildBookinfo } from './app';
import { buildBookinfoGatewayApi } from './gateway-api';
import { MeshApp } from '../../lib';

const app = new MeshApp();
buildBookinfo(app); // Istio's own API: dist/*.k8s.yaml
buildBookinfoGatewayApi(app); // the Gateway API: dist/gateway-api/*.k8s.yaml
app.synth();
