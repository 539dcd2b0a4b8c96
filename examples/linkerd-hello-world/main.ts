import { buildLinkerd1, buildLinkerd2, buildLinkerd2Split } from './app';
import { MeshApp } from '@mesh-kit/core';

const app = new MeshApp();
const { world } = buildLinkerd2(app);
buildLinkerd2Split(app, world);
buildLinkerd1(app);
app.synth();
