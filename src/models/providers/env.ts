// Keys and base URLs come from the environment, with a `.env` file in the working directory read
// once (variables already set win). Every key read is registered as a secret so that it is masked
// wherever text leaves the model layer.
import { config as loadDotenv } from 'dotenv';
import { UserError } from '../../core/errors.js';
import { registerSecret } from '../transport/secrets.js';

let loaded = false;

function ensureDotenv(): void {
  if (loaded) return;
  loaded = true;
  loadDotenv({ quiet: true });
}

export function readEnv(name: string): string | undefined {
  ensureDotenv();
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** An API key from `name`; missing keys are a user error naming the variable (never its value). */
export function readKey(name: string, spec: string, required: boolean): string | undefined {
  const value = readEnv(name);
  if (value) {
    registerSecret(value);
    return value;
  }
  if (required) {
    throw new UserError(`model "${spec}" needs an API key in the environment variable ${name}, which is not set`, `export ${name}=... or put ${name}=... in a .env file in the working directory`);
  }
  return undefined;
}
