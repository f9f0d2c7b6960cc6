/**
 * The npm scripts' commands, one module each: `npm start` (start.ts, with
 * start-args.ts), `npm run data` (data.ts), `npm run draw` (draw.ts),
 * `npm run student` (student.ts) and `npm run format-notebooks`
 * (format-notebooks.ts). Each of the five parses its flags and runs with
 * args.ts (parseCommandLine and runCommand: --help, exit 2 with the usage on
 * a bad flag), and so does bench/run.ts. Built to lib/cli/*.js; nothing else
 * imports them, so this index names them only.
 */
export { parseCommandLine, UsageError } from './args';
