// imshow, matplotlib's plt.imshow for the workbook.
import { expect } from 'chai';
import { PNG } from 'pngjs';
import * as tf from '@tensorflow/tfjs';
import { imshow } from '../../src/figures/imshow';
import { NotebookDisplay, setNotebookDisplay } from '../../src/figures/display';

describe('imshow', () => {
  const shown: Uint8Array[] = [];
  const display: NotebookDisplay = { png: (b) => { shown.push(b); }, markdown: () => undefined, text: () => undefined, raw: () => undefined };
  before(() => setNotebookDisplay({ display, newDisplay: () => display }));
  after(() => setNotebookDisplay(null));
  beforeEach(() => { shown.length = 0; });

  it('shows a normalized 28×28 tensor as the same picture as its 0–255 pixels, 4× by default', () => {
    const pixels = new Uint8Array(784).map((_, i) => (i * 13) % 256);
    const tensor = tf.tidy(() => tf.tensor(pixels, [28, 28], 'float32').div(255));
    imshow(tensor);
    imshow(pixels);
    tensor.dispose();
    expect(shown).to.have.length(2);
    const [a, b] = shown.map((png) => PNG.sync.read(Buffer.from(png)));
    expect([a.width, a.height]).to.deep.equal([112, 112]);
    expect(a.data.equals(b.data)).to.equal(true);
  });

  it('refuses an image that is not 784 pixels, saying what it expected', () => {
    expect(() => imshow(new Uint8Array(100))).to.throw(/expected 784 pixels \(28×28\), got 100/);
  });
});
