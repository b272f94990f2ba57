import { ConnectorError } from '../kit/errors.ts';
import type { AutotaskClient } from './client.ts';
import type { WirePicklistValue } from './wire.ts';

/**
 * Picklist values read from `entityInformation/fields`, never hard-coded (reference §A.5: the
 * numbers differ per database). Labels are how the connector names values it needs (Recurring
 * Service, Complete, Monthly); values are what goes on the wire.
 */
export interface Picklists {
  values(entity: string, field: string): Promise<WirePicklistValue[]>;
  /** The value labelled `label` (case-insensitive); a `bad_request` naming the field when there is none. */
  valueOf(entity: string, field: string, label: string): Promise<number>;
  labelOf(entity: string, field: string, value: number | string | null | undefined): Promise<string | null>;
  /** The field's default value (isDefaultValue), else its first active value; null for an empty list. */
  defaultOf(entity: string, field: string): Promise<number | null>;
  /** The field's name as the entity spells it (queueID for "queue"); undefined when absent. */
  parentField(entity: string, field: string): Promise<string | undefined>;
}

export function createPicklists(client: AutotaskClient): Picklists {
  async function field(entity: string, name: string) {
    const fields = await client.fields(entity);
    return fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
  }
  async function values(entity: string, name: string): Promise<WirePicklistValue[]> {
    return (await field(entity, name))?.picklistValues ?? [];
  }
  return {
    values,
    valueOf: async (entity, name, label) => {
      const list = await values(entity, name);
      const hit = list.find((v) => v.label.toLowerCase() === label.toLowerCase());
      if (hit === undefined || !/^-?\d+$/.test(hit.value)) {
        throw new ConnectorError({
          code: 'bad_request',
          system: 'autotask',
          message: `Autotask has no ${entity}.${name} value labelled "${label}" (it has: ${list.map((v) => v.label).join(', ') || 'none'}); the integration needs it: check the picklist in Autotask Admin`,
          context: { operation: `read ${entity} fields`, entity, field: name, label },
        });
      }
      return Number(hit.value);
    },
    labelOf: async (entity, name, value) => {
      if (value === null || value === undefined) return null;
      return (await values(entity, name)).find((v) => v.value === String(value))?.label ?? null;
    },
    defaultOf: async (entity, name) => {
      const list = await values(entity, name);
      const chosen = list.find((v) => v.isDefaultValue === true && v.isActive !== false) ?? list.find((v) => v.isActive !== false);
      return chosen === undefined ? null : Number(chosen.value);
    },
    parentField: async (entity, name) => {
      const f = await field(entity, name);
      const parent = f?.picklistParentValueField ?? '';
      return parent === '' ? undefined : parent;
    },
  };
}
