import { MeshApp } from '@mesh-kit/core';
import { circuitBreaking, dynamicRequestRouting, retries, timeouts, trafficShifting } from './routing';

const app = new MeshApp();
dynamicRequestRouting(app);
retries(app);
timeouts(app);
circuitBreaking(app);
trafficShifting(app);
app.synth();
