// Static images of figures: plotly's own toImage, run in a headless Chromium page that has
// plotly loaded. One browser and one page serve every figure of an export (launch takes ~3 s).
import type { Browser, Page } from 'playwright-core';
import { tryLaunchChromium, type LaunchOptions } from '../browser/launch.js';
import { NO_BROWSER_HINT } from '../browser/find.js';
import { UserError } from '../core/errors.js';
import type { Figure } from './figure.js';
import { plotlySource } from './html.js';
import { checkPngScale } from './pngScale.js';

export type ImageFormat = 'png' | 'svg';

export interface RenderOptions {
  /** PNG pixel density: 2 gives print-quality images (default); at most MAX_PNG_SCALE. */
  scale?: number;
}

declare const Plotly: { toImage(figure: unknown, options: Record<string, unknown>): Promise<string> };

export class FigureRenderer {
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
    private readonly ownsBrowser: boolean,
  ) {}

  /** Open a renderer on the installed browser; null when no browser is installed. */
  static async open(options: LaunchOptions & { browser?: Browser } = {}): Promise<FigureRenderer | null> {
    const browser = options.browser ?? (await tryLaunchChromium(options));
    if (!browser) return null;
    const ownsBrowser = !options.browser;
    try {
      const page = await browser.newPage();
      await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
      await page.addScriptTag({ content: plotlySource() });
      return new FigureRenderer(browser, page, ownsBrowser);
    } catch (err) {
      // A browser launched here and left running would keep the process alive.
      if (ownsBrowser) await browser.close().catch(() => undefined);
      throw err;
    }
  }

  /** PNG bytes or SVG text (as UTF-8 bytes) of a figure at its own width and height. */
  async render(figure: Figure, format: ImageFormat, options: RenderOptions = {}): Promise<Buffer> {
    const spec = { data: figure.data, layout: { ...figure.layout, width: figure.width, height: figure.height } };
    const scale = format === 'png' ? checkPngScale(options.scale ?? 2, 'PNG scale') : 1;
    const url = await this.page.evaluate(
      ({ spec, format, width, height, scale }) => Plotly.toImage(spec, { format, width, height, scale }),
      { spec, format, width: figure.width, height: figure.height, scale },
    );
    const comma = url.indexOf(',');
    const header = url.slice(0, comma);
    const payload = url.slice(comma + 1);
    const bytes = header.endsWith(';base64') ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'utf8');
    // An image too large for the browser's canvas comes back empty: never written as a figure.
    if (bytes.length === 0) throw new UserError(`the browser drew an empty ${format.toUpperCase()} of figure ${figure.name} (${figure.width}x${figure.height} at scale ${scale})`, 'pass a smaller --scale');
    return bytes;
  }

  async close(): Promise<void> {
    await this.page.close().catch(() => undefined);
    if (this.ownsBrowser) await this.browser.close();
  }
}

/** Run `use` with a renderer; throws a UserError with the install hint when no browser is found. */
export async function withFigureRenderer<T>(use: (renderer: FigureRenderer) => Promise<T>, options: LaunchOptions = {}): Promise<T> {
  const renderer = await FigureRenderer.open(options);
  if (!renderer) throw new UserError('cannot render figure images', NO_BROWSER_HINT);
  try {
    return await use(renderer);
  } finally {
    await renderer.close();
  }
}

/** One figure as PNG bytes: for `tslab.display.png(await renderPng(fig))` beside the live plot. */
export function renderPng(figure: Figure, options: LaunchOptions & RenderOptions = {}): Promise<Buffer> {
  return withFigureRenderer((renderer) => renderer.render(figure, 'png', options), options);
}

/** One figure as SVG text. */
export async function renderSvg(figure: Figure, options: LaunchOptions = {}): Promise<string> {
  const bytes = await withFigureRenderer((renderer) => renderer.render(figure, 'svg'), options);
  return bytes.toString('utf8');
}
