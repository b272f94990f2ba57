/**
 * The administrator account of a customer tenant the hub creates (seed 001, "Configuration Options
 * for Provisioning New Acronis Customer Tenants"), every combination of:
 * - based on the company's primary contact (login = first + last name, email, first and last name)
 *   or on the company name (login = the company name, email = the activation email, names empty);
 * - password by activation email, or defined manually (one password for every new account; a
 *   secret, so never part of an account plan: the apply step reads it);
 * - two-factor authentication on or off for the new tenant.
 *
 * And the way out when a login is taken: candidates `login`, `login-2`, `login-3` … up to a bound,
 * tried in that order, so the same company gets the same login on every run and machine; when all
 * are taken the mapping fails with the list tried. Pure: no I/O.
 *
 * The one rule for every place that makes an admin account: the mapping job ("map to new") and the
 * provisioning planner (automatic provisioning, and steps a crash left unfinished) both ask
 * `planAdminAccount`, so an account the one refuses the other refuses too, with the same words.
 */

/** How the admin account of a new tenant is made (seed 001 "Configuration Options for Provisioning"). */
export interface AdminAccountSettings {
  basedOn: 'primary_contact' | 'company_name';
  /** Where activation emails go when accounts are based on the company name. */
  activationEmail: string | null;
  /** `manual`: the apply step sets the configured password (a secret, never in a plan). */
  password: 'activation_email' | 'manual';
}

export interface AdminAccountOptions extends AdminAccountSettings {
  /** 2FA for the new tenant (seed 001 "Two-factor authentication", off by default). */
  mfa: boolean;
}

/** What the decision needs to know besides the settings; never the password itself. */
export interface AdminAccountContext {
  /** Whether a manual password is stored. */
  manualPasswordSet: boolean;
  /** The integration, so a refusal can say where to fix it. */
  integrationId: string;
}

export const defaultAdminAccountOptions: AdminAccountOptions = { basedOn: 'primary_contact', activationEmail: null, password: 'activation_email', mfa: false };

export interface AdminAccountCompany {
  id: string;
  name: string;
  primaryContact: { email: string | null; firstName: string | null; lastName: string | null } | null;
}

export interface AdminAccountPlan {
  /** The first login candidate; see `loginCandidates`. */
  login: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  /** `activation_email`: send the vendor's activation email; `manual`: set the configured password. */
  password: AdminAccountOptions['password'];
  mfa: boolean;
  role: 'company_admin';
}

export type AdminAccountProblemCode = 'contact_missing' | 'contact_email_missing' | 'activation_email_missing' | 'manual_password_missing';

export type AdminAccountDecision = { ok: true; account: AdminAccountPlan } | { ok: false; code: AdminAccountProblemCode; message: string };

/** How many logins are tried (`login`, `login-2` … `login-N`) before the mapping fails. */
export const MAX_LOGIN_CANDIDATES = 20;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The account for `company` under `options`, or why none can be made (an account nobody can use, or
 * one the vendor would refuse, is never made: the tenant it is for is not made either).
 */
export function planAdminAccount(company: AdminAccountCompany, options: AdminAccountOptions, context: AdminAccountContext): AdminAccountDecision {
  if (options.password === 'manual' && !context.manualPasswordSet) {
    return {
      ok: false,
      code: 'manual_password_missing',
      message: `Admin account passwords are to be defined manually, but no password is set, so the admin account of "${company.name}" is not made: set the password in the Provisioning tab (PUT /api/v1/integrations/${context.integrationId}/settings/provisioning/admin-password), or choose "Send activation email".`,
    };
  }
  const base = { password: options.password, mfa: options.mfa, role: 'company_admin' as const };
  if (options.basedOn === 'company_name') {
    const email = options.activationEmail?.trim() ?? '';
    if (!EMAIL.test(email)) {
      return {
        ok: false,
        code: 'activation_email_missing',
        message: 'Accounts are based on the company name, but no valid activation email is set in the customer provisioning settings.',
      };
    }
    return { ok: true, account: { ...base, login: baseLogin([company.name], email), email, firstName: null, lastName: null } };
  }
  const contact = company.primaryContact;
  if (contact === null) {
    return {
      ok: false,
      code: 'contact_missing',
      message: `Customer "${company.name}" has no primary contact, so its tenant's admin account cannot be made: add a primary contact in the PSA, or base accounts on the company name.`,
    };
  }
  const email = contact.email?.trim() ?? '';
  if (!EMAIL.test(email)) {
    const who = [contact.firstName, contact.lastName].filter((x) => x !== null && x.trim() !== '').join(' ') || 'the primary contact';
    return {
      ok: false,
      code: 'contact_email_missing',
      message: `The primary contact of "${company.name}" (${who}) has no valid email address, which the admin account needs: add one in the PSA, or base accounts on the company name.`,
    };
  }
  const firstName = contact.firstName?.trim() || null;
  const lastName = contact.lastName?.trim() || null;
  return { ok: true, account: { ...base, login: baseLogin([firstName ?? '', lastName ?? ''], email), email, firstName, lastName } };
}

/** The first login tried: lower-case ASCII words joined by dots (the vendor needs 3+ ASCII characters); the email's local part otherwise. */
export function baseLogin(words: readonly string[], email: string): string {
  const clean = (text: string): string =>
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '.')
      .replace(/^\.+|\.+$/g, '');
  const fromWords = words.map(clean).filter((w) => w !== '').join('.');
  if (fromWords.length >= 3) return fromWords;
  const fromEmail = clean(email.split('@')[0] ?? '');
  return fromEmail.length >= 3 ? fromEmail : `${fromEmail || 'admin'}.admin`;
}


/** `login`, `login-2`, `login-3` … `login-<max>`: the order in which logins are tried. */
export function loginCandidates(login: string, max = MAX_LOGIN_CANDIDATES): string[] {
  const out = [login];
  for (let n = 2; n <= max; n += 1) out.push(`${login}-${n}`);
  return out;
}

/** The message of a mapping that failed because every candidate was taken. */
export function loginsExhaustedMessage(companyName: string, tried: readonly string[]): string {
  return `Every admin login tried for "${companyName}" is already taken in the cloud (${tried[0]} … ${tried[tried.length - 1]}, ${tried.length} tried): free one of them, or change the primary contact's name.`;
}
