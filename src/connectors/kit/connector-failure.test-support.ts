// Test-only: what a connector call that must fail failed with.
import { expect } from 'vitest';
import { ConnectorError } from './errors.ts';

/** The ConnectorError the call fails with; the test fails when it succeeds or throws anything else. */
export async function connectorFailure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  }
  throw new Error('expected the call to fail with a ConnectorError');
}
