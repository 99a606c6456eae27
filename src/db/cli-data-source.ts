import { createDataSource } from './data-source.js';

/**
 * The data source TypeORM's own CLI loads (`typeorm migration:generate -d dist/src/db/cli-data-source.js`).
 * It needs DATABASE_URL; `npx headroom migrate` is the everyday way to apply migrations.
 */
const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL to the database the TypeORM CLI should use');
export default createDataSource(url);
