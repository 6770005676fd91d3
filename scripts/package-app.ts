// Packages the Zendesk app for upload. The worker serves the app's pages (zendesk-app/dist/assets,
// built by `vite build --config zendesk-app/vite.config.ts`) at {WORKER_URL}/app/<location> after
// verifying Zendesk's signed load, so the package itself holds only what Zendesk reads:
//   zendesk-app/dist/package/ = manifest.json + translations/*.json + assets/ (logos, nav bar icon)
//   zendesk-app/dist/app.zip  = the same files, for Admin Center or `zcli apps:create zendesk-app/dist/package`.
// Run: WORKER_URL=https://sms.example.workers.dev ./node_modules/.bin/node scripts/package-app.ts
//
// WORKER_URL is baked in here: the manifest's location URLs become {WORKER_URL}/app/nav_bar and
// {WORKER_URL}/app/ticket_sidebar (a manifest cannot read an installation setting, and the app has
// none). Without it the manifest's placeholder worker is kept: fine for checks, not for upload.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { zipSync, type Zippable } from 'fflate';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The worker the checked-in manifest names; a package that still points there is not for upload. */
export const PLACEHOLDER_WORKER_URL = 'https://post-interaction-sms.example.workers.dev';

/** Logos Zendesk shows in Admin Center and the Marketplace, and the nav bar icon. */
export const LOGO_FILES = ['logo.png', 'logo-small.png', 'logo.svg', 'icon_nav_bar.svg'];
/** Marketplace listing screenshots (made by `npm run screenshots`), numbered from 0, at most three. */
export const SCREENSHOT_FILES = ['screenshot-0.png', 'screenshot-1.png', 'screenshot-2.png'];

/** Fixed timestamp for every zip entry, so the same inputs give the same zip. */
const ZIP_MTIME = new Date('2026-01-01T00:00:00Z');

export interface PackageAppOptions {
  /** Output folder (default zendesk-app/dist): package/ and app.zip are written there. */
  distDir?: string;
  manifestPath?: string;
  translationsDir?: string;
  /** Source of the logos and icons (default zendesk-app/assets). */
  logosDir?: string;
  /** The worker's URL; the location URLs are set to {workerUrl}/app/<location>. */
  workerUrl?: string;
}

