import { createHash, randomBytes } from 'node:crypto';

/**
 * Session and API tokens are random (256 bits) and stored only as their SHA-256. A fast hash is right
 * here, unlike for passwords: the input has full entropy, so there is nothing to guess offline.
 */
export const newToken = (prefix = ''): string => prefix + randomBytes(32).toString('base64url');
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
