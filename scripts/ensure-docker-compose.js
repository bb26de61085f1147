#!/usr/bin/env node
'use strict';
// The compose file's test validates it with `docker-compose config` (Debian's docker-compose; no daemon needed): install it when missing.
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

if (!fs.existsSync('/usr/bin/docker-compose')) {
  console.log('docker-compose missing: apt-get install docker-compose');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'docker-compose'], { stdio: 'inherit', env });
}
