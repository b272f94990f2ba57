/**
 * A settings value that does not validate. Each issue names the field (dotted path from the section,
 * e.g. `provisioning.deprovisioning.deleteTenant`) and says what to do about it, so the portal can put
 * the message next to the field and the CLI can print it as is. The one error of every settings
 * section, ticket settings included.
 */
export interface SettingsIssue {
  /** Dotted path, section first: `schedule.provisioning.intervalMinutes`. */
  field: string;
  message: string;
  /**
   * The sentence in a person's words without where it is, when `message` starts with that place:
   * the portal shows it next to the field; the path stays in `field` and the error's message.
   */
  text?: string;
  /** For a picklist field, the values it may take. */
  allowed?: { value: string; label: string }[];
}

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  readonly code = 'invalid_settings' as const;
  readonly section: string;
  readonly issues: readonly SettingsIssue[];

  constructor(section: string, issues: readonly SettingsIssue[], options: { stored?: boolean } = {}) {
    const head = options.stored
      ? `The stored ${section} settings are no longer valid; save them again with these fixed`
      : `The ${section} settings are not valid`;
    super(`${head}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
    this.section = section;
    this.issues = issues;
  }
}

export function isSettingsError(error: unknown): error is SettingsError {
  return error instanceof SettingsError;
}
