/**
 * The mesh pictures rendered by Mermaid itself, in Debian's headless Chromium (slow tier: `npm run test:slow`).
 * Skipped, saying so, where Chromium is not installed (`.ci/run` installs it).
 */
import { App } from 'cdk8s';
import { renderApp } from '../../lib/hosting/cdk8s/render-app';
import { mermaidFlowchart } from '../../lib/picture/mermaid';
import { meshIntent } from '../../lib/picture/mesh-intent';
import { exampleNames, synthExample } from '../support/examples';
import { describeWithChromium, renderMermaid } from '../support/mermaid';
import { shop } from '../support/pictures';

describeWithChromium('the mesh picture renders with Mermaid itself', () => {
  test('names with quotes, brackets, #, |, < > and unicode render', () => {
    // the shop of test/picture/mesh-picture.test.ts: a tricky header route with a fault, a split with a mirror
    const app = new App();
    shop(app);
    const results = renderMermaid([mermaidFlowchart(meshIntent(renderApp(app)[0].objects))]);
    expect(results).toStrictEqual([{ ok: true, svgBytes: expect.any(Number) }]);
  });

  test('Mermaid parses and renders every flowchart of every example', () => {
    const diagrams = exampleNames().flatMap(name => [...(synthExample(name).get('mesh-kit-graph.md') ?? '').matchAll(/```mermaid\n([\s\S]*?)```/g)]
      .map((m, i) => ({ where: `${name} #${i + 1}`, text: m[1] })));
    expect(diagrams.length).toBeGreaterThan(50);
    const results = renderMermaid(diagrams.map(d => d.text));
    expect(results.map((r, i) => (r.ok ? 'ok' : `${diagrams[i].where}: ${r.error}`)).filter(x => x !== 'ok')).toStrictEqual([]);
  }, 300_000);
});
