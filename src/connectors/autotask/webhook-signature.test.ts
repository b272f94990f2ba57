import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { webhookSignature, webhookSignatureMatches } from './webhook-signature.ts';

// A body as Autotask serializes it: quotes and `&` escaped .NET-style.
const body = '{"Action":"Update","Guid":"g","EntityType":"Ticket","Id":7,"Fields":{"title":"A \\u0026 B \\u0022quoted\\u0022","status":5},"EventTime":"2026-12-03T09:00:00.000Z","SequenceNumber":1,"PersonID":4}';

describe('Autotask webhook signature', () => {
  it('is sha1= and the base64 HMAC-SHA1 of the raw body under the secret key', () => {
    expect(webhookSignature('k', body)).toBe(`sha1=${createHmac('sha1', 'k').update(body).digest('base64')}`);
    expect(webhookSignatureMatches(body, webhookSignature('k', body), 'k')).toBe(true);
    expect(webhookSignatureMatches(body, ` ${webhookSignature('k', body)} `, 'k')).toBe(true);
  });

  it('refuses another key, another body (even the same JSON re-serialized), a missing prefix and garbage', () => {
    const sig = webhookSignature('k', body);
    expect(webhookSignatureMatches(body, sig, 'other')).toBe(false);
    expect(webhookSignatureMatches(JSON.stringify(JSON.parse(body)), sig, 'k')).toBe(false);
    expect(webhookSignatureMatches(body, sig.slice('sha1='.length), 'k')).toBe(false);
    expect(webhookSignatureMatches(body, 'sha1=not base64 at all', 'k')).toBe(false);
    expect(webhookSignatureMatches(body, '', 'k')).toBe(false);
  });
});
