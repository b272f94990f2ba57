// Rows as the API returns them: every field of the entity in camelCase (null when unset), plus
// `userDefinedFields:[{name,value}]` listing every UDF of the entity. IncludeFields narrows the
// fields (id always included) and then returns an empty UDF list, as the live API does.
import { WEBHOOK_ENTITIES, type EntityDef, type FieldDef } from './entities.ts';
import type { AutotaskState, Row } from './state.ts';
import { udfDefinitions } from './values.ts';

export function view(state: AutotaskState, entity: EntityDef, row: Row, include: FieldDef[] | null = null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (include) {
    out.id = row.id;
    for (const f of include) out[f.name] = row[f.name] ?? null;
  } else for (const f of entity.fields) out[f.name] = computed(state, entity, row, f.name) ?? row[f.name] ?? null;
  if (entity.udfType !== null || entity.kind === 'stored') {
    if (include || entity.udfType === null) out.userDefinedFields = [];
    else {
      const values = state.table(entity.name).udfs.get(row.id);
      out.userDefinedFields = udfDefinitions(state, entity).map((d) => ({ name: d.name, value: values?.get(String(d.name).toLowerCase()) ?? null }));
    }
  }
  return out;
}

function computed(state: AutotaskState, entity: EntityDef, row: Row, field: string): unknown {
  if (WEBHOOK_ENTITIES.includes(entity.name) && field === 'isReady') {
    return state.table(`${entity.name.slice(0, -'s'.length)}Fields`).children('webhookID', row.id).some((f) => f.isSubscribedField === true);
  }
  if (entity.name === 'ServiceBundles' && field === 'unitCost') {
    const services = state.table('Services');
    let sum = 0;
    for (const link of state.table('ServiceBundleServices').children('serviceBundleID', row.id)) {
      const s = services.rows.get(Number(link.serviceID));
      sum += typeof s?.unitCost === 'number' ? s.unitCost : 0;
    }
    return sum;
  }
  return undefined;
}
