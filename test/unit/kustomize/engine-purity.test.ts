// The engine is pure: no vscode or LSP imports, no direct fs/child_process outside the modules
// whose job is exactly that (the disk FileSystem and git access).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../../support/paths';

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? files(path.join(dir, e.name))
        : e.name.endsWith('.ts')
          ? [path.join(dir, e.name)]
          : [],
    );
}

test('engine modules import no editor or protocol packages', () => {
  const engine = path.join(PROJECT_ROOT, 'server', 'src', 'engine');
  const offenders: string[] = [];
  for (const f of files(engine)) {
    const text = fs.readFileSync(f, 'utf8');
    for (const m of text.matchAll(/from '([^']+)'|require\('([^']+)'\)/g)) {
      const mod = m[1] ?? m[2];
      if (/^vscode/.test(mod)) offenders.push(`${path.relative(engine, f)} imports ${mod}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('only fs.ts and git/ touch the disk or processes', () => {
  const engine = path.join(PROJECT_ROOT, 'server', 'src', 'engine');
  const offenders = files(engine)
    .filter(
      (f) => !f.endsWith(path.join('engine', 'fs.ts')) && !f.includes(`${path.sep}git${path.sep}`),
    )
    .filter((f) =>
      /from '(fs|child_process|node:fs|node:child_process)'/.test(fs.readFileSync(f, 'utf8')),
    )
    .map((f) => path.relative(engine, f));
  assert.deepEqual(offenders, []);
});
