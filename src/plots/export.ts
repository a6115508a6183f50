// Writing a run's figures: HTML pages (with the folder's one plotly.min.js) always; SVG and PNG
// when a browser is found.
import { join } from 'node:path';
import type { SampleRecord } from '../core/types.js';
import { writeFileAtomic } from '../core/files.js';
import { findChromium, NO_BROWSER_HINT } from '../browser/find.js';
import { folderInputsMarker, forgetInputs, inputsHash, isUpToDate, recordInputs, storedInputsHash } from '../core/inputsHash.js';
import type { LaunchOptions } from '../browser/launch.js';
import type { Figure } from './figure.js';
import { buildFigures, type BuildFiguresOptions } from './figures.js';
import { figureDocument } from './html.js';
import { ensurePlotlyFile } from './plotlyFile.js';
import { FigureRenderer } from './render.js';

export interface WriteFigureFilesOptions extends LaunchOptions {
  /** Render SVG and PNG (default true). False writes HTML only, without looking for a browser. */
  images?: boolean;
  /** PNG pixel density (default 2). */
  scale?: number;
  /** Where the one-line notes go (default console.log); tests pass their own. */
  log?: (line: string) => void;
  /** Rewrite every file even when the figures' inputs are unchanged since the last write. */
  force?: boolean;
}

export interface WriteFiguresOptions extends BuildFiguresOptions, WriteFigureFilesOptions {}

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
  /** True when the figures' inputs were unchanged and no file was rewritten (no browser launched). */
  unchanged?: boolean;
}

/** Write every figure of these records to `outDir` as `<name>.html`, `<name>.svg`, `<name>.png`. */
export async function writeFigures(records: SampleRecord[], outDir: string, options: WriteFiguresOptions = {}): Promise<WriteFiguresResult> {
  return writeFigureFiles(buildFigures(records, options), outDir, options);
}

/** Write already built figures (a run's, a paper's) to `outDir`: HTML, and SVG + PNG when a browser is found. */
export async function writeFigureFiles(figures: Figure[], outDir: string, options: WriteFigureFilesOptions = {}): Promise<WriteFiguresResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  if (figures.length) ensurePlotlyFile(outDir);
  // The figures' specs are their inputs: equal specs draw equal files, so an unchanged run is not
  // redrawn (no browser launched). The HTML-only hash stands for a run drawn without a browser.
  const wantImages = options.images !== false;
  const hashFor = (images: boolean) => inputsHash('figures', figures, images ? { images, scale: options.scale ?? 2 } : { images });
  const marker = folderInputsMarker(outDir);
  const paths = (images: boolean): WrittenFigure[] =>
    figures.map((f) => ({ name: f.name, html: join(outDir, `${f.name}.html`), ...(images ? { svg: join(outDir, `${f.name}.svg`), png: join(outDir, `${f.name}.png`) } : {}) }));
  const files = (images: boolean) => paths(images).flatMap((f) => [f.html, ...(f.svg ? [f.svg, f.png!] : [])]);
  if (!options.force && figures.length) {
    if (isUpToDate(marker, hashFor(wantImages), files(wantImages))) return { outDir, figures: paths(wantImages), images: wantImages, unchanged: true };
    // Drawn HTML-only before because no browser was found, and still none: nothing new to draw.
    if (wantImages && storedInputsHash(marker) === hashFor(false) && !findChromium(options) && isUpToDate(marker, hashFor(false), files(false))) {
      return { outDir, figures: paths(false), images: false, unchanged: true, note: `figures: HTML only in ${outDir}; for SVG/PNG images, ${NO_BROWSER_HINT}` };
    }
  }
  forgetInputs(marker);
  const written: WrittenFigure[] = figures.map((figure) => {
    const html = join(outDir, `${figure.name}.html`);
    writeFileAtomic(html, figureDocument(figure));
    return { name: figure.name, html };
  });
  if (!wantImages) {
    if (figures.length) recordInputs(marker, hashFor(false));
    return { outDir, figures: written, images: false };
  }
  // One browser for all figures: launching costs about 3 s, rendering one figure well under 1 s.
  const renderer = figures.length ? await FigureRenderer.open(options) : null;
  if (!renderer) {
    const note = figures.length ? `figures: wrote HTML only to ${outDir}; for SVG/PNG images, ${NO_BROWSER_HINT}` : undefined;
    if (note) log(note);
    if (figures.length) recordInputs(marker, hashFor(false));
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
  recordInputs(marker, hashFor(true));
  return { outDir, figures: written, images: true };
}
