/**
 * Secrets the hub hands to another system and must recognise later (the key an Autotask webhook signs
 * its callouts with), derived from the hub's own key with HKDF-SHA256 instead of stored: the same
 * integration always gets the same secret in every process that holds the key, and nothing new sits
 * in the database. A new hub key means new secrets (register the webhooks again).
 */
import { hkdfSync } from 'node:crypto';

/** 32 bytes from `key` for `purpose` and `subject`, as base64url (43 characters, no padding). */
export function derivedSecret(key: Buffer, purpose: string, subject: string): string {
  return Buffer.from(hkdfSync('sha256', key, Buffer.from(subject, 'utf8'), Buffer.from(`psa-bridge ${purpose}`, 'utf8'), 32)).toString('base64url');
}
