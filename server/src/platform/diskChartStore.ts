// The chart cache on disk, shared by the CLI and the editor:
//   <dir>/blobs/sha256/<hex>        packaged charts, by content
//   <dir>/meta/<sha256 of key>.json {key, value, fetchedAt}: index.yaml texts, tag lists, refs
// Every write goes to a temporary file in the same folder and is renamed into place (readers
// never see half a file; a crash leaves only a `.tmp-*` file, swept later). Blobs are checked
// against their digest when read. The size is bounded: after a write, the least recently used
// blobs go until the total is under the limit.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ChartStore, sha256 } from '../engine/charts/store';

/** `$FLUX_OVERLAYS_CHART_CACHE`, else `$XDG_CACHE_HOME/flux-overlays/charts`, else `~/.cache/flux-overlays/charts`. */
export function chartCacheDir(
  env: Record<string, string | undefined> = process.env,
  home = os.homedir(),
  setting?: string,
): string {
  if (setting) return setting;
  if (env.FLUX_OVERLAYS_CHART_CACHE) return env.FLUX_OVERLAYS_CHART_CACHE;
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'flux-overlays', 'charts');
  return path.join(home, '.cache', 'flux-overlays', 'charts');
}

export class DiskChartStore implements ChartStore {
  constructor(
    readonly dir: string,
    private readonly maxBytes = 512 << 20,
  ) {}

  private blobPath(digest: string): string | undefined {
    const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
    return m ? path.join(this.dir, 'blobs', 'sha256', m[1]) : undefined;
  }

  private metaPath(key: string): string {
    return path.join(
      this.dir,
      'meta',
      crypto.createHash('sha256').update(key).digest('hex') + '.json',
    );
  }

  private writeAtomic(file: string, data: Uint8Array | string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
    try {
      fs.writeFileSync(tmp, data);
      fs.renameSync(tmp, file);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
  }

  getBlob(digest: string): Uint8Array | undefined {
    const p = this.blobPath(digest);
    if (!p) return undefined;
    let data: Buffer;
    try {
      data = fs.readFileSync(p);
    } catch {
      return undefined;
    }
    if (sha256(data) !== digest) {
      fs.rmSync(p, { force: true }); // corrupted on disk: drop it, it will be fetched again
      return undefined;
    }
    try {
      const now = new Date();
      fs.utimesSync(p, now, fs.statSync(p).mtime); // atime = last use, for the size bound
    } catch {
      /* read-only cache: fine */
    }
    return new Uint8Array(data);
  }

  putBlob(digest: string, data: Uint8Array): void {
    const p = this.blobPath(digest);
    if (!p || sha256(data) !== digest) return;
    try {
      this.writeAtomic(p, data);
      this.prune();
    } catch {
      /* a cache that cannot be written is only slower */
    }
  }

  getMeta(key: string): { value: string; fetchedAt: number } | undefined {
    try {
      const j = JSON.parse(fs.readFileSync(this.metaPath(key), 'utf8')) as {
        key: string;
        value: string;
        fetchedAt: number;
      };
      return j.key === key && typeof j.value === 'string'
        ? { value: j.value, fetchedAt: j.fetchedAt }
        : undefined;
    } catch {
      return undefined;
    }
  }

  putMeta(key: string, value: string): void {
    try {
      this.writeAtomic(this.metaPath(key), JSON.stringify({ key, value, fetchedAt: Date.now() }));
    } catch {
      /* ignore */
    }
  }

  /** Removes stale temporary files and the least recently used blobs beyond the size bound. */
  prune(): void {
    const dir = path.join(this.dir, 'blobs', 'sha256');
    let entries: { file: string; size: number; used: number }[];
    try {
      entries = fs.readdirSync(dir).map((n) => {
        const file = path.join(dir, n);
        const st = fs.statSync(file);
        return { file, size: st.size, used: Math.max(st.atimeMs, st.mtimeMs) };
      });
    } catch {
      return;
    }
    const now = Date.now();
    for (const e of entries.filter((x) => x.file.includes('.tmp-')))
      if (now - e.used > 3600_000) fs.rmSync(e.file, { force: true });
    let total = entries.filter((x) => !x.file.includes('.tmp-')).reduce((a, e) => a + e.size, 0);
    for (const e of entries
      .filter((x) => !x.file.includes('.tmp-'))
      .sort((a, b) => a.used - b.used)) {
      if (total <= this.maxBytes) break;
      fs.rmSync(e.file, { force: true });
      total -= e.size;
    }
  }
}

/** Docker's and Helm's registry config.json texts (Helm's first), for credentialsFrom. */
export function registryConfigTexts(
  env: Record<string, string | undefined> = process.env,
  home = os.homedir(),
): string[] {
  const files = [
    env.HELM_REGISTRY_CONFIG ??
      path.join(
        env.HELM_CONFIG_HOME ??
          (env.XDG_CONFIG_HOME
            ? path.join(env.XDG_CONFIG_HOME, 'helm')
            : path.join(home, '.config', 'helm')),
        'registry',
        'config.json',
      ),
    path.join(env.DOCKER_CONFIG ?? path.join(home, '.docker'), 'config.json'),
  ];
  const out: string[] = [];
  for (const f of files) {
    try {
      out.push(fs.readFileSync(f, 'utf8'));
    } catch {
      /* absent */
    }
  }
  return out;
}
