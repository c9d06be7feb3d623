// The custom messages are declared once (server/src/protocol.ts, re-exported by the client), and
// ARCHITECTURE.md's "Custom LSP requests" section lists every method with its types.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../support/paths';

const read = (rel: string) => fs.readFileSync(path.join(PROJECT_ROOT, rel), 'utf8');

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** method -> `Kind<Params, Result>` for every RequestType/NotificationType. */
export function messages(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const src = stripComments(text);
  for (const m of src.matchAll(
    /new\s+(RequestType|NotificationType)\s*<([^>]*)>\s*\(\s*'([^']+)'/g,
  )) {
    out.set(m[3], `${m[1]}<${m[2].replace(/\s+/g, ' ').replace(/,\s*$/, '').trim()}>`);
  }
  return out;
}

/** Exported interface/type name -> its declaration with whitespace normalised. */
export function declarations(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const src = stripComments(text);
  const re = /export\s+(interface|type)\s+(\w+)/g;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    let i = m.index + m[0].length;
    let depth = 0;
    let end = src.length;
    for (; i < src.length; i++) {
      const ch = src[i];
      if (ch === '{' || ch === '(' || ch === '<') depth++;
      else if (ch === '}' || ch === ')' || ch === '>') {
        depth--;
        if (depth === 0 && m[1] === 'interface' && ch === '}') {
          end = i + 1;
          break;
        }
      } else if (ch === ';' && depth === 0 && m[1] === 'type') {
        end = i + 1;
        break;
      }
    }
    out.set(
      m[2],
      src
        .slice(m.index, end)
        .replace(/\s+/g, ' ')
        .replace(/\s*([{};:,|<>()=?&[\]])\s*/g, '$1'),
    );
  }
  return out;
}

describe('custom LSP protocol', () => {
  const server = read('server/src/protocol.ts');
  const client = read('client/src/protocol.ts');

  it('is declared once: the client re-exports the server declarations and declares nothing itself', () => {
    assert.match(stripComments(client), /export \* from '\.\.\/\.\.\/server\/src\/protocol';/);
    assert.equal(messages(client).size, 0);
    assert.equal(declarations(client).size, 0);
    const s = messages(server);
    assert.ok(s.size >= 5, [...s.keys()].join());
    assert.ok(
      declarations(server).has('EffectiveValuesParams') && declarations(server).has('Source'),
    );
  });

  it('ARCHITECTURE.md documents every method in "Custom LSP requests"', () => {
    const doc = read('ARCHITECTURE.md');
    const start = doc.indexOf('## Custom LSP requests');
    assert.ok(start >= 0, 'section missing');
    const next = doc.indexOf('\n## ', start + 1);
    const section = doc.slice(start, next < 0 ? doc.length : next);
    for (const [method, sig] of messages(server)) {
      assert.ok(section.includes(`\`${method}\``), `${method} is not documented`);
      const types =
        /<([^>]*)>/
          .exec(sig)?.[1]
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t && t !== 'void') ?? [];
      for (const t of types)
        assert.ok(section.includes(t), `${method}: ${t} is not named in the section`);
    }
  });
});
