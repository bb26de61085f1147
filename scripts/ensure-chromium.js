#!/usr/bin/env node
'use strict';
// The browser test drives Debian's chromium through playwright-core (no browser download): install it when missing.
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

const chromium = '/usr/bin/chromium';
if (!fs.existsSync(chromium)) {
  console.log('chromium missing: apt-get install chromium');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit', env });
}
