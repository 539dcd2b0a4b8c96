/** The Mermaid renderer of scripts/mermaid-render.js (headless Chromium), for the tests. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const renderer = require('../../scripts/mermaid-render') as {
  CHROMIUM?: string;
  renderMermaid(diagrams: readonly string[], options?: { screenshot?: string }): MermaidResult[];
};

/** Debian's headless Chromium, when installed (`.ci/run` installs it). */
export const CHROMIUM = renderer.CHROMIUM;

/** What Mermaid made of one diagram: its SVG's size, or its error. */
export interface MermaidResult {
  readonly ok: boolean;
  readonly error?: string;
  readonly svgBytes?: number;
}

/** Renders Mermaid diagrams with Mermaid itself in headless Chromium: parse and render each, collecting errors. */
export const renderMermaid = (diagrams: readonly string[]): MermaidResult[] => renderer.renderMermaid(diagrams);

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
