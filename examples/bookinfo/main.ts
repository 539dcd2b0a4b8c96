import { App } from 'cdk8s';
import { buildBookinfo } from './app';

const app = new App();
buildBookinfo(app);
app.synth();
