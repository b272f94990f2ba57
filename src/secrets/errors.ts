/**
 * Errors raised while loading the secret key or sealing/opening a stored secret. They are their own
 * kind (not the store's) so that secrets depend on nothing: the store and the config both use them.
 */
export type SecretErrorCode = 'secret_key_invalid' | 'secret_key_file_insecure' | 'secret_undecryptable';

export class SecretError extends Error {
  readonly code: SecretErrorCode;
  readonly context: Record<string, unknown>;

  constructor(code: SecretErrorCode, message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretError';
    this.code = code;
    this.context = context;
  }
}
