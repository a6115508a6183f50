// Rewrites docs/fidelity.md's per-setting sections from data/settings/*.json, keeping the page's
// introduction (everything before the first "## `"): `node --import tsx scripts/fidelity-doc.ts`.
// test/settings.docs.test.ts fails when the page and the setting files disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fidelityRows, formatFidelity, listSettings, readSetting } from '../src/settings/index.js';

const path = join(import.meta.dirname, '..', 'docs', 'fidelity.md');
const doc = readFileSync(path, 'utf8');
const intro = doc.slice(0, doc.indexOf('## `'));
const sections = listSettings().map((name) => {
  const { setting } = readSetting(name);
  const source = `${setting.source.title}${setting.source.url ? ` (<${setting.source.url}>)` : ''}`;
  return `## \`${name}\`\n\n${setting.description}\n\nSource: ${source}.\n\n${formatFidelity(fidelityRows(setting), true)}\n`;
});
writeFileSync(path, intro + sections.join('\n'));
