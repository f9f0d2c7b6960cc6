/**
 * The IDX reader: what it returns for good files, and what it says about bad ones.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, isGzip, parseIdx, readIdxFile } from '../../src/data/idx';
import { encodeIdx, gzip, imagesIdx, labelsIdx, makeTempDir, removeTempDirs } from '../support/fixtures';

describe('parseIdx reads an images file', () => {
  const file = imagesIdx(3, 4, 5);

  it('returns the magic number, the dimensions and the pixels', () => {
    const idx = parseIdx(file, 'images');
    expect(idx.magic).to.equal(IDX_IMAGES_MAGIC);
    expect(idx.dims).to.deep.equal([3, 4, 5]);
    expect(idx.data.length).to.equal(3 * 4 * 5);
    expect(Array.from(idx.data.subarray(0, 3))).to.deep.equal([0, 1, 2]);
    expect(idx.data[20]).to.equal(31); // first pixel of the second image
  });

  it('accepts dimensions that match the expectation, with null meaning any', () => {
    const idx = parseIdx(file, 'images', { magic: IDX_IMAGES_MAGIC, dims: [null, 4, 5] });
    expect(idx.dims).to.deep.equal([3, 4, 5]);
  });
});

describe('parseIdx reads a labels file', () => {
  it('returns one byte per label', () => {
    const idx = parseIdx(labelsIdx([7, 2, 1, 0]), 'labels');
    expect(idx.magic).to.equal(IDX_LABELS_MAGIC);
    expect(idx.dims).to.deep.equal([4]);
    expect(Array.from(idx.data)).to.deep.equal([7, 2, 1, 0]);
  });
});

describe('gzip is detected by its magic bytes, not by the file name', () => {
  it('sees 1f 8b as gzip', () => {
    expect(isGzip(gzip(labelsIdx([1])))).to.equal(true);
    expect(isGzip(labelsIdx([1]))).to.equal(false);
  });

  it('gives the same result for a gzipped and a raw file', () => {
    const raw = imagesIdx(2, 3, 3);
    const fromGz = parseIdx(gzip(raw), 'x.gz');
    const fromRaw = parseIdx(raw, 'x.gz');
    expect(fromGz.dims).to.deep.equal(fromRaw.dims);
    expect(Array.from(fromGz.data)).to.deep.equal(Array.from(fromRaw.data));
  });
});

describe('a truncated gzip file', () => {
  it('is rejected with a message naming the file and saying it was cut short', () => {
    const gz = gzip(imagesIdx(10, 8, 8));
    const cut = gz.subarray(0, Math.floor(gz.length / 2));
    expect(() => parseIdx(cut, 'train-images-idx3-ubyte.gz')).to.throw(
      Error,
      /train-images-idx3-ubyte\.gz: the gzip data is truncated or corrupt.*cut short.*re-download it/,
    );
  });
});

describe('an empty file', () => {
  it('is rejected as empty, with the fix', () => {
    expect(() => parseIdx(new Uint8Array(0), 't10k-labels-idx1-ubyte.gz')).to.throw(
      Error,
      /t10k-labels-idx1-ubyte\.gz: the file is empty \(0 bytes\); expected an IDX file.*delete it so it is fetched again/,
    );
  });
});

describe('a file with the wrong magic number', () => {
  it('is rejected, naming both accepted magic numbers and the one found', () => {
    const bad = encodeIdx([2, 2, 2], new Uint8Array(8), 0x12345678);
    expect(() => parseIdx(bad, 'weird.idx')).to.throw(
      Error,
      /weird\.idx: not an MNIST IDX file; expected magic number 2051 \(images\) or 2049 \(labels\), found 305419896 \(0x12345678\)/,
    );
  });

  it('points out an unsupported data type (not unsigned bytes)', () => {
    const floats = encodeIdx([1], new Uint8Array(4), 0x00000d01);
    expect(() => parseIdx(floats, 'floats.idx')).to.throw(Error, /floats\.idx: .*data type 0xd; only 0x08, unsigned byte, is supported/);
  });

  it('reports a labels file where images were expected', () => {
    expect(() => parseIdx(labelsIdx([1, 2]), 'images.idx', { magic: IDX_IMAGES_MAGIC })).to.throw(
      Error,
      /images\.idx: expected magic number 2051 \(images\), found 2049 \(labels\)/,
    );
  });
});

describe('a header that is too short', () => {
  it('is rejected when the magic number itself is cut off', () => {
    expect(() => parseIdx(Uint8Array.from([0, 0, 8]), 'tiny')).to.throw(Error, /tiny: the IDX header is too short; expected at least 4 bytes.*found 3/);
  });

  it('is rejected when the dimensions are cut off', () => {
    const header = imagesIdx(1, 2, 2).subarray(0, 10);
    expect(() => parseIdx(header, 'short')).to.throw(Error, /short: the IDX header is too short; expected 16 bytes for 3 dimension\(s\), found 10/);
  });
});

describe('wrong dimensions', () => {
  it('are rejected when they differ from the expectation, naming expected and found sizes', () => {
    const file = imagesIdx(2, 4, 4);
    expect(() => parseIdx(file, 'train-images', { dims: [null, 28, 28] })).to.throw(
      Error,
      /train-images: wrong dimensions; expected rows = 28, found 4 \(header says 2 × 4 × 4, expected any × 28 × 28\)/,
    );
  });

  it('reject a dimension of zero', () => {
    const file = encodeIdx([0, 28, 28], new Uint8Array(0));
    expect(() => parseIdx(file, 'empty-set')).to.throw(Error, /empty-set: dimension 0 \(count\) is 0; expected a positive size/);
  });
});

describe('the payload length', () => {
  it('must not be shorter than the dimensions say', () => {
    const file = imagesIdx(2, 4, 4);
    expect(() => parseIdx(file.subarray(0, file.length - 5), 'short.idx')).to.throw(
      Error,
      /short\.idx: wrong payload length; expected 32 bytes \(2 × 4 × 4\) after the 16-byte header, found 27\. The file is truncated/,
    );
  });

  it('must not be longer than the dimensions say', () => {
    const file = Buffer.concat([labelsIdx([1, 2, 3]), Buffer.from([9])]);
    expect(() => parseIdx(file, 'long.idx')).to.throw(Error, /long\.idx: wrong payload length; expected 3 bytes \(3\).*found 4\. The file is longer than its header says/);
  });
});

describe('readIdxFile', () => {
  after(removeTempDirs);

  it('reads a gzip file from disk', () => {
    const file = path.join(makeTempDir(), 'labels.gz');
    fs.writeFileSync(file, gzip(labelsIdx([3, 1, 4])));
    expect(Array.from(readIdxFile(file, { dims: [3] }).data)).to.deep.equal([3, 1, 4]);
  });

  it('names the path in its errors', () => {
    const file = path.join(makeTempDir(), 'images.gz');
    fs.writeFileSync(file, gzip(imagesIdx(1, 4, 4)));
    expect(() => readIdxFile(file, { dims: [null, 28, 28] })).to.throw(Error, new RegExp(`^${file.replace(/[.]/g, '\\.')}: wrong dimensions`));
  });

  it('says so when the file cannot be read', () => {
    const file = path.join(makeTempDir(), 'nothing-here.gz');
    expect(() => readIdxFile(file)).to.throw(Error, /nothing-here\.gz: cannot read the file \(ENOENT/);
  });
});
