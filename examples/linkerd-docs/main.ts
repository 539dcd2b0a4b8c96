import { egress, faultInjection, grpcRouting, multicluster, perRoutePolicy, rateLimiting, restrictingAccess } from './policy';
import { circuitBreaking, dynamicRequestRouting, retries, timeouts, trafficShifting } from './routing';
import { MeshApp } from '@mesh-kit/core';

// Linkerd's docs tasks (2-edge), one file per task: dist/<task>.k8s.yaml
const app = new MeshApp();
dynamicRequestRouting(app);
retries(app);
timeouts(app);
circuitBreaking(app);
trafficShifting(app);
faultInjection(app);
grpcRouting(app);
restrictingAccess(app);
perRoutePolicy(app);
rateLimiting(app);
egress(app);
multicluster(app);
app.synth();
