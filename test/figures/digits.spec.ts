/**
 * Tests for the digit PNGs (digits.ts): decoded with pngjs to check layout and
 * pixel values, plus the caption table and input validation.
 */
import { expect } from 'chai';
import { PNG } from 'pngjs';
import { digitGridCaption, digitGridPng, digitOnPaperPng, digitPng } from '../../src/figures/digits';

const SIDE = 28;
const SIZE = SIDE * SIDE;

/** `count` synthetic 28×28 images: image k has value (k*37 + r*3 + c) % 256 at (r, c). */
function dataset(count: number): Uint8Array {
  const data = new Uint8Array(count * SIZE);
  for (let k = 0; k < count; k++) {
    for (let p = 0; p < SIZE; p++) {
      data[k * SIZE + p] = (k * 37 + Math.floor(p / SIDE) * 3 + (p % SIDE)) % 256;
    }
  }
  return data;
}

function decode(png: Buffer): PNG {
  return PNG.sync.read(png);
}

/** Grey value at (x, y) of a decoded PNG (pngjs always decodes to RGBA). */
function at(img: PNG, x: number, y: number): number {
  const i = (y * img.width + x) * 4;
  expect(img.data[i], 'grey pixel: R = G').to.equal(img.data[i + 1]);
  expect(img.data[i], 'grey pixel: R = B').to.equal(img.data[i + 2]);
  return img.data[i];
}

