import { describe, expect, it } from 'vitest';
import { canonicalJson, operationKey, stableHash } from './stable-key.ts';

describe('stable keys', () => {
  it('canonical JSON ignores key order and undefined members', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined, b: null }] })).toBe('{"a":[{"b":null,"d":2}],"b":1}');
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('hashes are deterministic, 16 hex digits, and differ with content', () => {
    const h = stableHash({ a: 1 });
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(stableHash({ a: 1 })).toBe(h);
    expect(stableHash({ a: 2 })).not.toBe(h);
  });

  it('keys keep ids readable and escape the separator', () => {
    expect(operationKey('create_tenant', ['int-1', 'c:7'])).toBe('create_tenant:int-1:c%3A7');
    expect(operationKey('x', ['a'], { q: 1 })).toMatch(/^x:a:[0-9a-f]{16}$/);
  });
});
