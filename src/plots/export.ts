// Writing a run's figures: HTML pages (with the folder's one plotly.min.js) always; SVG and PNG
// when a browser is found.
import { join } from 'node:path';
import type { SampleRecord } from '../core/types.js';
import { tidyFolder, writeFileAtomic } from '../core/files.js';
import { findChromium, NO_BROWSER_HINT } from '../browser/find.js';
import { folderInputsMarker, forgetInputs, inputsHash, isUpToDate, recordInputs, recordsDigest, storedInputsHash } from '../core/inputsHash.js';
import { readFileSync } from 'node:fs';
import type { LaunchOptions } from '../browser/launch.js';
import type { Figure } from './figure.js';
import type { FigureInputs } from './inputs.js';
import { figureInputs } from './figureInputs.js';
import { figuresFromInputs, type BuildFiguresOptions } from './figures.js';
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

/** The figure names a previous write stored beside them; undefined when there is no valid list. */
function storedFigureNames(file: string): string[] | undefined {
  try {
    const names = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return Array.isArray(names) && names.length > 0 && names.every((n) => typeof n === 'string' && /^[A-Za-z0-9._-]+$/.test(n)) ? names : undefined;
  } catch {
    return undefined;
  }
}

/** Write every figure of these records to `outDir` as `<name>.html`, `<name>.svg`, `<name>.png`. */
export async function writeFigures(records: SampleRecord[], outDir: string, options: WriteFiguresOptions = {}): Promise<WriteFiguresResult> {
  // The inputs are computed only when the figures are redrawn: an unchanged run builds nothing.
  return writeRunFigures(() => figureInputs(records, options), recordsDigest(records), outDir, options);
}

/**
 * Write the figures of a run from inputs already computed (a FigureAccumulator fed by a streaming run)
 * and the digest of the records they came from (a RecordsDigest fed the same records). It hashes as
 * `writeFigures` on those records, so either one finds the other's figures unchanged; pass the same
 * `power` options the inputs were computed with (they are part of the hash, as in `writeFigures`).
 */
export async function writeFiguresFromInputs(inputs: FigureInputs, recordsDigest: string, outDir: string, options: WriteFiguresOptions = {}): Promise<WriteFiguresResult> {
  return writeRunFigures(() => inputs, recordsDigest, outDir, options);
}

async function writeRunFigures(inputs: () => FigureInputs, digest: string, outDir: string, options: WriteFiguresOptions): Promise<WriteFiguresResult> {
  // The records and the drawing options are the figures' inputs: unchanged, nothing is built.
  const drawing = { only: options.only ?? null, power: options.power ?? null };
  return writeFigureSet(outDir, [digest, drawing], () => figuresFromInputs(inputs(), options.only), options);
}

/** Write already built figures (a paper's, a classifier's validation) to `outDir`: HTML, and SVG + PNG when a browser is found. */
export async function writeFigureFiles(figures: Figure[], outDir: string, options: WriteFigureFilesOptions = {}): Promise<WriteFiguresResult> {
  return writeFigureSet(outDir, [figures], () => figures, options);
}

/**
 * Write a set of figures unless its inputs are unchanged since the last write (no browser is then
 * launched). The names of the files written are kept in the folder (.figures.json), so an unchanged
 * set is listed without being built; the folder's one plotly.min.js is checked either way.
 */
async function writeFigureSet(outDir: string, inputs: unknown[], build: () => Figure[], options: WriteFigureFilesOptions): Promise<WriteFiguresResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  // A killed export's temporary files go, even when nothing is redrawn (plotly.min.js.af-lab-<pid>-<n>.tmp).
  tidyFolder(outDir);
  const wantImages = options.images !== false;
  const hashFor = (images: boolean) => inputsHash('figures', ...inputs, images ? { images, scale: options.scale ?? 2 } : { images });
  const marker = folderInputsMarker(outDir);
  const namesFile = join(outDir, '.figures.json');
  const paths = (names: string[], images: boolean): WrittenFigure[] =>
    names.map((name) => ({ name, html: join(outDir, `${name}.html`), ...(images ? { svg: join(outDir, `${name}.svg`), png: join(outDir, `${name}.png`) } : {}) }));
  const files = (names: string[], images: boolean) => paths(names, images).flatMap((f) => [f.html, ...(f.svg ? [f.svg, f.png!] : [])]);
  if (!options.force) {
    const names = storedFigureNames(namesFile);
    if (names) {
      ensurePlotlyFile(outDir);
      if (isUpToDate(marker, hashFor(wantImages), files(names, wantImages))) return { outDir, figures: paths(names, wantImages), images: wantImages, unchanged: true };
      // Drawn HTML-only before because no browser was found, and still none: nothing new to draw.
      if (wantImages && storedInputsHash(marker) === hashFor(false) && !findChromium(options) && isUpToDate(marker, hashFor(false), files(names, false))) {
        return { outDir, figures: paths(names, false), images: false, unchanged: true, note: `figures: HTML only in ${outDir}; for SVG/PNG images, ${NO_BROWSER_HINT}` };
      }
    }
  }
  forgetInputs(marker);
  const figures = build();
  if (figures.length) {
    ensurePlotlyFile(outDir);
    writeFileAtomic(namesFile, JSON.stringify(figures.map((f) => f.name)), { durable: false });
  }
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
