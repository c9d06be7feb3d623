// Reading files out of a gzipped tar (a packaged Helm chart, `<name>-<version>.tgz`) with
// node's zlib only. Handles ustar (name + prefix), GNU long names (type L) and pax extended
// headers (type x, `path=`); that covers what `helm package` and registries produce.
// Hostile archives are bounded as Helm's loader bounds them: at most 100 MiB of file contents
// in all and 5 MiB per file (inflating stops past the total), an entry naming a parent folder
// (`..`) refuses the archive, and entries that are not regular files (symlinks, hard links,
// devices) or have absolute paths are left out with a warning. Nothing is ever written or
// read outside the archive's bytes.

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

/** Helm's MaxDecompressedChartSize and MaxDecompressedFileSize (pkg/chart/loader). */
export const MAX_TGZ_TOTAL = 100 << 20;
export const MAX_TGZ_FILE = 5 << 20;
/** Room for tar headers and padding on top of the contents when inflating. */
const TAR_SLACK = 16 << 20;

/**
 * The regular files of a .tgz whose path `wanted` accepts, as path -> bytes. Never throws:
 * returns an error message for data that is not a gzipped tar.
 */
export function readTgz(
  data: Uint8Array,
  wanted: (path: string) => boolean,
  limits: { total?: number; file?: number } = {},
): { files: Map<string, Uint8Array>; error?: string; warnings: string[] } {
  const files = new Map<string, Uint8Array>();
  const warnings: string[] = [];
  const maxTotal = limits.total ?? MAX_TGZ_TOTAL;
  const maxFile = limits.file ?? MAX_TGZ_FILE;
  const tooBig = `decompressed chart is larger than the maximum size ${maxTotal} bytes`;
  let tar: Uint8Array;
  try {
    tar = gunzipSync(data, { maxOutputLength: maxTotal + TAR_SLACK });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      return { files, warnings, error: tooBig };
    return { files, warnings, error: `not a gzip archive: ${(e as Error).message}` };
  }
  let total = 0;
  let pos = 0;
  let longName: string | undefined;
  while (pos + BLOCK <= tar.length) {
    const header = tar.subarray(pos, pos + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    if (!Number.isFinite(size) || size < 0)
      return { files, warnings, error: `corrupt tar header at byte ${pos}` };
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
    const clean = name.replace(/\\/g, '/');
    if (clean.split('/').includes('..'))
      return {
        files,
        warnings,
        error: `chart illegally references parent directory (entry \`${name}\`)`,
      };
    const regular = type === '0' || type === '\0' || type === '7';
    if (!regular) {
      if (type !== '5' && type !== 'K')
        warnings.push(
          `entry \`${name}\` is ${type === '2' ? `a symlink (to \`${field(header, 157, 100)}\`)` : type === '1' ? 'a hard link' : `not a regular file (type ${type})`}: left out`,
        );
      continue;
    }
    if (clean.startsWith('/') || /^[A-Za-z]:/.test(clean)) {
      warnings.push(`entry \`${name}\` has an absolute path: left out`);
      continue;
    }
    if (size > maxFile)
      return {
        files,
        warnings,
        error: `decompressed chart file "${name}" is larger than the maximum file size ${maxFile} bytes`,
      };
    total += size;
    if (total > maxTotal) return { files, warnings, error: tooBig };
    if (wanted(name)) files.set(name.replace(/^\.\//, ''), body);
  }
  return { files, warnings };
}
