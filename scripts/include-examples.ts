/**
 * Keeps the guides' code true: every block in docs/ marked
 *
 *     <!-- example: examples/change-password.ts -->
 *     ```ts
 *     …
 *     ```
 *     <!-- /example -->
 *
 * is replaced by the current text of that file (which CI type-checks and runs against the
 * homeserver simulator). `--check` changes nothing and exits 1 when a guide is out of date.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const BLOCK = /<!-- example: (\S+) -->\n```ts\n[\s\S]*?```\n<!-- \/example -->/g;

/** Markdown files under docs/, recursively (generated API docs excluded). */
export function markdownFiles(dir = path.join(root, 'docs')): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'api') out.push(...markdownFiles(p));
    } else if (name.endsWith('.md')) out.push(p);
  }
  return out;
}

/** The guide's text with every example block refreshed from its file. */
export function renderGuide(text: string): string {
  return text.replace(BLOCK, (_m, file: string) => {
    const code = readFileSync(path.join(root, file), 'utf8').replace(/\s+$/, '');
    return `<!-- example: ${file} -->\n\`\`\`ts\n${code}\n\`\`\`\n<!-- /example -->`;
  });
}

/** The example files a guide includes. */
export function includedExamples(text: string): string[] {
  return [...text.matchAll(BLOCK)].map((m) => m[1]!);
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const file of markdownFiles()) {
    const text = readFileSync(file, 'utf8');
    const next = renderGuide(text);
    if (next === text) continue;
    stale++;
    if (check) console.error(`out of date: ${path.relative(root, file)}`);
    else {
      writeFileSync(file, next);
      console.log(`updated ${path.relative(root, file)}`);
    }
  }
  if (check && stale) process.exit(1);
}
