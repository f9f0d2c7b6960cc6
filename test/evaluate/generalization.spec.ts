// Seen vs unseen accuracy per digit (question 6).
import { expect } from 'chai';
import { compile } from 'vega-lite';
import { accuracyByClass, accuracyByClassSpec } from '../../src/evaluate/generalization';

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
