import { ambientGettingStarted, ambientWaypoint } from './ambient';
import { authzDeny, authzHttp, authzIngress, authzTcp } from './authz';
import { egressControl, egressGateway } from './egress';
import { ingressControl, secureIngress } from './ingress';
import { mirroring } from './mirroring';
import { authnPolicy, authzJwt, mtlsMigration } from './security';
import { tlsOrigination } from './tls-origination';
import { circuitBreaking, requestTimeouts } from './traffic';
import { MeshApp, TrafficApi } from '@mesh-kit/core';

// Istio's docs tasks that no other example reproduces, one file per task (and per step that replaces another):
// dist/<task>[.<step>].k8s.yaml
// What the tasks deploy or create outside the YAML they show: istio/istio's samples (httpbin in foo and bar), the
// credentials of `kubectl create secret`, and the ingress and egress gateways installed with the mesh (the demo profile)
const app = new MeshApp({
  analysis: {
    externals: {
      namespaces: ['istio-system', 'default', 'foo', 'bar', 'common-infrastructure'],
      secrets: ['istio-system/httpbin-credential', 'istio-system/helloworld-credential'],
      workloads: ['default/app=httpbin', 'default/app=productpage', 'default/app=details', 'default/app=reviews', 'default/app=ratings', 'foo/app=tcp-echo', 'foo/app=httpbin', 'bar/app=httpbin', 'istio-system/istio=ingressgateway', 'istio-system/app=istio-ingressgateway', 'istio-system/istio=egressgateway'],
    },
  },
});
circuitBreaking(app);
requestTimeouts(app);
ingressControl(app);
ingressControl(app, TrafficApi.GATEWAY_API);
secureIngress(app);
secureIngress(app, TrafficApi.GATEWAY_API);
mirroring(app);
mirroring(app, TrafficApi.GATEWAY_API);
egressControl(app);
egressGateway(app);
tlsOrigination(app);
authzHttp(app);
authzTcp(app);
authzDeny(app);
authzIngress(app);
authzJwt(app);
authnPolicy(app);
mtlsMigration(app);
ambientGettingStarted(app);
ambientWaypoint(app);
app.synth();
