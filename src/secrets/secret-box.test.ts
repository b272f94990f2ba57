import { describe, expect, it } from 'vitest';
import { open, seal } from './secret-box.ts';

const key = Buffer.alloc(32, 1);
const otherKey = Buffer.alloc(32, 2);

describe('secret box', () => {
  it('round-trips and never shows the plaintext', () => {
    const sealed = seal('s3cr3t-value', key);
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(sealed).not.toContain('s3cr3t');
    expect(open(sealed, key)).toBe('s3cr3t-value');
  });

  it('uses a fresh IV each time', () => {
    expect(seal('same', key)).not.toBe(seal('same', key));
  });

  it('refuses a wrong key with a message that says what to do', () => {
    const sealed = seal('value', key);
    expect(() => open(sealed, otherKey)).toThrow(/secret key differs.*PSA_BRIDGE_SECRET_KEY/);
  });

  it('detects tampering with the ciphertext, the tag or the IV', () => {
    const sealed = seal('value that matters', key);
    const [v, iv, tag, data] = sealed.split(':') as [string, string, string, string];
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] = bytes[0]! ^ 0x01;
      return bytes.toString('base64');
    };
    for (const tampered of [
      [v, iv, tag, flip(data)],
      [v, iv, flip(tag), data],
      [v, flip(iv), tag, data],
    ]) {
      expect(() => open(tampered.join(':'), key)).toThrow(expect.objectContaining({ code: 'secret_undecryptable' }));
    }
  });

  it('binds a value to its associated data', () => {
    const sealed = seal('value', key, 'connections.client_secret:a');
    expect(open(sealed, key, 'connections.client_secret:a')).toBe('value');
    expect(() => open(sealed, key, 'connections.client_secret:b')).toThrow(/cannot decrypt/);
  });

  it('rejects unknown formats and keys of the wrong size', () => {
    expect(() => open('v2:a:b:c', key)).toThrow(/not in the v1 format/);
    expect(() => seal('x', Buffer.alloc(16))).toThrow(expect.objectContaining({ code: 'secret_key_invalid' }));
  });
});
