import { buildBringYourOwn, buildStorefrontCanary } from './app';
import { MeshApp } from '@mesh-kit/core';

const app = new MeshApp();
const { storefront } = buildBringYourOwn(app);
buildStorefrontCanary(app, storefront);
app.synth();
