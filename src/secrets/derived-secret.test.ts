import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derivedSecret } from './derived-secret.ts';

describe('derivedSecret', () => {
  it('is stable for one key, purpose and subject, and differs when any of them changes', () => {
    const key = randomBytes(32);
    const a = derivedSecret(key, 'callbacks', 'integration-1');
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(derivedSecret(key, 'callbacks', 'integration-1')).toBe(a);
    expect(derivedSecret(key, 'callbacks', 'integration-2')).not.toBe(a);
    expect(derivedSecret(key, 'other purpose', 'integration-1')).not.toBe(a);
    expect(derivedSecret(randomBytes(32), 'callbacks', 'integration-1')).not.toBe(a);
  });
});
