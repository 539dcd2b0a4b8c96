import { buildIstioAddons, buildIstioZipkin, buildLinkerdAddons } from './app';
import { MeshApp } from '../../lib';

const app = new MeshApp();
buildIstioAddons(app);
buildIstioZipkin(app);
buildLinkerdAddons(app);
app.synth();
