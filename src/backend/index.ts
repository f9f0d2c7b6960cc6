/**
 * The engine under every tensor: picks TensorFlow.js' fastest backend that
 * loads here (tfjs-node, else WebAssembly, else plain JavaScript) and
 * makes tfjs' own model.fit, evaluate and predict fast there: the project's
 * wasm kernels where tfjs-backend-wasm 4.22 is slow or incomplete (matmul,
 * transposes, slices, gathers, convolution, pooling, relu and bias
 * gradients), the AssemblyScript module (lib/kernels-relaxed.wasm or
 * lib/kernels.wasm: the Dense products, fused Adam), and under model.fit the
 * Dense chains' hand-written step. The lesson never imports from here but
 * through `initBackend`; this imports only data/project-root (to find the
 * kernels).
 */
export * from './choose-backend';
