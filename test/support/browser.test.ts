import { describe, expect, it } from 'vitest';
import { requireChromium } from './browser.ts';

describe('browser tests on a machine without Chromium', () => {
  it('fail at once with the command that installs it', () => {
    expect(() => requireChromium('/nonexistent/chromium')).toThrow(
      /Chromium at \/nonexistent\/chromium, which is not there\. Install it with `sudo apt-get install -y chromium`/,
    );
  });
});
