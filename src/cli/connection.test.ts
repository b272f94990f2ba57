import { describe, expect, it } from 'vitest';
import { normaliseDataCenterUrl } from './connection.ts';

describe('connection add --url', () => {
  it('keeps the origin of a data-center URL', () => {
    expect(normaliseDataCenterUrl(' https://eu2-cloud.acronis.com/ ')).toBe('https://eu2-cloud.acronis.com');
  });
  it('refuses what the API refuses, with the same words and the option named', () => {
    expect(() => normaliseDataCenterUrl('https://eu2-cloud.acronis.com/api/2')).toThrow('--url "https://eu2-cloud.acronis.com/api/2" must be the data-center root without a path');
    expect(() => normaliseDataCenterUrl('ftp://eu2-cloud.acronis.com')).toThrow(/must start with https:\/\//);
    expect(() => normaliseDataCenterUrl('https://user:pw@eu2-cloud.acronis.com')).toThrow(/user name or password/);
  });
});
