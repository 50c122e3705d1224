#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx is a runtime dependency), so `npx mpysync` works after
// `npm ci` with no build step and no global TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('../device/cli/main.ts');
