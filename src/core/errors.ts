// Errors a user can fix: one line naming the problem, one naming the fix. The CLI prints them
// without a stack trace and exits non-zero; anything else is a bug and keeps its stack.

export class UserError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = 'UserError';
  }

  /** The one line the CLI prints. */
  describe(): string {
    return `error: ${this.message}. Fix: ${this.fix}.`;
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}
