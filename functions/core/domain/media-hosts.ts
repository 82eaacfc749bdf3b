/** Where fal's output may be downloaded from: fal's media hosts (config.fal.mediaHosts). */
export interface MediaHostRules {
  /** `host` (exact), `host:port` (exact, port included) or `*.domain` (any subdomain). */
  hosts: readonly string[];
  /** The local stack: http allowed (its emulator's CDN), as for client URLs. */
  allowLocal: boolean;
}

/** An entry without a port allows only the scheme's default port. */
function matches(url: URL, entry: string): boolean {
  if (entry.includes(':')) return url.host === entry;
  if (url.port !== '') return false;
  return entry.startsWith('*.') ? url.hostname.endsWith(entry.slice(1)) : url.hostname === entry;
}

/**
 * Whether the archiver may fetch `url`: https (http only locally), no credentials, on a listed host.
 * Answers the reason when not. Every redirect is judged by the same rule (core/archive/media-source.ts).
 */
export function mediaUrlProblem(url: URL, rules: MediaHostRules): string | undefined {
  const schemes = rules.allowLocal ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) return `${url.protocol} is not allowed for media`;
  if (url.username || url.password) return 'media URLs carry no credentials';
  if (!rules.hosts.some((entry) => matches(url, entry.toLowerCase())))
    return `${url.host} is not one of fal's media hosts (REELAY_FAL_MEDIA_HOSTS)`;
  return undefined;
}
