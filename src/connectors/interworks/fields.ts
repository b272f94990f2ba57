// The instance's activation form (seed 004: System Name, Gateway, Client Id, Client Secret,
// Distributor Discount (%), Primary Currency, Update Product Names), as `Fields/Get` answers it, and
// the settings read back from the `X-CloudPlatform-Setting-<FieldID>` headers every call carries
// (values trimmed, SDKdll GetHeaderValue) or from a `Fields/Validate` body.
import type { DistributorSettings, NameUpdatePolicy } from '../service-manager-port.ts';

/** FieldKind (MDdll): 0 Text, 1 PasswordText, 2 Url, 3 Integer, 4 ChooseOne. */
const Kind = { Text: 0, PasswordText: 1, Url: 2, Integer: 3, ChooseOne: 4 } as const;

export const FIELD = {
  systemName: 'SystemName',
  gateway: 'Gateway',
  clientId: 'ClientId',
  clientSecret: 'ClientSecret',
  discount: 'DistributorDiscount',
  currency: 'PrimaryCurrency',
  updateNames: 'UpdateProductNames',
} as const;

/** The settings that are secrets: never logged, never stored in the clear, never returned. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([FIELD.clientSecret.toLowerCase()]);

// The currencies of the vendor's price list (billing-and-peers.md §2.1); Fields/Validate checks
// the choice against the vendor itself.
const CURRENCIES = ['USD', 'EUR', 'GBP', 'AUD', 'JPY', 'CAD'];

const NAME_POLICIES: Readonly<Record<NameUpdatePolicy, string>> = {
  continuous: 'Continuously update names',
  keep: 'Keep the names of the first run',
};

const field = (order: number, id: string, name: string, kind: number, description: string, extra: Record<string, unknown> = {}) => ({
  ID: id,
  Value: null,
  Definition: {
    ID: id,
    SortOrder: order,
    Name: name,
    Description: description,
    Kind: kind,
    MaxLength: 255,
    IsRequired: true,
    PredefinedValues: {},
    IsAdditionalField: false,
    IncludeVerification: false,
    IsDistributorOption: true,
    IsPartnerOption: false,
    InitialValue: null,
    ...extra,
  },
});

export function activationForm() {
  return {
    Fields: [
      field(1, FIELD.systemName, 'System Name', Kind.Text, 'The name of this application instance'),
      field(2, FIELD.gateway, 'Gateway', Kind.Url, 'The data-center URL of your region, as Acronis gave it with your distributor credentials (e.g. https://eu2-cloud.acronis.com)'),
      field(3, FIELD.clientId, 'Client Id', Kind.Text, 'The API client id of your distributor tenant (Settings → API clients)'),
      field(4, FIELD.clientSecret, 'Client Secret', Kind.PasswordText, 'The secret shown when the API client was created', { IncludeVerification: true }),
      field(5, FIELD.discount, 'Distributor Discount(%)', Kind.Integer, 'Deducted from the Sell Price so that the Cost Price can be calculated (100 sell at 18 % → 82 cost); the percentage agreed with Acronis', { MaxLength: 6 }),
      field(6, FIELD.currency, 'Primary Currency', Kind.ChooseOne, 'The currency your billing with Acronis uses', {
        PredefinedValues: Object.fromEntries(CURRENCIES.map((c) => [c, c])),
        InitialValue: 'USD',
        MaxLength: 3,
      }),
      field(7, FIELD.updateNames, 'Update Product Names', Kind.ChooseOne, 'Continuously update the product names on each Get Services Definition run, or keep the names of the first run', {
        PredefinedValues: { ...NAME_POLICIES },
        InitialValue: 'continuous',
      }),
    ],
  };
}

const KNOWN = new Map(Object.values(FIELD).map((id) => [id.toLowerCase(), id]));

export interface ReadSettings {
  settings: DistributorSettings;
  /** What is wrong with the values as given (missing, not a number, unknown field). */
  problems: string[];
}

/** Settings from field values keyed by field id (case-insensitive). */
export function readSettings(values: ReadonlyMap<string, string>, options: { rejectUnknown: boolean }): ReadSettings {
  const problems: string[] = [];
  const get = (id: string): string => (values.get(id.toLowerCase()) ?? '').trim();
  for (const id of Object.values(FIELD)) {
    if (get(id) === '') problems.push(`${labelOf(id)} is missing: fill it in on the instance form`);
  }
  if (options.rejectUnknown) {
    for (const key of values.keys()) {
      if (!KNOWN.has(key)) problems.push(`Unknown field '${key}': the form has ${Object.values(FIELD).join(', ')}`);
    }
  }
  const discountText = get(FIELD.discount).replace(',', '.');
  const discount = discountText === '' ? 0 : Number(discountText);
  if (discountText !== '' && !Number.isFinite(discount)) problems.push(`Distributor Discount (%) '${get(FIELD.discount)}' is not a number: enter a percentage between 0 and 100`);
  const policyText = get(FIELD.updateNames).toLowerCase();
  const policy = (Object.entries(NAME_POLICIES).find(([key, label]) => key === policyText || label.toLowerCase() === policyText)?.[0] ?? null) as NameUpdatePolicy | null;
  if (policyText !== '' && policy === null) problems.push(`Update Product Names '${get(FIELD.updateNames)}' is not a choice of the form: choose "${NAME_POLICIES.continuous}" or "${NAME_POLICIES.keep}"`);
  return {
    settings: {
      systemName: get(FIELD.systemName),
      gateway: get(FIELD.gateway),
      clientId: get(FIELD.clientId),
      clientSecret: get(FIELD.clientSecret),
      discountPercent: discount,
      currency: get(FIELD.currency).toUpperCase(),
      updateNames: policy ?? 'continuous',
    },
    problems,
  };
}

const SETTING_HEADER = 'x-cloudplatform-setting-';

/** The setting headers of a call, by lower-case field id. */
export function settingHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(SETTING_HEADER) || value === undefined) continue;
    out.set(name.slice(SETTING_HEADER.length), (Array.isArray(value) ? value.join('|') : value).trim());
  }
  return out;
}

function labelOf(id: string): string {
  return activationForm().Fields.find((f) => f.ID === id)?.Definition.Name ?? id;
}
