#!/usr/bin/env node
'use strict';
require('../out/server/src/cli/commands');
require('../out/server/src/cli/main')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
