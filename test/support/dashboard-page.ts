import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { packageRoot } from '../../src/package-root.js';

/** Where browser tests leave screenshots for a person to look at (gitignored). */
export const SCREENSHOTS_DIR = path.join(packageRoot(), 'test-screenshots');

/** The DOM this file's page-side code uses; declared here so the server's tsconfig needs no DOM lib. */
declare const document: { querySelector(selector: string): { getAttribute(name: string): string | null; textContent: string | null } | null };

/**
 * Watches everything a page asks for: every URL it requests is recorded, and any that is not
 * `serverUrl`'s host is aborted as well as recorded, so nothing leaves the machine even if the
 * page tried. Page errors and console errors are collected.
 */
export function watchDashboard(context: BrowserContext, page: Page, serverUrl: string) {
  const host = new URL(serverUrl).host;
  const requested: string[] = [];
  const foreign: string[] = [];
  const errors: string[] = [];
  const isLocal = (url: string) => {
    const parsed = new URL(url);
    return ['data:', 'blob:'].includes(parsed.protocol) || parsed.host === host;
  };
  void context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  context.on('request', (request) => requested.push(request.url()));
  page.on('websocket', (socket) => {
    requested.push(socket.url());
    if (!isLocal(socket.url())) foreign.push(socket.url());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { requested, foreign, errors, offMachine: () => requested.filter((url) => !isLocal(url)) };
}

/** Waits until `selector`'s attribute, read as a number, satisfies `test`; returns it. */
export async function waitForNumber(page: Page, selector: string, attribute: string, test: { atLeast?: number; equals?: number; above?: number }, timeout = 60_000): Promise<number> {
  try {
    const handle = await page.waitForFunction(
      ({ selector, attribute, test }) => {
        const element = document.querySelector(selector);
        const text = attribute === 'text' ? element?.textContent : element?.getAttribute(attribute);
        if (text === null || text === undefined || text === '' || Number.isNaN(Number(text))) return null;
        const value = Number(text);
        const ok = (test.equals === undefined || value === test.equals) && (test.atLeast === undefined || value >= test.atLeast) && (test.above === undefined || value > test.above);
        return ok ? value : null;
      },
      { selector, attribute, test },
      { timeout },
    );
    return (await handle.jsonValue()) as number;
  } catch (error) {
    const shown = await page
      .locator(selector)
      .first()
      .evaluate((element: { getAttribute(name: string): string | null; textContent: string | null }, name: string) => (name === 'text' ? element.textContent : element.getAttribute(name)), attribute)
      .catch(() => '(no such element)');
    throw new Error(`${selector} ${attribute} never met ${JSON.stringify(test)}; it shows ${shown}`, { cause: error });
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
}
