#!/usr/bin/env node
'use strict';
const cli = require('../out/server/src/cli/main');
// `build` is built into main.js; the other commands (and what they load: charts, Helm, the
// workspace index, validation) are loaded only when one of them runs, so that a build, the
// command CI scripts call per folder, does not pay their start-up.
if (process.argv[2] !== 'build') require('../out/server/src/cli/commands');
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
