// Launching headless Chromium through playwright-core (which ships no browser of its own).
// playwright-core is loaded on first launch: commands that draw nothing do not pay for it.
import type { Browser } from 'playwright-core';
import { findChromium, NO_BROWSER_HINT, type FindChromiumOptions } from './find.js';
import { UserError } from '../core/errors.js';
import { importOptional } from '../core/optionalPackage.js';

/**
 * Flags that let Chromium start headless as root in a container without a GPU or network
 * (see FINDINGS): no sandbox (root), no GPU process, and no background traffic to Google.
 */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface LaunchOptions extends FindChromiumOptions {
  timeoutMs?: number;
}

/** Launch the installed browser, or return null when there is none. */
export async function tryLaunchChromium(options: LaunchOptions = {}): Promise<Browser | null> {
  const executablePath = findChromium(options);
  if (!executablePath) return null;
  const { chromium } = await importOptional('playwright-core', 'drawing figure images (SVG, PNG) and the browser tests', () => import('playwright-core'));
  try {
    return await chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS, timeout: options.timeoutMs ?? 60_000 });
  } catch (err) {
    throw launchError(executablePath, err);
  }
}

/**
 * A browser that would not start, as one line: Playwright's own error is its first line followed by
 * the whole command line and call log (some 40 lines), which name the flags, not what to change.
 */
export function launchError(executablePath: string, err: unknown): UserError {
  const first = (err instanceof Error ? err.message : String(err)).split('\n')[0].replace(/^browserType\.launch: /, '').trim();
  return new UserError(
    `the browser ${executablePath} did not start for figure images (${first || 'no reason given'})`,
    'give --chromium (or AF_LAB_CHROMIUM) the path of a working Chrome or Chromium (e.g. /usr/bin/chromium), or pass --no-images to write the HTML figures only',
  );
}

/** Launch the installed browser; a missing browser is a user error with the install hint. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const browser = await tryLaunchChromium(options);
  if (!browser) throw new UserError(NO_BROWSER_HINT.replace(/: install.*/, ''), NO_BROWSER_HINT.replace(/^.*?: /, ''));
  return browser;
}
