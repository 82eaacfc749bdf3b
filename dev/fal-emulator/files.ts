import { randomToken } from './ids.ts';
import { bytesLayout, type MediaLayout, type OutputClip, outputLayout } from './media.ts';
import type { StateFile } from './persistence.ts';
import type { FileRecord, ImageSpec } from './types.ts';
import type { ClipSpec } from './video/clip.ts';
import { tiledPng } from './video/png.ts';

/** Where a CDN file lives, relative to the emulator's base URL. */
export function filePath(file: FileRecord): string {
  return `/files/${file.fileId}/${encodeURIComponent(file.fileName)}`;
}

export function uploadPath(file: FileRecord): string {
  return `/storage/upload/put/${file.fileId}`;
}

/**
 * The CDN's files: outputs are regenerated from (request id, clip, padding) on every read, uploads keep their
 * bytes in memory or, with a stateDir, on disk so they outlive a restart.
 */
export class FileStore {
  readonly #files = new Map<string, FileRecord>();
  readonly #memory = new Map<string, Buffer>();
  readonly #disk: StateFile | undefined;
  readonly #save: () => void;

  constructor(disk: StateFile | undefined, save: () => void) {
    this.#disk = disk;
    this.#save = save;
  }

  load(files: readonly FileRecord[]): void {
    for (const file of files) this.#files.set(file.fileId, file);
  }

  all(): FileRecord[] {
    return [...this.#files.values()];
  }

  get(fileId: string): FileRecord | undefined {
    return this.#files.get(fileId);
  }

  isExpired(file: FileRecord, now = Date.now()): boolean {
    return now >= file.expiresAt;
  }

  /** A request's video: its clip, or `spec` (a merge, an extension, an edit) when its scenes are given. */
  createOutput(
    requestId: string,
    paddingBytes: number,
    clip: OutputClip,
    ttlMs: number,
    now = Date.now(),
    spec?: ClipSpec,
  ): FileRecord {
    // An opaque folder per file, as on fal's CDN, so URLs are unguessable and names can repeat.
    const file: FileRecord = {
      fileId: randomToken(),
      fileName: 'output.mp4',
      contentType: 'video/mp4',
      createdAt: now,
      expiresAt: now + ttlMs,
      source: { kind: 'output', requestId, paddingBytes, clip, ...(spec && { spec }) },
    };
    this.#files.set(file.fileId, file);
    this.#save();
    return file;
  }

  /** A generated PNG (an extracted frame, a thumbnail, a spritesheet), redrawn from its spec on every read. */
  createImage(fileName: string, image: ImageSpec, ttlMs: number, now = Date.now()): FileRecord {
    const file: FileRecord = {
      fileId: randomToken(),
      fileName,
      contentType: 'image/png',
      createdAt: now,
      expiresAt: now + ttlMs,
      source: { kind: 'image', image },
    };
    this.#files.set(file.fileId, file);
    this.#save();
    return file;
  }

  initiateUpload(contentType: string, fileName: string, ttlMs: number, now = Date.now()): FileRecord {
    const file: FileRecord = {
      fileId: randomToken(),
      fileName,
      contentType,
      createdAt: now,
      expiresAt: now + ttlMs,
      source: { kind: 'upload', size: null },
    };
    this.#files.set(file.fileId, file);
    this.#save();
    return file;
  }

  async storeUpload(file: FileRecord, bytes: Buffer): Promise<void> {
    if (this.#disk) await this.#disk.writeUpload(file.fileId, bytes);
    else this.#memory.set(file.fileId, bytes);
    file.source = { kind: 'upload', size: bytes.length };
    this.#save();
  }

  /** The bytes as a layout, or undefined for an upload whose PUT never came. */
  async layout(file: FileRecord): Promise<MediaLayout | undefined> {
    if (file.source.kind === 'output')
      return outputLayout(
        file.source.requestId,
        file.source.paddingBytes,
        file.source.clip,
        file.source.spec,
      );
    if (file.source.kind === 'image') return bytesLayout(imageBytes(file.source.image));
    if (file.source.size === null) return undefined;
    const bytes = this.#disk ? await this.#disk.readUpload(file.fileId) : this.#memory.get(file.fileId);
    return bytes ? bytesLayout(bytes) : undefined;
  }
}

export function imageBytes(image: ImageSpec): Buffer {
  return tiledPng(image.tileWidth, image.tileHeight, image.columns, image.tiles);
}
