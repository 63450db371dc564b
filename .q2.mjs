import { build, transform } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
const r = await build({ stdin: { contents: `export { createUiaActor, selectStage, selectBusy, selectCanSend, selectStageError, selectResult, selectFinalError, isUiaError, passwordStageMachine } from './src/index.ts';`, resolveDir: '/work/main', loader: 'js' }, bundle: true, minify: false, format: 'esm', platform: 'browser', target: 'es2022', write: false, external: ['xstate'], outfile: '/tmp/o.js', legalComments:'none' });
const text = r.outputFiles[0].text;
// split on esbuild's "// path" module comments
const parts = text.split(/^\/\/ (?=\S+\.ts$)/m);
const mods = [];
for (const p of parts) { const nl = p.indexOf('\n'); const name = p.slice(0, nl); const src = p.slice(nl).replace(/^export \{[^}]*\};?\s*$/m, ''); const code = (await transform(src, { minify: true, loader: 'js', format: 'esm' })).code; mods.push({ name, code }); }
const gz = (s) => gzipSync(Buffer.from(s), { level: 9 }).byteLength;
const all = gz(mods.map(m => m.code).join(''));
console.log('total gz (approx)', all);
const rows = mods.map((m, i) => ({ name: m.name.slice(0, 50), min: m.code.length, gzDelta: all - gz(mods.filter((_, j) => j !== i).map(x => x.code).join('')) }));
rows.sort((a, b) => b.gzDelta - a.gzDelta); for (const r of rows) console.log(String(r.gzDelta).padStart(6), String(r.min).padStart(6), r.name);
