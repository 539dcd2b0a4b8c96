import { buildNginxSplit } from './app';
import { MeshApp } from '../../lib';

const app = new MeshApp();
buildNginxSplit(app);
app.synth();
