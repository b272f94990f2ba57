import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretError } from './errors.ts';
import { SECRET_KEY_BYTES } from './secret-box.ts';

export const SECRET_KEY_ENV = 'PSA_BRIDGE_SECRET_KEY';
export const SECRET_KEY_FILE = 'secret.key';

export interface LoadedSecretKey {
  key: Buffer;
  /** `env`: from PSA_BRIDGE_SECRET_KEY; `file`: an existing key file; `generated`: a key file created now. */
  source: 'env' | 'file' | 'generated';
  /** The key file, when the key came from (or was written to) one. */
  file?: string;
}

const GENERATE_HINT = `generate one with: node -e "console.log(require('node:crypto').randomBytes(32).toString('base64'))"`;

/**
 * The key that seals secrets at rest. PSA_BRIDGE_SECRET_KEY wins (32 bytes, base64 or hex), which
 * suits containers and several workers sharing one database. Otherwise `<dataDir>/secret.key` is
 * used, created on first start with mode 0600. A key file readable by group or others is refused
 * rather than warned about: by then the secret has to be presumed exposed, and a warning in a log
 * nobody reads protects nothing.
 */
export function loadSecretKey(options: { env: Record<string, string | undefined>; dataDir: string }): LoadedSecretKey {
  const fromEnv = options.env[SECRET_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return { key: parseSecretKey(fromEnv, SECRET_KEY_ENV), source: 'env' };
  }

  const file = join(options.dataDir, SECRET_KEY_FILE);
  const existing = readKeyFile(file);
  if (existing) return { key: existing, source: 'file', file };

  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(SECRET_KEY_BYTES);
  try {
    // 'wx' fails if another process created the file meanwhile; then that process's key is the key.
    writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      const raced = readKeyFile(file);
      if (raced) return { key: raced, source: 'file', file };
    }
    throw error;
  }
  return { key, source: 'generated', file };
}

/** Parses a 32-byte key written as 64 hex digits or as base64 (standard or URL-safe). */
export function parseSecretKey(text: string, origin: string): Buffer {
  const value = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(value)) {
    key = Buffer.from(value, 'hex');
  } else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    key = Buffer.from(value, 'base64');
  }
  if (!key || key.length !== SECRET_KEY_BYTES) {
    throw new SecretError(
      'secret_key_invalid',
      `${origin} must hold ${SECRET_KEY_BYTES} bytes written as base64 (44 characters) or hex (64 characters)` +
        (key ? `, but it decodes to ${key.length} bytes` : ', but it is neither') +
        `; ${GENERATE_HINT}`,
      { origin, decodedBytes: key?.length ?? null },
    );
  }
  return key;
}

function readKeyFile(file: string): Buffer | undefined {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // POSIX permission bits mean nothing on Windows, where ACLs guard the file instead.
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new SecretError(
      'secret_key_file_insecure',
      `the key file ${file} is accessible to other users (mode ${(mode & 0o777).toString(8)}); run \`chmod 600 ${file}\`, and since the key may have been read, consider rotating the stored secrets`,
      { file, mode: mode & 0o777 },
    );
  }
  return parseSecretKey(readFileSync(file, 'utf8'), file);
}
