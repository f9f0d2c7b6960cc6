/**
 * A seeded Math.random for the bench's training scripts, which use nothing of
 * the project's training code.
 */

/**
 * tfjs' model.fit shuffles the training set before each epoch with Math.random
 * (tf.util.shuffle), which takes no seed. Replacing Math.random with a small
 * seeded generator (mulberry32) makes the batch order, and with the seeded
 * initializers the whole run, repeat for the same --seed.
 */
export function seedMathRandom(seed: number): void {
  let state = seed >>> 0;
  Math.random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
