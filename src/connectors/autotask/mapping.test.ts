import { describe, expect, it } from 'vitest';
import { readContractLines } from '../../domain/contract-line.ts';
import {
  bundleProductId,
  contractBilling,
  parseProductId,
  periodTypeFromLabel,
  periodTypeLabel,
  toCompany,
  toContract,
  toPicklistEntries,
  toTicket,
  unitsInForce,
} from './mapping.ts';
import { classifyAutotaskFailure, readAutotaskErrors } from './client.ts';
import * as wire from './wire.ts';

describe('Autotask mapping', () => {
  it('reads period types by label both ways', () => {
    expect(periodTypeFromLabel('Semi-Annual')).toBe('semi_annual');
    expect(periodTypeFromLabel('Yearly')).toBe('yearly');
    expect(periodTypeFromLabel('Weekly')).toBeNull();
    expect(periodTypeLabel('semi_annual')).toBe('Semi-Annual');
  });

  it('keeps bundle and service ids apart', () => {
    expect(bundleProductId(12)).toBe('bundle:12');
    expect(parseProductId('bundle:12')).toEqual({ kind: 'bundle', id: 12 });
    expect(parseProductId('55')).toEqual({ kind: 'service', id: 55 });
    expect(parseProductId('x')).toBeNull();
  });

  it('maps picklists with their parent (sub-issue type → issue type) and activity', () => {
    const values = wire.fieldInfo.parse({
      name: 'subIssueType',
      picklistValues: [
        { value: '202', label: 'B', sortOrder: 2, parentValue: '2', isActive: false },
        { value: '201', label: 'A', sortOrder: 1, parentValue: '2', isActive: true },
      ],
    }).picklistValues;
    expect(toPicklistEntries(values ?? [])).toEqual([
      { value: '201', label: 'A', active: true, parent: '2' },
      { value: '202', label: 'B', active: false, parent: '2' },
    ]);
  });

  it('maps a company with its primary contact and external refs', () => {
    const company = toCompany(
      { id: 5, companyName: 'Acme', companyType: 1, companyNumber: 'C1', isActive: true, lastTrackedModifiedDateTime: '2026-01-02T00:00:00Z' },
      { id: 9, companyID: 5, firstName: 'Ann', lastName: 'Lee', emailAddress: 'ann@acme.example', phone: ' ' },
      'Customer',
    );
    expect(company).toEqual({
      id: '5',
      name: 'Acme',
      type: 'Customer',
      active: true,
      externalRefs: { companyNumber: 'C1' },
      primaryContact: { id: '9', email: 'ann@acme.example', firstName: 'Ann', lastName: 'Lee', phone: null },
      updatedAt: '2026-01-02T00:00:00Z',
    });
  });

  it('reads the PAYG field: Yes is pay-as-you-go, anything else (or nothing) prepaid', () => {
    const c = (value: string | null) => wire.contract.parse({ id: 1, companyID: 2, contractName: 'x', userDefinedFields: [{ name: 'Acronis PAYG', value }] });
    expect(contractBilling(c('Yes'))).toBe('payg');
    expect(contractBilling(c('No'))).toBe('prepaid');
    expect(contractBilling(c(null))).toBe('prepaid');
    expect(contractBilling(wire.contract.parse({ id: 1, companyID: 2, contractName: 'x' }))).toBe('prepaid');
  });

  it('picks the units row in force, whole UTC days inclusive', () => {
    const rows = [
      { id: 1, startDate: '2026-01-01T00:00:00Z', endDate: '2026-01-14T00:00:00Z', units: 3 },
      { id: 2, startDate: '2026-01-15T00:00:00Z', endDate: '2026-01-31T00:00:00Z', units: 8 },
    ];
    expect(unitsInForce(rows, Date.parse('2026-01-14T23:59:00Z'))).toBe(3);
    expect(unitsInForce(rows, Date.parse('2026-01-15T00:00:00Z'))).toBe(8);
    expect(unitsInForce(rows, Date.parse('2026-02-01T00:00:00Z'))).toBeNull();
  });

  it('turns a contract and its services and bundles into ContractLines the domain reads', () => {
    const contract = toContract({
      contract: wire.contract.parse({
        id: 10,
        companyID: 2,
        contractName: 'Acme Backup',
        startDate: '2026-01-01T00:00:00Z',
        endDate: '2026-12-31T00:00:00Z',
        userDefinedFields: [{ name: 'Acronis PAYG', value: 'No' }],
      }),
      active: true,
      services: [{ id: 100, contractID: 10, serviceID: 55 }],
      bundles: [{ id: 200, contractID: 10, serviceBundleID: 7 }],
      units: new Map([
        ['100', 12],
        ['bundle:200', 4],
      ]),
    });
    expect(contract).toMatchObject({ id: '10', companyId: '2', name: 'Acme Backup', billing: 'prepaid', active: true });
    expect(contract.lines).toEqual([
      { lineId: '100', contractId: '10', productId: '55', quantity: 12, billing: 'prepaid', active: true, startDate: '2026-01-01T00:00:00Z', endDate: '2026-12-31T00:00:00Z' },
      { lineId: 'bundle:200', contractId: '10', productId: 'bundle:7', quantity: 4, billing: 'prepaid', active: true, startDate: '2026-01-01T00:00:00Z', endDate: '2026-12-31T00:00:00Z' },
    ]);
    const reading = readContractLines(contract.lines, new Map(), new Date('2026-06-01T00:00:00Z'));
    expect(reading.problems).toEqual([]);
  });

  it('marks tickets closed by the status set it is given', () => {
    const t = toTicket({ id: 1, companyID: 2, title: 'x', status: 5, externalID: 'pb:1', lastTrackedModificationDateTime: '2026-01-01T00:00:00Z' }, new Set(['5']));
    expect(t).toMatchObject({ id: '1', status: '5', closed: true, externalRef: 'pb:1', contractId: null, number: null });
  });

  it('classifies Autotask failures by status and text', () => {
    expect(readAutotaskErrors({ errors: ['a', 'b'] })).toBe('a b');
    expect(classifyAutotaskFailure(500, 'IntegrationCode is invalid.')).toBe('bad_integration_code');
    expect(classifyAutotaskFailure(500, 'Zone information could not be determined')).toBe('unknown_user');
    expect(classifyAutotaskFailure(401, 'The REST API is only accessible to API Only users.')).toBe('not_api_user');
    expect(classifyAutotaskFailure(401, 'Unauthorized')).toBe('bad_secret');
    expect(classifyAutotaskFailure(429, 'Thread limit exceeded')).toBe('thread_limit');
    expect(classifyAutotaskFailure(429, 'The request threshold of 10000 …')).toBe('threshold_exceeded');
    expect(classifyAutotaskFailure(429, 'Too many requests')).toBe('other');
    expect(classifyAutotaskFailure(500, 'The logged in Resource does not have the adequate permissions')).toBe('permission');
  });
});
