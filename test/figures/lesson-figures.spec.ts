/**
 * The workbook's own small figures: imshow (matplotlib's plt.imshow) and the
 * seen-vs-unseen accuracy per digit of question 6.
 */
import { expect } from 'chai';
import { PNG } from 'pngjs';
import * as tf from '@tensorflow/tfjs';
import { imshow } from '../../src/figures/imshow';
import { accuracyByClass, accuracyByClassSpec } from '../../src/evaluate/generalization';
import { NotebookDisplay, setNotebookDisplay } from '../../src/figures/display';
import { compile } from 'vega-lite';

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

describe('accuracy per digit, seen vs unseen (question 6)', () => {
  it('is the share of each digit\'s images predicted right', () => {
    expect(accuracyByClass([0, 0, 1, 1, 1, 2], [0, 1, 1, 1, 0, 2], 3)).to.deep.equal([0.5, 2 / 3, 1]);
    expect(accuracyByClass([0], [0], 2)).to.deep.equal([1, 0]);
    expect(() => accuracyByClass([0, 1], [0])).to.throw(/as many predictions as true labels, got 1 predictions for 2 labels/);
  });

  it('draws grouped bars per digit, one colour per named set, the axis starting just below the lowest bar', () => {
    const spec = accuracyByClassSpec({ seen: [1, 0.99], unseen: [0.97, 0.95] }, { title: 'T' }) as unknown as {
      title: string; data: { values: { set: string; label: string; accuracy: number }[] }; encoding: { xOffset: { field: string }; y: { scale: { domain: number[] } } };
    };
    expect(spec.title).to.equal('T');
    expect(spec.data.values).to.deep.include({ set: 'unseen', label: '1', accuracy: 0.95 });
    expect(spec.data.values).to.have.length(4);
    expect(spec.encoding.xOffset.field).to.equal('set');
    expect(spec.encoding.y.scale.domain).to.deep.equal([0.94, 1]);
    expect(() => accuracyByClassSpec({})).to.throw(/at least one named set/);
    // Vega-Lite compiles it to a Vega spec with the grouped (xOffset) bars.
    expect(JSON.stringify(compile(accuracyByClassSpec({ seen: [1, 0.99], unseen: [0.97, 0.95] })).spec)).to.include('xOffset');
  });
});
