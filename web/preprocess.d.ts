// The server sends src/preprocess.ts, compiled, as /preprocess.js (see preprocessModuleSource in
// src/cli/draw.ts); this declaration lets app.js be type-checked against that very module.
export * from '../src/preprocess';
