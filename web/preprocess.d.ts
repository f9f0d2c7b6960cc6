// The server sends src/own-digit/preprocess.ts, bundled for the browser by esbuild during `npm run build`
// (lib/web/preprocess.js), as /preprocess.js; this declaration lets app.js be type-checked against that very module.
export * from '../src/own-digit/preprocess';
