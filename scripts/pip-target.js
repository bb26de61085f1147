// What the ensure-* scripts share to install a pinned PyPI build into a folder of its own under .tools/.
'use strict';
const { execFileSync } = require('node:child_process');

/** The first of python3 and python that runs here, or undefined. */
function findPython() {
  return ['python3', 'python'].find((candidate) => {
    try {
      execFileSync(candidate, ['--version'], { stdio: 'pipe' });
      return true;
    } catch {
      return false;
    }
  });
}

/** `pip install --target target requirement`, quietly, with pip's own output shown; `flags` go before --target. */
function pipInstallInto(python, target, requirement, flags = []) {
  execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...flags, '--target', target, requirement], {
    stdio: 'inherit',
  });
}

module.exports = { findPython, pipInstallInto };
