import { describe, expect, it } from 'vitest';
import { buildProgram, COMMAND_NAMES } from './main.ts';

describe('psa-bridge program', () => {
  it('registers every command for help, and only the named one when a command is run', async () => {
    const all = await buildProgram(['node', 'psa-bridge', '--help']);
    expect(all.commands.map((command) => command.name())).toEqual(COMMAND_NAMES);
    for (const name of COMMAND_NAMES) {
      const one = await buildProgram(['node', 'psa-bridge', name]);
      expect(one.commands.map((command) => command.name())).toEqual([name]);
    }
  }, 60_000);
});
