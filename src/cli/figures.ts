// `af-lab figures <runDir>`: draw a run's figures as offline HTML, and as SVG + PNG when a
// Chrome/Chromium is installed (found automatically, or given with --chromium / AF_LAB_CHROMIUM).
// `--published <paper|all>` redraws the papers' figures from data/published/; `--beside <paper>`
// draws the run beside that paper's published counts.
import type { Command } from 'commander';
import { basename, join, resolve } from 'node:path';
import type { WriteFigureFilesOptions } from '../plots/export.js';
import type { besidePaperFigures } from '../plots/besidePaper.js';
import { UserError } from '../core/errors.js';
import { checkPngScale } from '../plots/pngScale.js';

interface FiguresFlags {
  out?: string;
  chromium?: string;
  images?: boolean;
  scale?: number;
  judge?: string;
  published?: string;
  publishedDir?: string;
  beside?: string | true;
  map: string[];
  force?: boolean;
}

function parseScale(text: string): number {
  const scale = Number(text);
  if (text.trim() === '' || !Number.isFinite(scale) || scale <= 0) throw new UserError(`--scale ${text} is not a positive number`, 'pass e.g. --scale 2');
  return checkPngScale(scale);
}

/**
 * The paper a run's setting names, once run.json carries a setting: `setting.paper`, else the
 * setting's name (a string, or `setting.name`), at the top of run.json or in its config.
 */
export function paperOfManifest(manifest: unknown): string | undefined {
  const m = manifest as { setting?: unknown; config?: { setting?: unknown } } | undefined;
  const setting = m?.setting ?? m?.config?.setting;
  const paper = typeof setting === 'object' && setting ? (setting as { paper?: unknown }).paper : undefined;
  return typeof paper === 'string' && paper ? paper : settingOfManifest(manifest);
}

/** The name of the setting a run followed, as run.json records it (a string, or `setting.name`). */
export function settingOfManifest(manifest: unknown): string | undefined {
  const m = manifest as { setting?: unknown; config?: { setting?: unknown } } | undefined;
  const setting = m?.setting ?? m?.config?.setting;
  if (typeof setting === 'string') return setting || undefined;
  const { name } = (setting ?? {}) as { name?: unknown };
  return typeof name === 'string' && name ? name : undefined;
}

function report(what: string, result: { outDir: string; images: boolean; figures: Array<{ name: string }>; unchanged?: boolean }): void {
  const kinds = result.images ? 'HTML, SVG, PNG' : 'HTML';
  const unchanged = result.unchanged ? ' (inputs unchanged: not redrawn; --force redraws)' : '';
  console.log(`${result.figures.length} ${what} (${kinds}) in ${result.outDir}/: ${result.figures.map((f) => f.name).join(', ')}${unchanged}`);
}

