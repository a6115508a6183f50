// Packages af-lab uses only for some work (node-llama-cpp for local GGUF models, playwright-core for figure
// images) are optional peer dependencies: a project that installs af-lab gets neither unless it asks. They
// are imported when first needed, and a missing one is one line saying what needs it and how to add it.
import { UserError } from './errors.js';

function isMissing(err: unknown, name: string): boolean {
  const e = err as { code?: string; message?: string } | null;
  return (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') && (e.message ?? '').includes(`'${name}'`);
}

/** `import(name)`, or a UserError naming `purpose` and the install command when the package is not installed. */
export async function importOptional<T>(name: string, purpose: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (isMissing(err, name)) throw new UserError(`${purpose} needs the package ${name}, which is not installed`, `npm install ${name}`);
    throw err;
  }
}
