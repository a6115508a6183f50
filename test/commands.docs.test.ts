// The README and docs/ say only what is true of the command line and the API: every `af-lab ...`
// command they show names a subcommand that exists and options that subcommand takes, with no more
// arguments than it accepts (read from the CLI's own commander definitions, without running any
// action); every name they import from af-lab or a subpath is exported there; the figures the README
// prints for `stats fisher` and `stats power` are what the command prints; and every docs page the
// README links exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, type Option } from 'commander';
import { ROOT, runCli } from './helpers/cli.js';

const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const text = (page: string) => readFileSync(join(ROOT, page), 'utf8');

/** The CLI as src/cli.ts builds it: every `register` it imports from src/cli/, on one program. */
async function cliProgram(): Promise<Command> {
  const program = new Command('af-lab').exitOverride();
  const registers = [...readFileSync(join(ROOT, 'src', 'cli.ts'), 'utf8').matchAll(/import \{ register as \w+ \} from '\.\/cli\/([\w-]+)\.js'/g)];
  assert.ok(registers.length >= 10, 'the subcommands src/cli.ts registers were found');
  for (const [, file] of registers) ((await import(`../src/cli/${file}.js`)) as { register(p: Command): void }).register(program);
  return program;
}

/** Words of a shell line, quotes removed, and the brackets of an optional part (`[--out dir]`). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3].replace(/^\[|\]$/g, '')).filter(Boolean);
}

/** Every `af-lab ...` command shown in a page: lines of code blocks, and inline code that starts with it. */
function commandsIn(page: string): Array<{ page: string; line: string; args: string[] }> {
  const found: Array<{ page: string; line: string; args: string[] }> = [];
  const add = (raw: string, inline = false) => {
    for (const part of raw.split('&&')) addOne(part, inline);
  };
  const addOne = (raw: string, inline: boolean) => {
    const line = raw.replace(/^\s*\$\s+/, '').replace(/\s+#.*$/, '').trim();
    // Inline prose such as `af-lab wording` (a fidelity status) is a name, not a command.
    if (inline && !line.startsWith('npx ') && words(line).length < 3 && !SUBCOMMANDS.has(words(line)[1])) return;
    const at = words(line).findIndex((w, i, all) => w === 'af-lab' && (i === 0 || all[i - 1] === 'npx' || /^[A-Z_]+=/.test(all[i - 1])));
    if (at < 0) return;
    const args = words(line).slice(at + 1);
    if (args.some((w) => w.includes('...') || w.includes('|') || /^<.*>$/.test(w))) return; // a pattern, not a command
    found.push({ page, line, args });
  };
  const body = text(page);
  for (const block of body.matchAll(/```(?:bash|sh|console|shell)?\n([\s\S]*?)```/g)) for (const line of block[1].split('\n')) add(line);
  for (const span of body.replace(/```[\s\S]*?```/g, '').matchAll(/`((?:npx )?af-lab [^`]+)`/g)) add(span[1], true);
  return found;
}

const optionNames = (cmd: Command) => new Set(cmd.options.flatMap((o: Option) => [o.long, o.short].filter((n): n is string => !!n)).concat(['--help', '-h']));
const takesValue = (cmd: Command, flag: string) => cmd.options.some((o: Option) => (o.long === flag || o.short === flag) && (o.required || o.optional));

let SUBCOMMANDS = new Set<string>();

test('every af-lab command the README and docs show is a subcommand with options it takes', async () => {
  const program = await cliProgram();
  SUBCOMMANDS = new Set(program.commands.map((c) => c.name()));
  const commands = PAGES.flatMap(commandsIn);
  assert.ok(commands.length > 40, `the docs' commands were found (${commands.length})`);
  const problems: string[] = [];
  for (const { page, line, args } of commands) {
    let cmd: Command = program;
    let i = 0;
    for (; i < args.length; i++) {
      const sub = cmd.commands.find((c) => c.name() === args[i] || c.aliases().includes(args[i]));
      if (!sub) break;
      cmd = sub;
    }
    if (cmd === program) {
      if (!['--help', '-h', '--version', '-V'].includes(args[0] ?? '')) problems.push(`${page}: no subcommand "${args[0]}" in: ${line}`);
      continue;
    }
    const positional: string[] = [];
    for (; i < args.length; i++) {
      const word = args[i];
      if (!word.startsWith('-') || word === '-') {
        positional.push(word);
        continue;
      }
      const flag = word.split('=')[0];
      if (!optionNames(cmd).has(flag)) problems.push(`${page}: "${cmd.name()}" has no option ${flag}: ${line}`);
      else if (!word.includes('=') && takesValue(cmd, flag)) i++;
    }
    const declared = cmd.registeredArguments;
    const variadic = declared.some((a) => a.variadic);
    if (!variadic && positional.length > declared.length) problems.push(`${page}: "${cmd.name()}" takes ${declared.length} argument(s), shown with ${positional.length}: ${line}`);
    if (cmd.commands.length > 0 && positional.length > 0 && !cmd.registeredArguments.length) problems.push(`${page}: "${positional[0]}" is not a subcommand of "${cmd.name()}": ${line}`);
  }
  assert.deepEqual(problems, []);
});

