/**
 * `npm run data [-- --data-dir DIR]`: downloads the MNIST files into the cache
 * if needed, or checks the ones in DIR / MNIST_DATA_DIR, and prints each file's
 * state. Exits non-zero, with the reason, when anything is wrong.
 */
import { MNIST } from '../data/dataset';
import { FileReport, verifyMnist } from '../data/mnist';
import { parseCommandLine, runCommand } from './args';

const USAGE = `Usage: npm run data [-- --data-dir DIR]

Downloads the ${MNIST.title} files into the cache data/${MNIST.name}/ (or checks them there),
or, with --data-dir or ${MNIST.env.dataDir}, checks the files in that directory.
Every file's decompressed content is checked against its known SHA-256.
${MNIST.env.mirror}=URL replaces the list of download mirrors.

  --data-dir DIR   check the files in DIR instead of the cache (nothing is downloaded there)
  --help           this text`;

interface DataArgs {
  dir?: string;
  help: boolean;
}

export function parseDataArgs(argv: readonly string[]): DataArgs {
  const { values } = parseCommandLine(argv, {
    'data-dir': { type: 'string', what: 'a directory holding the four MNIST files, e.g. --data-dir ~/mnist' },
    help: { type: 'boolean', short: 'h' },
  });
  return { dir: values['data-dir'], help: values.help };
}

function countText(report: FileReport): string {
  const what = report.kind === 'images' ? `${report.count} images` : `${report.count} labels`;
  return report.count === undefined ? '' : what;
}

async function run(options: DataArgs): Promise<number> {
  const report = await verifyMnist({ dir: options.dir, log: (line) => process.stderr.write(line + '\n') });
  process.stdout.write(`${MNIST.title} data: ${report.source.label}\n`);
  const width = Math.max(...report.files.map((f) => f.file.length));
  for (const file of report.files) {
    const status = file.status === 'missing' || file.status === 'error' ? file.status.toUpperCase() : file.status;
    process.stdout.write(`  ${file.file.padEnd(width)}  ${status.padEnd(10)}  ${countText(file)}\n`.replace(/ +\n$/, '\n'));
    if (file.error) process.stdout.write(file.error.split('\n').map((l) => `      ${l}`).join('\n') + '\n');
  }
  for (const problem of report.problems) process.stdout.write(`  problem: ${problem}\n`);

  if (report.ok) {
    const counts = (kind: 'train' | 'test'): number | undefined => report.files.find((f) => f.split === kind)?.count;
    process.stdout.write(`OK: all ${report.files.length} files verified in ${report.source.dir}: ${counts('train')} training and ${counts('test')} test images.\n`);
    return 0;
  }
  const bad = report.files.filter((f) => f.status === 'missing' || f.status === 'error').length;
  process.stderr.write(
    `FAILED: ${bad} of ${report.files.length} files ${bad === 1 ? 'has' : 'have'} a problem` +
      (report.problems.length ? ` and ${report.problems.length} check(s) failed` : '') +
      '; see above.\n',
  );
  return 1;
}

if (require.main === module) void runCommand(USAGE, parseDataArgs, run);
