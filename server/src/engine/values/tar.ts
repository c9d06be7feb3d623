// Reading files out of a gzipped tar (a packaged Helm chart, `<name>-<version>.tgz`) with
// node's zlib only. Handles ustar (name + prefix), GNU long names (type L) and pax extended
// headers (type x, `path=`); that covers what `helm package` and registries produce.

import { gunzipSync } from 'zlib';

const BLOCK = 512;

function field(buf: Uint8Array, start: number, len: number): string {
  let end = start;
  while (end < start + len && buf[end] !== 0) end++;
  return Buffer.from(buf.subarray(start, end)).toString('utf8');
}

function octal(buf: Uint8Array, start: number, len: number): number {
  const s = field(buf, start, len).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

/**
 * The regular files of a .tgz whose path `wanted` accepts, as path -> bytes. Never throws:
 * returns an error message for data that is not a gzipped tar.
 */
export function readTgz(data: Uint8Array, wanted: (path: string) => boolean): { files: Map<string, Uint8Array>; error?: string } {
  const files = new Map<string, Uint8Array>();
  let tar: Uint8Array;
  try {
    tar = gunzipSync(data);
  } catch (e) {
    return { files, error: `not a gzip archive: ${(e as Error).message}` };
  }
  let pos = 0;
  let longName: string | undefined;
  while (pos + BLOCK <= tar.length) {
    const header = tar.subarray(pos, pos + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    if (!Number.isFinite(size) || size < 0) return { files, error: `corrupt tar header at byte ${pos}` };
    const type = String.fromCharCode(header[156] || 48);
    const magic = field(header, 257, 6);
    let name = field(header, 0, 100);
    if (magic.startsWith('ustar')) {
      const prefix = field(header, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    const body = tar.subarray(pos + BLOCK, pos + BLOCK + size);
    pos += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = Buffer.from(body).toString('utf8').replace(/\0+$/, '');
      continue;
    }
    if (type === 'x') {
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(Buffer.from(body).toString('utf8'));
      if (m) longName = m[1];
      continue;
    }
    if (type === 'g') continue;
    if (longName !== undefined) {
      name = longName;
      longName = undefined;
    }
    if ((type === '0' || type === '\0' || type === '7') && wanted(name)) files.set(name.replace(/^\.\//, ''), body);
  }
  return { files };
}
