/**
 * The course's loss, sparse categorical cross-entropy, in the two forms
 * training and evaluation need. Evaluation sees the model's softmax
 * probabilities and follows Keras exactly (clipped to [1e-7, 1 − 1e-7]);
 * training folds the softmax into the loss and works on logits, the same
 * function with fewer operations and no clipping.
 */
import * as tf from '@tensorflow/tfjs';

const EPSILON = 1e-7;

/** Per-sample −log p[label] from probabilities of shape (n, classes). */
export function crossEntropyFromProbabilities(labels: tf.Tensor1D, probabilities: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const classes = probabilities.shape[1];
    const clipped = tf.clipByValue(probabilities, EPSILON, 1 - EPSILON);
    return tf.neg(tf.sum(tf.mul(tf.oneHot(labels, classes), tf.log(clipped)), 1)) as tf.Tensor1D;
  });
}

/** Mean −log softmax(logits)[label] over the batch. */
export function meanCrossEntropyFromLogits(labels: tf.Tensor1D, logits: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, logits.shape[1]), logits) as tf.Scalar);
}

/** How many rows' largest score sits at their label, as a float32 scalar. */
export function countCorrect(labels: tf.Tensor1D, scores: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(scores, 1), labels), 'float32')) as tf.Scalar);
}
