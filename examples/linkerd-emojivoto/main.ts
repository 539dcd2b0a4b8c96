import { buildEmojivoto } from './app';
import { buildEmojivotoAuthorization } from './authorization';
import { buildEmojiCanary } from './canary';
import { buildEmojivotoEgress, buildVotingRoutes } from './routes';
import { MeshApp } from '@mesh-kit/core';

const app = new MeshApp();
const emojivoto = buildEmojivoto(app);
buildVotingRoutes(app, emojivoto);
buildEmojivotoEgress(app);
buildEmojiCanary(app, emojivoto);
buildEmojivotoAuthorization(app, emojivoto);
app.synth();
