/**
 * The engine under every tensor: picks TensorFlow.js' fastest backend that
 * loads here (tfjs-node, else WebAssembly, else plain JavaScript) and
 * registers the project's own wasm kernels where tfjs-backend-wasm 4.22 is
 * slow or incomplete (matmul, transposes, slices, convolution, pooling, relu
 * and bias gradients), with the AssemblyScript module (lib/kernels-relaxed.wasm
 * or lib/kernels.wasm: the Dense step's products, fused Adam) that
 * train/train-step.ts uses. Serves every step; imports only
 * data/project-root (to find the kernels).
 */
export * from './backend';
