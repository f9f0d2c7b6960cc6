// Digit images from files (src/own-digit/image-file.ts): MNIST test image 0 (a 7)
// turned into what a student would photograph or draw (dark on white,
// larger, off-centre, PNG or JPEG, a phone's EXIF rotation) is still read
// as a 7; files that are not PNG/JPEG are refused with a clear message;
// sizes are read from the header first, so a file claiming billions of pixels
// is refused before decoding and a 25 MP phone photo is read at reduced size;
// the odd PNGs and JPEGs image editors write (palette, 16-bit, interlaced,
// progressive, CMYK, gray: test/own-digit/fixtures/, made with ImageMagick, see
// its README) read like an ordinary PNG.
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
import { spawnSync } from 'child_process';
import { decodeImage, jpegOrientation, predictDigitImage, readDigitImage, sniffFormat, MAX_IMAGE_PIXELS } from '../../src/own-digit/image-file';
import { DECODED_SIDE } from '../../src/own-digit/reduce-rgba';
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
    expect(Array.from(result.image.pixels)).to.deep.equal(Array.from(preprocessDigit(decoded).pixels));
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


  describe('sizes, read from the header before decoding', () => {
    /** A PNG whose IHDR claims width×height, followed by one empty IDAT and IEND (CRCs left 0: never checked before refusing). */
    function pngClaiming(width: number, height: number): Buffer {
      const chunk = (type: string, data: Buffer): Buffer => {
        const length = Buffer.alloc(4);
        length.writeUInt32BE(data.length);
        return Buffer.concat([length, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
      };
      const ihdr = Buffer.alloc(13);
      ihdr.writeUInt32BE(width, 0);
      ihdr.writeUInt32BE(height, 4);
      ihdr.set([8, 6, 0, 0, 0], 8);
      return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), chunk('IEND', Buffer.alloc(0))]);
    }

    /** A JPEG of only its start and a frame header (SOFn) claiming width×height. */
    function jpegClaiming(width: number, height: number, sof = 0xc0): Buffer {
      const frame = Buffer.from([0xff, sof, 0x00, 0x11, 8, 0, 0, 0, 0, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
      frame.writeUInt16BE(height, 5);
      frame.writeUInt16BE(width, 7);
      return Buffer.concat([Buffer.from([0xff, 0xd8]), frame, Buffer.from([0xff, 0xd9])]);
    }

    it('refuses the 68-byte PNG that claims 2,147,483,647 pixels a side, without taking the process down', function () {
      this.timeout(60000);
      const file = path.join(dir, 'claims-huge.png');
      fs.writeFileSync(file, pngClaiming(2147483647, 2147483647));
      // In a child process: before this was refused, pngjs made Node's zlib abort the whole process.
      const script = `try { require(${JSON.stringify(path.resolve(__dirname, '../../src/own-digit/image-file'))}).readDigitImage(${JSON.stringify(file)}); console.log('read'); } ` +
        'catch (error) { console.log(error.message); }';
      const child = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { encoding: 'utf8', cwd: path.resolve(__dirname, '../..') });
      expect(child.status, child.stderr).to.equal(0);
      expect(child.stdout).to.include('is a PNG file of 2147483647×2147483647 pixels').and.include('at most 64 megapixels')
        .and.include('20000 pixels a side').and.include('crop the photo to the digit');
    });

    it('refuses a 20000×20000 PNG at once, saying the limit and how to shrink it', () => {
      const started = Date.now();
      const message = errorOf(() => readDigitImage(pngClaiming(20000, 20000), { name: 'poster.png' }));
      expect(message).to.include('poster.png is a PNG file of 20000×20000 pixels (400.0 megapixels)')
        .and.include('at most 64 megapixels').and.include('convert photo.jpg -resize 2000x2000 digit.jpg');
      expect(Date.now() - started, 'refused from the header, not after decoding').to.be.lessThan(1000);
      expect(errorOf(() => readDigitImage(jpegClaiming(12000, 9000), { name: 'camera.jpg' })))
        .to.include('camera.jpg is a JPEG file of 12000×9000 pixels (108.0 megapixels)');
      expect(MAX_IMAGE_PIXELS).to.equal(2 ** 26);
    });

    it('names what is wrong with a header: no size, a size of 0, a JPEG kind jpeg-js cannot decode', () => {
      expect(errorOf(() => readDigitImage(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), { name: 'a.png' })))
        .to.include('a.png starts like a PNG file but could not be decoded (its header (the IHDR chunk) is missing or cut short)');
      expect(errorOf(() => readDigitImage(pngClaiming(0, 50), { name: 'a.png' }))).to.include('gives a size of 0×50 pixels: it is damaged');
      expect(errorOf(() => readDigitImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0]), { name: 'b.jpg' })))
        .to.include('frame header (the SOF marker, which holds the size) is missing');
      expect(errorOf(() => readDigitImage(jpegClaiming(100, 100, 0xc9), { name: 'c.jpg' })))
        .to.include('c.jpg is a arithmetic JPEG, which the JPEG reader (jpeg-js) does not decode');
      expect(errorOf(() => readDigitImage(jpegClaiming(100, 100, 0xc3), { name: 'd.jpg' }))).to.include('d.jpg is a lossless JPEG');
    });

    it('reads a 25-megapixel phone photo (6000×4200 JPEG), reduced while decoding, as a 7', function () {
      this.timeout(120000);
      const width = 6000;
      const height = 4200;
      const rgba = new Uint8Array(width * height * 4).fill(228);
      // MNIST's 7, 120 photo pixels per MNIST pixel, dark blue ink, in the middle of the frame.
      const cell = 120;
      const left = (width - 28 * cell) / 2;
      const top = (height - 28 * cell) / 2;
      for (let y = 0; y < 28 * cell; y++) {
        for (let x = 0; x < 28 * cell; x++) {
          const ink = seven[Math.floor(y / cell) * 28 + Math.floor(x / cell)] / 255;
          if (ink > 0) rgba.set([228 - 190 * ink, 228 - 175 * ink, 228 - 90 * ink], ((top + y) * width + left + x) * 4);
        }
      }
      const bytes = jpeg.encode({ data: rgba, width, height }, 80).data;
      const decoded = decodeImage(bytes);
      expect(decoded).to.deep.include({ fileWidth: width, fileHeight: height, reduction: 6, width: 1000, height: 700 });
      expect(Math.max(decoded.width, decoded.height)).to.be.at.most(DECODED_SIDE);
      const result = predictDigitImage(model, bytes, { name: 'phone.jpg' });
      expect(result.digit).to.equal(7);
      expect(result.image).to.deep.include({ width, height, format: 'jpeg', empty: false });
      // The box, in the file's pixels, lies within the 7's cells.
      const box = result.image.box;
      expect(box?.x).to.be.within(left, left + 28 * cell);
      expect((box?.y ?? 0) + (box?.height ?? 0)).to.be.within(top, top + 28 * cell + 6);
    });
  });

  describe('the PNGs and JPEGs image editors and phones write', () => {
    const fixtures = path.join(__dirname, 'fixtures');
    const reference = (): Float32Array => readDigitImage(path.join(fixtures, 'seven-interlaced.png')).pixels;
    const kinds: [string, string][] = [
      ['seven-palette.png', 'a palette PNG (16 colours)'],
      ['seven-gray16.png', 'a 16-bit gray-and-alpha PNG'],
      ['seven-progressive.jpg', 'a progressive JPEG'],
      ['seven-cmyk.jpg', 'a CMYK JPEG (Adobe)'],
      ['seven-gray.jpg', 'a grayscale JPEG'],
    ];
    for (const [name, what] of kinds) {
      it(`reads ${what} like an interlaced RGBA PNG of the same picture`, () => {
        const image = readDigitImage(path.join(fixtures, name));
        expect(image).to.deep.include({ width: 90, height: 110, empty: false, polarity: 'dark-on-light' });
        const ref = reference();
        const difference = image.pixels.reduce((s, v, i) => s + Math.abs(v - ref[i]), 0) / 784;
        expect(difference, 'mean change per pixel of the 28×28 result').to.be.lessThan(0.01);
        expect(predictDigitImage(model, path.join(fixtures, name)).digit).to.equal(predictDigitImage(model, path.join(fixtures, 'seven-interlaced.png')).digit);
      });
    }
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
      // Renamed to .png, as a student might to get past a file picker: judged by content all the same.
      const renamed = write('photo.png', Buffer.concat([Buffer.from('\0\0\0\x18ftypheic', 'latin1'), Buffer.alloc(20)]));
      expect(errorOf(() => readDigitImage(renamed))).to.include(`${renamed} is a HEIC/HEIF (iPhone photo) file, not a PNG or JPEG`);
      const webpPng = write('sticker.png', Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'), Buffer.alloc(20)]));
      expect(errorOf(() => readDigitImage(webpPng))).to.include('is a WebP file, not a PNG or JPEG');
      const gifPng = write('anim.png', Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.alloc(20)]));
      expect(errorOf(() => readDigitImage(gifPng))).to.include('is a GIF file, not a PNG or JPEG');
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
