/**
 * The size of one MNIST image, named once: 28×28 grayscale pixels, 784 when
 * flattened into the row the course's Dense model reads. Import-free, so the
 * draw page's copy of the preprocessing can carry it (see preprocessModuleSource).
 */

/** Side of an MNIST image in pixels. */
export const IMAGE_SIDE = 28;
/** Pixels in one MNIST image: 28 × 28 = 784, the Dense model's inputs. */
export const IMAGE_SIZE = IMAGE_SIDE * IMAGE_SIDE;
