import { describe, expect, it } from 'vitest';
import { buildQuery, inBatches, QueryError, where } from './query.ts';

describe('Autotask query builder', () => {
  it('builds the body the API reads: filter, IncludeFields with id, MaxRecords 500', () => {
    const body = buildQuery(
      [where.eq('contractType', 7), where.or(where.eq('status', 1), where.gt('endDate', new Date('2026-01-01T00:00:00Z'))), where.udf(where.eq('Acronis PAYG', 'Yes'))],
      { includeFields: ['contractName', 'companyID'] },
    );
    expect(body).toEqual({
      filter: [
        { op: 'eq', field: 'contractType', value: 7 },
        { op: 'or', items: [{ op: 'eq', field: 'status', value: 1 }, { op: 'gt', field: 'endDate', value: '2026-01-01T00:00:00.000Z' }] },
        { op: 'eq', field: 'Acronis PAYG', value: 'Yes', udf: true },
      ],
      IncludeFields: ['id', 'contractName', 'companyID'],
      MaxRecords: 500,
    });
    expect(buildQuery([where.all()])).toEqual({ filter: [{ op: 'gte', field: 'id', value: 0 }], MaxRecords: 500 });
    expect(buildQuery([where.exist('externalID')], { includeFields: ['ID', 'title'] }).IncludeFields).toEqual(['ID', 'title']);
  });

  it('refuses what the API refuses, in our words', () => {
    expect(() => buildQuery([])).toThrow(QueryError);
    expect(() => buildQuery([where.in('id', [])])).toThrow(/at least one value/);
    expect(() => buildQuery([where.and()])).toThrow(/at least one condition/);
    expect(() => buildQuery([where.udf(where.eq('A', 'x')), where.udf(where.eq('B', 'y'))])).toThrow(/one user-defined-field/);
    expect(() => buildQuery([where.or(...Array.from({ length: 501 }, (_, i) => where.eq('id', i)))])).toThrow(/501 OR conditions/);
    expect(() => buildQuery([where.all()], { maxRecords: 501 })).toThrow(/MaxRecords/);
    expect(() => buildQuery([where.in('id', Array.from({ length: 501 }, (_, i) => i))])).toThrow(/split it/);
    expect(() => where.udf(where.or(where.eq('a', 1)))).toThrow(/group/);
  });

  it('splits long id lists into batches of 500, without duplicates', () => {
    const ids = [...Array.from({ length: 1200 }, (_, i) => i), 5, 6];
    const batches = [...inBatches(ids)];
    expect(batches.map((b) => b.length)).toEqual([500, 500, 200]);
  });
});
