// The compliance source a figure function is given, as a user or an older notebook writes it: the old
// name `judge` is `compliance`; anything but the two sources a figure can draw is a UserError, not an
// empty figure.
import { UserError } from '../core/errors.js';
import { labelSourceName } from '../summary/labelSource.js';
import type { ComplianceSource } from './inputs.js';

export function complianceSourceName(source: string): ComplianceSource {
  const name: string = labelSourceName(source);
  if (name === 'compliance' || name === 'proxy') return name;
  throw new UserError(`unknown compliance source "${source}" for a figure`, 'name "compliance" (the LLM compliance judge; "judge" in older notebooks) or "proxy" (the <request_fully_accepted/> prefix)');
}