test('every name the README and docs import from af-lab or a subpath is exported there', async () => {
  const problems: string[] = [];
  let seen = 0;
  for (const page of PAGES) {
    for (const [, names, sub] of text(page).matchAll(/import\s*\{([^}]*)\}\s*from\s*'af-lab(?:\/([a-z]+))?'/g)) {
      const module = (await import(sub ? `../src/${sub}/index.js` : '../src/index.js')) as Record<string, unknown>;
      for (const name of names.split(',').map((n) => n.replace(/^type\s+/, '').trim()).filter((n) => n && n !== '...')) {
        seen++;
        if (!(name in module)) problems.push(`${page}: '${name}' is not exported by af-lab${sub ? `/${sub}` : ''}`);
      }
    }
  }
  assert.ok(seen >= 10, `the docs' imports were found (${seen})`);
  assert.deepEqual(problems, []);
});

test('the README\'s statistics are what af-lab stats prints', () => {
  const readme = text('README.md');
  const fisher = runCli(['stats', 'fisher', '15/98', '4/95']);
  assert.equal(fisher.status, 0, fisher.stderr);
  const shown = readme.slice(readme.indexOf('$ npx af-lab stats fisher 15/98 4/95')).split('\n').slice(1, 4);
  assert.equal(shown.length, 3);
  for (const line of shown) assert.ok(fisher.stdout.includes(line), `"${line.trim()}" is printed by stats fisher 15/98 4/95`);
  const power = runCli(['stats', 'power', '--gap', '0.1', '--base', '0.05']);
  const claim = /stats power --gap 0\.1 --base 0\.05\s+# (\d+) per tier \(exact\), (\d+) \(normal approximation\)/.exec(readme);
  assert.ok(claim, 'the README shows the power example');
  assert.match(power.stdout, new RegExp(`exact .*\\s${claim[1]} per tier`));
  assert.match(power.stdout, new RegExp(`normal approximation .*\\s${claim[2]} per tier`));
});

test('the README\'s count of npm start\'s samples is the product of its configuration', () => {
  const config = JSON.parse(text('data/experiments/default.json')) as { models: string[]; variants: string[]; reasoning: string[]; tiers?: string[]; samples: number };
  const requests = readFileSync(join(ROOT, 'data', 'requests', 'builtin.jsonl'), 'utf8').trim().split('\n').length;
  const samples = config.models.length * config.variants.length * config.reasoning.length * (config.tiers?.length ?? 2) * requests * config.samples;
  assert.match(text('README.md'), new RegExp(`× ${requests} built-in requests\\s+× ${config.samples} samples = ${samples.toLocaleString('en-US')} samples`));
});

test('every page the README links to exists', () => {
  const links = [...text('README.md').matchAll(/\]\(((?:docs|data)\/[^)#]+)(?:#[^)]*)?\)/g)].map((m) => m[1]);
  assert.ok(links.length > 15);
  for (const link of links) assert.ok(existsSync(join(ROOT, link)), link);
});

test('every relative link in docs/ points at a file that exists', () => {
  const broken: string[] = [];
  for (const page of PAGES.filter((p) => p.startsWith('docs/'))) {
    for (const [, target] of text(page).matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (!existsSync(join(ROOT, 'docs', target))) broken.push(`${page}: ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});
