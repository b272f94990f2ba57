import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretError } from './errors.ts';

/**
 * Secrets at rest: AES-256-GCM with a fresh 96-bit IV per value. The sealed form is text so it fits
 * a plain column on both databases:
 *
 *   v1:<iv base64>:<auth tag base64>:<ciphertext base64>
 *
 * The version prefix lets a later format (another cipher, a key id for rotation) live beside v1 rows.
 * `aad` binds a value to where it is stored (e.g. `connections.client_secret:<id>`) so a sealed value
 * copied into another row does not decrypt there.
 */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRET_KEY_BYTES = 32;

export function seal(plaintext: string, key: Buffer, aad?: string): string {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
}

export function open(sealed: string, key: Buffer, aad?: string): string {
  assertKey(key);
  const parts = sealed.split(':');
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new SecretError(
      'secret_undecryptable',
      `cannot decrypt: the stored secret is not in the ${VERSION} format (it may have been written by a newer version of psa-bridge or edited by hand)`,
      { version: parts[0] },
    );
  }
  const [, ivText, tagText, dataText] = parts as [string, string, string, string];
  const iv = Buffer.from(ivText, 'base64');
  const tag = Buffer.from(tagText, 'base64');
  const data = Buffer.from(dataText, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SecretError('secret_undecryptable', 'cannot decrypt: the stored secret is malformed (bad IV or tag length)', {});
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  } catch (cause) {
    // GCM cannot tell a wrong key from a tampered value; the key is by far the likelier cause.
    throw new SecretError(
      'secret_undecryptable',
      'cannot decrypt: the secret key differs from the one used to store it — set PSA_BRIDGE_SECRET_KEY to the original key (or restore <dataDir>/secret.key); if the key is right, the stored value was altered',
      {},
      { cause },
    );
  }
}

function assertKey(key: Buffer): void {
  if (key.length !== SECRET_KEY_BYTES) {
    throw new SecretError('secret_key_invalid', `the secret key must be ${SECRET_KEY_BYTES} bytes, got ${key.length}`, {
      length: key.length,
    });
  }
}
