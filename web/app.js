// The draw page's script (`npm run draw`). Pointer events cover mouse, pen
// and touch alike. After each change the canvas pixels go through the
// project's own preprocessing (src/own-digit/preprocess.ts, served as /preprocess.js),
// then into the model with TensorFlow.js; both come from the local server.
// Plain JavaScript: the browser runs it as served, no build step; `npm run
// typecheck` checks it (`// @ts-check`, JSDoc types, web/tsconfig.json).
// @ts-check
import { preprocessDigit, IMAGE_SIDE } from './preprocess.js';

/** The global from /vendor/tf.min.js. */
const tf = window.tf;

const pad = /** @type {HTMLCanvasElement} */ (document.getElementById('pad'));
const seen = /** @type {HTMLCanvasElement} */ (document.getElementById('seen'));
const statusLine = /** @type {HTMLElement} */ (document.getElementById('status'));
const prediction = /** @type {HTMLOutputElement} */ (document.getElementById('prediction'));
const confidence = /** @type {HTMLElement} */ (document.getElementById('confidence'));
const list = /** @type {HTMLOListElement} */ (document.getElementById('probabilities'));
const clearButton = /** @type {HTMLButtonElement} */ (document.getElementById('clear'));
const inkChoice = /** @type {HTMLSelectElement} */ (document.getElementById('ink'));

// willReadFrequently: every update reads the pixels back; this keeps the
// canvas in memory instead of round-tripping through the GPU.
const ctx = /** @type {CanvasRenderingContext2D} */ (pad.getContext('2d', { willReadFrequently: true }));
const seenCtx = /** @type {CanvasRenderingContext2D} */ (seen.getContext('2d'));

/** @type {import('@tensorflow/tfjs').LayersModel | null} the loaded model, once there is one */
let model = null;
/** @type {number[]} the shape the model takes one image in, read from the model: [1, 784] for the course's Dense model, [1, 28, 28, 1] for a CNN */
let inputShape = [];
/** Which model is in use, shown while the canvas is blank. */
let modelMessage = '';

// ---- probability bars: built once, updated in place --------------------------------------
const rows = Array.from({ length: 10 }, (_, digit) => {
  const li = document.createElement('li');
  li.dataset.digit = String(digit);
  li.dataset.probability = '0';
  const label = document.createElement('span');
  label.className = 'label';
  label.textContent = String(digit);
  const bar = document.createElement('span');
  bar.className = 'bar';
  const fill = document.createElement('span');
  fill.className = 'fill';
  bar.append(fill);
  const value = document.createElement('span');
  value.className = 'value';
  value.textContent = '–';
  li.append(label, bar, value);
  list.append(li);
  return { li, fill, value };
});

/**
 * Shows a message; text between backticks becomes code (no innerHTML: the text comes from the server).
 * @param {string} state
 * @param {string} text
 */
function setStatus(state, text) {
  statusLine.dataset.state = state;
  statusLine.replaceChildren(...text.split('`').map((part, i) => {
    if (i % 2 === 0) return document.createTextNode(part);
    const code = document.createElement('code');
    code.textContent = part;
    return code;
  }));
}

// ---- drawing ----------------------------------------------------------------------------
// MNIST strokes are about a tenth of the digit's height; a pen this wide on a
// 280-pixel canvas gives the same look once a digit is shrunk to 20 pixels.
const PEN_WIDTH = pad.width / 12;

function inkColours() {
  return inkChoice.value === 'light' ? { ink: '#fff', paper: '#000' } : { ink: '#000', paper: '#fff' };
}

function clearPad() {
  ctx.fillStyle = inkColours().paper;
  ctx.fillRect(0, 0, pad.width, pad.height);
  pad.style.background = inkColours().paper;
  scheduleUpdate();
}

/** @typedef {{ x: number, y: number }} Point */

/**
 * Canvas coordinates of a pointer event, whatever size CSS gives the canvas.
 * @param {PointerEvent} event
 * @returns {Point}
 */
function point(event) {
  const rect = pad.getBoundingClientRect();
  return { x: (event.clientX - rect.left) * (pad.width / rect.width), y: (event.clientY - rect.top) * (pad.height / rect.height) };
}

/**
 * @param {Point} from
 * @param {Point} to
 */
function stroke(from, to) {
  const { ink } = inkColours();
  ctx.strokeStyle = ink;
  ctx.lineWidth = PEN_WIDTH;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.beginPath();
  ctx.moveTo(from.x, from.y);
  ctx.lineTo(to.x, to.y);
  ctx.stroke();
}

/** The pointer that is drawing (one at a time: a palm resting on a tablet must not draw too). */
/** @type {number | null} */
let activePointer = null;
/** @type {Point | null} */
let last = null;

pad.addEventListener('pointerdown', (event) => {
  if (activePointer !== null || (event.pointerType === 'mouse' && event.button !== 0)) return;
  event.preventDefault();
  activePointer = event.pointerId;
  pad.setPointerCapture(event.pointerId);
  last = point(event);
  stroke(last, last); // a tap leaves a dot
  scheduleUpdate();
});

