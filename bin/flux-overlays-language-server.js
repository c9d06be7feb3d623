#!/usr/bin/env node
'use strict';
// Starts the Flux Overlays language server. Transport options as any vscode-languageserver:
// --stdio, --node-ipc, --socket=PORT (stdio when none is given).
if (
  !process.argv.some(
    (a) =>
      a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket=') || a.startsWith('--pipe='),
  )
)
  process.argv.push('--stdio');
const { startServer } = require('../out/server/src/server.js');
const { createConnection, ProposedFeatures } = require('vscode-languageserver/node');
startServer(createConnection(ProposedFeatures.all));
