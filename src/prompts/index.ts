export { PROMPTS_DIR, parsePromptFile, readPromptFile, type PromptFile } from './files.js';
export { inlineVariant, listVariants, loadVariant } from './variants.js';
export { DEFAULT_DEVELOPER, loadSystemPrompt, promptHash, renderStatement, renderSystemPrompt, renderUserTurn, type UserTurnInput } from './render.js';
