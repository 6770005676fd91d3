// Packages the Zendesk app for upload, after `vite build --config zendesk-app/vite.config.ts`:
//   zendesk-app/dist/ = manifest.json + translations/*.json + assets/ (built pages, JS, logos)
//   zendesk-app/dist/app.zip = the same files, ready for Admin Center or `zcli apps:create`.
// Run: ./node_modules/.bin/node scripts/package-app.ts   (Node >= 22.18, type stripping)
//
// The manifest's domainWhitelist is set at package time: ZAF only signs secure requests (here the
// JWT made with the `shared_secret` setting) for whitelisted domains, and a manifest field cannot
// read an installation setting. Set WORKER_URL (e.g. https://sms.example.workers.dev) to the
// worker the package will talk to; without it the manifest's own value is kept.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { zipSync, type Zippable } from 'fflate';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Logos Zendesk shows in Admin Center and the Marketplace, and the nav bar icon. */
export const LOGO_FILES = ['logo.png', 'logo-small.png', 'logo.svg', 'icon_nav_bar.svg'];

/** Fixed timestamp for every zip entry, so the same inputs give the same zip. */
const ZIP_MTIME = new Date('2026-01-01T00:00:00Z');

export interface PackageAppOptions {
  /** Output folder holding the built assets/ (default zendesk-app/dist). */
  distDir?: string;
  manifestPath?: string;
  translationsDir?: string;
  /** Source of the logos, copied into assets/ when the build did not (default zendesk-app/assets). */
  logosDir?: string;
  /** The worker's URL; its host becomes the manifest's domainWhitelist. */
  workerUrl?: string;
}

export interface PackageResult {
  zipPath: string;
  zipBytes: number;
  files: string[];
  domainWhitelist: string[];
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

/** The manifest as it will ship: domainWhitelist pinned to the worker's host when given. */
export function prepareManifest(manifestText: string, workerUrl: string | undefined): Record<string, unknown> {
  const manifest = JSON.parse(manifestText) as Record<string, unknown>;
  if (workerUrl && workerUrl.trim() !== '') {
    const url = new URL(workerUrl.trim());
    if (url.protocol !== 'https:' && url.hostname !== 'localhost' && url.hostname !== '127.0.0.1') {
      throw new Error(`WORKER_URL must use https: ${workerUrl}`);
    }
    manifest.domainWhitelist = [url.hostname];
  }
  return manifest;
}

export function packageApp(options: PackageAppOptions = {}): PackageResult {
  const distDir = options.distDir ?? join(ROOT, 'zendesk-app', 'dist');
  const manifestPath = options.manifestPath ?? join(ROOT, 'manifest.json');
  const translationsDir = options.translationsDir ?? join(ROOT, 'zendesk-app', 'translations');
  const logosDir = options.logosDir ?? join(ROOT, 'zendesk-app', 'assets');
  const assetsDir = join(distDir, 'assets');

  if (!existsSync(assetsDir) || !readdirSync(assetsDir).some((f) => f.endsWith('.html'))) {
    throw new Error(`${assetsDir} has no built pages: run \`vite build --config zendesk-app/vite.config.ts\` first`);
  }

  const manifest = prepareManifest(readFileSync(manifestPath, 'utf8'), options.workerUrl);
  writeFileSync(join(distDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  rmSync(join(distDir, 'translations'), { recursive: true, force: true });
  mkdirSync(join(distDir, 'translations'), { recursive: true });
  for (const file of readdirSync(translationsDir).filter((f) => f.endsWith('.json'))) {
    // Parse and re-serialise: a broken translation file fails here, not in Zendesk.
    const json = JSON.parse(readFileSync(join(translationsDir, file), 'utf8')) as unknown;
    writeFileSync(join(distDir, 'translations', file), `${JSON.stringify(json, null, 2)}\n`);
  }

  for (const logo of LOGO_FILES) {
    const target = join(assetsDir, logo);
    if (!existsSync(target) && existsSync(join(logosDir, logo))) copyFileSync(join(logosDir, logo), target);
  }

  const zipPath = join(distDir, 'app.zip');
  rmSync(zipPath, { force: true });
  const entries: Zippable = {};
  const files: string[] = [];
  for (const path of listFiles(distDir)) {
    const name = relative(distDir, path).split(sep).join('/');
    if (name === 'app.zip') continue;
    if (!(name === 'manifest.json' || name.startsWith('translations/') || name.startsWith('assets/'))) continue;
    entries[name] = [readFileSync(path), { mtime: ZIP_MTIME }];
    files.push(name);
  }
  const zip = zipSync(entries, { level: 9 });
  mkdirSync(dirname(zipPath), { recursive: true });
  writeFileSync(zipPath, zip);
  return {
    zipPath,
    zipBytes: statSync(zipPath).size,
    files,
    domainWhitelist: (manifest.domainWhitelist as string[] | undefined) ?? [],
  };
}

function main() {
  const result = packageApp({ workerUrl: process.env.WORKER_URL });
  console.log(`Packaged ${result.files.length} files into ${relative(ROOT, result.zipPath)} (${(result.zipBytes / 1024).toFixed(1)} KiB)`);
  console.log(`domainWhitelist: ${result.domainWhitelist.join(', ') || '(none)'}`);
  if (!process.env.WORKER_URL) {
    console.log('Hint: set WORKER_URL=https://<your worker host> to whitelist your worker in the manifest.');
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
