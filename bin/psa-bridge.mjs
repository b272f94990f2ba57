#!/usr/bin/env node
// The package's bin. The sources are TypeScript run through tsx's loader, so `npx psa-bridge` works
// straight after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
