// Production build of the page; React's automatic JSX runtime, no plugin needed for a build.
export default {
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: 'dist', emptyOutDir: true },
};
