/**
 * The mesh pictures rendered by Mermaid itself, in Debian's headless Chromium (slow tier: `npm run test:slow`).
 * Skipped, saying so, where Chromium is not installed (`.ci/run` installs it).
 */
import { App, Duration } from 'cdk8s';
import { Fault, HeaderMatch, HttpMatch, IngressGateway, IngressGatewayRoute, MeshChart, MeshService, RouteAction } from '../../lib';
import { renderApp } from '../../lib/hosting/cdk8s/render-app';
import { mermaidFlowchart } from '../../lib/picture/mermaid';
import { meshIntent } from '../../lib/picture/mesh-intent';
import { exampleNames, synthExample } from '../support/examples';
import { describeWithChromium, renderMermaid } from '../support/mermaid';

describeWithChromium('the mesh picture renders with Mermaid itself', () => {
  test('names with quotes, brackets, #, |, < > and unicode render', () => {
    const app = new App();
    const c = new MeshChart(app, 'shop', { namespace: 'shop' });
    const web = new MeshService(c, 'web', { ports: [{ port: 8080 }] });
    const [v1, v2] = [web.addVersion('v1', { image: 'nginx:1.27.0' }), web.addVersion('v2', { image: 'nginx:1.27.1' })];
    // the shop of test/picture/mesh-picture.test.ts: a tricky header route with a fault, a split with a mirror
    web.addRoute({
      match: [HttpMatch.headers(HeaderMatch.exact('x-user', 'jäson "the #1" [admin] | <b>'))],
      action: RouteAction.forward(v2),
      fault: Fault.delay(Duration.seconds(7), 10),
    });
    web.addRoute({
      action: RouteAction.weightedForward([{ target: v1, weight: 90 }, { target: v2, weight: 10 }]),
      mirror: { target: v2, percentage: 5 },
    });
    const gw = new IngressGateway(c, 'gw', { servers: [{ port: 8080, hosts: ['shop.example.com'] }] });
    new IngressGatewayRoute(c, 'edge', { gateway: gw, hosts: ['shop.example.com'], routes: [{ match: [HttpMatch.prefix('/ä#"[x]`')], action: RouteAction.forward(web) }] });
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
