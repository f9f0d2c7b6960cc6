/**
 * Reader for the IDX format MNIST ships in (big-endian header, unsigned-byte
 * payload), optionally gzip-compressed. Only the two layouts MNIST uses are
 * accepted: 3-D images (magic 2051) and 1-D labels (magic 2049).
 */
import * as fs from 'fs';
import * as zlib from 'zlib';

export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;

/** An IDX file's content: `data` is a view on the payload, `dims` the sizes from the header. */
export interface IdxArray {
  data: Uint8Array;
  dims: number[];
  magic: number;
}

/** What the caller knows in advance; `null` in `dims` means "any size". */
export interface IdxExpectation {
  magic?: number;
  dims?: ReadonlyArray<number | null>;
}

const UBYTE = 0x08;
const REFETCH = 're-download it, or delete it so it is fetched again';

const LAYOUTS: ReadonlyArray<{ magic: number; what: string; dimNames: readonly string[] }> = [
  { magic: IDX_IMAGES_MAGIC, what: 'images', dimNames: ['count', 'rows', 'columns'] },
  { magic: IDX_LABELS_MAGIC, what: 'labels', dimNames: ['count'] },
];

function describeMagic(magic: number): string {
  const layout = LAYOUTS.find((l) => l.magic === magic);
  const hex = '0x' + magic.toString(16).padStart(8, '0');
  return layout ? `${magic} (${layout.what})` : `${magic} (${hex})`;
}

/** True when the bytes start with the gzip signature 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Room for the whole output in one chunk, from the size the gzip trailer
 * announces (its last 4 bytes): by default zlib inflates into 64 KiB chunks
 * and then joins them, and the chunks' memory (47 MB for the training images)
 * stays in the process: measured, 45–60 MiB more resident after loading
 * MNIST (about 10 MiB of the Step 5 benchmark's peak, where later
 * allocations reuse some of it).
 * The trailer is only a hint: a wrong one costs chunks again, never bytes.
 */
function outputChunk(bytes: Uint8Array, maxBytes: number | undefined): number {
  const announced = bytes.length >= 18 ? new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true) : 0;
  return Math.max(zlib.constants.Z_MIN_CHUNK, Math.min(announced, maxBytes ?? 256 * 1024 * 1024) + 1);
}

/**
 * The IDX bytes inside `bytes`: gunzipped when they carry the gzip signature,
 * as they are otherwise. Detecting by content rather than by the `.gz` suffix
 * copes with files that were unpacked but kept their name, or the reverse.
 */
export function decompressIdx(bytes: Uint8Array, name: string, maxBytes?: number): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    // maxOutputLength: a small gzip that inflates to gigabytes is stopped at the limit, not held in memory.
    const limit = maxBytes === undefined ? {} : { maxOutputLength: maxBytes + 1 };
    return zlib.gunzipSync(bytes, { ...limit, chunkSize: outputChunk(bytes, maxBytes) });
  } catch (err) {
    if (maxBytes !== undefined && (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Error(
        `${name}: decompresses to more than ${maxBytes} bytes, the size its dataset description gives; ` +
          `this is not the expected file: ${REFETCH}.`,
      );
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `${name}: the gzip data is truncated or corrupt; expected a complete gzip stream, found ${bytes.length} bytes ` +
        `that zlib rejects (${reason}). The file was probably cut short while downloading: ${REFETCH}.`,
    );
  }
}

/** Parses an IDX file (raw or gzip); every problem is an Error naming `name`. */
export function parseIdx(bytes: Uint8Array, name: string, expect: IdxExpectation = {}): IdxArray {
  if (bytes.length === 0) {
    throw new Error(
      `${name}: the file is empty (0 bytes); expected an IDX file, raw or gzip-compressed. ` +
        `It is probably left over from a failed download: ${REFETCH}.`,
    );
  }
  const raw = decompressIdx(bytes, name);
  if (raw.length < 4) {
    throw new Error(
      `${name}: the IDX header is too short; expected at least 4 bytes for the magic number, found ${raw.length}. ` +
        `The file is damaged: ${REFETCH}.`,
    );
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const magic = view.getUint32(0, false);
  const layout = LAYOUTS.find((l) => l.magic === magic);
  if (!layout) {
    const typeNote = raw[0] === 0 && raw[1] === 0 && raw[2] !== UBYTE ? ` (data type 0x${raw[2].toString(16)}; only 0x08, unsigned byte, is supported)` : '';
    throw new Error(
      `${name}: not an MNIST IDX file; expected magic number ${IDX_IMAGES_MAGIC} (images) or ${IDX_LABELS_MAGIC} (labels), ` +
        `found ${describeMagic(magic)}${typeNote}. Check that this is the right file: ${REFETCH}.`,
    );
  }
  if (expect.magic !== undefined && expect.magic !== magic) {
    throw new Error(
      `${name}: expected magic number ${describeMagic(expect.magic)}, found ${describeMagic(magic)}. ` +
        `An images file and a labels file seem to have been swapped or misnamed; check the file names.`,
    );
  }

  const ndims = layout.dimNames.length;
  const headerLength = 4 + 4 * ndims;
  if (raw.length < headerLength) {
    throw new Error(
      `${name}: the IDX header is too short; expected ${headerLength} bytes for ${ndims} dimension(s), found ${raw.length}. ` +
        `The file is truncated: ${REFETCH}.`,
    );
  }
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));

  dims.forEach((size, i) => {
    if (size <= 0) {
      throw new Error(`${name}: dimension ${i} (${layout.dimNames[i]}) is 0; expected a positive size. The file is damaged: ${REFETCH}.`);
    }
  });
  const wanted = expect.dims;
  if (wanted) {
    if (wanted.length !== ndims) {
      throw new Error(`${name}: expected ${wanted.length} dimension(s), found ${ndims} (${dims.join(' × ')}). Check that this is the right file.`);
    }
    wanted.forEach((want, i) => {
      if (want !== null && want !== dims[i]) {
        throw new Error(
          `${name}: wrong dimensions; expected ${layout.dimNames[i]} = ${want}, found ${dims[i]} ` +
            `(header says ${dims.join(' × ')}, expected ${wanted.map((d) => (d === null ? 'any' : String(d))).join(' × ')}). ` +
            `This is not the file the dataset description asks for: ${REFETCH}.`,
        );
      }
    });
  }

  const expectedLength = dims.reduce((a, b) => a * b, 1);
  const found = raw.length - headerLength;
  if (found !== expectedLength) {
    throw new Error(
      `${name}: wrong payload length; expected ${expectedLength} bytes (${dims.join(' × ')}) after the ${headerLength}-byte header, ` +
        `found ${found}. The file is ${found < expectedLength ? 'truncated' : 'longer than its header says'}: ${REFETCH}.`,
    );
  }
  return { data: new Uint8Array(raw.buffer, raw.byteOffset + headerLength, expectedLength), dims, magic };
}

/** Reads and parses an IDX file from disk; errors name the path. */
export function readIdxFile(path: string, expect?: IdxExpectation): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(path);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`${path}: cannot read the file (${reason}); expected a readable IDX file at this path.`);
  }
  return parseIdx(bytes, path, expect);
}
