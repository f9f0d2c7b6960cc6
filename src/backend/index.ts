/**
 * The engine under every tensor: picks TensorFlow.js' fastest backend that
 * loads here (tfjs-node, else WebAssembly, else plain JavaScript) and
 * registers the project's own wasm kernels where tfjs-backend-wasm 4.22 is
 * slow or incomplete (matmul, transposes, convolution, pooling, relu and bias
 * gradients), with the AssemblyScript module (lib/kernels.wasm) and fused
 * Adam that train/train-step.ts uses. Serves every step; imports only
 * data/project-root (to find lib/kernels.wasm).
 */
export * from './backend';
