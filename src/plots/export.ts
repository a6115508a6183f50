// Writing a run's figures: self-contained HTML always; SVG and PNG when a browser is found.
import { join } from 'node:path';
import type { SampleRecord } from '../core/types.js';
import { writeFileAtomic } from '../core/files.js';
import { NO_BROWSER_HINT } from '../browser/find.js';
import type { LaunchOptions } from '../browser/launch.js';
import { buildFigures, type BuildFiguresOptions } from './figures.js';
import { figureDocument } from './html.js';
import type { Figure } from './figure.js';
import { FigureRenderer } from './render.js';

export interface WriteFiguresOptions extends BuildFiguresOptions, LaunchOptions {
  /** Render SVG and PNG (default true). False writes HTML only, without looking for a browser. */
  images?: boolean;
  /** PNG pixel density (default 2). */
  scale?: number;
  /** Where the one-line notes go (default console.log); tests pass their own. */
  log?: (line: string) => void;
}

export interface WrittenFigure {
  name: string;
  html: string;
  svg?: string;
  png?: string;
}

export interface WriteFiguresResult {
  outDir: string;
  figures: WrittenFigure[];
  /** Whether SVG/PNG were rendered. */
  images: boolean;
  /** Why images are missing, when they are. */
  note?: string;
}

/** Write every figure of these records to `outDir` as `<name>.html`, `<name>.svg`, `<name>.png`. */
export async function writeFigures(records: SampleRecord[], outDir: string, options: WriteFiguresOptions = {}): Promise<WriteFiguresResult> {
  return writeFigureList(buildFigures(records, options), outDir, options);
}

/** Write these figures to `outDir` as `<name>.html`, and `<name>.svg` / `<name>.png` when a browser is found. */
export async function writeFigureList(figures: Figure[], outDir: string, options: Omit<WriteFiguresOptions, keyof BuildFiguresOptions> = {}): Promise<WriteFiguresResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const written: WrittenFigure[] = figures.map((figure) => {
    const html = join(outDir, `${figure.name}.html`);
    writeFileAtomic(html, figureDocument(figure));
    return { name: figure.name, html };
  });
  if (options.images === false) return { outDir, figures: written, images: false };
  // One browser for all figures: launching costs about 3 s, rendering one figure well under 1 s.
  const renderer = figures.length ? await FigureRenderer.open(options) : null;
  if (!renderer) {
    const note = figures.length ? `figures: wrote HTML only to ${outDir}; for SVG/PNG images, ${NO_BROWSER_HINT}` : undefined;
    if (note) log(note);
    return { outDir, figures: written, images: false, note };
  }
  try {
    for (let i = 0; i < figures.length; i++) {
      const figure = figures[i];
      const svg = join(outDir, `${figure.name}.svg`);
      const png = join(outDir, `${figure.name}.png`);
      writeFileAtomic(svg, await renderer.render(figure, 'svg'));
      writeFileAtomic(png, await renderer.render(figure, 'png', { scale: options.scale }));
      written[i] = { ...written[i], svg, png };
    }
  } finally {
    await renderer.close();
  }
  return { outDir, figures: written, images: true };
}
