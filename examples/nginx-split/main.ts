import { buildNginxCanary, buildNginxSplit } from './app';
import { MeshApp } from '../../lib';

const app = new MeshApp();
const { nginx, gateway } = buildNginxSplit(app);
buildNginxCanary(app, nginx, gateway);
app.synth();
