// The PNG pixel density of figure images, bounded (its own module: the CLI checks --scale without
// loading the renderer).
import { UserError } from '../core/errors.js';

/**
 * The largest PNG pixel density: a 960-pixel-wide figure at 8 is 7,680 pixels wide. Far above it the
 * browser's canvas limit (32,767 pixels a side) is passed and it draws an empty image.
 */
export const MAX_PNG_SCALE = 8;

/** Refuse a PNG scale that is not a number in (0, MAX_PNG_SCALE], in one line. */
export function checkPngScale(scale: number, what = '--scale'): number {
  if (!Number.isFinite(scale) || scale <= 0) throw new UserError(`${what} ${scale} is not a positive number`, 'pass e.g. --scale 2');
  if (scale > MAX_PNG_SCALE) throw new UserError(`${what} ${scale} is over ${MAX_PNG_SCALE}: the PNG would be ${scale} times the figure's size in pixels, past what the browser can draw`, `pass a scale above 0 and at most ${MAX_PNG_SCALE} (default 2)`);
  return scale;
}
