import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../src/bench/chromium.js';

/**
 * The `skip` option of a browser test: skipped without Chromium on a developer's machine, but
 * under CI=true a missing browser fails the test, so a green CI cannot hide an untested browser.
 */
export function skipWithoutChromium(): string | false {
  if (fs.existsSync(CHROMIUM) || process.env.CI === 'true') return false;
  return `needs Chromium at ${CHROMIUM}: apt-get install -y chromium`;
}

/** A fresh Chromium profile; close() removes it again. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium; .ci/run does this)`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    return {
      context,
      async close() {
        await context.close();
        fs.rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
