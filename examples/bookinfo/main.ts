import { buildBookinfoMesh } from './ambient';
import { buildBookinfo } from './app';
import { buildBookinfoGatewayApi } from './gateway-api';
import { buildBookinfoSecurity } from './security';
import { buildBookinfoSidecars } from './sidecars';
import { DataPlane, MeshApp } from '@mesh-kit/core';

const app = new MeshApp();
const bookinfo = buildBookinfo(app); // Istio's own API: dist/*.k8s.yaml
buildBookinfoSecurity(app, bookinfo); // mutual TLS and zero-trust authorization: dist/security.k8s.yaml
buildBookinfoSidecars(app, bookinfo); // each sidecar scoped to what its service calls (from the authorization): dist/sidecars.k8s.yaml
buildBookinfoGatewayApi(app); // the Gateway API: dist/gateway-api/*.k8s.yaml
buildBookinfoMesh(app, DataPlane.AMBIENT); // ambient mode (ztunnel, waypoints): dist/ambient/*.k8s.yaml
buildBookinfoMesh(app, DataPlane.SIDECAR); // the same code with sidecars, the other side of a migration: dist/sidecar/*.k8s.yaml
app.synth();
