/** The PAYG contract field Autotask needs (created once), and the connection check. */
import { ConnectorError, isConnectorError, isTransient } from '../kit/errors.ts';
import { collect } from '../kit/paging.ts';
import type { ConnectionCheck, PreparationResult, PreparationStep, Target } from '../ports.ts';
import { lookUpThenWrite } from '../kit/look-up-then-write.ts';
import { buildQuery, where } from './query.ts';
import { OWNER_COMPANY_ID, type AutotaskParts } from './target-parts.ts';
import * as wire from './wire.ts';

export function createAutotaskPreparation(parts: AutotaskParts): Pick<Target, 'prepare' | 'testConnection'> {
  const { client, picklists, paygUdf } = parts;

  async function findPaygUdf(contractUdfType: number) {
    const body = buildQuery([where.eq('name', paygUdf), where.eq('udfType', contractUdfType)], { includeFields: ['id', 'name', 'udfType', 'dataType', 'isActive'] });
    const rows = await collect(client.query('UserDefinedFieldDefinitions', body, wire.udfDefinition, { operation: 'find the PAYG field' }));
    return rows.find((r) => r.name.toLowerCase() === paygUdf.toLowerCase()) ?? null;
  }

  /**
   * The seed's "Acronis PAYG" list field (Yes / No, default No) on contracts. Each part is looked
   * up before it is created, so a run cut short between the field and its values is completed by
   * the next one, and a second run changes nothing.
   */
  async function prepare(): Promise<PreparationResult> {
    const steps: PreparationStep[] = [];
    const what = `user-defined field "${paygUdf}" on contracts`;
    const contractType = await picklists.valueOf('UserDefinedFieldDefinitions', 'udfType', 'Contract');
    let udf = await findPaygUdf(contractType);
    if (udf === null) {
      const listType = await picklists.valueOf('UserDefinedFieldDefinitions', 'dataType', 'List');
      const result = await lookUpThenWrite({
        lookUp: () => findPaygUdf(contractType),
        lookUpFirst: false,
        write: async () => {
          await client.create(
            'UserDefinedFieldDefinitions',
            '/UserDefinedFieldDefinitions',
            {
              name: paygUdf,
              udfType: contractType,
              dataType: listType,
              description: 'Acronis billing: Yes = pay-as-you-go (usage written back), No = prepaid (quotas from units)',
              defaultValue: 'No',
              isRequired: false,
              isActive: true,
            },
            { operation: 'create the PAYG field' },
          );
          const kept = await findPaygUdf(contractType);
          if (kept === null) throw new ConnectorError({ code: 'bad_payload', system: 'autotask', message: `Autotask did not keep the ${what}`, context: { operation: 'create the PAYG field' } });
          return kept;
        },
        // Another run created it meanwhile (name taken) or the create may have landed; one write only.
        lookUpAfter: (error) => isConnectorError(error, 'bad_request') || isTransient(error),
        rounds: 1,
      });
      udf = result.value;
      steps.push({ outcome: result.outcome === 'written' ? 'created' : 'present', what, id: String(udf.id) });
    } else if (udf.isActive === false) {
      await client.update('UserDefinedFieldDefinitions', '/UserDefinedFieldDefinitions', { id: udf.id, isActive: true }, { operation: 'activate the PAYG field' });
      steps.push({ outcome: 'updated', what: `${what} (activated)`, id: String(udf.id) });
    } else {
      steps.push({ outcome: 'present', what, id: String(udf.id) });
    }
    const items = await collect(
      client.query('UserDefinedFieldListItems', buildQuery([where.eq('udfFieldID', udf.id)]), wire.udfListItem, { operation: 'read the PAYG field values' }),
    ).catch(async (error: unknown) => {
      // Some databases do not query list items at the root; the parent URL always lists them.
      if (!isConnectorError(error) || (error.code !== 'bad_request' && error.code !== 'not_found')) throw error;
      const page = await client.requestJson(
        'UserDefinedFieldListItems',
        { method: 'GET', path: `/UserDefinedFields/${udf.id}/ListItems`, operation: 'read the PAYG field values' },
        wire.queryPage(wire.udfListItem),
      );
      return page.items;
    });
    for (const value of ['Yes', 'No']) {
      const found = items.find((i) => i.valueForDisplay.toLowerCase() === value.toLowerCase());
      if (found !== undefined) continue;
      const id = await client.create(
        'UserDefinedFieldListItems',
        `/UserDefinedFields/${udf.id}/ListItems`,
        { udfFieldID: udf.id, valueForDisplay: value, valueForExport: value },
        { operation: 'add a PAYG field value' },
      );
      steps.push({ outcome: 'created', what: `value "${value}" of ${what}`, id: String(id) });
    }
    return { steps, warnings: [] };
  }

  async function testConnection(): Promise<ConnectionCheck> {
    const zone = await client.zone();
    const threshold = await client.threshold();
    const owner = await client.get('Companies', OWNER_COMPANY_ID, wire.company, { operation: 'read the MSP company', priority: 'interactive' });
    const warnings: string[] = [];
    const share = threshold.currentTimeframeRequestCount / threshold.externalRequestThreshold;
    if (share >= 0.5) {
      warnings.push(
        `${threshold.currentTimeframeRequestCount} of the database's ${threshold.externalRequestThreshold} API requests per hour are in use; Autotask slows every integration down from 50 %.`,
      );
    }
    const udfs = await client.requestJson(
      'Contracts',
      { method: 'GET', path: '/Contracts/entityInformation/userDefinedFields', operation: 'read contract fields', priority: 'interactive' },
      wire.udfFieldsResponse,
    );
    if (!udfs.fields.some((f) => f.name.toLowerCase() === paygUdf.toLowerCase())) {
      warnings.push(`Contracts have no "${paygUdf}" field yet; the integration creates it when billing is enabled (every contract counts as prepaid until then).`);
    }
    const zoneName = zone.zoneName === undefined ? 'Autotask' : `Autotask ${zone.zoneName}${zone.ci === undefined ? '' : ` (zone ${zone.ci})`}`;
    const who = owner?.companyName === undefined || owner.companyName === '' ? '' : `${owner.companyName}, `;
    return { displayName: `${who}${zoneName} as ${client.username}`, warnings };
  }

  return { prepare, testConnection };
}
