import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { CliError, EXIT } from './errors.ts';

/** `~/.config/reelay/config.json` (or $XDG_CONFIG_HOME, or $REELAY_CONFIG): `{"url", "api_key"}`. */
const ConfigFile = z.strictObject({ url: z.url().optional(), api_key: z.string().min(1).optional() });

export interface Settings {
  url: string;
  apiKey: string;
  /** Seconds between polls while waiting. */
  pollSeconds: number;
}

export function configFilePath(env: NodeJS.ProcessEnv, flag?: string): string {
  return (
    flag ??
    env.REELAY_CONFIG ??
    join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'reelay', 'config.json')
  );
}

function readConfigFile(path: string, explicit: boolean): z.infer<typeof ConfigFile> {
  if (!existsSync(path)) {
    if (explicit) throw new CliError(EXIT.auth, `no config file at ${path}: create it or drop --config.`);
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(
      EXIT.auth,
      `${path} is not JSON: fix it, e.g. {"url": "http://127.0.0.1:3000", "api_key": "rly_…"}.`,
      {
        cause: error,
      },
    );
  }
  const parsed = ConfigFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(
      EXIT.auth,
      `${path}: ${issue?.path.join('.') || 'file'}: ${issue?.message}; it holds {"url", "api_key"}.`,
    );
  }
  return parsed.data;
}

/** Flags win over the environment (REELAY_URL, REELAY_API_KEY), which wins over the config file. */
export function resolveSettings(
  flags: { url?: string; key?: string; config?: string },
  env: NodeJS.ProcessEnv,
): Settings {
  const file = readConfigFile(
    configFilePath(env, flags.config),
    flags.config !== undefined || env.REELAY_CONFIG !== undefined,
  );
  const url = flags.url ?? env.REELAY_URL ?? file.url;
  const apiKey = flags.key ?? env.REELAY_API_KEY ?? file.api_key;
  if (!url) {
    throw new CliError(
      EXIT.auth,
      'no Reelay URL: set REELAY_URL (npm start prints it), pass --url, or add "url" to the config file.',
    );
  }
  if (!z.url({ protocol: /^https?$/ }).safeParse(url).success) {
    throw new CliError(
      EXIT.auth,
      `${url} is not an http(s) URL: set REELAY_URL to e.g. http://127.0.0.1:3000.`,
    );
  }
  if (!apiKey) {
    throw new CliError(
      EXIT.auth,
      'no API key: set REELAY_API_KEY (npm start prints one), pass --key, or add "api_key" to the config file.',
    );
  }
  const pollSeconds = Number(env.REELAY_POLL_SECONDS ?? 2);
  return {
    url: url.replace(/\/+$/, ''),
    apiKey,
    pollSeconds: Number.isFinite(pollSeconds) && pollSeconds > 0 ? pollSeconds : 2,
  };
}