pad.addEventListener('pointermove', (event) => {
  if (event.pointerId !== activePointer) return;
  // Coalesced events hold the positions between frames: without them a fast
  // stroke becomes a few straight segments.
  const events = typeof event.getCoalescedEvents === 'function' ? event.getCoalescedEvents() : [];
  for (const e of events.length > 0 ? events : [event]) {
    const next = point(e);
    stroke(last ?? next, next);
    last = next;
  }
  scheduleUpdate();
});

/** @param {PointerEvent} event */
function endStroke(event) {
  if (event.pointerId !== activePointer) return;
  activePointer = null;
  last = null;
  scheduleUpdate();
}
pad.addEventListener('pointerup', endStroke);
pad.addEventListener('pointercancel', endStroke);

clearButton.addEventListener('click', clearPad);
inkChoice.addEventListener('change', clearPad);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') clearPad();
});

// ---- reading the digit ------------------------------------------------------------------
let pending = false;

/** At most one update per frame, however many pointer events arrive. */
function scheduleUpdate() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    update();
  });
}

/** The 28×28 input drawn 5× larger, one square per pixel, white ink on black as the model sees it. */
/** @param {Float32Array} pixels */
function showSeen(pixels) {
  const cell = seen.width / IMAGE_SIDE;
  seenCtx.fillStyle = '#000';
  seenCtx.fillRect(0, 0, seen.width, seen.height);
  for (let i = 0; i < pixels.length; i++) {
    if (pixels[i] === 0) continue;
    const level = Math.round(pixels[i] * 255);
    seenCtx.fillStyle = `rgb(${level},${level},${level})`;
    seenCtx.fillRect((i % IMAGE_SIDE) * cell, Math.floor(i / IMAGE_SIDE) * cell, cell, cell);
  }
}

/** @param {number[] | null} probabilities */
function showProbabilities(probabilities) {
  const best = probabilities === null ? -1 : probabilities.indexOf(Math.max(...probabilities));
  rows.forEach((row, digit) => {
    const p = probabilities === null ? 0 : probabilities[digit];
    row.li.dataset.probability = String(p);
    row.li.classList.toggle('top', digit === best);
    row.fill.style.width = `${(p * 100).toFixed(1)}%`;
    row.value.textContent = probabilities === null ? '–' : `${(p * 100).toFixed(1)}%`;
  });
  prediction.dataset.digit = best < 0 ? '' : String(best);
  prediction.textContent = best < 0 ? '–' : String(best);
  confidence.textContent = probabilities === null || best < 0 ? '' : `(${(probabilities[best] * 100).toFixed(1)}% sure)`;
}

function update() {
  const digit = preprocessDigit(ctx.getImageData(0, 0, pad.width, pad.height));
  showSeen(digit.pixels);
  if (digit.empty || model === null) {
    showProbabilities(null);
    if (model !== null) setStatus('ready', `Draw a digit. ${modelMessage}`);
    return;
  }
  const loaded = model;
  const probabilities = tf.tidy(() => {
    const output = /** @type {import('@tensorflow/tfjs').Tensor} */ (loaded.predict(tf.tensor(digit.pixels, inputShape)));
    return Array.from(output.dataSync());
  });
  showProbabilities(probabilities);
  setStatus('ready', 'Reading your digit as you draw. Clear (or Esc) to start again.');
}

async function loadModel() {
  const response = await fetch('/api/model');
  const status = await response.json();
  if (!status.ready) {
    setStatus('no-model', status.message);
    return;
  }
  // The cpu backend: the model is one small dense layer pair, read in well under
  // a millisecond, with no GPU driver or WebGL quirks to depend on.
  await tf.setBackend('cpu');
  const loaded = await tf.loadLayersModel('/model/model.json');
  // One image in the model's own input shape (batch of 1): (1, 784) for the course's Dense model,
  // (1, 28, 28, 1) for a CNN; any shape holding one 28×28 image works.
  const shape = [1, ...loaded.inputs[0].shape.slice(1).map((size) => size ?? -1)];
  const inputs = shape.reduce((product, size) => product * size, 1);
  const outputs = loaded.outputs[0].shape.slice(1).reduce((product, size) => (product ?? 1) * (size ?? 1), 1);
  if (inputs !== IMAGE_SIDE * IMAGE_SIDE || outputs !== 10) {
    setStatus('error', `The model at ${status.modelPath} takes input of shape (${shape.join(', ')}) and gives ${outputs} outputs; ` +
      'this page needs one 28×28 image (784 values) in and 10 probabilities out, like the course model that `npm start` trains.');
    return;
  }
  inputShape = shape;
  model = loaded;
  modelMessage = status.message;
  setStatus('ready', `Draw a digit. ${modelMessage}`);
}

clearPad();
loadModel().then(scheduleUpdate, (error) => {
  setStatus('error', `Could not load the model: ${error instanceof Error ? error.message : String(error)}. ` +
    'Train and save it again with `npm start`, then reload this page.');
});
