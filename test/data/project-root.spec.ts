import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { projectPath, projectRoot } from '../../src/data/project-root';
import { defaultCacheDir } from '../../src/data/mnist';
import { findRealMnist, realMnistDir } from '../support/real-data';

describe('the project root', () => {
  it('is the folder of the package.json named mnist-workbook, whichever module asks', () => {
    const root = projectRoot();
    expect(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).name).to.equal('mnist-workbook');
    expect(root, 'two folders above this spec').to.equal(path.resolve(__dirname, '..', '..'));
    expect(projectPath('web', 'app.js')).to.equal(path.join(root, 'web', 'app.js'));
    expect(defaultCacheDir()).to.equal(path.join(root, 'data', 'mnist'));
  });
});

describe('finding the real MNIST for the tests', () => {
  let saved: { dir?: string; ci?: string };
  let empty: string;
  beforeEach(() => {
    saved = { dir: process.env.MNIST_DATA_DIR, ci: process.env.CI };
    empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-mnist-'));
  });
  afterEach(() => {
    for (const [key, value] of [['MNIST_DATA_DIR', saved.dir], ['CI', saved.ci]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    fs.rmSync(empty, { recursive: true, force: true });
  });

  it('says what MNIST_DATA_DIR lacks when it points at an incomplete folder', () => {
    process.env.MNIST_DATA_DIR = empty;
    const where = findRealMnist();
    expect(where.found).to.equal(false);
    expect(where.found ? '' : where.reason).to.include(`MNIST_DATA_DIR (${empty}) lacks train-images-idx3-ubyte.gz`);
  });

  it('fails a test that needs the data under CI instead of skipping it', function () {
    process.env.MNIST_DATA_DIR = empty;
    process.env.CI = 'true';
    expect(() => realMnistDir(this)).to.throw(/The real MNIST is needed and missing under CI: MNIST_DATA_DIR/);
  });
});
