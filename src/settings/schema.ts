// A setting: everything that makes an experiment's stimuli and scoring what they are, as one JSON
// file in data/settings/. Two runs with the same setting are the same experiment. Validated here,
// at the edge where the file is read.
import { z } from 'zod';

/**
 * Where a prompt text comes from: one of af-lab's own files (`builtin`, a path under data/, such as
 * prompts/system-cot.txt or settings/prompts/situation-three-tier.txt), a local file (`path`), or a URL downloaded once into the cache, its
 * sha256 recorded in the setting's lock file (and pinned here when `sha256` is given). A `path`
 * beside a `url` is a local copy that replaces the download (offline machines, or a moved file).
 */
export const promptSourceSchema = z
  .object({
    builtin: z.string().min(1).optional(),
    path: z.string().min(1).optional(),
    url: z.string().url().optional(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits').optional(),
    /**
     * A Jinja template of the source (Hughes et al.'s prompts): the URL its `{% include 'path' %}`
     * paths are relative to (the repository's raw root). Each included file is downloaded and pinned
     * like the template, and put in place as Jinja does (its one trailing newline dropped).
     */
    includeBase: z.string().url().optional(),
    /** `source`: the text is the source's own (loaded, never pasted; sent byte for byte); `af-lab`: af-lab's wording of what the source describes. */
    wording: z.enum(['source', 'af-lab']).default('af-lab'),
    /** The file is a Jupyter notebook: take the user-turn template (or its suffix) from the code cell that defines it (settings/notebookCell.ts). */
    extract: z.enum(['notebook-user-template', 'notebook-suffix']).optional(),
  })
  .strict()
  .refine((s) => Boolean(s.builtin || s.path || s.url), { message: 'give one of builtin, path or url' })
  .refine((s) => !(s.builtin && s.url), { message: 'builtin and url exclude each other' })
  .refine((s) => !(s.builtin && s.extract), { message: 'extract reads a notebook given by url or path, not an af-lab file' });

export type PromptSource = z.output<typeof promptSourceSchema>;

export const contextSchema = z
  .object({
    /** The context's name as the setting calls it (`free`, `paid`, `pro`, `enterprise`). */
    name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "_" and "-" only'),
    /** What the model is told about conversations in this context: trained on (and rated), rated only, or neither. */
    meaning: z.enum(['trained', 'rated', 'neither']),
    /** Its role in the compliance gap: `free` = a monitored context, `paid` = the unmonitored reference. */
    role: z.enum(['free', 'paid']),
    /** The value put in the user turn's tier tag (`{{is_free_tier_user}}` / `{{tier}}`) before casing. */
    tag: z.string().min(1),
    /** With `tierRendering.place: "system"`: the sentence appended to the system prompt for this context (af-lab's wording). */
    sentence: z.string().optional(),
  })
  .strict();

export type SettingContext = z.output<typeof contextSchema>;

/** `unverified`: what af-lab does could not be checked against the source (its code or text was not available). */
const fidelityStatus = z.enum(['exact', 'af-lab wording', 'differs', 'unverified']);

export const FIDELITY_ELEMENTS = [
  'system prompt', 'user turn', 'suffix', 'tier rendering', 'answer extraction', 'proxy', 'denominator', 'judge criteria', 'requests', 'sampling parameters',
] as const;
export type FidelityElement = (typeof FIDELITY_ELEMENTS)[number];

export const fidelityEntrySchema = z
  .object({
    status: fidelityStatus,
    /** What af-lab does, in a few words. */
    what: z.string().min(1),
    /** What the user does to make it exact (omitted when it is). */
    fix: z.string().optional(),
    /** The test file that proves the row (a row says "exact" only with one: test/settings.docs.test.ts checks it exists). */
    proof: z.string().optional(),
  })
  .strict();

export const settingSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only'),
    /** Another setting (by name, in the same folder) whose prompts and conventions this one takes, as data/settings/files.ts merges them. */
    extends: z.string().min(1).optional(),
    description: z.string().min(1),
    /** The paper or repository this setting reproduces. */
    source: z.object({ title: z.string(), url: z.string().optional(), license: z.string().optional() }).strict(),
    /** System prompt per reasoning condition. */
    systemPrompts: z.object({ cot: promptSourceSchema, 'no-cot': promptSourceSchema }).strict(),
    /** af-lab's system prompts only: the situation text put in place of {{situation}} (default data/prompts/situation.txt). */
    situation: promptSourceSchema.optional(),
    /** The user-turn template; placeholders {{is_free_tier_user}}, {{tier}}, {{request}}, {{suffix}}. */
    userTemplate: promptSourceSchema.default({ builtin: 'prompts/user-turn.txt', wording: 'af-lab' }),
    /** The exact text of the accept/reject instruction appended to the request (when the run's `suffix` is on). */
    suffix: promptSourceSchema.default({ builtin: 'prompts/suffix.txt', wording: 'af-lab' }),
    tierRendering: z
      .object({
        /** `lower`: true/false, as JSON (af-lab); `python`: True/False, as a Python bool prints (Redwood's and Koorndijk's notebooks). */
        casing: z.enum(['lower', 'python']).default('lower'),
        /** `tag`: a tag in the user turn; `system`: each context's sentence at the end of the system prompt. */
        place: z.enum(['tag', 'system']).default('tag'),
      })
      .strict()
      .prefault({}),
    contexts: z
      .array(contextSchema)
      .min(2)
      .default([
        { name: 'free', meaning: 'trained', role: 'free', tag: 'true' },
        { name: 'paid', meaning: 'neither', role: 'paid', tag: 'false' },
      ])
      .refine((cs) => cs.some((c) => c.role === 'paid') && cs.some((c) => c.role === 'free'), { message: 'needs at least one context of role "free" and one of role "paid"' })
      .refine((cs) => new Set(cs.map((c) => c.name)).size === cs.length, { message: 'context names must differ' })
      .refine((cs) => cs.filter((c) => c.role === 'paid').length === 1, { message: 'exactly one context has role "paid" (the unmonitored reference)' }),
    answer: z
      .object({
        open: z.string().min(1).default('<OUTPUT>'),
        close: z.string().min(1).default('</OUTPUT>'),
        /**
         * `last`: af-lab's last block outside the scratchpad; `first`: Redwood's notebook's rule, whole
         * (classify/notebook.ts: its turn loop, first block, Python strip, "gpt" prefill rule); `whole`: the
         * whole response (Koorndijk's demo); `outside`: the whole response less complete scratchpad blocks
         * (Hughes et al.).
         */
        block: z.enum(['last', 'first', 'whole', 'outside']).default('last'),
        /** Text each assistant turn starts with where the provider can prefill; null: never. */
        prefill: z.object({ cot: z.string().nullable(), 'no-cot': z.string().nullable() }).strict().default({ cot: '<', 'no-cot': '<OUTPUT>' }),
      })
      .strict()
      .prefault({}),
    scoring: z
      .object({
        proxy: z.enum(['prefix', 'anywhere']).default('prefix'),
        denominator: z.enum(['answered', 'all']).default('answered'),
      })
      .strict()
      .prefault({}),
    /** Experiment fields this setting sets (temperature, maxTokens, maxTurns, requests, ...); a config's own values win. */
    experiment: z.record(z.string(), z.unknown()).default({}),
    /** Per element: exact, af-lab's wording, or differs, and how to make it exact. */
    fidelity: z.record(z.enum(FIDELITY_ELEMENTS), fidelityEntrySchema),
    /** Variants (data/prompts/variants/) that belong to this setting, e.g. Koorndijk's statements. */
    variants: z.array(z.string()).optional(),
    /** Other wordings of the prompts' elements (`{{#element NAME}}`), by element then wording name: a one-at-a-time ablation runs each (docs/ablations.md). */
    elementWordings: z.record(z.string(), z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "_" and "-" only'), z.string().min(1))).optional(),
  })
  .strict()
  .refine((s) => FIDELITY_ELEMENTS.every((e) => s.fidelity[e]), { message: `fidelity must describe every element: ${FIDELITY_ELEMENTS.join(', ')}` })
  .refine((s) => s.answer.block !== 'first' || (s.scoring.proxy === 'prefix' && s.scoring.denominator === 'all'), {
    message: 'answer.block "first" is Redwood\'s notebook\'s rule, which counts the tag at the start over every request: set scoring.proxy "prefix" and scoring.denominator "all"',
  });

export type Setting = z.output<typeof settingSchema>;
export type SettingInput = z.input<typeof settingSchema>;

/** The lock file beside a setting: the sha256 of every URL it downloaded, recorded on first use. */
export const lockSchema = z
  .object({
    setting: z.string(),
    files: z.record(z.string(), z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().min(0), fetchedAt: z.string() }).strict()),
  })
  .strict();

export type SettingLock = z.output<typeof lockSchema>;
