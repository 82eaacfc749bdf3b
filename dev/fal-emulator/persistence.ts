import { mkdirSync, readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJson, stringifyJson } from './json.ts';
import type { StoredKey } from './signer.ts';
import type { FileRecord, RequestRecord } from './types.ts';

/** What survives a restart (upload bytes live next to it, one file each). */
export interface PersistedState {
  version: 1;
  key: StoredKey;
  requests: RequestRecord[];
  files: FileRecord[];
}

/**
 * The state file under `stateDir`: written atomically (temp + rename) and coalesced, so a burst
 * of transitions costs one write and a crash never leaves half a file.
 */
export class StateFile {
  readonly #path: string;
  readonly #uploadsDir: string;
  #snapshot: () => PersistedState;
  #dirty = false;
  #writing: Promise<void> | null = null;

  constructor(dir: string, snapshot: () => PersistedState) {
    mkdirSync(join(dir, 'uploads'), { recursive: true });
    this.#path = join(dir, 'state.json');
    this.#uploadsDir = join(dir, 'uploads');
    this.#snapshot = snapshot;
  }

  /** Read once at start; a missing file means a fresh emulator. */
  load(): PersistedState | undefined {
    let text: string;
    try {
      text = readFileSync(this.#path, 'utf8');
    } catch {
      return undefined;
    }
    const state = parseJson(text) as PersistedState;
    if (state.version !== 1) throw new Error(`fal emulator: unsupported state version in ${this.#path}`);
    return state;
  }

  /** Marks the state dirty; the write happens on the next tick, once for many changes. */
  save(): void {
    this.#dirty = true;
    this.#writing ??= this.#drain();
  }

  /** Resolves when everything saved so far is on disk. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  uploadPath(fileId: string): string {
    return join(this.#uploadsDir, fileId);
  }

  async writeUpload(fileId: string, bytes: Buffer): Promise<void> {
    const path = this.uploadPath(fileId);
    await writeFile(`${path}.tmp`, bytes);
    await rename(`${path}.tmp`, path);
  }

  readUpload(fileId: string): Promise<Buffer> {
    return readFile(this.uploadPath(fileId));
  }

  async #drain(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.#dirty) {
        this.#dirty = false;
        const tmp = `${this.#path}.${process.pid}.tmp`;
        await writeFile(tmp, stringifyJson(this.#snapshot(), 1));
        await rename(tmp, this.#path);
      }
    } finally {
      this.#writing = null;
    }
  }
}
