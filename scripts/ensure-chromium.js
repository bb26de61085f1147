#!/usr/bin/env node
'use strict';
// The browser test drives Debian's chromium through playwright-core (no browser download): install it when
// missing, with Debian's colour emoji font, without which the page's ⏳ ✅ ❌ ✋ render as empty boxes.
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

const packages = [
  { name: 'chromium', file: '/usr/bin/chromium' },
  { name: 'fonts-noto-color-emoji', file: '/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf' },
];
const missing = packages.filter((pkg) => !fs.existsSync(pkg.file)).map((pkg) => pkg.name);
if (missing.length > 0) {
  console.log(`missing: apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', ...missing], { stdio: 'inherit', env });
}
