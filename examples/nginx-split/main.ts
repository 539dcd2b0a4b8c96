import { buildNginxCanary, buildNginxSplit } from './app';
import { MeshApp } from '@mesh-kit/core';

const app = new MeshApp();
const { nginx, gateway } = buildNginxSplit(app);
buildNginxCanary(app, nginx, gateway);
app.synth();
