// Finding an installed Chrome/Chromium. af-lab never downloads a browser: it uses the one the
// machine has (Debian's `chromium`, a Chrome install) or the one the user names.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UserError } from '../core/errors.js';

/** Environment variable naming the browser executable; wins over auto-detection. */
export const CHROMIUM_ENV = 'AF_LAB_CHROMIUM';

/** Executable names tried on PATH, then well-known absolute paths, in order. */
const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];
const KNOWN_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** One line telling the user how to get a browser; printed wherever images could not be made. */
export const NO_BROWSER_HINT =
  `no Chrome/Chromium found: install one (Debian/Ubuntu: apt-get install chromium) or set ${CHROMIUM_ENV}=/path/to/chrome`;

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface FindChromiumOptions {
  /** An explicit executable path (CLI `--chromium`); must exist when given. */
  executablePath?: string;
  /** Environment to read AF_LAB_CHROMIUM and PATH from (tests pass their own). */
  env?: NodeJS.ProcessEnv;
  /** Install locations tried after PATH (default: the usual Linux and macOS paths). */
  knownPaths?: readonly string[];
}

/**
 * The browser executable to use, or null when none is installed.
 * Order: the explicit option, then AF_LAB_CHROMIUM, then PATH, then well-known install paths.
 * An explicit option or env value that does not point at an executable is a user error, not a
 * silent fallback: the user asked for that browser.
 */
export function findChromium(options: FindChromiumOptions = {}): string | null {
  const env = options.env ?? process.env;
  if (options.executablePath) {
    if (!isExecutableFile(options.executablePath)) {
      throw new UserError(`browser not found at ${options.executablePath}`, 'give the path of a Chrome/Chromium executable');
    }
    return options.executablePath;
  }
  const fromEnv = env[CHROMIUM_ENV];
  if (fromEnv) {
    if (!isExecutableFile(fromEnv)) {
      throw new UserError(`${CHROMIUM_ENV}=${fromEnv} is not an executable file`, `point ${CHROMIUM_ENV} at a Chrome/Chromium executable, or unset it`);
    }
    return fromEnv;
  }
  const pathDirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of PATH_NAMES) {
    for (const dir of pathDirs) {
      const candidate = join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return (options.knownPaths ?? KNOWN_PATHS).find(isExecutableFile) ?? null;
}
