/**
 * The course as a lesson: the autograded checks of the workbook and the
 * extension notebooks, the side-by-side runs that answer the questions,
 * freeing a re-run cell's model, and the tools that make the student edition
 * and keep notebooks stored as Jupyter writes them (for `npm run student`
 * and `npm run format-notebooks`).
 */
export * from './checks';
export * from './extension-checks';
export * from './experiments';
export * from './rerun';
