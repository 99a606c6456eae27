import fs from 'node:fs';
import zlib from 'node:zlib';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.js';
import { median } from './torch-comparison.js';

export interface ServedFile {
  url: string;
  bytes: number;
  /** At gzip's default level, as a compressing proxy would send it (Headroom itself sends it as is). */
  gzipBytes: number;
}

interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
}

export interface DashboardLoadResult {
  url: string;
  loads: number;
  /** What a first visit downloads: the page, its script and its style. */
  files: ServedFile[];
  totalBytes: number;
  totalGzipBytes: number;
  /** Empty cache: navigation start to the load event, and to the page showing the server's data. */
  firstVisit: { loadEvent: Timing; dataShown: Timing };
  /** The same browser again: the hashed bundles come from its cache. */
  repeatVisit: { loadEvent: Timing; dataShown: Timing };
}

/** The page-side objects the measurement reads; declared here, as the server's tsconfig has no DOM lib. */
declare const performance: { now(): number; getEntriesByType(type: string): Array<{ loadEventEnd: number }> };
declare const document: { querySelector(selector: string): unknown };

/**
 * First-load cost of the dashboard at `url` in Debian's Chromium: every file the first visit
 * fetched (bytes as sent, and gzipped), then `loads` visits each in a fresh browser context (empty
 * cache) and once more in the same context, timed from navigation start to the load event and to
 * the page marking its first data as shown (`main[data-loaded]`). Needs playwright-core, a
 * development dependency, and a running server.
 */
export async function measureDashboardLoad(url: string, loads: number): Promise<DashboardLoadResult> {
  if (loads < 1) throw new Error('--loads must be 1 or more');
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install -y chromium`);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const visit = async (page: import('playwright-core').Page) => {
      await page.goto(url, { waitUntil: 'load' });
      const dataShown = await page.waitForFunction(() => (document.querySelector('main[data-loaded]') ? performance.now() : null), undefined, { timeout: 30_000 });
      const loadEvent = await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd);
      return { loadEvent, dataShown: (await dataShown.jsonValue()) as number };
    };
    const first: Array<{ loadEvent: number; dataShown: number }> = [];
    const repeat: Array<{ loadEvent: number; dataShown: number }> = [];
    let files: ServedFile[] = [];
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const responses: Array<Promise<ServedFile | null>> = [];
      if (i === 0) {
        page.on('response', (response) =>
          responses.push(
            response.body().then(
              (body) => ({ url: response.url(), bytes: body.length, gzipBytes: zlib.gzipSync(body).length }),
              () => null, // a response without a body (a redirect, a socket upgrade)
            ),
          ),
        );
      }
      first.push(await visit(page));
      if (i === 0) files = (await Promise.all(responses)).filter((file): file is ServedFile => file !== null && !new URL(file.url).pathname.startsWith('/graphql'));
      // Away and back: a new document, as a second visit is, not a same-page hash change.
      await page.goto('about:blank');
      repeat.push(await visit(page));
      await context.close();
    }
    const timing = (values: number[]): Timing => ({ medianMs: round(median(values)), minMs: round(Math.min(...values)), maxMs: round(Math.max(...values)) });
    return {
      url,
      loads,
      files,
      totalBytes: files.reduce((sum, file) => sum + file.bytes, 0),
      totalGzipBytes: files.reduce((sum, file) => sum + file.gzipBytes, 0),
      firstVisit: { loadEvent: timing(first.map((v) => v.loadEvent)), dataShown: timing(first.map((v) => v.dataShown)) },
      repeatVisit: { loadEvent: timing(repeat.map((v) => v.loadEvent)), dataShown: timing(repeat.map((v) => v.dataShown)) },
    };
  } finally {
    await browser.close();
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
