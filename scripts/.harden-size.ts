import { coreSpecs, measureBundle, largestInputs } from '../bench/bundle-size';
(async()=>{ const specs = coreSpecs(); for (const s of specs.slice(0,2)) { const f = await measureBundle(s); console.log(f.gzipped, s.budget, s.label); if (process.env.V) for (const x of largestInputs(f, 30)) console.log('   ', x.bytes, x.file); } })();
