/**
 * Bundles the demo page with esbuild: `demo/app/main.tsx` (which imports its CSS) into a directory, plus the
 * `index.html` that loads them. The package entries (`matrix-uia`, `matrix-uia/react`, ...) are
 * resolved to the sources through tsconfig `paths`, so the page always runs the code in this
 * checkout.
 */
import { build } from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** The page that loads the bundle. */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>matrix-uia demo</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%230b6bcb'/%3E%3C/svg%3E">
<link rel="stylesheet" href="/main.css">
</head>
<body>
<div id="root"><p>Loading…</p></div>
<script type="module" src="/main.js"></script>
</body>
</html>
`;

/** Builds the page into `outdir`. */
export async function buildDemo(outdir: string): Promise<void> {
  await mkdir(outdir, { recursive: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'demo/app/main.tsx' },
    bundle: true,
    format: 'esm',
    jsx: 'automatic',
    platform: 'browser',
    target: 'es2022',
    outdir,
    entryNames: '[name]',
    sourcemap: 'linked',
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'warning',
  });
  await writeFile(path.join(outdir, 'index.html'), INDEX_HTML);
}
