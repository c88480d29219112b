import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Folders (with a trailing slash) of the widget pages, the SDK files and the demo page. */
export interface AssetDirs {
  widgets: string;
  sdk: string;
  demo: string;
}

/** Where the built front-end files live (built by `npm run build`, which `npm ci` and `npm start` run). */
export const ASSET_DIRS: AssetDirs = {
  widgets: `${ROOT}apps/widgets/dist/`,
  sdk: `${ROOT}packages/sdk/dist/`,
  demo: `${ROOT}apps/demo/`,
};

export interface AssetFile {
  body: Buffer;
  etag: string;
  /** CSP source expressions ('sha256-…') of the file's inline scripts (HTML only). */
  scriptHashes: string[];
}

/** Reads files once and again only when they change on disk (a rebuild while the server runs). */
export class AssetCache {
  readonly #files = new Map<string, { mtimeMs: number; file: AssetFile }>();

  async get(path: string): Promise<AssetFile | null> {
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) return null;
    const cached = this.#files.get(path);
    if (cached && cached.mtimeMs === info.mtimeMs) return cached.file;
    const body = await readFile(path);
    const file: AssetFile = {
      body,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      scriptHashes: path.endsWith('.html') ? inlineScriptHashes(body.toString('utf8')) : [],
    };
    this.#files.set(path, { mtimeMs: info.mtimeMs, file });
    return file;
  }
}

/** Hashes of every inline <script> body, so the page's CSP can allow exactly those scripts. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    hashes.push(
      `'sha256-${createHash('sha256')
        .update(match[1] ?? '')
        .digest('base64')}'`,
    );
  }
  return hashes;
}
