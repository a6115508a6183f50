// Settings: an experiment's stimuli and scoring conventions as one file in data/settings/ (see docs/settings.md, docs/fidelity.md).
export { settingSchema, promptSourceSchema, contextSchema, lockSchema, FIDELITY_ELEMENTS, type Setting, type SettingInput, type SettingContext, type PromptSource, type SettingLock, type FidelityElement } from './schema.js';
export { listSettings, readSetting, readLock, SETTINGS_DIR, DEFAULT_SETTING, type SettingFile } from './files.js';
export { loadSource, cachedCopyPath, type LoadedText, type SourceContext } from './sources.js';
export {
  resolveSetting, tierText, statementFor, systemPromptFor, userTurnFor, settingStamp, answerProtocol, scoringDiffers,
  AF_LAB_ANSWER, AF_LAB_PREFILL, AF_LAB_SCORING, type ResolvedSetting, type ResolveOptions,
} from './resolve.js';
export { fidelityRows, formatFidelity, notExact, settingLine, withSettingDefaults, type FidelityRow } from './fidelity.js';
