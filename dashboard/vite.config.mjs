import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Built by scripts/build-ide.ts into dashboard/dist and served by src/server/dashboard.ts at /.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // Vite's built-in transform handles TSX; no React plugin (it only adds fast refresh for dev).
  oxc: { jsx: { runtime: 'automatic' } },
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // One page, one chunk: splitting per route would add round trips for a few kilobytes.
    rolldownOptions: {
      // As for the IDE: rolldown's slow-plugin report is about the build, which a user cannot act on.
      checks: { bundlerTimings: false },
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
