// Digit images from files (src/own-digit/image-file.ts): MNIST test image 0 (a 7)
// turned into what a student would photograph or draw (dark on white,
// larger, off-centre, PNG or JPEG, a phone's EXIF rotation) is still read
// as a 7; files that are not PNG/JPEG are refused with a clear message.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/model/model';
import { fitSamples } from '../support/fit-samples';
import { prepareSamples } from '../../src/data/prepare';
import { decodeImage, jpegOrientation, predictDigitImage, readDigitImage, sniffFormat } from '../../src/own-digit/image-file';
import { preprocessDigit } from '../../src/own-digit/preprocess';
import { realMnist } from '../support/real-data';
import { errorOf } from '../support/errors';

const WIDTH = 100;
const HEIGHT = 120;

/**
 * MNIST test image 0 as a drawing: dark ink on light paper (`paper` gray),
 * each pixel 3×3 (nearest neighbour, independent of the code under test),
 * at (10, 30) in a 100×120 RGBA image.
 */
function drawnSeven(seven: Uint8Array, paper = 255, transparent = false): Uint8Array {
  const data = new Uint8Array(WIDTH * HEIGHT * 4);
  for (let i = 0; i < WIDTH * HEIGHT; i++) data.set(transparent ? [0, 0, 0, 0] : [paper, paper, paper, 255], i * 4);
  for (let y = 0; y < 84; y++) {
    for (let x = 0; x < 84; x++) {
      const ink = seven[Math.floor(y / 3) * 28 + Math.floor(x / 3)] / 255;
      if (ink === 0) continue;
      const at = ((30 + y) * WIDTH + 10 + x) * 4;
      const level = Math.round(paper * (1 - ink));
      data.set(transparent ? [0, 0, 0, Math.round(ink * 255)] : [level, level, level, 255], at);
    }
  }
  return data;
}

function encodePng(rgba: Uint8Array, width = WIDTH, height = HEIGHT): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba);
  return PNG.sync.write(png);
}

function encodeJpeg(rgba: Uint8Array, width = WIDTH, height = HEIGHT): Buffer {
  return jpeg.encode({ data: rgba, width, height }, 85).data;
}

/** An EXIF APP1 segment holding only Orientation, inserted after the JPEG's start-of-image marker. */
function withOrientation(jpegBytes: Buffer, orientation: number): Buffer {
  const tiff = Buffer.from([
    0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF header, IFD0 at offset 8
    0x00, 0x01, // one entry
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, orientation, 0x00, 0x00, // Orientation, SHORT, 1 value
    0x00, 0x00, 0x00, 0x00, // no next IFD
  ]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpegBytes.subarray(0, 2), header, payload, jpegBytes.subarray(2)]);
}

/** Stores the image as a phone does for orientation 6: turned 90° counter-clockwise, to be turned back on display. */
function storedForOrientation6(rgba: Uint8Array): Uint8Array {
  const storedWidth = HEIGHT;
  const stored = new Uint8Array(rgba.length);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      // The displayed top-left corner is the stored bottom-left corner.
      const sx = y;
      const sy = WIDTH - 1 - x;
      stored.set(rgba.subarray((y * WIDTH + x) * 4, (y * WIDTH + x) * 4 + 4), (sy * storedWidth + sx) * 4);
    }
  }
  return stored;
}

