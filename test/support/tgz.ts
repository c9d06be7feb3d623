// Builds packaged-chart bytes (.tgz) at test time, hostile ones included: ustar headers written
// by hand (any name, any entry type, any declared size) and gzip from node's zlib. A gzip file
// may hold several members one after the other, which is how a small file inflates to
// gigabytes here without the test ever holding them: the same compressed member of zeros is
// repeated.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

export interface TarEntry {
  name: string;
  data?: string | Buffer;
  /** ustar type flag: '0' file (default), '2' symlink, '1' hard link, '5' folder. */
  type?: string;
  link?: string;
}

function header(name: string, size: number, type: string, link: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write(type, 156);
  h.write(link, 157, 100);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

/** The tar bytes of `entries` (with the two zero blocks that end an archive). */
export function tar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const d = Buffer.from(e.data ?? '');
    parts.push(
      header(e.name, d.length, e.type ?? '0', e.link ?? ''),
      d,
      Buffer.alloc((512 - (d.length % 512)) % 512),
    );
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export const tgz = (entries: TarEntry[]): Buffer => zlib.gzipSync(tar(entries));

/** A minimal chart `c` whose one template shows `.Files.Get "f.txt"`. */
export function chartEntries(top = 'c'): TarEntry[] {
  return [
    { name: `${top}/Chart.yaml`, data: `apiVersion: v2\nname: ${top}\nversion: 0.1.0\n` },
    { name: `${top}/values.yaml`, data: 'a: 1\n' },
    {
      name: `${top}/templates/cm.yaml`,
      data: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  f: {{ .Files.Get "f.txt" | quote }}\n',
    },
  ];
}

/**
 * A chart .tgz whose last entry declares `bytes` of zeros: one gzip member for the chart and the
 * entry's header, then one 16 MiB member of zeros repeated (about 16 KB each compressed).
 */
export function gzipBomb(bytes: number, top = 'c'): Buffer {
  const head = tar(chartEntries(top)).subarray(0, -1024);
  const chunk = 16 << 20;
  const zeros = zlib.gzipSync(Buffer.alloc(chunk), { level: 9 });
  const members = [zlib.gzipSync(Buffer.concat([head, header(`${top}/big.bin`, bytes, '0', '')]))];
  for (let n = 0; n < bytes; n += chunk) members.push(zeros);
  return Buffer.concat(members);
}

/** The files of a chart folder on disk as archive entries under `top/`, as `helm package` lays them out. */
export function folderEntries(dir: string, top: string): TarEntry[] {
  const out: TarEntry[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of fs
      .readdirSync(d, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p, `${rel}/${e.name}`);
      else if (e.isFile()) out.push({ name: `${rel}/${e.name}`, data: fs.readFileSync(p) });
    }
  };
  walk(dir, top);
  return out;
}
