// Every provider registers here; import this module (not registry.ts) to resolve spec strings.
import { registerProvider } from './registry.js';
import { simulatorProvider } from './simulator/index.js';
// Real providers (OpenAI-compatible hosts, Anthropic, GGUF) register by name; each one's module
// and SDK load when a model of that provider is first resolved.
import './providers/register.js';

registerProvider(simulatorProvider);

export { listProviders, providerFor, registerProvider, resolveModel, type Provider, type ProviderContext } from './registry.js';
export { numberOption, parseModelSpec, type ModelSpec } from './spec.js';
export { ModelCallError, type ModelErrorKind } from './errors.js';
export { createSimulatedModel } from './simulator/index.js';
export { PERSONAS, type PersonaParams } from './simulator/personas.js';
export { readStatement, statementRates, NO_STATEMENT } from './simulator/mitigation.js';
export type { StatementCues, StatementEffects } from './simulator/mitigation.js';
