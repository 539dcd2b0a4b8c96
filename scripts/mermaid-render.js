// Renders Mermaid diagrams with Mermaid itself (the `mermaid` package's browser bundle) in Debian's headless Chromium:
// parse and render each, collecting errors; optionally a PNG screenshot of the first. Used by the tests (every example's
// picture must render) and by scripts/readme-artifacts.js (the picture of Bookinfo in docs/analysis-and-cli.md). No browser is downloaded.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

/** Debian's Chromium, when installed (.ci/run installs it). */
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(p => fs.existsSync(p));

/**
 * @param {string[]} diagrams
 * @param {{ screenshot?: string, width?: number, height?: number }} [options]
 * @returns {Array<{ ok: boolean, error?: string, svgBytes?: number }>}
 */
function renderMermaid(diagrams, options = {}) {
  if (!CHROMIUM) throw new Error('no Chromium: apt-get install chromium');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-mermaid-'));
  try {
    const bundle = require.resolve('mermaid/dist/mermaid.min.js');
    const page = path.join(dir, 'page.html');
    fs.writeFileSync(page, `<!doctype html><html><head><meta charset="utf-8"><script src="file://${bundle}"></script></head>
<body style="margin:0;background:white;font-family:'DejaVu Sans',sans-serif"><div id="shot" style="padding:16px"></div><pre id="out">pending</pre><script>
const diagrams = ${JSON.stringify(diagrams).replace(/</g, '\\u003c')};
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default', fontFamily: 'DejaVu Sans' });
(async () => {
  const results = [];
  for (let i = 0; i < diagrams.length; i++) {
    try {
      await mermaid.parse(diagrams[i]);
      const { svg } = await mermaid.render('d' + i, diagrams[i]);
      if (i === 0) document.getElementById('shot').innerHTML = svg;
      results.push({ ok: true, svgBytes: svg.length });
    } catch (e) {
      results.push({ ok: false, error: String((e && e.message) || e) });
    }
  }
  const out = document.getElementById('out');
  out.textContent = JSON.stringify(results);
  ${options.screenshot ? "out.style.display = 'none';" : ''}
})();
</script></body></html>`);
    const base = ['--headless', '--no-sandbox', '--disable-gpu', '--allow-file-access-from-files', '--virtual-time-budget=60000'];
    const r = spawnSync(CHROMIUM, [...base, '--dump-dom', `file://${page}`], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 180000 });
    const m = /<pre id="out"[^>]*>([\s\S]*?)<\/pre>/.exec(r.stdout || '');
    if (!m || m[1] === 'pending') throw new Error(`Chromium did not finish rendering: ${(r.stderr || '').slice(0, 500)}`);
    if (options.screenshot) {
      spawnSync(CHROMIUM, [...base, `--screenshot=${options.screenshot}`, `--window-size=${options.width || 1600},${options.height || 1000}`,
        '--hide-scrollbars', `file://${page}`], { timeout: 180000 });
    }
    return JSON.parse(m[1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { CHROMIUM, renderMermaid };
