import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Debian's headless Chromium, when installed (`.ci/run` installs it). */
export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(p => fs.existsSync(p));

/** `describe`, or a skip that says why when Chromium is not installed (a user's fresh clone may not have it). */
export function describeWithChromium(name: string, fn: () => void): void {
  if (CHROMIUM) {
    describe(name, fn);
  } else {
    // eslint-disable-next-line no-console
    console.warn(`${name}: SKIPPED, no Chromium (apt-get install chromium; .ci/run does)`);
    describe.skip(`${name} (SKIPPED: no Chromium; apt-get install chromium)`, fn);
  }
}

/** What Mermaid made of one diagram: its SVG's size, or its error. */
export interface MermaidResult {
  readonly ok: boolean;
  readonly error?: string;
  readonly svgBytes?: number;
}

/**
 * Renders Mermaid diagrams with Mermaid itself (the `mermaid` package's browser bundle) in headless Chromium: parse
 * and render each, collecting errors. `screenshot` also writes a PNG of the first diagram.
 */
export function renderMermaid(diagrams: readonly string[], screenshot?: string): MermaidResult[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-mermaid-'));
  try {
    const bundle = require.resolve('mermaid/dist/mermaid.min.js');
    const page = path.join(dir, 'page.html');
    fs.writeFileSync(page, `<!doctype html><html><head><meta charset="utf-8"><script src="file://${bundle}"></script></head>
<body style="margin:0;background:white"><div id="shot"></div><pre id="out">pending</pre><script>
const diagrams = ${JSON.stringify(diagrams).replace(/</g, '\\u003c')};
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', flowchart: { htmlLabels: true } });
(async () => {
  const results = [];
  for (let i = 0; i < diagrams.length; i++) {
    try {
      await mermaid.parse(diagrams[i]);
      const { svg } = await mermaid.render('d' + i, diagrams[i]);
      if (i === 0) document.getElementById('shot').innerHTML = svg;
      results.push({ ok: true, svgBytes: svg.length });
    } catch (e) {
      results.push({ ok: false, error: String(e && e.message || e) });
    }
  }
  document.getElementById('out').textContent = JSON.stringify(results);
  ${screenshot ? "document.getElementById('out').style.display = 'none';" : ''}
})();
</script></body></html>`);
    const base = [CHROMIUM!, '--headless', '--no-sandbox', '--disable-gpu', '--allow-file-access-from-files', '--virtual-time-budget=60000'];
    const r = spawnSync(base[0], [...base.slice(1), '--dump-dom', `file://${page}`], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
    const m = /<pre id="out"[^>]*>([\s\S]*?)<\/pre>/.exec(r.stdout ?? '');
    if (!m || m[1] === 'pending') throw new Error(`Chromium did not finish rendering: ${r.stderr?.slice(0, 500)}`);
    if (screenshot) {
      spawnSync(base[0], [...base.slice(1), `--screenshot=${screenshot}`, '--window-size=1400,900', '--hide-scrollbars', `file://${page}`], { timeout: 120_000 });
    }
    const text = m[1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    return JSON.parse(text) as MermaidResult[];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
