#!/usr/bin/env node
// Makes sure the S3-compatible server the storage tests run against (moto's server mode) is in
// .tools/moto, installing the pinned PyPI build when it is not. Nothing is downloaded later at run
// time: test/support/s3-server.ts starts `python3 -m moto.server` with PYTHONPATH=.tools/moto.
// A moto already on the system is not used: its version, and so its S3 behaviour, is not ours to pin.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { findPython, pipInstallInto } = require('./pip-target');

const version = '5.2.5';
const root = path.resolve(__dirname, '..');
const target = path.join(root, '.tools', 'moto');

const python = findPython();
if (!python) {
  console.error('No python3 to run the S3 test server (moto) with: install Python 3.9 or later.');
  process.exit(1);
}

// Importing moto.server also imports Flask, so this fails when the [server] extra is missing.
function works() {
  try {
    const found = execFileSync(python, ['-c', 'import moto, moto.server; print(moto.__version__)'], {
      stdio: 'pipe',
      env: { ...process.env, PYTHONPATH: target },
    });
    return found.toString().trim() === version;
  } catch {
    return false;
  }
}

if (fs.existsSync(target) && works()) process.exit(0);

console.log(`Installing moto[server] ${version} (the S3 test server) into .tools/moto ...`);
// --upgrade replaces an older pinned version left in the target; --no-warn-conflicts because the
// target is isolated, so conflicts with packages installed elsewhere do not concern it.
pipInstallInto(python, target, `moto[server]==${version}`, ['--no-warn-conflicts', '--upgrade']);
if (!works()) {
  console.error(`Installed moto[server] ${version}, but \`${python} -m moto.server\` does not import from ${target}.`);
  process.exit(1);
}
