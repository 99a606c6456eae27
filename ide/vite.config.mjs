import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Built by scripts/build-ide.ts into ide/dist and served by src/server/graphiql.ts under /graphiql/.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/graphiql/',
  // Vite's built-in transform handles TSX; no React plugin (it only adds fast refresh for dev).
  oxc: { jsx: { runtime: 'automatic' } },
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Monaco alone is several MB; the warning says nothing useful for a local tool.
    chunkSizeWarningLimit: 8000,
    rolldownOptions: {
      // Rolldown's report of slow plugins ([PLUGIN_TIMINGS]) is about the build's own speed, which a
      // user starting the server cannot act on; a build on a busy machine printed it every time.
      checks: { bundlerTimings: false },
      // React libraries mark modules "use client"; that only matters to server components.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  // ES module workers can be code-split like the page (the default 'iife' cannot).
  worker: { format: 'es' },
});
