import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The vite config both served pages (the dashboard, the GraphiQL IDE) share: one page built into
 * its own folder's dist/, with `base` the path the server mounts it under. `build` and `rest` add
 * what one page needs and the other does not.
 */
export function pageConfig(pageUrl, { base, build = {}, ...rest }) {
  return defineConfig({
    root: fileURLToPath(new URL('.', pageUrl)),
    base,
    // Vite's built-in transform handles TSX; no React plugin (it only adds fast refresh for dev).
    oxc: { jsx: { runtime: 'automatic' } },
    logLevel: 'warn',
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      rolldownOptions: {
        // Rolldown's report of slow plugins ([PLUGIN_TIMINGS]) is about the build's own speed, which a
        // user starting the server cannot act on; a build on a busy machine printed it every time.
        checks: { bundlerTimings: false },
        // React libraries mark modules "use client"; that only matters to server components.
        onwarn(warning, warn) {
          if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
        },
      },
      ...build,
    },
    ...rest,
  });
}
