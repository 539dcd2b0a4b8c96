import { ANALYSIS, buildIstioAddons, buildIstioZipkin, buildLinkerdAddons } from './app';
import { MeshApp } from '@mesh-kit/core';

const app = new MeshApp({ analysis: ANALYSIS });
buildIstioAddons(app);
buildIstioZipkin(app);
buildLinkerdAddons(app);
app.synth();
