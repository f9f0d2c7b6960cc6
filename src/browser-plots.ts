/**
 * The `--show` window of `npm start`: training curves and the confusion
 * matrix as interactive plotly charts, served by nodeplotlib, which opens
 * them in the browser. nodeplotlib shows nothing inside a notebook; the
 * notebook uses the Vega-Lite figures instead.
 */
import type { Layout, Plot } from 'nodeplotlib';

export interface BrowserFigure {
  data: Plot[];
  layout: Layout;
}

/** Plotly traces for loss and accuracy per epoch, validation included where present. */
export function curvesFigure(history: { loss: number[]; accuracy: number[]; val_loss?: number[]; val_accuracy?: number[] }): BrowserFigure {
  const epochs = history.loss.map((_, i) => i + 1);
  const series: [string, number[] | undefined, string][] = [
    ['loss', history.loss, 'y'],
    ['val_loss', history.val_loss, 'y'],
    ['accuracy', history.accuracy, 'y2'],
    ['val_accuracy', history.val_accuracy, 'y2'],
  ];
  return {
    data: series
      .filter((s): s is [string, number[], string] => s[1] !== undefined)
      .map(([name, y, axis]) => ({ x: epochs, y, name, type: 'scatter', mode: 'lines+markers', yaxis: axis })),
    layout: {
      title: 'Training curves',
      xaxis: { title: 'epoch', dtick: 1 },
      yaxis: { title: 'loss' },
      yaxis2: { title: 'accuracy', overlaying: 'y', side: 'right' },
    },
  };
}

/** A plotly heatmap of the confusion matrix, true digit by row. */
export function confusionFigure(matrix: number[][]): BrowserFigure {
  const digits = matrix.map((_, i) => String(i));
  return {
    data: [{ z: matrix, x: digits, y: digits, type: 'heatmap', colorscale: 'Blues', reversescale: true }],
    layout: { title: 'Confusion matrix', xaxis: { title: 'predicted' }, yaxis: { title: 'true', autorange: 'reversed' } },
  };
}

/** Opens the figures in a browser window (nodeplotlib starts a local server). */
export async function showInBrowser(figures: BrowserFigure[]): Promise<void> {
  // Loaded only here: nodeplotlib starts a web framework when it loads.
  const { plot } = await import('nodeplotlib');
  for (const figure of figures) plot(figure.data, figure.layout);
}
