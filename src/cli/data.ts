/**
 * `npm run data [-- --data-dir DIR]`: downloads the MNIST files into the cache
 * if needed, or checks the ones in DIR / MNIST_DATA_DIR, and prints each file's
 * state. Exits non-zero, with the reason, when anything is wrong.
 */
import { MNIST } from '../dataset';
import { FileReport, LoadMnistOptions, verifyMnist } from '../mnist';

const USAGE = `Usage: npm run data [-- --data-dir DIR]

Downloads the ${MNIST.title} files into the cache data/${MNIST.name}/ (or checks them there),
or, with --data-dir or ${MNIST.env.dataDir}, checks the files in that directory.
Every file's decompressed content is checked against its known SHA-256.
${MNIST.env.mirror}=URL replaces the list of download mirrors.`;

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): LoadMnistOptions & { help?: boolean } {
  const options: LoadMnistOptions & { help?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      options.help = true;
    } else if (arg === '--data-dir') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError('--data-dir needs a directory, e.g. --data-dir ~/mnist');
      options.dir = value;
      i++;
    } else if (arg.startsWith('--data-dir=')) {
      options.dir = arg.slice('--data-dir='.length);
    } else {
      throw new UsageError(`unknown argument ${arg}`);
    }
  }
  return options;
}

function countText(report: FileReport): string {
  const what = report.kind === 'images' ? `${report.count} images` : `${report.count} labels`;
  return report.count === undefined ? '' : what;
}

async function main(argv: readonly string[]): Promise<number> {
  let options: LoadMnistOptions & { help?: boolean };
  try {
    options = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }

  const report = await verifyMnist({ ...options, log: (line) => process.stderr.write(line + '\n') });
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
