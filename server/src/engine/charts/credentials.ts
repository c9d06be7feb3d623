// Registry credentials from Docker's config.json and Helm's registry/config.json (same format:
// `auths: { host: { auth: base64(user:pass) } }` or `username`/`password`). Credential helpers
// (`credsStore`, `credHelpers`) are not run: a registry that needs one is reported as
// unauthorized with a hint. The texts are read by the caller (the engine reads no files).

export interface Credentials {
  username: string;
  password: string;
}

export type CredentialLookup = (host: string) => Credentials | undefined;

function hostOf(key: string): string {
  return key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
}

/** A lookup over config.json texts, first match wins (pass Helm's before Docker's). */
export function credentialsFrom(configTexts: readonly string[]): CredentialLookup {
  const table = new Map<string, Credentials>();
  for (const text of configTexts) {
    let json: { auths?: Record<string, { auth?: string; username?: string; password?: string }> };
    try {
      json = JSON.parse(text);
    } catch {
      continue;
    }
    for (const [key, entry] of Object.entries(json.auths ?? {})) {
      const host = hostOf(key);
      if (table.has(host) || !entry) continue;
      if (entry.auth) {
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
        const i = decoded.indexOf(':');
        if (i > 0)
          table.set(host, { username: decoded.slice(0, i), password: decoded.slice(i + 1) });
      } else if (entry.username !== undefined && entry.password !== undefined) {
        table.set(host, { username: entry.username, password: entry.password });
      }
    }
  }
  return (host) =>
    table.get(host) ?? (host === 'docker.io' ? table.get('index.docker.io') : undefined);
}
