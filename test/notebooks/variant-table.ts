/**
 * The answers a student might write into each exercise cell of the student
 * editions: tempting wrong ones, each with the hint its refusal must carry,
 * and correct alternatives, each of which must pass. `variants.spec.ts`
 * writes every one into its cell in a real tslab kernel and runs the
 * exercise's check cell after it. Adding an exercise means adding a block
 * here (docs/adding-an-exercise.md).
 *
 * A variant's `code` replaces the cell's solution block (what the student
 * edition shows as a TODO and its stub). `where: 'cell'` marks a mistake that
 * TensorFlow.js or the helper module refuses in the student's own cell, before
 * the check runs. `pending` marks a row that cannot pass on this branch yet,
 * for the reason given; the spec then expects it to fail and prints it, so
 * that enabling it is deleting the field.
 */
export interface Variant {
  name: string;
  code: string;
  /** Run after the check (e.g. to wait for training started without await). */
  cleanup?: string;
  /** Why the row cannot pass yet on this branch (it then must still fail). */
  pending?: string;
}
export interface Wrong extends Variant {
  /** Text the refusal must contain. */
  hint: string | RegExp;
  /** Where the refusal shows: the check cell (default) or the student's own cell. */
  where?: 'check' | 'cell';
}
export interface Exercise {
  name: string;
  /** Text of the solution cell's BEGIN SOLUTION line. */
  solution: string;
  /** Text of the check cell. */
  check: string;
  /** Run after each variant: uses the student's names, so it fails with "Cannot find name" if a failed check lost them. */
  probe: string;
  /** Run before each variant and before the right answer is restored. */
  before?: string;
  wrong: Wrong[];
  right: Variant[];
}
export interface NotebookVariants {
  notebook: string;
  /** Data the notebook needs beside MNIST. */
  needs?: 'fashion-mnist';
  exercises: Exercise[];
  /** Runs after the last exercise; each step's output must contain `expect`. */
  epilogue?: { name: string; source: string; expect: string | RegExp }[];
}

/** Stops a training run after its first batch: the check judges what fit was given before how long it ran, so a wrong way of training need not run 5 epochs to be refused. */
const STOP = (model = 'model'): string => `callbacks: { onBatchEnd: async () => { ${model}.stopTraining = true; } }`;

const COURSE_MODEL = `const model = mw.replacePrevious('model', tf.sequential({ layers: [
  tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }),
  tf.layers.dense({ units: 10, activation: 'softmax' })] }));`;
const COMPILE = `model.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });`;
const model = (layers: string, compile = COMPILE): string => `const model = mw.replacePrevious('model', tf.sequential({ layers: [${layers}] }));\n${compile}`;
const H = "tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' })";
const O = "tf.layers.dense({ units: 10, activation: 'softmax' })";
const PREDICTED = 'const predicted = tf.tidy(() => (model.predict(xTest) as tf.Tensor).argMax(1).dataSync() as Int32Array);';
const xy = (train: string, test: string): string =>
  `const xTrain = mw.replacePrevious('xTrain', tf.tidy(() => ${train}));\nconst xTest = mw.replacePrevious('xTest', tf.tidy(() => ${test}));`;
const T = (set: 'trainSet' | 'testSet', dtype = "'float32'"): string => `tf.tensor2d(${set}.images, [${set}.count, 784], ${dtype})`;
const weakest = (body: string): string => `const weakestDigit = (m: number[][]): number => {\n${body}\n};`;
const RECALL = 'const recall = m.map((row, d) => row[d] / row.reduce((a, b) => a + b, 0));';
const pair = (body: string): string => `const mostFrequentMistake = (m: number[][]): { truth: number; predicted: number } => {\n${body}\n};`;
const CELLS = 'const cells = m.flatMap((row, truth) => row.map((count, predicted) => ({ truth, predicted, count }))).filter((c) => c.truth !== c.predicted);';
const SUMS = 'const rows = m.map((r) => r.reduce((a, b) => a + b, 0)); const cols = m.map((_, p) => m.reduce((s, r) => s + r[p], 0));';

const cnn = (layers: string[], compile = "cnn.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });"): string =>
  `const cnn = tf.sequential();\n${layers.map((l) => `cnn.add(${l});`).join('\n')}\n${compile}`;
const CNN = [
  "tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' })",
  'tf.layers.maxPooling2d({ poolSize: 2 })',
  "tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' })",
  'tf.layers.maxPooling2d({ poolSize: 2 })',
  'tf.layers.flatten()',
  "tf.layers.dense({ units: 128, activation: 'relu' })",
  "tf.layers.dense({ units: 10, activation: 'softmax' })",
];
const withLayer = (i: number, layer: string | null): string[] => CNN.flatMap((l, j) => (j === i ? (layer === null ? [] : [layer]) : [l]));
const dropped = (layers: string[], compile = "dropped.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });"): string =>
  `const dropped = tf.sequential({ layers: [${layers.join(', ')}] });\n${compile}`;
const DH = "tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' })";
const DO = "tf.layers.dense({ units: 10, activation: 'softmax' })";
const drop = (rate: number | string): string => `tf.layers.dropout({ rate: ${rate} })`;

