#!/usr/bin/env node
'use strict';
// Runs the TypeScript CLI directly through tsx, so `npx toolstream` works in a checkout with no build.
require('tsx/cjs');
require('../src/cli/main.ts');
