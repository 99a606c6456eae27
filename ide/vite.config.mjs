import { pageConfig } from '../scripts/vite-page-config.mjs';

// Built by scripts/build-ide.ts into ide/dist and served by src/server/graphiql.ts under /graphiql/.
export default pageConfig(import.meta.url, {
  base: '/graphiql/',
  // Monaco alone is several MB; the warning says nothing useful for a local tool.
  build: { chunkSizeWarningLimit: 8000 },
  // ES module workers can be code-split like the page (the default 'iife' cannot).
  worker: { format: 'es' },
});
