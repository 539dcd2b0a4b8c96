import { buildDelegation, buildEgress, buildGrpc, buildLocality, buildTcpShifting } from './app';
import { MeshApp, TrafficApi } from '@mesh-kit/core';

// the egress gateway is installed with the mesh (istioctl's demo profile), outside this app
const app = new MeshApp({ analysis: { externals: { namespaces: ['istio-system'], workloads: ['istio-system/istio=egressgateway'] } } });
buildTcpShifting(app);
buildTcpShifting(app, TrafficApi.GATEWAY_API);
buildEgress(app);
buildGrpc(app);
buildGrpc(app, TrafficApi.GATEWAY_API);
buildDelegation(app);
buildLocality(app);
app.synth();
