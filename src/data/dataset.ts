/**
 * Dataset descriptions: which files make up a dataset, what their payloads must
 * hash to, their expected shapes and where to download them: MNIST, and its
 * drop-in look-alike Fashion-MNIST for the extension exercise.
 */
import { IMAGE_SIDE } from './image-size';

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
  /** Directories where an operating-system package installs the files (used before the cache). */
  readonly systemDirs?: readonly string[];
  /** What each label means, in label order. */
  readonly classNames: readonly string[];
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

/**
 * The exact size of a file's decompressed payload as the description gives it:
 * the IDX header (magic and one uint32 per dimension) and one byte per pixel
 * or label. MNIST's largest, the training images, is 16 + 60000 × 784 = 47,040,016.
 */
export function payloadBytes(spec: DatasetSpec, entry: DatasetFileEntry): number {
  return entry.kind === 'images' ? 16 + entry.count * spec.rows * spec.cols : 8 + entry.count;
}

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
  rows: IMAGE_SIDE,
  cols: IMAGE_SIDE,
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
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
};

/**
 * Zalando's Fashion-MNIST: 28×28 grayscale images of 10 kinds of clothing, in
 * MNIST's file format and split. Debian ships it as `dataset-fashion-mnist`.
 * Sums: the decompressed payloads of the files in that package, which are the
 * files published by zalandoresearch/fashion-mnist.
 */
export const FASHION_MNIST: DatasetSpec = {
  name: 'fashion-mnist',
  title: 'Fashion-MNIST',
  rows: IMAGE_SIDE,
  cols: IMAGE_SIDE,
  classes: 10,
  train: {
    count: 60000,
    images: {
      name: 'train-images-idx3-ubyte.gz',
      payloadSha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
    },
    labels: {
      name: 'train-labels-idx1-ubyte.gz',
      payloadSha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
    },
  },
  test: {
    count: 10000,
    images: {
      name: 't10k-images-idx3-ubyte.gz',
      payloadSha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
    },
    labels: {
      name: 't10k-labels-idx1-ubyte.gz',
      payloadSha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
    },
  },
  mirrors: ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'],
  env: { dataDir: 'FASHION_MNIST_DATA_DIR', mirror: 'FASHION_MNIST_MIRROR' },
  systemDirs: ['/usr/share/datasets/fashion-mnist'],
  classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
};

export const DATASETS: Readonly<Record<string, DatasetSpec>> = { mnist: MNIST, 'fashion-mnist': FASHION_MNIST };

/** The dataset of that name (`mnist`, `fashion-mnist`), or a spec passed through. */
export function datasetSpec(dataset: DatasetSpec | string | undefined): DatasetSpec {
  if (dataset === undefined) return MNIST;
  if (typeof dataset !== 'string') return dataset;
  const spec = DATASETS[dataset];
  if (spec === undefined) {
    throw new Error(`Unknown dataset "${dataset}": expected one of ${Object.keys(DATASETS).join(', ')}.`);
  }
  return spec;
}