export function register(program: Command): void {
  program
    .command('figures')
    .description("draw a run's figures (stacked bars, compliance gap, classifier agreement, AF votes, power), the papers' figures from their published numbers (--published), or a run beside its paper (--beside), as HTML, SVG and PNG")
    .argument('[runDir]', 'the run folder, e.g. data/results/default')
    .option('--out <dir>', 'where to write the figures (default figures/<run name>, or figures/published with --published alone)')
    .option('--chromium <path>', 'Chrome/Chromium executable for SVG/PNG (default: AF_LAB_CHROMIUM, then chromium / google-chrome on PATH)')
    .option('--no-images', 'write the HTML figures only, without a browser')
    .option('--scale <n>', 'PNG pixel density, up to 8 (default 2)', parseScale)
    .option('--judge <spec>', 'whose judgements to draw when the run was judged more than once (default: the latest)')
    .option('--published <paper>', "draw a paper's figures from its published numbers: koorndijk-2025, greenblatt-2024, ... or all")
    .option('--published-dir <dir>', 'the folder of published tables (default: af-lab\'s data/published)')
    .option('--beside [paper]', "draw the run beside a paper's published counts (default: the paper the run's setting names)")
    .option('--map <run=paper>', 'with --beside: a run condition and the paper condition it replicates, e.g. "baseline/no-cot=Baseline 1" (repeatable)', (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--force', 'redraw every file even when the figures\' inputs are unchanged since the last write')
    .action(async (runDir: string | undefined, flags: FiguresFlags) => {
      if (!runDir && !flags.published) throw new UserError('nothing to draw', 'give a run folder (af-lab figures data/results/default) or --published koorndijk-2025');
      if (flags.beside !== undefined && !runDir) throw new UserError('--beside needs a run folder', 'write af-lab figures <runDir> --beside koorndijk-2025');
      if (flags.map.length && flags.beside === undefined) throw new UserError('--map is used only with --beside', 'add --beside <paper>, or drop --map');
      // Loaded on use: registering the command must not load plotly, the stats or the run readers.
      const [{ writeFigureFiles }, { besidePaperFigures, parseConditionMap }, { paperFigures }, { openRun }, { figurePass, writeRunFigures }, { PUBLISHED_DIR }, { readingProgress }] = await Promise.all([
        import('../plots/export.js'),
        import('../plots/besidePaper.js'),
        import('../plots/publishedFigures.js'),
        import('../pipeline/openRun.js'),
        import('../pipeline/runOutputs.js'),
        import('../stats/published.js'),
        import('./progressLine.js'),
      ]);
      const dir = flags.publishedDir ?? PUBLISHED_DIR;
      // Every folder written to is checked before anything is read or drawn (a device, a file, /proc).
      const [{ checkWritableDir }, { checkFolderTarget }] = await Promise.all([import('../core/files.js'), import('../core/safeIo.js')]);
      const outDirs = [...(flags.published ? [flags.out && !runDir ? flags.out : join('figures', 'published')] : []), ...(runDir ? [flags.out ?? join('figures', basename(resolve(runDir)))] : [])];
      for (const outDir of outDirs) {
        checkFolderTarget(outDir, 'the figures folder (--out)');
        checkWritableDir(outDir, 'the figures folder (--out)');
      }
      const images: WriteFigureFilesOptions = { executablePath: flags.chromium, images: flags.images, scale: flags.scale, force: flags.force };
      // Everything is read and checked before anything is written.
      const published = flags.published ? paperFigures(flags.published, dir) : [];
      // The run's records pass once, one at a time, into the figures' accumulators: no run is held.
      const run = runDir ? openRun(runDir, { judge: flags.judge, onRecord: readingProgress(`reading ${runDir}`) }) : undefined;
      const pass = run ? figurePass(run.records()) : undefined;
      let beside: ReturnType<typeof besidePaperFigures> = [];
      if (run && pass && flags.beside !== undefined) {
        const paper = flags.beside === true ? paperOfManifest(run.manifest) : flags.beside;
        if (!paper) throw new UserError(`the setting of ${runDir} names no paper`, 'name it: --beside koorndijk-2025');
        beside = besidePaperFigures(pass.figures, paper, { dir, setting: settingOfManifest(run.manifest), conditionMap: flags.map.length ? parseConditionMap(flags.map) : undefined });
      }
      if (published.length) {
        const outDir = flags.out && !runDir ? flags.out : join('figures', 'published');
        report('published figures', await writeFigureFiles(published, outDir, images));
      }
      if (pass && runDir) {
        const outDir = flags.out ?? join('figures', basename(resolve(runDir)));
        console.error(`drawing the figures of ${pass.records} records${images.images === false ? '' : ' (HTML, then SVG and PNG through a browser)'}...`);
        const result = await writeRunFigures(pass, outDir, { ...images, force: flags.force });
        report('figures', result);
        // Drawn now, whatever the run's own figures did: its line never says "unchanged".
        if (beside.length) report('beside-paper figures', await writeFigureFiles(beside, outDir, images));
      }
    });
}
