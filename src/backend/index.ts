/**
 * The engine under every tensor: picks TensorFlow.js' fastest backend that
 * loads here (tfjs-node, else WebAssembly, else plain JavaScript) and
 * registers the project's own wasm kernels where tfjs-backend-wasm 4.22 is
 * slow or incomplete (transposed matmul, convolution and pooling gradients).
 * Serves every step; imports nothing from the other folders.
 */
export * from './backend';
