import { describe, expect, it } from 'vitest';
import { ConnectorError } from './errors.ts';
import { lookUpThenWrite } from './look-up-then-write.ts';

const timeout = () => new ConnectorError({ code: 'timeout', system: 'test', message: 'no answer in time' });
const refused = (message = 'the name is taken') => new ConnectorError({ code: 'bad_request', system: 'test', message });

/** A remote store of records by name, with a scripted fault per write. */
function remote(faults: ('lost_answer' | 'timeout_before' | 'refused' | 'taken_by_other')[] = []) {
  const records = new Map<string, number>();
  let nextId = 1;
  const calls = { lookUps: 0, writes: 0 };
  return {
    records,
    calls,
    lookUp: async (name: string) => {
      calls.lookUps += 1;
      return records.get(name) ?? null;
    },
    write: async (name: string) => {
      calls.writes += 1;
      const fault = faults.shift();
      if (fault === 'timeout_before') throw timeout();
      if (fault === 'refused') throw refused('the name is not allowed');
      if (fault === 'taken_by_other') {
        records.set(name, 100);
        throw refused();
      }
      const id = nextId++;
      records.set(name, id);
      if (fault === 'lost_answer') throw timeout();
      return id;
    },
  };
}

describe('lookUpThenWrite', () => {
  it('does not write what is already there', async () => {
    const r = remote();
    r.records.set('a', 7);
    const result = await lookUpThenWrite({ lookUp: () => r.lookUp('a'), write: () => r.write('a') });
    expect(result).toEqual({ value: 7, outcome: 'found', created: false });
    expect(r.calls).toEqual({ lookUps: 1, writes: 0 });
  });

  it('writes what is missing, once', async () => {
    const r = remote();
    const result = await lookUpThenWrite({ lookUp: () => r.lookUp('a'), write: () => r.write('a') });
    expect(result).toEqual({ value: 1, outcome: 'written', created: true });
    expect(r.calls.writes).toBe(1);
  });

  it('finds a write whose answer was lost after it happened, and writes no second one', async () => {
    const r = remote(['lost_answer']);
    const result = await lookUpThenWrite({ lookUp: () => r.lookUp('a'), write: () => r.write('a') });
    expect(result).toEqual({ value: 1, outcome: 'landed', created: true });
    expect(r.calls.writes).toBe(1);
    expect([...r.records]).toEqual([['a', 1]]);
  });

  it('writes again after a transient failure that did not land', async () => {
    const r = remote(['timeout_before', 'timeout_before']);
    const result = await lookUpThenWrite({ lookUp: () => r.lookUp('a'), write: () => r.write('a') });
    expect(result.outcome).toBe('written');
    expect(r.calls).toEqual({ lookUps: 3, writes: 3 });
  });

  it('gives up after the rounds, with the idempotency key on the error', async () => {
    const r = remote(['timeout_before', 'timeout_before', 'timeout_before', 'timeout_before']);
    const failure = await lookUpThenWrite({ lookUp: () => r.lookUp('a'), write: () => r.write('a'), idempotencyKey: 'k-1' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConnectorError);
    expect((failure as ConnectorError).code).toBe('timeout');
    expect((failure as ConnectorError).context.idempotencyKey).toBe('k-1');
    expect(r.calls.writes).toBe(3);
  });

  it('does not retry or look up after a failure that is not transient', async () => {
    const r = remote(['refused']);
    const failure = await lookUpThenWrite({ lookUp: () => r.lookUp('a'), write: () => r.write('a') }).catch((e: unknown) => e);
    expect((failure as ConnectorError).code).toBe('bad_request');
    expect(r.calls).toEqual({ lookUps: 1, writes: 1 });
    expect(r.records.size).toBe(0);
  });

  it('finds the record a concurrent writer made when asked to look up after a refusal', async () => {
    const r = remote(['taken_by_other']);
    const result = await lookUpThenWrite({
      lookUp: () => r.lookUp('a'),
      write: () => r.write('a'),
      lookUpAfter: (e) => e instanceof ConnectorError && (e.code === 'timeout' || e.code === 'bad_request'),
    });
    expect(result).toEqual({ value: 100, outcome: 'taken', created: false });
    expect(r.calls.writes).toBe(1);
  });

  it('passes the round to the write, so a caller may vary it, and retries what the caller says', async () => {
    const seen: number[] = [];
    const result = await lookUpThenWrite({
      lookUp: async () => null,
      write: async (round) => {
        seen.push(round);
        if (round < 3) throw refused('identifier taken');
        return `id-${round}`;
      },
      writeAgainAfter: (e) => e instanceof ConnectorError && /identifier/.test(e.message),
    });
    expect(result).toEqual({ value: 'id-3', outcome: 'written', created: true });
    expect(seen).toEqual([1, 2, 3]);
  });

  it('skips the first look-up when told, and leaves other errors untouched', async () => {
    let lookUps = 0;
    const plain = new Error('boom');
    const failure = await lookUpThenWrite({
      lookUp: async () => {
        lookUps += 1;
        return null;
      },
      write: async () => {
        throw plain;
      },
      lookUpFirst: false,
      idempotencyKey: 'k',
    }).catch((e: unknown) => e);
    expect(failure).toBe(plain);
    expect(lookUps).toBe(0);
  });
});
