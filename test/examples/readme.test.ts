/**
 * The README's code, as a library user meets it: the quick start (examples/quick-start.mjs) is
 * run with node in a scratch project where the packed package (`npm pack`, the files users
 * install) is installed next to xstate, and compiled there with TypeScript under each
 * `moduleResolution` the README names; the "bring your own HTTP" example
 * (examples/own-http.ts) runs against the simulator. Both must be in the README as they are.
 *
 * The tarball is CI's (`MATRIX_UIA_TARBALL`, packed once before the tests) or, when run alone
 * (a fresh clone's `npm ci && npm test`), packed here from a private build of the current sources,
 * never from the repo's dist/, which may be missing, stale or being rebuilt by another run.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_ACCOUNT, demoConfig, startHomeserver } from 'matrix-uia/testing';
import { changePasswordOverFetch } from '../../examples/own-http';

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The code between `<!-- example: file -->` and `<!-- /example -->` in the README. */
function readmeBlock(file: string): string {
  const m = new RegExp(`<!-- example: ${file.replace(/[.]/g, '\\.')} -->\\n\`\`\`(?:js|ts)\\n([\\s\\S]*?)\`\`\`\\n<!-- /example -->`).exec(README);
  if (!m) throw new Error(`README.md has no example block for ${file}`);
  return m[1]!;
}

