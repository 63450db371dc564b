/**
 * Dependencies point one way: the charts (machines/) use decisions, secrets, errors and actor
 * factories; none of those imports a chart or the public API built on the charts, not even for a
 * type. Each stage's actor lives with its input type in src/actors/, so no stage machine and
 * actor factory import each other in a circle.
 *
 * Read from the source text (every `import`/`export ... from`, type-only ones included), so a
 * new file in one of these folders is checked without being listed here.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** Every .ts file under `dir` (relative to the repository root). */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(rel));
    else if (/\.tsx?$/.test(entry.name)) out.push(rel);
  }
  return out;
}

/** The repository-relative paths a file imports from (relative specifiers only). */
export function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.map((s) => path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), s)));
}

/** The layers below the charts, and what each may not import. */
const LOWER = ['src/decisions', 'src/secrets', 'src/errors', 'src/actors'];
const FORBIDDEN = ['machines', 'src/api', 'src/fetch', 'src/react', 'src/browser', 'src/matrix-js-sdk', 'src/cli', 'src/testing', 'src/index'];

describe('dependency direction', () => {
  it('finds the imports it checks (the reader is not blind)', () => {
    expect(importsOf('src/actors/request.actor.ts')).toEqual(expect.arrayContaining(['src/actors/function-source', 'src/secrets/untrusted']));
    expect(importsOf('machines/uia.machine.ts')).toEqual(expect.arrayContaining(['src/actors/request.actor', 'src/decisions/next-step']));
  });

  for (const layer of LOWER) {
    it(`${layer} imports no chart and no public API module`, () => {
      const offending = filesUnder(layer).flatMap((f) =>
        importsOf(f)
          .filter((target) => FORBIDDEN.some((bad) => target === bad || target.startsWith(`${bad}/`)))
          .map((target) => `${f} → ${target}`),
      );
      expect(offending).toEqual([]);
    });
  }

  it('decisions are pure: they import no actor factory and no xstate', () => {
    const offending = filesUnder('src/decisions').flatMap((f) => {
      const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
      const bad = importsOf(f).filter((t) => t.startsWith('src/actors'));
      if (/from\s+['"]xstate['"]/.test(text)) bad.push('xstate');
      return bad.map((t) => `${f} → ${t}`);
    });
    expect(offending).toEqual([]);
  });

  it('no stage machine is imported by an actor factory (the stage ↔ actor circle is gone)', () => {
    const stageFiles = filesUnder('machines/stages').map((f) => f.replace(/\.ts$/, ''));
    const offending = filesUnder('src/actors').flatMap((f) => importsOf(f).filter((t) => stageFiles.includes(t)).map((t) => `${f} → ${t}`));
    expect(offending).toEqual([]);
  });
});
