/** `{"expiration_duration_seconds": N}` (fal's object lifecycle headers) as a TTL in ms. */
export function lifecycleTtlMs(value: string | undefined): number | null {
  if (!value) return null;
  try {
    const seconds = (JSON.parse(value) as { expiration_duration_seconds?: unknown })
      .expiration_duration_seconds;
    return typeof seconds === 'number' && seconds >= 0 ? seconds * 1000 : null;
  } catch {
    return null;
  }
}

/** `x-fal-request-timeout` (seconds) in ms; absent or junk means no start timeout. */
export function secondsHeader(value: string | undefined): number | null {
  const seconds = Number(value);
  return value !== undefined && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null;
}
