import { buildEmojiCanary, buildEmojivoto, buildEmojivotoAuthorization } from './app';
import { MeshApp } from '@mesh-kit/core';

const app = new MeshApp();
const emojivoto = buildEmojivoto(app);
buildEmojiCanary(app, emojivoto);
buildEmojivotoAuthorization(app, emojivoto);
app.synth();