export const TABLE: NotebookVariants[] = [
  {
    notebook: 'mnist-workbook.ipynb',
    exercises: [
      {
        name: 'Step 2 · normalize',
        solution: 'BEGIN SOLUTION: make xTrain and xTest',
        check: 'mw.checkNormalized(xTrain, xTest, mnist);',
        probe: 'console.log(typeof xTrain, typeof xTest, typeof yTrain);',
        wrong: [
          { name: 'raw 0–255 pixels', code: xy(T('trainSet'), T('testSet')), hint: '(the raw 0–255 pixels)' },
          { name: 'divided by 256', code: xy(`${T('trainSet')}.div(256)`, `${T('testSet')}.div(256)`), hint: 'should become exactly 1' },
          { name: 'divided by 128', code: xy(`${T('trainSet')}.div(128)`, `${T('testSet')}.div(128)`), hint: 'normalization brings every pixel into [0, 1]' },
          { name: 'only the training images normalized', code: xy(`${T('trainSet')}.div(255)`, T('testSet')), hint: 'prepared exactly like the training images' },
          { name: 'whole-number division', code: xy(`${T('trainSet', "'int32'")}.div(tf.scalar(255, 'int32'))`, `${T('testSet', "'int32'")}.div(tf.scalar(255, 'int32'))`), hint: 'int32' },
          { name: 'images kept as 28×28 grids', code: xy("tf.tensor3d(trainSet.images, [trainSet.count, 28, 28], 'float32').div(255)", "tf.tensor3d(testSet.images, [testSet.count, 28, 28], 'float32').div(255)"), hint: 'one row per image' },
          { name: 'each image by its own largest pixel', code: xy(`{ const x = ${T('trainSet')}; return x.div(x.max(1, true)); }`, `{ const x = ${T('testSet')}; return x.div(x.max(1, true)); }`), hint: 'divided by its own largest pixel' },
          { name: 'standardized (mean 0, std 1)', code: xy(`{ const x = ${T('trainSet')}; const { mean, variance } = tf.moments(x); return x.sub(mean).div(variance.sqrt()); }`, `{ const x = ${T('testSet')}; const { mean, variance } = tf.moments(x); return x.sub(mean).div(variance.sqrt()); }`), hint: 'into [0, 1]' },
          { name: 'xTest made of the training images', code: xy(`${T('trainSet')}.div(255)`, `${T('trainSet')}.div(255)`), hint: 'as many as there are training images' },
          { name: 'xTest made of the first training images', code: xy(`${T('trainSet')}.div(255)`, "tf.tensor2d(trainSet.images.subarray(0, testSet.count * 784), [testSet.count, 784], 'float32').div(255)"), hint: 'xTest holds the training images' },
          { name: 'images in reverse order', code: xy(`tf.reverse(${T('trainSet')}.div(255), 0)`, `${T('testSet')}.div(255)`), hint: 'keep the images and their pixels in order' },
          { name: 'unanswered', code: "const xTrain = mw.replacePrevious('xTrain', mw.todo<tf.Tensor2D>());\nconst xTest = mw.replacePrevious('xTest', mw.todo<tf.Tensor2D>());", hint: 'Step 2 needs xTrain as a tensor' },
        ],
        right: [
          { name: 'tensor2d float32, div(255)', code: xy(`${T('trainSet')}.div(255)`, `${T('testSet')}.div(255)`) },
          { name: 'int32 tensor cast to float, div(255)', code: xy(`${T('trainSet', "'int32'")}.toFloat().div(255)`, `${T('testSet', "'int32'")}.toFloat().div(255)`) },
          { name: 'mul(1 / 255)', code: xy(`${T('trainSet')}.mul(1 / 255)`, `${T('testSet')}.mul(1 / 255)`) },
          { name: 'Float32Array divided in JavaScript', code: xy('tf.tensor2d(Float32Array.from(trainSet.images, (v) => v / 255), [trainSet.count, 784])', 'tf.tensor2d(Float32Array.from(testSet.images, (v) => v / 255), [testSet.count, 784])') },
          { name: 'min–max scaling of the whole set', code: xy(`{ const x = ${T('trainSet')}; return x.sub(x.min()).div(x.max().sub(x.min())); }`, `{ const x = ${T('testSet')}; return x.sub(x.min()).div(x.max().sub(x.min())); }`) },
          { name: 'tf.div with a scalar, grids reshaped', code: xy("tf.div(tf.tensor3d(trainSet.images, [trainSet.count, 28, 28], 'float32'), tf.scalar(255)).reshape([trainSet.count, 784])", "tf.div(tf.tensor3d(testSet.images, [testSet.count, 28, 28], 'float32'), tf.scalar(255)).reshape([testSet.count, 784])") },
        ],
      },
      {
        name: 'Step 4 · the model',
        solution: 'BEGIN SOLUTION: a Dense layer of 128 ReLU units',
        check: 'mw.checkModel(model);',
        probe: 'console.log(typeof model);',
        wrong: [
          { name: 'sigmoid output', code: model(`${H}, tf.layers.dense({ units: 10, activation: 'sigmoid' })`), hint: "The output layer has the activation 'sigmoid'" },
          { name: 'output without activation', code: model(`${H}, tf.layers.dense({ units: 10 })`), hint: 'The output layer has no activation (linear)' },
          { name: 'relu output', code: model(`${H}, tf.layers.dense({ units: 10, activation: 'relu' })`), hint: "The output layer has the activation 'relu'" },
          { name: 'sigmoid hidden layer', code: model(`tf.layers.dense({ inputShape: [784], units: 128, activation: 'sigmoid' }), ${O}`), hint: "The first (hidden) layer has the activation 'sigmoid'" },
          { name: '64 hidden units', code: model(`tf.layers.dense({ inputShape: [784], units: 64, activation: 'relu' }), ${O}`), hint: 'has 64 units' },
          { name: 'input shape [28, 28]', code: model(`tf.layers.dense({ inputShape: [28, 28], units: 128, activation: 'relu' }), ${O}`), hint: 'inputs of shape [28, 28]' },
          { name: 'a third Dense layer', code: model(`${H}, tf.layers.dense({ units: 64, activation: 'relu' }), ${O}`), hint: 'Dense → Dense → Dense' },
          { name: 'no bias', code: model(`tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu', useBias: false }), ${O}`), hint: 'has no bias' },
          { name: 'not compiled', code: model(`${H}, ${O}`, ''), hint: 'not compiled yet' },
          { name: 'SGD', code: model(`${H}, ${O}`, "model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });"), hint: 'the SGD optimizer' },
          { name: 'learning rate 0.01', code: model(`${H}, ${O}`, "model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });"), hint: 'learning rate is 0.01' },
          { name: 'categorical cross-entropy', code: model(`${H}, ${O}`, "model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });"), hint: 'expects one-hot rows' },
          { name: 'mean squared error', code: model(`${H}, ${O}`, "model.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['accuracy'] });"), hint: 'loss is meanSquaredError' },
          { name: 'no metric', code: model(`${H}, ${O}`, "model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });"), hint: 'compiled with no metric' },
          { name: 'unanswered', code: "const model = mw.replacePrevious('model', mw.todo<tf.Sequential>());", hint: 'Step 4 needs a model' },
        ],
        right: [
          { name: 'tf.sequential with both layers, tf.train.adam(0.001)', code: `${COURSE_MODEL}\n${COMPILE}` },
          { name: 'an InputLayer first', code: model(`tf.layers.inputLayer({ inputShape: [784] }), tf.layers.dense({ units: 128, activation: 'relu' }), ${O}`) },
          { name: 'the functional API', code: "const input = tf.input({ shape: [784] });\nconst hiddenOut = tf.layers.dense({ units: 128, activation: 'relu' }).apply(input) as tf.SymbolicTensor;\n" +
            "const model = mw.replacePrevious('model', tf.model({ inputs: input, outputs: tf.layers.dense({ units: 10, activation: 'softmax' }).apply(hiddenOut) as tf.SymbolicTensor }));\n" + COMPILE },
          { name: 'activations as layers of their own', code: model("tf.layers.dense({ inputShape: [784], units: 128 }), tf.layers.activation({ activation: 'relu' }), tf.layers.dense({ units: 10 }), tf.layers.softmax()") },
          { name: "model.add, 'adam' and metric 'acc'", code: "const model = mw.replacePrevious('model', tf.sequential());\nmodel.add(tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }));\nmodel.add(tf.layers.dense({ units: 10, activation: 'softmax' }));\nmodel.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['acc'] });" },
          { name: 'tf.train.adam() and tf.metrics.sparseCategoricalAccuracy', code: model(`${H}, ${O}`, "model.compile({ optimizer: tf.train.adam(), loss: 'sparseCategoricalCrossentropy', metrics: [tf.metrics.sparseCategoricalAccuracy] });") },
        ],
      },
      {
        name: 'Step 5 · train',
        solution: 'BEGIN SOLUTION: train the model on xTrain and yTrain',
        check: 'mw.checkTraining(history, model, xTrain, yTrain);',
        probe: 'console.log(typeof history, typeof model);',
        // A fresh model before each way of training it, as a student re-runs Step 4 first.
        before: `${COURSE_MODEL}\n${COMPILE}`,
        wrong: [
          { name: 'a History typed in (no training)', code: 'const history = { epoch: [0, 1, 2, 3, 4], history: { loss: [0.3, 0.2, 0.1, 0.1, 0.1], acc: [0.9, 0.95, 0.97, 0.98, 0.98], val_acc: [0.95, 0.96, 0.97, 0.97, 0.97] }, params: { epochs: 5, samples: 54000, batchSize: 32 } };', hint: 'has not been trained at all' },
          // On 64 rows, so that the training started without await is over before the check cell runs: tslab's kernel can
          // die ("Socket is busy writing") when a cell's output is sent while training goes on in the background.
          { name: 'await forgotten', code: 'const history = model.fit(xTrain.slice(0, 64), yTrain.slice(0, 64), { epochs: 5, batchSize: 32, validationSplit: 0.1 });', cleanup: 'void (await history);', hint: 'history is a Promise' },
          { name: 'trained on the test set', code: `const history = await model.fit(xTest, yTest, { epochs: 5, batchSize: 32, validationSplit: 0.1, ${STOP()} });`, hint: 'the test images?' },
          { name: 'validated on the test set', code: `const history = await model.fit(xTrain, yTrain, { epochs: 5, batchSize: 32, validationData: [xTest, yTest], ${STOP()} });`, hint: 'other images (the test set?)' },
          { name: 'validationSplit 0.2', code: `const history = await model.fit(xTrain, yTrain, { epochs: 5, batchSize: 32, validationSplit: 0.2, ${STOP()} });`, hint: 'validationSplit is 0.2' },
          { name: 'no validation', code: `const history = await model.fit(xTrain, yTrain, { epochs: 5, batchSize: 32, ${STOP()} });`, hint: 'No images were held back' },
          { name: 'the first 10 % held back instead of the last', code: `const history = await model.fit(xTrain.slice(6000), yTrain.slice(6000), { epochs: 5, batchSize: 32, validationData: [xTrain.slice(0, 6000), yTrain.slice(0, 6000)], ${STOP()} });`, hint: 'the LAST 10 %' },
          { name: 'batches of 64', code: `const history = await model.fit(xTrain, yTrain, { epochs: 5, batchSize: 64, validationSplit: 0.1, ${STOP()} });`, hint: 'hold 64 images' },
          { name: 'epochs left out (1 epoch)', code: `const history = await model.fit(xTrain, yTrain, { batchSize: 32, validationSplit: 0.1, ${STOP()} });`, hint: 'it is 1 when left out' },
          { name: 'labels in another order', code: `const history = await model.fit(xTrain, yTrain.reverse(), { epochs: 5, batchSize: 32, validationSplit: 0.1, ${STOP()} });`, hint: 'each image needs its own label' },
          { name: 'trained twice (Step 5 run again without Step 4)', code: `await model.fit(xTrain, yTrain, { epochs: 5, batchSize: 32, validationSplit: 0.1, ${STOP()} });\nconst history = await model.fit(xTrain, yTrain, { epochs: 5, batchSize: 32, validationSplit: 0.1, ${STOP()} });`, hint: 'has been trained 2 times' },
          { name: 'the History of another model', code: "const other = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 10, activation: 'softmax' })] });\nother.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });\n" +
            `const history = await other.fit(xTrain, yTrain, { epochs: 5, batchSize: 32, validationSplit: 0.1, ${STOP('other')} });`, cleanup: 'other.dispose();', hint: 'comes from training another model' },
          { name: 'unanswered', code: 'const history = mw.todo<tf.History>();', hint: 'Step 5 needs the History' },
        ],
        right: [
          { name: "the course's model.fit", code: 'const history = await model.fit(xTrain, yTrain, { epochs: 5, batchSize: 32, validationSplit: 0.1 });' },
          { name: "the course's model.fit with the progress callback", code: 'const history = await model.fit(xTrain, yTrain, { epochs: 5, batchSize: 32, validationSplit: 0.1, callbacks: mw.notebookProgress() });' },
          { name: 'the last 10 % held back by hand (validationData)', code: 'const history = await model.fit(xTrain.slice(0, 54000), yTrain.slice(0, 54000), { epochs: 5, batchSize: 32, validationData: [xTrain.slice(54000), yTrain.slice(54000)] });' },
        ],
      },
      {
        name: 'Step 7 · confusion matrix',
        solution: 'BEGIN SOLUTION: predict the digit of every test image',
        check: 'mw.checkConfusionMatrix(matrix, model, xTest, yTest);',
        probe: 'console.log(typeof predicted, typeof matrix);',
        wrong: [
          { name: 'the labels against themselves', code: `${PREDICTED}\nconst matrix = mw.confusionMatrix(testSet.labels, testSet.labels);`, hint: 'counts the true labels against themselves' },
          { name: 'rows and columns swapped', code: `${PREDICTED}\nconst matrix = mw.confusionMatrix(predicted, testSet.labels);`, hint: 'Rows and columns are swapped' },
          { name: 'argMax along axis 0', code: 'const predicted = tf.tidy(() => (model.predict(xTest) as tf.Tensor).argMax(0).dataSync() as Int32Array);\nconst matrix = mw.confusionMatrix(testSet.labels, predicted);', where: 'cell', hint: 'along axis 0' },
          { name: 'predictions for training images', code: 'const predicted = tf.tidy(() => (model.predict(xTrain.slice(0, 10000)) as tf.Tensor).argMax(1).dataSync() as Int32Array);\nconst matrix = mw.confusionMatrix(testSet.labels, predicted);', hint: 'do not match what this model predicts' },
          { name: 'half of the test set', code: `${PREDICTED}\nconst matrix = mw.confusionMatrix(testSet.labels.subarray(0, 5000), predicted.subarray(0, 5000));`, hint: 'counts 5000 images' },
          { name: 'a tensor, not rows of numbers', code: `${PREDICTED}\nconst matrix = tf.tensor2d(mw.confusionMatrix(testSet.labels, predicted));`, hint: 'arraySync' },
          { name: 'unanswered', code: 'const predicted = mw.todo<Int32Array>();\nconst matrix = mw.todo<number[][]>();', hint: '10 × 10 counts' },
        ],
        right: [
          { name: 'predict, argMax(1), mw.confusionMatrix', code: `${PREDICTED}\nconst matrix = mw.confusionMatrix(testSet.labels, predicted);` },
          { name: 'tf.math.confusionMatrix', code: `${PREDICTED}\nconst matrix = tf.tidy(() => tf.math.confusionMatrix(tf.tensor1d(testSet.labels, 'int32'), tf.tensor1d(predicted, 'int32'), 10).arraySync());` },
          { name: 'counted by hand', code: `${PREDICTED}\nconst matrix = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));\ntestSet.labels.forEach((t, i) => { matrix[t][predicted[i]] += 1; });` },
          { name: 'argmax of arraySync rows, labels from yTest', code: 'const probabilities = model.predict(xTest) as tf.Tensor;\nconst predicted = Int32Array.from((probabilities.arraySync() as number[][]).map((p) => p.indexOf(Math.max(...p))));\nprobabilities.dispose();\nconst matrix = mw.confusionMatrix(yTest.dataSync(), predicted);' },
        ],
      },
      {
        name: 'Step 8 · reshape test image 0',
        solution: 'BEGIN SOLUTION: make pic a batch of one image',
        check: 'mw.checkReshaped(picInput1, xTest);',
        probe: 'console.log(typeof picInput1, typeof pic);',
        wrong: [
          { name: 'still [28, 28]', code: 'const picInput1 = pic.clone();', hint: 'still the 28×28 grid' },
          { name: '[784], no batch axis', code: 'const picInput1 = pic.reshape([784]);', hint: 'without the batch axis' },
          { name: '[1, 28, 28]', code: 'const picInput1 = pic.expandDims(0);', hint: 'shape [1, 28, 28]' },
          { name: 'raw pixels of image 0', code: "const picInput1 = tf.tensor2d(testSet.images.subarray(0, 784), [1, 784], 'float32');", hint: 'raw 0–255 pixels' },
          { name: 'test image 1', code: 'const picInput1 = xTest.slice(1, 1);', hint: 'not the pixels of test image 0' },
          { name: 'training image 0', code: 'const picInput1 = xTrain.slice(0, 1);', hint: 'not the pixels of test image 0' },
          { name: 'unanswered', code: 'const picInput1 = mw.todo<tf.Tensor>();', hint: 'Step 8 needs test image 0 as a tensor' },
        ],
        right: [
          { name: 'reshape([1, 28 * 28])', code: 'const picInput1 = pic.reshape([1, 28 * 28]);' },
          { name: 'reshape([1, -1])', code: 'const picInput1 = pic.reshape([1, -1]);' },
          { name: 'tf.reshape(pic, [1, 784])', code: 'const picInput1 = tf.reshape(pic, [1, 784]);' },
          { name: 'xTest.slice(0, 1)', code: 'const picInput1 = xTest.slice(0, 1);' },
          { name: 'flatten().expandDims(0)', code: 'const picInput1 = pic.flatten().expandDims(0);' },
        ],
      },
      {
        name: 'Step 8 · predict one digit',
        solution: "BEGIN SOLUTION: the model's 10 probabilities for picInput1",
        check: 'mw.checkFirstPrediction(pred1, picPred1, picInput1, model);',
        probe: 'console.log(typeof pred1, typeof picPred1);',
        wrong: [
          { name: 'argMax along axis 0', code: 'const pred1 = model.predict(picInput1) as tf.Tensor;\nconst picPred1 = pred1.argMax(0);', hint: 'along axis 1' },
          { name: 'the digit typed in as a number', code: 'const pred1 = model.predict(picInput1) as tf.Tensor;\nconst picPred1 = 7;', hint: 'not typed in' },
          { name: 'the largest probability, not its position', code: 'const pred1 = model.predict(picInput1) as tf.Tensor;\nconst picPred1 = pred1.max(1);', hint: 'is not the position of the largest' },
          { name: 'the prediction for test image 1', code: 'const pred1 = model.predict(xTest.slice(1, 1)) as tf.Tensor;\nconst picPred1 = pred1.argMax(1);', hint: "not this model's output for picInput1" },
          { name: 'probabilities typed in', code: 'const pred1 = tf.tensor2d([[0, 0, 0, 0, 0, 0, 0, 1, 0, 0]]);\nconst picPred1 = pred1.argMax(1);', hint: "not this model's output" },
          { name: 'unanswered', code: 'const pred1 = mw.todo<tf.Tensor>();\nconst picPred1 = mw.todo<tf.Tensor>();', hint: "the model's output for picInput1" },
        ],
        right: [
          { name: 'predict, argMax(1)', code: 'const pred1 = model.predict(picInput1) as tf.Tensor;\nconst picPred1 = pred1.argMax(1);' },
          { name: 'tf.argMax(pred1, -1)', code: 'const pred1 = model.predict(picInput1) as tf.Tensor2D;\nconst picPred1 = tf.argMax(pred1, -1);' },
          { name: 'predictOnBatch', code: 'const pred1 = model.predictOnBatch(picInput1) as tf.Tensor;\nconst picPred1 = pred1.argMax(1);' },
        ],
      },
      {
        name: 'Question 3 · inputs per image',
        solution: 'BEGIN SOLUTION: how many input values',
        check: 'mw.checkInputsPerImage(inputsPerImage);',
        probe: 'console.log(typeof inputsPerImage);',
        wrong: [
          { name: '28 × 28 × 3', code: 'const inputsPerImage = testSet.rows * testSet.cols * 3;', hint: 'three colour channels' },
          { name: '28', code: 'const inputsPerImage = testSet.rows;', hint: 'one row of the image' },
          { name: '28 + 28', code: 'const inputsPerImage = testSet.rows + testSet.cols;', hint: 'rows times its columns' },
          { name: 'a string', code: "const inputsPerImage = '784';", hint: 'The answer is a number' },
          { name: 'the number of images', code: 'const inputsPerImage = testSet.count;', hint: 'not the number of pixels of one image' },
          { name: 'unanswered', code: 'const inputsPerImage = mw.todo<number>();', hint: 'one per pixel of the 28×28 grid' },
        ],
        right: [
          { name: 'rows × cols × 1', code: 'const inputsPerImage = testSet.rows * testSet.cols * 1;' },
          { name: 'rows × cols', code: 'const inputsPerImage = testSet.rows * testSet.cols;' },
          { name: 'xTest.shape[1]', code: 'const inputsPerImage = xTest.shape[1];' },
          { name: '784', code: 'const inputsPerImage = 784;' },
        ],
      },
      {
        name: 'Exercise 10 · the weakest digit',
        solution: 'BEGIN SOLUTION: a function of any confusion matrix m (rows: true digits',
        check: 'mw.checkWeakestDigit(weakestDigit, matrix);',
        probe: 'console.log(typeof weakestDigit, typeof matrix);',
        wrong: [
          { name: 'most mistakes by count', code: weakest('const wrong = m.map((row, d) => row.reduce((a, b) => a + b, 0) - row[d]);\nreturn wrong.indexOf(Math.max(...wrong));'), hint: 'the most mistakes by count' },
          { name: 'smallest diagonal cell', code: weakest('const right = m.map((row, d) => row[d]);\nreturn right.indexOf(Math.min(...right));'), hint: 'smallest diagonal cell' },
          { name: 'lowest precision (column)', code: weakest('const p = m.map((_, d) => m[d][d] / m.reduce((s, row) => s + row[d], 0));\nreturn p.indexOf(Math.min(...p));'), hint: 'that is precision' },
          { name: 'highest recall', code: weakest(`${RECALL}\nreturn recall.indexOf(Math.max(...recall));`), hint: 'recognized BEST' },
          { name: 'the row of the largest single mistake', code: weakest('let best = [0, 1];\nm.forEach((row, t) => row.forEach((n, p) => { if (t !== p && n > m[best[0]][best[1]]) best = [t, p]; }));\nreturn best[0];'), hint: 'largest single mistake' },
          { name: 'the column with the most wrong guesses', code: weakest('const wrong = m.map((_, p) => m.reduce((s, row) => s + row[p], 0) - m[p][p]);\nreturn wrong.indexOf(Math.max(...wrong));'), hint: 'most wrong guesses' },
          { name: 'counted from 1', code: weakest(`${RECALL}\nreturn recall.indexOf(Math.min(...recall)) + 1;`), hint: 'counted from 0' },
          { name: 'the recall, not the digit', code: weakest(`${RECALL}\nreturn Math.min(...recall);`), hint: 'return the digit itself' },
          { name: 'the digit read off the printout, typed in', code: 'const weakestDigit = (m: number[][]): number => 8;', hint: 'whatever the matrix' },
          { name: 'a number instead of a function', code: 'const weakestDigit = 8;', hint: 'the exercise asks for a function' },
          { name: 'unanswered', code: 'const weakestDigit = (m: number[][]): number => mw.todo<number>();', hint: 'gives no answer yet' },
        ],
        right: [
          { name: 'recall by map, indexOf(min)', code: weakest(`${RECALL}\nreturn recall.indexOf(Math.min(...recall));`) },
          { name: 'a loop', code: weakest('let worst = 0;\nfor (let d = 1; d < m.length; d++) {\n  const sum = (r: number[]) => r.reduce((a, b) => a + b, 0);\n  if (m[d][d] / sum(m[d]) < m[worst][worst] / sum(m[worst])) worst = d;\n}\nreturn worst;') },
          { name: 'a sort', code: weakest('return m.map((row, d) => ({ d, r: row[d] / row.reduce((a, b) => a + b, 0) })).sort((a, b) => a.r - b.r)[0].d;') },
          { name: "the helper's classReport", code: weakest('const report = mw.classReport(m);\nreturn report.reduce((a, b) => (b.recall < a.recall ? b : a)).digit;') },
        ],
      },
    ],
    epilogue: [
      { name: 'Step 4 run again with a wrong model after training: it says the trained model is gone',
        source: model(`${H}, tf.layers.dense({ units: 10, activation: 'sigmoid' })`), expect: "'model' now holds a new, untrained model" },
      { name: "…and Step 7's check then says to train again", source: 'mw.checkConfusionMatrix(matrix, model, xTest, yTest);', expect: 'run Step 5 (training) again' },
    ],
  },
  {
    notebook: 'extension-small-cnn.ipynb',
    exercises: [{
      name: 'Build the CNN',
      solution: 'BEGIN SOLUTION: the network of the table',
      check: 'mw.checkCnn(cnn);',
      probe: 'console.log(typeof cnn);',
      wrong: [
        { name: 'no Flatten', code: cnn(withLayer(4, null)), hint: 'become one row of values per image first' },
        { name: '5×5 kernels', code: cnn(withLayer(0, "tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 5, activation: 'relu' })")), hint: 'kernelSize [5,5]' },
        { name: '32 filters in the second convolution', code: cnn(withLayer(2, "tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' })")), hint: 'has filters 32' },
        { name: "padding 'same'", code: cnn(withLayer(0, "tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu', padding: 'same' })")), hint: 'shrinks each side by 2' },
        { name: 'no second pooling', code: cnn(withLayer(3, null)), hint: 'the table above lists' },
        { name: 'sigmoid output', code: cnn(withLayer(6, "tf.layers.dense({ units: 10, activation: 'sigmoid' })")), hint: 'has activation "sigmoid"' },
        { name: 'input shape [28, 28] (no channel)', code: cnn(withLayer(0, "tf.layers.conv2d({ inputShape: [28, 28], filters: 32, kernelSize: 3, activation: 'relu' })")), where: 'cell', hint: 'expected ndim=4' },
        { name: 'input shape [784]', code: cnn(withLayer(0, "tf.layers.conv2d({ inputShape: [784], filters: 32, kernelSize: 3, activation: 'relu' })")), where: 'cell', hint: 'expected ndim=4' },
        { name: 'colour input [28, 28, 3]', code: cnn(withLayer(0, "tf.layers.conv2d({ inputShape: [28, 28, 3], filters: 32, kernelSize: 3, activation: 'relu' })")), hint: 'channels' },
        { name: 'no metric', code: cnn(CNN, "cnn.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });"), hint: 'The CNN is compiled with no metric' },
        { name: 'SGD', code: cnn(CNN, "cnn.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });"), hint: 'the course trains with Adam' },
        { name: 'unanswered', code: 'const cnn = mw.todo<tf.Sequential>();', hint: 'This exercise needs a model' },
      ],
      right: [
        { name: 'cnn.add, one layer per row', code: cnn(CNN) },
        { name: 'an InputLayer, activations as layers, [3, 3] and [2, 2]', code: cnn(['tf.layers.inputLayer({ inputShape: [28, 28, 1] })', 'tf.layers.conv2d({ filters: 32, kernelSize: [3, 3] })', "tf.layers.activation({ activation: 'relu' })",
          'tf.layers.maxPooling2d({ poolSize: [2, 2] })', "tf.layers.conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu' })", 'tf.layers.maxPooling2d({ poolSize: [2, 2], strides: [2, 2] })',
          'tf.layers.flatten()', 'tf.layers.dense({ units: 128 })', 'tf.layers.reLU()', "tf.layers.dense({ units: 10, activation: 'softmax' })"],
        "cnn.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy', metrics: ['acc'] });") },
        { name: 'the functional API', code: "const picture = tf.input({ shape: [28, 28, 1] });\nlet h = tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }).apply(picture) as tf.SymbolicTensor;\n" +
          "h = tf.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;\nh = tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }).apply(h) as tf.SymbolicTensor;\n" +
          "h = tf.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;\nh = tf.layers.flatten().apply(h) as tf.SymbolicTensor;\nh = tf.layers.dense({ units: 128, activation: 'relu' }).apply(h) as tf.SymbolicTensor;\n" +
          "const cnn = tf.model({ inputs: picture, outputs: tf.layers.dense({ units: 10, activation: 'softmax' }).apply(h) as tf.SymbolicTensor });\ncnn.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });" },
      ],
    }],
  },
  {
    notebook: 'extension-improving-the-mlp.ipynb',
    exercises: [{
      name: 'Add dropout to the course model',
      solution: 'BEGIN SOLUTION: the course model (784 inputs',
      check: 'mw.checkDropoutModel(dropped);',
      probe: 'console.log(typeof dropped);',
      wrong: [
        { name: 'the share kept (0.7)', code: dropped([DH, drop(0.7), DO]), hint: 'not the share that is kept' },
        { name: 'a percentage (30)', code: dropped([DH, drop(30), DO]), hint: 'not a percentage' },
        { name: 'rate 0.5', code: dropped([DH, drop(0.5), DO]), hint: 'drop 30 %' },
        { name: 'after the output layer', code: dropped([DH, DO, drop(0.3)]), hint: 'after the output layer' },
        { name: 'on the input pixels', code: dropped(['tf.layers.dropout({ inputShape: [784], rate: 0.3 })', "tf.layers.dense({ units: 128, activation: 'relu' })", DO]), hint: 'drops input pixels' },
        { name: 'no dropout', code: dropped([DH, DO]), hint: 'no Dropout layer yet' },
        { name: 'two Dropout layers', code: dropped([DH, drop(0.3), drop(0.3), DO]), hint: 'one Dropout layer goes between them' },
        { name: 'no metric', code: dropped([DH, drop(0.3), DO], "dropped.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });"), hint: 'compiled with no metric' },
        { name: 'SGD', code: dropped([DH, drop(0.3), DO], "dropped.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });"), hint: 'the course trains with Adam' },
        { name: '64 hidden units', code: dropped(["tf.layers.dense({ inputShape: [784], units: 64, activation: 'relu' })", drop(0.3), DO]), hint: '128 relu units' },
        { name: 'unanswered', code: 'const dropped = mw.todo<tf.Sequential>();', hint: 'This exercise needs a model' },
      ],
      right: [
        { name: 'tf.sequential with the three layers', code: dropped([DH, drop(0.3), DO]) },
        { name: 'an InputLayer, activations as layers, metric acc', code: dropped(['tf.layers.inputLayer({ inputShape: [784] })', 'tf.layers.dense({ units: 128 })', 'tf.layers.reLU()', drop(0.3), 'tf.layers.dense({ units: 10 })', 'tf.layers.softmax()'],
          "dropped.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy', metrics: ['acc'] });") },
        { name: 'model.add', code: "const dropped = tf.sequential();\ndropped.add(tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }));\ndropped.add(tf.layers.dropout({ rate: 0.3 }));\ndropped.add(tf.layers.dense({ units: 10, activation: 'softmax' }));\ndropped.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });" },
      ],
    }],
  },
  {
    notebook: 'extension-fashion-mnist.ipynb',
    needs: 'fashion-mnist',
    exercises: [{
      name: 'The pair it confuses most',
      solution: 'BEGIN SOLUTION: a function of any confusion matrix m (row = true class',
      check: 'mw.checkMostConfusedPair(mostFrequentMistake, fashionModel, fTest, names);',
      probe: 'console.log(typeof mostFrequentMistake, typeof fMatrix);',
      wrong: [
        { name: 'the wrong way round', code: pair(`${CELLS}\nconst top = cells.reduce((a, b) => (b.count > a.count ? b : a));\nreturn { truth: top.predicted, predicted: top.truth };`), hint: 'the wrong way round' },
        { name: 'the row with the most mistakes, then its largest cell', code: pair(`${SUMS}\nconst truth = m.map((r, d) => rows[d] - r[d]).reduce((b, v, i, a) => (v > a[b] ? i : b), 0);\nconst off = m[truth].map((n, p) => (p === truth ? -1 : n));\nreturn { truth, predicted: off.indexOf(Math.max(...off)) };`), hint: 'the class with the most mistakes, then that row' },
        { name: 'the column with the most wrong guesses, then its largest cell', code: pair(`${SUMS}\nconst predicted = m.map((r, d) => cols[d] - r[d]).reduce((b, v, i, a) => (v > a[b] ? i : b), 0);\nconst off = m.map((r, t) => (t === predicted ? -1 : r[predicted]));\nreturn { truth: off.indexOf(Math.max(...off)), predicted };`), hint: 'the column with the most wrong guesses' },
        { name: 'both directions added', code: pair('let best = { truth: 0, predicted: 1 };\nfor (let a = 0; a < m.length; a++) for (let b = a + 1; b < m.length; b++) if (m[a][b] + m[b][a] > m[best.truth][best.predicted] + m[best.predicted][best.truth]) best = { truth: a, predicted: b };\nreturn best;'), hint: 'adds the two directions' },
        { name: 'the largest share of a row', code: pair(`${SUMS}\n${CELLS}\nreturn cells.reduce((a, b) => (b.count / rows[b.truth] > a.count / rows[a.truth] ? b : a));`), hint: 'as shares of their row' },
        { name: 'the largest cell of all (the diagonal)', code: pair('const flat = m.flat();\nconst i = flat.indexOf(Math.max(...flat));\nreturn { truth: Math.floor(i / m.length), predicted: i % m.length };'), hint: 'a cell on the diagonal' },
        { name: 'the pair read off the chart, typed in', code: 'const mostFrequentMistake = (m: number[][]) => ({ truth: 6, predicted: 0 });', hint: 'same pair whatever the matrix' },
        { name: 'a pair instead of a function', code: 'const mostFrequentMistake = { truth: 6, predicted: 0 };', hint: 'mostFrequentMistake is a value' },
        { name: 'class names instead of numbers', code: pair(`${CELLS}\nconst top = cells.reduce((a, b) => (b.count > a.count ? b : a));\nreturn { truth: names[top.truth], predicted: names[top.predicted] } as unknown as { truth: number; predicted: number };`), hint: 'a pair of class numbers' },
        { name: 'unanswered', code: 'const mostFrequentMistake = (m: number[][]): { truth: number; predicted: number } => mw.todo<{ truth: number; predicted: number }>();', hint: 'gives no answer yet' },
      ],
      right: [
        { name: 'flatMap, filter, reduce', code: pair(`${CELLS}\nconst top = cells.reduce((a, b) => (b.count > a.count ? b : a));\nreturn { truth: top.truth, predicted: top.predicted };`) },
        { name: 'two loops', code: pair('let best = { truth: 0, predicted: 1 };\nfor (let t = 0; t < m.length; t++) for (let p = 0; p < m.length; p++) if (t !== p && m[t][p] > m[best.truth][best.predicted]) best = { truth: t, predicted: p };\nreturn best;') },
        { name: "the helper's mostConfused", code: pair('const [top] = mw.mostConfused(m, 1);\nreturn { truth: top.truth, predicted: top.predicted };') },
      ],
    }],
  },
];
