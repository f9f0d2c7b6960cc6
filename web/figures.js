// Draws the figures of `npm start -- --show`: each is a Vega-Lite spec from
// src/figures/figures.ts (the ones also written as SVG to out/), compiled by vega-lite
// and rendered by vega, both loaded from this machine. When the page goes
// away it tells the server, so that `npm start` can finish. Type-checked by
// `npm run typecheck` (web/tsconfig.json) against vega's and vega-lite's own types.
// @ts-check
(async function main() {
  const status = /** @type {HTMLElement} */ (document.getElementById('status'));
  const figuresBox = /** @type {HTMLElement} */ (document.getElementById('figures'));
  window.addEventListener('pagehide', () => navigator.sendBeacon('/closed'));
  try {
    const response = await fetch('/figures.json');
    if (!response.ok) throw new Error(`the server answered ${response.status} for the figures`);
    /** @type {{ title: string, spec: import('vega-lite').TopLevelSpec }[]} */
    const figures = await response.json();
    for (const figure of figures) {
      const section = document.createElement('section');
      section.className = 'figure';
      const title = document.createElement('h2');
      title.textContent = figure.title;
      const chart = document.createElement('div');
      section.append(title, chart);
      figuresBox.append(section);
      const view = new vega.View(vega.parse(vegaLite.compile(figure.spec).spec), { renderer: 'svg', container: chart, hover: true });
      await view.runAsync();
      section.dataset.state = 'drawn';
    }
    status.textContent = 'Close this page (or press Ctrl+C in the terminal) when you are done; the figures are also saved in the --out folder.';
    document.body.dataset.state = 'drawn';
  } catch (error) {
    status.textContent = `Could not draw the figures: ${error instanceof Error ? error.message : String(error)}`;
    document.body.dataset.state = 'error';
  }
})();