export interface PackageResult {
  zipPath: string;
  zipBytes: number;
  /** The unzipped package, for `zcli apps:create` / `zcli apps:validate`. */
  packageDir: string;
  files: string[];
  /** "support.nav_bar" -> its URL, as shipped. */
  locationUrls: Record<string, string>;
  /** False when the manifest still names the placeholder worker. */
  usesWorkerUrl: boolean;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

/**
 * The worker's base URL as the location URLs use it: https (plain http only for localhost, as
 * Zendesk allows for development), no query or fragment, no trailing slash.
 */
export function normalizeWorkerUrl(workerUrl: string): string {
  let url: URL;
  try {
    url = new URL(workerUrl.trim());
  } catch {
    throw new Error(`WORKER_URL is not a URL: ${workerUrl}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && url.hostname === 'localhost')) {
    throw new Error(`WORKER_URL must use https: ${workerUrl}`);
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new Error(`WORKER_URL must be a plain base URL (no query, fragment or credentials): ${workerUrl}`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The URL of a location's page on the worker. */
export function locationUrl(workerUrl: string, location: string): string {
  return `${normalizeWorkerUrl(workerUrl)}/app/${location}`;
}

/** The manifest as it will ship: every location served by the given worker, when one is given. */
export function prepareManifest(manifestText: string, workerUrl: string | undefined): Json {
  const manifest = JSON.parse(manifestText) as Json;
  if (!workerUrl || workerUrl.trim() === '') return manifest;
  const base = normalizeWorkerUrl(workerUrl);
  if (!isObject(manifest.location)) throw new Error('manifest.json has no "location" to point at the worker');
  for (const locations of Object.values(manifest.location)) {
    if (!isObject(locations)) continue;
    for (const [name, options] of Object.entries(locations)) {
      const url = `${base}/app/${name}`;
      locations[name] = isObject(options) ? { ...options, url } : { url };
    }
  }
  return manifest;
}

function locationUrls(manifest: Json): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(manifest.location)) return out;
  for (const [product, locations] of Object.entries(manifest.location)) {
    if (!isObject(locations)) continue;
    for (const [name, options] of Object.entries(locations)) {
      const url = typeof options === 'string' ? options : isObject(options) ? options.url : undefined;
      if (typeof url === 'string') out[`${product}.${name}`] = url;
    }
  }
  return out;
}

export function packageApp(options: PackageAppOptions = {}): PackageResult {
  const distDir = options.distDir ?? join(ROOT, 'zendesk-app', 'dist');
  const manifestPath = options.manifestPath ?? join(ROOT, 'manifest.json');
  const translationsDir = options.translationsDir ?? join(ROOT, 'zendesk-app', 'translations');
  const logosDir = options.logosDir ?? join(ROOT, 'zendesk-app', 'assets');
  const packageDir = join(distDir, 'package');

  const manifest = prepareManifest(readFileSync(manifestPath, 'utf8'), options.workerUrl);

  rmSync(packageDir, { recursive: true, force: true });
  // Left by packages made before the worker served the pages.
  rmSync(join(distDir, 'manifest.json'), { force: true });
  rmSync(join(distDir, 'translations'), { recursive: true, force: true });
  mkdirSync(join(packageDir, 'translations'), { recursive: true });
  mkdirSync(join(packageDir, 'assets'), { recursive: true });
  writeFileSync(join(packageDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  for (const file of readdirSync(translationsDir).filter((f) => f.endsWith('.json'))) {
    // Parse and re-serialise: a broken translation file fails here, not in Zendesk.
    const json = JSON.parse(readFileSync(join(translationsDir, file), 'utf8')) as unknown;
    writeFileSync(join(packageDir, 'translations', file), `${JSON.stringify(json, null, 2)}\n`);
  }

  for (const logo of LOGO_FILES) {
    const source = join(logosDir, logo);
    if (!existsSync(source)) throw new Error(`${source} is missing (run \`node zendesk-app/tools/make-logos.ts\`)`);
    copyFileSync(source, join(packageDir, 'assets', logo));
  }
  for (const screenshot of SCREENSHOT_FILES) {
    const source = join(logosDir, screenshot);
    if (existsSync(source)) copyFileSync(source, join(packageDir, 'assets', screenshot));
  }

  const zipPath = join(distDir, 'app.zip');
  rmSync(zipPath, { force: true });
  const entries: Zippable = {};
  const files: string[] = [];
  for (const path of listFiles(packageDir)) {
    const name = relative(packageDir, path).split(sep).join('/');
    entries[name] = [readFileSync(path), { mtime: ZIP_MTIME }];
    files.push(name);
  }
  mkdirSync(dirname(zipPath), { recursive: true });
  writeFileSync(zipPath, zipSync(entries, { level: 9 }));
  const urls = locationUrls(manifest);
  return {
    zipPath,
    zipBytes: statSync(zipPath).size,
    packageDir,
    files,
    locationUrls: urls,
    usesWorkerUrl: !Object.values(urls).some((u) => u.startsWith(`${PLACEHOLDER_WORKER_URL}/`)),
  };
}

function main() {
  const workerUrl = process.env.WORKER_URL;
  const result = packageApp({ workerUrl });
  console.log(`Packaged ${result.files.length} files into ${relative(ROOT, result.zipPath)} (${(result.zipBytes / 1024).toFixed(1)} KiB)`);
  for (const [location, url] of Object.entries(result.locationUrls)) console.log(`  ${location}: ${url}`);
  if (!result.usesWorkerUrl) {
    console.log(`WORKER_URL is not set: the locations point at the placeholder ${PLACEHOLDER_WORKER_URL}.`);
    console.log('Set WORKER_URL=https://<your worker host> for a package you can upload.');
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
