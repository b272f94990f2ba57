import { describe, expect, it } from 'vitest';
import { actionFilterOf, kindOf } from './audit-kind.ts';

describe('audit kinds', () => {
  it('puts each recorded action under the kind a person looks for', () => {
    expect(kindOf('mapping.map')).toBe('mapping');
    expect(kindOf('marketplace.first_run')).toBe('mapping');
    expect(kindOf('integration.settings.provisioning.update')).toBe('setting');
    expect(kindOf('integration.ticket_settings.update')).toBe('setting');
    expect(kindOf('integration.update')).toBe('integration');
    expect(kindOf('user.role')).toBe('user');
    expect(kindOf('api_token.create')).toBe('token');
    expect(kindOf('auth.login')).toBe('sign_in');
    expect(kindOf('provisioning.approve_reductions')).toBe('approval');
    expect(kindOf('something.else')).toBe('other');
  });

  it('a broad kind excludes the narrower kinds listed before it', () => {
    expect(actionFilterOf('integration')).toEqual({
      include: ['integration.', 'sync.'],
      exclude: expect.arrayContaining(['integration.settings.', 'integration.callbacks_']),
    });
    expect(actionFilterOf('mapping').exclude).toEqual([]);
  });
});
