import { describe, expect, it } from 'vitest';
import { baseLogin, loginCandidates, loginsExhaustedMessage, MAX_LOGIN_CANDIDATES, planAdminAccount, type AdminAccountOptions } from './admin-account.ts';

const company = { id: '7', name: 'Coho Winery Ltd.', primaryContact: { firstName: 'Zoë', lastName: "O'Brien", email: 'zoe@coho.example' } };
const unset = { manualPasswordSet: false, integrationId: 'I1' };
const opts = (over: Partial<AdminAccountOptions> = {}): AdminAccountOptions => ({ basedOn: 'primary_contact', activationEmail: null, password: 'activation_email', mfa: false, ...over });

describe('planAdminAccount: every combination of the seed options', () => {
  for (const basedOn of ['primary_contact', 'company_name'] as const) {
    for (const password of ['activation_email', 'manual'] as const) {
      for (const mfa of [false, true]) {
        it(`${basedOn} / ${password} / 2FA ${mfa ? 'on' : 'off'}`, () => {
          const d = planAdminAccount(company, opts({ basedOn, password, mfa, activationEmail: 'ops@msp.example' }), { manualPasswordSet: true, integrationId: 'I1' });
          expect(d.ok).toBe(true);
          if (!d.ok) return;
          expect(d.account).toMatchObject({ password, mfa, role: 'company_admin' });
          if (basedOn === 'primary_contact') expect(d.account).toMatchObject({ login: 'zoe.o.brien', email: 'zoe@coho.example', firstName: 'Zoë', lastName: "O'Brien" });
          else expect(d.account).toMatchObject({ login: 'coho.winery.ltd', email: 'ops@msp.example', firstName: null, lastName: null });
        });
      }
    }
  }

  it('fails with the reason when the contact, its email, the activation email or the manual password is missing', () => {
    expect(planAdminAccount({ ...company, primaryContact: null }, opts(), unset)).toMatchObject({ ok: false, code: 'contact_missing' });
    expect(planAdminAccount({ ...company, primaryContact: { firstName: 'A', lastName: 'B', email: null } }, opts(), unset)).toMatchObject({
      ok: false,
      code: 'contact_email_missing',
      message: expect.stringContaining('(A B) has no valid email'),
    });
    expect(planAdminAccount(company, opts({ basedOn: 'company_name' }), unset)).toMatchObject({ ok: false, code: 'activation_email_missing' });
    expect(planAdminAccount(company, opts({ password: 'manual' }), unset)).toMatchObject({
      ok: false,
      code: 'manual_password_missing',
      message: expect.stringContaining('Provisioning tab (PUT /api/v1/integrations/I1/settings/provisioning/admin-password)'),
    });
    // Company-name accounts do not need a contact.
    expect(planAdminAccount({ ...company, primaryContact: null }, opts({ basedOn: 'company_name', activationEmail: 'a@b.example' }), unset).ok).toBe(true);
  });
});

describe('login candidates', () => {
  it('makes the first login of 3+ plain characters', () => {
    expect(baseLogin(['Zoë', "O'Brien"], 'z@x.test')).toBe('zoe.o.brien');
    expect(baseLogin(['', ''], 'jo@x.test')).toBe('jo.admin');
    expect(baseLogin(['李'], 'ming.li@x.test')).toBe('ming.li');
  });
  it('tries login, login-2 … in a fixed order, bounded', () => {
    const list = loginCandidates('anna.berg');
    expect(list.slice(0, 3)).toEqual(['anna.berg', 'anna.berg-2', 'anna.berg-3']);
    expect(list).toHaveLength(MAX_LOGIN_CANDIDATES);
    expect(loginsExhaustedMessage('X', list)).toMatch(/anna\.berg … anna\.berg-20, 20 tried/);
  });
});
