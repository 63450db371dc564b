import { coreSpecs, measureBundle, largestInputs } from './bundle-size';
(async () => {
  const spec = coreSpecs()[0];
  const f = await measureBundle(spec);
  console.log(f.label, f.minified, f.gzipped);
  for (const x of largestInputs(f, 40)) console.log(String(x.bytes).padStart(7), x.file);
})();
(async () => {
  const { build } = await import('esbuild');
  const { installedApp } = await import('./bundle-size');
  const app = await installedApp();
  const r = await build({ stdin: { contents: `export { createUiaActor, selectStage, selectBusy, selectCanSend, selectStageError, selectResult, selectFinalError, isUiaError, passwordStageMachine } from 'matrix-uia';`, resolveDir: app, loader: 'js' }, absWorkingDir: app, bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, external: ['xstate'], outfile: app + '/o.js' });
  require('fs').writeFileSync('/tmp/bundle.min.js', r.outputFiles[0].contents);
})();