describe('reading a digit from a PNG or JPEG file', function () {
  this.timeout(120000);
  let model: tf.Sequential;
  let seven: Uint8Array;
  let dir: string;

  before(async function () {
    const mnist = await realMnist(this);
    expect(mnist.test.labels[0], 'MNIST test image 0 is a 7').to.equal(7);
    seven = mnist.test.images.slice(0, 784);
    model = createModel({ seed: 5 });
    await fitSamples(model, prepareSamples(mnist.train, { limit: 5000 }), { epochs: 2 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-image-file-'));
  });
  after(() => {
    model?.dispose();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads a PNG drawing (dark on white, 100×120, off-centre) as a 7', () => {
    const file = path.join(dir, 'seven.png');
    fs.writeFileSync(file, encodePng(drawnSeven(seven)));
    const result = predictDigitImage(model, file);
    expect(result.digit).to.equal(7);
    expect(result.probabilities).to.have.length(10);
    expect(result.image).to.deep.include({ width: WIDTH, height: HEIGHT, format: 'png', polarity: 'dark-on-light', empty: false });
    expect(result.image.box?.x).to.be.within(10, 94);
    expect(result.image.box?.y).to.be.within(30, 114);
    // The same preprocessing as the draw page, not a variant of it.
    const decoded = decodeImage(fs.readFileSync(file));
    expect(Array.from(result.image.pixels)).to.deep.equal(Array.from(preprocessDigit(decoded, { threshold: 0.2 }).pixels));
  });

  it('reads a JPEG photo of grey paper as a 7', () => {
    const file = path.join(dir, 'seven.jpg');
    fs.writeFileSync(file, encodeJpeg(drawnSeven(seven, 225)));
    const image = readDigitImage(file);
    expect(image).to.deep.include({ width: WIDTH, height: HEIGHT, format: 'jpeg', polarity: 'dark-on-light', empty: false });
    expect(image.pixels).to.be.instanceOf(Float32Array).and.have.length(784);
    expect(Math.max(...image.pixels)).to.equal(1);
    expect(predictDigitImage(model, file).digit).to.equal(7);
  });

  it("turns a phone photo upright by its EXIF orientation before reading it", () => {
    const bytes = withOrientation(encodeJpeg(storedForOrientation6(drawnSeven(seven)), HEIGHT, WIDTH), 6);
    expect(jpegOrientation(bytes)).to.equal(6);
    const decoded = decodeImage(bytes);
    expect(decoded).to.deep.include({ width: WIDTH, height: HEIGHT, orientation: 6 });
    const result = predictDigitImage(model, bytes, { name: 'phone.jpg' });
    expect(result.digit).to.equal(7);
    expect(jpegOrientation(encodeJpeg(drawnSeven(seven))), 'no EXIF: upright').to.equal(1);
  });

  it('reads bytes as well as paths, and a drawing on a transparent background', () => {
    const result = predictDigitImage(model, encodePng(drawnSeven(seven, 255, true)));
    expect(result.digit).to.equal(7);
    expect(result.image.polarity).to.equal('dark-on-light');
  });

  it('reports a blank image as empty, and refuses to predict from it', () => {
    const file = path.join(dir, 'blank.png');
    fs.writeFileSync(file, encodePng(new Uint8Array(WIDTH * HEIGHT * 4).fill(255)));
    const image = readDigitImage(file);
    expect(image.empty).to.equal(true);
    expect(image.pixels.every((v) => v === 0)).to.equal(true);
    expect(errorOf(() => predictDigitImage(model, file))).to.include(`No digit found in ${file}`).and.include('more contrast');
  });

  describe('files it cannot read', () => {
    const write = (name: string, bytes: Uint8Array | string): string => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, bytes);
      return file;
    };

    it('names a GIF, WebP or HEIC file and says to convert it to PNG', () => {
      const gif = write('digit.gif', Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.alloc(20)]));
      expect(errorOf(() => readDigitImage(gif))).to.include(`${gif} is a GIF file, not a PNG or JPEG`)
        .and.include('expected a PNG or JPEG image of a handwritten digit').and.include('Convert it to PNG');
      const webp = write('digit.webp', Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'), Buffer.alloc(20)]));
      expect(errorOf(() => readDigitImage(webp))).to.include('is a WebP file');
      const heic = write('digit.heic', Buffer.concat([Buffer.from('\0\0\0\x18ftypheic', 'latin1'), Buffer.alloc(20)]));
      expect(errorOf(() => predictDigitImage(model, heic))).to.include('HEIC/HEIF (iPhone photo)');
    });

    it('refuses a file that is no image at all, judging by content rather than name', () => {
      const notes = write('digit.png', 'these are my notes, not a picture\n');
      expect(errorOf(() => readDigitImage(notes))).to.include('is neither a PNG nor a JPEG (its first bytes match neither)');
      expect(sniffFormat(encodeJpeg(drawnSeven(seven))), 'a JPEG is a JPEG whatever its name').to.equal('jpeg');
      expect(errorOf(() => readDigitImage(write('empty.png', '')))).to.include('is empty (0 bytes)');
    });

    it('says a truncated PNG or JPEG is damaged', () => {
      const png = encodePng(drawnSeven(seven));
      const cut = write('cut.png', png.subarray(0, 60));
      expect(errorOf(() => readDigitImage(cut))).to.include(`${cut} starts like a PNG file but could not be decoded`)
        .and.include('truncated or damaged');
      const jpg = encodeJpeg(drawnSeven(seven));
      expect(errorOf(() => readDigitImage(write('cut.jpg', jpg.subarray(0, 200))))).to.include('starts like a JPEG file but could not be decoded');
    });

    it('says when the path is missing or a folder', () => {
      const missing = path.join(dir, 'nope.png');
      expect(errorOf(() => readDigitImage(missing))).to.include(`No image file at ${missing}`).and.include('Check the path');
      expect(errorOf(() => readDigitImage('nope.png'))).to.include(`relative paths start from ${process.cwd()}`);
      expect(errorOf(() => readDigitImage(dir))).to.include(`${dir} is a directory`);
    });
  });
});
