import { describe, expect, it } from 'vitest';
import { effectiveRole, isRole, roleOf } from './roles.ts';

describe('roles', () => {
  it('a token never acts with more than its user', () => {
    expect(effectiveRole('admin')).toBe('admin');
    expect(effectiveRole('admin', 'admin')).toBe('admin');
    expect(effectiveRole('admin', 'read_only')).toBe('read_only');
    expect(effectiveRole('read_only', 'admin')).toBe('read_only');
    expect(effectiveRole('read_only')).toBe('read_only');
  });

  it('reads a stored role strictly: anything unknown is read-only', () => {
    expect(roleOf('admin')).toBe('admin');
    expect(roleOf('read_only')).toBe('read_only');
    expect(roleOf('Admin')).toBe('read_only');
    expect(roleOf(null)).toBe('read_only');
    expect(isRole('read_only')).toBe(true);
    expect(isRole('root')).toBe(false);
  });
});
