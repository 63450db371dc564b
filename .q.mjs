import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
const r = await build({ stdin: { contents: `export { createUiaActor, selectStage, selectBusy, selectCanSend, selectStageError, selectResult, selectFinalError, isUiaError, passwordStageMachine } from './src/index.ts';`, resolveDir: '/work/main', loader: 'js' }, bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, external: ['xstate'], outfile: '/tmp/o.js', metafile: true });
const c = r.outputFiles[0].contents;
writeFileSync('/tmp/bundle.min.js', c);
console.log('min', c.byteLength, 'gz', gzipSync(c, { level: 9 }).byteLength);
if (process.argv[2]) for (const [k, v] of Object.entries(r.metafile.outputs['/tmp/o.js'].inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput).slice(0, 12)) console.log(String(v.bytesInOutput).padStart(6), k);
