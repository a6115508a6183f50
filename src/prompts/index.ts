export { PROMPTS_DIR, parsePromptFile, readPromptFile, withElements, type PromptFile } from './files.js';
export { effectiveChoices, elementNames, elementSpans, renderElements, stripElements, variantHashOf, type ElementChoice, type ElementChoices } from './elements.js';
export { inlineVariant, listVariants, loadVariant } from './variants.js';
export { DEFAULT_DEVELOPER, loadSystemPrompt, promptHash, renderStatement, renderSystemPrompt, renderUserTurn, type UserTurnInput } from './render.js';