describe('digits', () => {
  describe('digitPng', () => {
    it('draws one image at 2× by default, white ink on black', () => {
      const pixels = new Uint8Array(SIZE);
      pixels[5 * SIDE + 7] = 255; // ink at row 5, column 7
      const img = decode(digitPng(pixels));
      expect([img.width, img.height]).to.deep.equal([56, 56]);
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) expect(at(img, 14 + dx, 10 + dy)).to.equal(255);
      expect(at(img, 0, 0)).to.equal(0);
      expect(at(img, 16, 10)).to.equal(0);
    });

    it('honours scale and non-square sizes', () => {
      const pixels = new Uint8Array(3 * 5).map((_, i) => i * 10);
      const img = decode(digitPng(pixels, { rows: 3, cols: 5, scale: 3 }));
      expect([img.width, img.height]).to.deep.equal([15, 9]);
      expect(at(img, 3 * 4 + 2, 3 * 2 + 1)).to.equal((2 * 5 + 4) * 10);
    });

    it('rejects a wrong pixel count with what was expected', () => {
      expect(() => digitPng(new Uint8Array(100))).to.throw(/expected 784 pixels \(28×28\), got 100/);
    });
  });

  describe('digitGridPng', () => {
    const images = dataset(30);

    it('lays out tiles left to right, top to bottom, with a grey gap', () => {
      const img = decode(digitGridPng(images, [4, 9, 2, 20, 7], { perRow: 3 }));
      const tile = SIDE * 2 + 2; // 56 px tile + 2 px gap
      expect(img.width).to.equal(3 * 56 + 2 * 2);
      expect(img.height).to.equal(2 * 56 + 2);
      // Tile 4 (row 1, column 0) shows image 20; its pixel (r=10, c=6) is at (12, tile + 20).
      expect(at(img, 12, tile + 20)).to.equal((20 * 37 + 10 * 3 + 6) % 256);
      // Tile 1 (row 0, column 1) shows image 9 at its top-left corner.
      expect(at(img, tile, 0)).to.equal((9 * 37) % 256);
      // The gap column between tiles 0 and 1.
      expect(at(img, 56, 0)).to.equal(96);
      expect(at(img, 57, 30)).to.equal(96);
    });

    it('defaults to at most 10 tiles per row', () => {
      const img = decode(digitGridPng(images, Array.from({ length: 25 }, (_, i) => i), { scale: 1, gap: 1 }));
      expect([img.width, img.height]).to.deep.equal([10 * 28 + 9, 3 * 28 + 2]);
      const few = decode(digitGridPng(images, [0, 1, 2], { scale: 1, gap: 1 }));
      expect([few.width, few.height]).to.deep.equal([3 * 28 + 2, 28]);
    });

    it('gives the same PNG for Uint8Array 0–255 and Float32Array 0–1', () => {
      const floats = Float32Array.from(images, (v) => v / 255);
      const indices = [0, 5, 29, 13];
      expect(digitGridPng(floats, indices).equals(digitGridPng(images, indices))).to.equal(true);
      const one = images.subarray(3 * SIZE, 4 * SIZE);
      expect(digitPng(Float32Array.from(one, (v) => v / 255)).equals(digitPng(one))).to.equal(true);
    });

    it('rejects bad input with what was expected', () => {
      expect(() => digitGridPng(images, [30])).to.throw(/indices\[0\] = 30 is out of range; expected an integer in \[0, 29\] \(30 images\)/);
      expect(() => digitGridPng(images, [1, -1])).to.throw(/indices\[1\] = -1 is out of range/);
      expect(() => digitGridPng(images, [1.5])).to.throw(/indices\[0\] = 1.5/);
      expect(() => digitGridPng(images, [])).to.throw(/at least one index/);
      expect(() => digitGridPng(new Uint8Array(SIZE + 1), [0])).to.throw(/multiple of 784 \(28×28 pixels per image\), got 785/);
      expect(() => digitGridPng(images, [0], { scale: 1.5 })).to.throw(/scale must be a positive integer, got 1.5/);
      expect(() => digitGridPng(images, [0], { perRow: 0 })).to.throw(/perRow must be a positive integer, got 0/);
      expect(() => digitGridPng(images, [0], { gap: -1 })).to.throw(/gap must be a non-negative integer/);
    });

    it('draws each caption in a strip right under its tile, centred, white on the gap grey', () => {
      const black = new Uint8Array(4 * SIZE);
      const img = decode(digitGridPng(black, [0, 1, 2, 3], { perRow: 2, captions: ['7→2', '1', '', '0.5'] }));
      const strip = 18; // 7-pixel glyphs drawn 2× with a pixel of margin above and below
      expect([img.width, img.height]).to.deep.equal([2 * 56 + 2, 2 * (56 + strip) + 2]);
      const inked = (x0: number, y0: number, w: number, h: number): number => {
        let n = 0;
        for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) if (at(img, x, y) === 255) n++;
        return n;
      };
      // Under tile 0: ink inside its strip, none in the tile above (all black) or beyond its width.
      expect(inked(0, 56, 56, strip)).to.be.greaterThan(40);
      expect(inked(0, 0, 56, 56)).to.equal(0);
      // "1" is narrower than "7→2"; the empty caption draws nothing; tile 3's strip is in the second row.
      expect(inked(58, 56, 56, strip)).to.be.greaterThan(0).and.below(inked(0, 56, 56, strip));
      expect(inked(0, 56 + strip + 2 + 56, 56, strip)).to.equal(0);
      expect(inked(58, 56 + strip + 2 + 56, 56, strip)).to.be.greaterThan(0);
      // The strip background is the gap grey.
      expect(at(img, 0, 56)).to.equal(96);
    });

    it('refuses captions it cannot draw: wrong count, unknown characters, too long for the tile', () => {
      expect(() => digitGridPng(images, [0, 1], { captions: ['1'] })).to.throw(/one caption per image, got 1 captions for 2 images/);
      expect(() => digitGridPng(images, [0], { captions: ['Ä'] })).to.throw(/cannot draw "Ä" in a caption; captions take digits, letters a–z/);
      expect(() => digitGridPng(images, [0], { scale: 1, captions: ['12345678'] })).to.throw(/too long for a tile 28 pixels wide/);
    });

    it('rejects 0–255 values in a Float32Array and unsupported array types', () => {
      const raw = Float32Array.from(images);
      expect(() => digitGridPng(raw, [1])).to.throw(/Float32Array pixels must be in 0–1, found 37 at offset 784.*pass a Uint8Array or divide by 255/);
      const ints = Int32Array.from(images) as unknown as Uint8Array;
      expect(() => digitGridPng(ints, [0])).to.throw(/expected pixels as a Uint8Array \(0–255\) or a Float32Array \(0–1\), got Int32Array/);
    });
  });

  describe('digitGridCaption', () => {
    it('lays out labels like the grid, one table row per grid row', () => {
      expect(digitGridCaption(['7', '2', '1', '0', '4'], 3)).to.equal(
        ['| 1 | 2 | 3 |', '| :-: | :-: | :-: |', '| 7 | 2 | 1 |', '| 0 | 4 |  |'].join('\n'),
      );
    });

    it('narrows to the label count and escapes table syntax', () => {
      expect(digitGridCaption(['a|b', 'c\nd'], 10)).to.equal(['| 1 | 2 |', '| :-: | :-: |', '| a\\|b | c d |'].join('\n'));
    });

    it('rejects an empty caption or a bad perRow', () => {
      expect(() => digitGridCaption([], 3)).to.throw(/at least one label/);
      expect(() => digitGridCaption(['1'], 0)).to.throw(/perRow must be a positive integer, got 0/);
    });
  });
});

describe('a digit drawn like a photo of paper', () => {
  it('puts dark ink on white, scaled and off-centre', () => {
    const pixels = new Uint8Array(784);
    pixels[0] = 255;
    const png = PNG.sync.read(digitOnPaperPng(pixels, { width: 100, height: 120, scale: 3, left: 10, top: 30 }));
    expect([png.width, png.height]).to.deep.equal([100, 120]);
    const at = (x: number, y: number): number => png.data[(y * 100 + x) * 4];
    expect(at(0, 0)).to.equal(255);
    expect([at(10, 30), at(12, 32), at(13, 30)]).to.deep.equal([0, 0, 255]);
  });

  it('refuses a digit that does not fit', () => {
    expect(() => digitOnPaperPng(new Uint8Array(784), { width: 50 })).to.throw(/does not fit in 50×120/);
  });
});
