// The server sends src/own-digit/preprocess.ts, compiled, as /preprocess.js (see preprocessModuleSource in
// src/cli/draw.ts); this declaration lets app.js be type-checked against that very module.
export * from '../src/own-digit/preprocess';
