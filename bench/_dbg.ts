import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/backend';
import { denseKernels } from '../src/backend/wasm-dense';
import { wasmKernels } from '../src/backend/wasm-kernels';
(async () => { await initBackend('wasm'); console.log(tf.getBackend(), wasmKernels() !== undefined, denseKernels() !== undefined);
 const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'relu' }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
 m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
 const inner = (m as any).model; console.log(inner.layers.map((l: any) => l.getClassName()), inner.lossFunctions.map((f: any) => f.name), inner.metricsTensors?.map((x: any) => x[0].name), Object.keys(inner).filter(k=>/metric|loss/i.test(k)));
})();
