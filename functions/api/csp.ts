/**
 * The Content-Security-Policy of Reelay's pages: their own scripts and styles only (no inline code,
 * no third-party host), API calls to the same origin (and the event stream's host), and videos from
 * where downloads are presigned.
 * `data:` images are for the reference page, whose stylesheet draws its icons as data URLs.
 */
export function pageCsp(mediaOrigins: readonly string[], streamOrigins: readonly string[] = []): string {
  const media = ["'self'", 'blob:', ...mediaOrigins].join(' ');
  // the live event stream: the same origin locally ('self' covers ws: there), its own wss: host on AWS
  const connect = ["'self'", ...streamOrigins].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `media-src ${media}`,
    `connect-src ${connect}`,
    "font-src 'self'",
    "manifest-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers of every page and asset: the policy, and no framing, sniffing or referrer leaks. */
export function pageSecurityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}