test('the README shows the current text of both examples', () => {
  expect(readmeBlock('examples/quick-start.mjs')).toBe(readFileSync(path.join(ROOT, 'examples/quick-start.mjs'), 'utf8').replace(/\s+$/, '') + '\n');
  expect(readmeBlock('examples/own-http.ts')).toBe(readFileSync(path.join(ROOT, 'examples/own-http.ts'), 'utf8').replace(/\s+$/, '') + '\n');
  expect(README).toContain('npm i matrix-uia xstate');
  expect(README).toMatch(/## Quick start: work on matrix-uia\n\n```sh\nnpm install .*\nnpm start .*\nnpm test /);
});

test('bring your own HTTP: runUia with a fetch request function, a wrong password asked again', async () => {
  const hs = await startHomeserver(demoConfig());
  try {
    const problems: (string | undefined)[] = [];
    await changePasswordOverFetch({ baseUrl: hs.url, accessToken: DEMO_ACCOUNT.accessToken, userId: DEMO_ACCOUNT.userId }, 'own http horse', async (problem) => {
      problems.push(problem);
      return problems.length === 1 ? 'wrong' : DEMO_ACCOUNT.password;
    });
    expect(problems).toEqual([undefined, 'Invalid username or password']);
    expect(hs.server.getUser(DEMO_ACCOUNT.userId)!.password).toBe('own http horse');
  } finally {
    await hs.close();
  }
});

describe('the quick start in a scratch project with the packed package', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'matrix-uia-quick-start-'));
    // The tarball CI packed once (MATRIX_UIA_TARBALL), or one packed here from a build of the
    // current sources into a private package folder: a fresh clone has no dist/, and building
    // into the repo's dist/ (as `prepack` does) would rewrite it under any other run reading it
    // (a second `npm test` beside this one once packed a tarball without its .d.mts files).
    let tarball = process.env.MATRIX_UIA_TARBALL;
    if (!tarball) {
      const pkgRoot = path.join(dir, 'package-src');
      mkdirSync(pkgRoot);
      const files = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files;
      for (const f of ['package.json', ...files.filter((f) => f !== 'dist')]) cpSync(path.join(ROOT, f), path.join(pkgRoot, f), { recursive: true });
      execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--out', path.join(pkgRoot, 'dist')], { cwd: ROOT, stdio: 'pipe' });
      execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, pkgRoot], { cwd: dir, stdio: 'pipe' });
      tarball = path.join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
    }
    // What `npm i matrix-uia xstate` leaves in node_modules, without the network: the tarball's
    // files as the package, xstate (its peer) and @types/node from this checkout.
    const pkg = path.join(dir, 'node_modules/matrix-uia');
    mkdirSync(pkg, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', pkg, '--strip-components=1']);
    symlinkSync(path.join(ROOT, 'node_modules/xstate'), path.join(dir, 'node_modules/xstate'), 'dir');
    mkdirSync(path.join(dir, 'node_modules/@types'));
    symlinkSync(path.join(ROOT, 'node_modules/@types/node'), path.join(dir, 'node_modules/@types/node'), 'dir');
    // A project as `npm init -y` makes it: no "type", so .js files are CommonJS.
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'my-app', version: '1.0.0', private: true }));
    cpSync(path.join(ROOT, 'examples/quick-start.mjs'), path.join(dir, 'quick-start.mjs'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('`node quick-start.mjs` runs as written and prints what the README says', () => {
    const out = execFileSync(process.execPath, ['quick-start.mjs'], { cwd: dir, encoding: 'utf8' });
    expect(out).toBe('The server said: Invalid username or password\nPassword changed.\n');
    expect(README).toContain('It prints `The server said: Invalid username or password`, then `Password changed.`');
  });

  it('as .js it needs "type": "module", as the README says: without, Node warns (or refuses it)', () => {
    cpSync(path.join(dir, 'quick-start.mjs'), path.join(dir, 'quick-start.js'));
    const typeless = spawnSync(process.execPath, ['quick-start.js'], { cwd: dir, encoding: 'utf8' });
    if (typeless.status === 0) expect(typeless.stderr).toContain('MODULE_TYPELESS_PACKAGE_JSON');
    else expect(typeless.stderr).toMatch(/Cannot use import statement outside a module|await is only valid/);
    const pkgFile = path.join(dir, 'package.json');
    const before = readFileSync(pkgFile, 'utf8');
    writeFileSync(pkgFile, JSON.stringify({ ...JSON.parse(before), type: 'module' }));
    try {
      const typed = spawnSync(process.execPath, ['quick-start.js'], { cwd: dir, encoding: 'utf8' });
      expect([typed.status, typed.stdout, typed.stderr]).toEqual([0, 'The server said: Invalid username or password\nPassword changed.\n', '']);
    } finally {
      writeFileSync(pkgFile, before);
    }
    expect(README).toContain('needs `"type": "module"` in the project\'s `package.json`');
  });

  /** Runs tsc on `files` with these compiler options; resolves with its diagnostics ('' for none). */
  const tsc = (name: string, config: Record<string, unknown>, files: string[]): Promise<string> => {
    const project = `tsconfig.${name}.json`;
    writeFileSync(path.join(dir, project), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'es2022', types: ['node'], ...config }, files }));
    return new Promise((done) => {
      execFile(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: dir, encoding: 'utf8' }, (err, stdout) => done(err ? `${stdout}` || String(err) : ''));
    });
  };

  it('compiles as TypeScript with moduleResolution bundler, node16 and nodenext (strict, no skipLibCheck); as CommonJS (.cts) with node16', async () => {
    const code = readFileSync(path.join(dir, 'quick-start.mjs'), 'utf8');
    writeFileSync(path.join(dir, 'quick-start.mts'), code);
    // CommonJS has no top-level await: the same code inside an async function.
    const imports = code.split('\n').filter((l) => l.startsWith('import '));
    const body = code.split('\n').filter((l) => !l.startsWith('import ') && !l.startsWith('//'));
    writeFileSync(path.join(dir, 'quick-start.cts'), `${imports.join('\n')}\n\nasync function main(): Promise<void> {\n${body.join('\n')}\n}\nvoid main();\n`);
    const settings: [string, string][] = [
      ['bundler', 'esnext'],
      ['node16', 'node16'],
      ['nodenext', 'nodenext'],
    ];
    const results = await Promise.all([
      ...settings.map(([moduleResolution, module]) => tsc(moduleResolution, { module, moduleResolution }, ['quick-start.mts'])),
      tsc('cjs', { module: 'node16', moduleResolution: 'node16' }, ['quick-start.cts']),
    ]);
    expect(results).toEqual(['', '', '', '']);
    for (const [moduleResolution, module] of settings) expect(README).toContain(`| \`"${moduleResolution}"\` | \`"${module}"\` |`);
  });
});
