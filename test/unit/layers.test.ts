// The layer table (ARCHITECTURE.md) over the real sources: server/src/engine base -> engine
// steps -> engine top -> ide -> features, cli -> server.ts; the upper layers through
// engine/index.ts and ide/index.ts; no import cycle under server/src; client/src apart. The
// checker (test/support/layers.ts) is tested on tiny synthetic trees too, so this can fail.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { LayerException, checkLayers, importsOf } from '../support/layers';
import { PROJECT_ROOT } from '../support/paths';

/** Imports the table forbids that the code makes on purpose. */
const EXCEPTIONS: LayerException[] = [
  {
    from: 'client/src/bundle.ts',
    to: 'esbuild',
    reason:
      "the build script that bundles the extension (npm run package), not the extension's runtime",
  },
];

function sources(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts'))
        out.set(rel, fs.readFileSync(path.join(PROJECT_ROOT, rel), 'utf8'));
    }
  };
  walk('server/src');
  walk('client/src');
  return out;
}

describe('layers', () => {
  it('the sources keep the layer table and have no import cycle', () => {
    const files = sources();
    assert.ok(files.size > 100, `${files.size} files read`);
    assert.deepEqual(checkLayers(files, EXCEPTIONS), []);
  });

  it('every exception is still needed', () => {
    const files = sources();
    for (const e of EXCEPTIONS)
      assert.ok(
        checkLayers(
          files,
          EXCEPTIONS.filter((x) => x !== e),
        ).some((v) => v.startsWith(`${e.from} -> ${e.to}:`)),
        `${e.from} -> ${e.to} is no longer a violation: remove the exception`,
      );
  });

  it('reads imports, exports, import() and require(), not comments', () => {
    assert.deepEqual(
      importsOf(
        [
          "import * as path from 'path';",
          "import type { A } from './a';",
          'import {\n  B,\n  C,\n} from "./bc";',
          "import { D } from './d';",
          "export { E } from './e';",
          "export * from './f';",
          "import './g';",
          "const h = require('./h');",
          "// import { X } from './commented';",
          "/* import { Y } from './block'; */",
        ].join('\n'),
      ),
      ['path', './a', './bc', './d', './e', './f', './g', './h'],
    );
  });

  it('finds a higher-layer import, a bypass of index.ts, a cycle and a client reaching into the server', () => {
    const files = new Map([
      ['server/src/engine/yaml/node.ts', "import { x } from '../kustomize/build';\n"],
      ['server/src/engine/kustomize/build.ts', "import { y } from '../yaml/node';\n"],
      ['server/src/engine/index.ts', "export * from './kustomize/build';\n"],
      ['server/src/ide/a.ts', "import { z } from './b';\n"],
      ['server/src/ide/b.ts', "import { z } from './a';\n"],
      ['server/src/ide/index.ts', "export * from './a';\n"],
      [
        'server/src/cli/check.ts',
        "import { b } from '../engine/kustomize/build';\nimport { a } from '../ide';\n",
      ],
      ['server/src/stray.ts', ''],
      [
        'client/src/extension.ts',
        "import * as vscode from 'vscode';\nimport { s } from '../../server/src/ide/a';\nimport * as fs from 'node:fs';\nimport { p } from '../../server/src/protocol';\n",
      ],
      ['server/src/protocol.ts', ''],
    ]);
    assert.deepEqual(checkLayers(files).sort(), [
      'client/src/extension.ts -> server/src/ide/a.ts: the client imports only its own files and server/src/protocol.ts',
      'import cycle: server/src/engine/kustomize/build.ts -> server/src/engine/yaml/node.ts',
      'import cycle: server/src/ide/a.ts -> server/src/ide/b.ts',
      'server/src/cli/check.ts -> server/src/engine/kustomize/build.ts: features, cli reach the engine only through engine/index.ts (or core.ts)',
      'server/src/engine/yaml/node.ts -> server/src/engine/kustomize/build.ts: engine base may not import engine steps (a higher layer)',
      'server/src/stray.ts: not in the layer table',
    ]);
    // an exception lets one import through, with its reason
    assert.ok(
      !checkLayers(files, [
        {
          from: 'server/src/engine/yaml/node.ts',
          to: 'server/src/engine/kustomize/build.ts',
          reason: 'test',
        },
      ]).some((v) => v.includes('may not import')),
    );
  });
});
