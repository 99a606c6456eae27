import { pageConfig } from '../scripts/vite-page-config.mjs';

// Built by scripts/build-ide.ts into dashboard/dist and served by src/server/dashboard.ts at /.
export default pageConfig(import.meta.url, { base: '/' });
