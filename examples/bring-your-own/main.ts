import { buildBringYourOwn, buildStorefrontCanary } from './app';
import { MeshApp } from '../../lib';

const app = new MeshApp();
const { storefront } = buildBringYourOwn(app);
buildStorefrontCanary(app, storefront);
app.synth();
