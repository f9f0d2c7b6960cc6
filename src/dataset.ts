/**
 * Dataset descriptions: which files make up a dataset, what their payloads must
 * hash to, their expected shapes and where to download them. MNIST is the only
 * one for now; a look-alike such as Fashion-MNIST only needs another constant.
 */

/** One file of a dataset, as named on the mirrors and in a data directory. */
export interface DatasetFile {
  /** Canonical file name, e.g. `train-images-idx3-ubyte.gz`. */
  readonly name: string;
  /**
   * SHA-256 (lower-case hex) of the DECOMPRESSED payload. The payload, not the
   * .gz, is hashed because mirrors recompress: the bytes of two .gz copies may
   * differ while the data inside is identical.
   */
  readonly payloadSha256: string;
}

/** A training or test split: an images file and a labels file of equal length. */
export interface DatasetSplit {
  readonly count: number;
  readonly images: DatasetFile;
  readonly labels: DatasetFile;
}

export type SplitName = 'train' | 'test';
export type FileKind = 'images' | 'labels';

export interface DatasetSpec {
  /** Short id; also the name of the cache directory under data/. */
  readonly name: string;
  /** Human-readable name for messages. */
  readonly title: string;
  readonly rows: number;
  readonly cols: number;
  /** Labels must lie in 0 .. classes-1. */
  readonly classes: number;
  readonly train: DatasetSplit;
  readonly test: DatasetSplit;
  /** Base URLs, tried in order; a file's URL is the base URL + its name. */
  readonly mirrors: readonly string[];
  /** Environment variables that point at a data directory / override the mirrors. */
  readonly env: { readonly dataDir: string; readonly mirror: string };
}

/** A file of a dataset together with its place in it. */
export interface DatasetFileEntry {
  readonly split: SplitName;
  readonly kind: FileKind;
  readonly file: DatasetFile;
  /** Number of items the dataset description promises for this split. */
  readonly count: number;
}

export const SPLITS: readonly SplitName[] = ['train', 'test'];

/** The four files of a dataset in a fixed order: train images, train labels, test images, test labels. */
export function datasetFiles(spec: DatasetSpec): DatasetFileEntry[] {
  const entries: DatasetFileEntry[] = [];
  for (const split of SPLITS) {
    const s = spec[split];
    entries.push({ split, kind: 'images', file: s.images, count: s.count });
    entries.push({ split, kind: 'labels', file: s.labels, count: s.count });
  }
  return entries;
}

/** The canonical MNIST distribution (LeCun, Cortes, Burges): 60000 + 10000 images of 28×28. */
export const MNIST: DatasetSpec = {
  name: 'mnist',
  title: 'MNIST',
  rows: 28,
  cols: 28,
  classes: 10,
  train: {
    count: 60000,
    images: {
      name: 'train-images-idx3-ubyte.gz',
      payloadSha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
    },
    labels: {
      name: 'train-labels-idx1-ubyte.gz',
      payloadSha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
    },
  },
  test: {
    count: 10000,
    images: {
      name: 't10k-images-idx3-ubyte.gz',
      payloadSha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
    },
    labels: {
      name: 't10k-labels-idx1-ubyte.gz',
      payloadSha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
    },
  },
  // The original site is last: it has been rate-limited or offline at times.
  mirrors: [
    'https://ossci-datasets.s3.amazonaws.com/mnist/',
    'https://storage.googleapis.com/cvdf-datasets/mnist/',
    'http://yann.lecun.com/exdb/mnist/',
  ],
  env: { dataDir: 'MNIST_DATA_DIR', mirror: 'MNIST_MIRROR' },
};
