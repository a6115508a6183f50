// `af-lab figures <runDir>`: draw a run's figures as offline HTML, and as SVG + PNG when a
// Chrome/Chromium is installed (found automatically, or given with --chromium / AF_LAB_CHROMIUM).
import type { Command } from 'commander';
import { basename, join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';

interface FiguresFlags {
  out?: string;
  chromium?: string;
  images?: boolean;
  scale?: number;
  judge?: string;
  force?: boolean;
}

function parseScale(text: string): number {
  const scale = Number(text);
  if (text.trim() === '' || !Number.isFinite(scale) || scale <= 0) throw new UserError(`--scale ${text} is not a positive number`, 'pass e.g. --scale 2');
  return scale;
}

export function register(program: Command): void {
  program
    .command('figures')
    .description('draw a run\'s figures (stacked bars, compliance gap, classifier agreement, AF votes, power) as HTML, SVG and PNG')
    .argument('<runDir>', 'the run folder, e.g. data/results/default')
    .option('--out <dir>', 'where to write the figures (default figures/<run name>)')
    .option('--chromium <path>', 'Chrome/Chromium executable for SVG/PNG (default: AF_LAB_CHROMIUM, then chromium / google-chrome on PATH)')
    .option('--no-images', 'write the HTML figures only, without a browser')
    .option('--scale <n>', 'PNG pixel density (default 2)', parseScale)
    .option('--judge <spec>', 'whose judgements to draw when the run was judged more than once (default: the latest)')
    .option('--force', 'redraw every file even when the figures\' inputs are unchanged since the last write')
    .action(async (runDir: string, flags: FiguresFlags) => {
      const [{ writeFigures }, { loadRun }] = await Promise.all([import('../plots/export.js'), import('../pipeline/loadRun.js')]);
      const records = loadRun(runDir, { judge: flags.judge }).records;
      const outDir = flags.out ?? join('figures', basename(resolve(runDir)));
      const result = await writeFigures(records, outDir, { executablePath: flags.chromium, images: flags.images, scale: flags.scale, force: flags.force });
      const kinds = result.images ? 'HTML, SVG, PNG' : 'HTML';
      const unchanged = result.unchanged ? ' (inputs unchanged: not redrawn; --force redraws)' : '';
      console.log(`${result.figures.length} figures (${kinds}) in ${outDir}/: ${result.figures.map((f) => f.name).join(', ')}${unchanged}`);
    });
}
