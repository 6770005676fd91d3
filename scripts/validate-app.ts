// Offline validation of the packaged Zendesk app (zendesk-app/dist/app.zip). `zcli apps:validate`
// needs a Zendesk account; this checks what it can without one, following Zendesk's own validator
// (zendesk/zendesk_apps_support: validations/manifest.rb, translations.rb, location.rb) and the
// docs (private app zip <= 2 MB; logo.png 320x320, logo-small.png 128x128; icon_nav_bar.svg for
// nav bar apps), plus this app's own shape (the worker serves the pages):
// - zip: size limit, manifest at the root, no unsafe paths;
// - manifest: required keys and types, known products and locations, frameworkVersion 2.0,
//   parameter types and flags (the app has none; any a manifest declares are still checked),
//   secure parameters with a domainWhitelist;
// - locations: with `signedUrls` every location is an absolute https URL on one worker, ending in
//   /app/<location> (the worker verifies Zendesk's signed load there and serves the page); the
//   placeholder worker is flagged; a location page inside the zip must be there with every
//   script, stylesheet and image it references (and every module those scripts import);
// - translations: valid JSON objects, valid locale names, the default locale present, the
//   marketplace keys, every parameter's label, and no labels for parameters that are gone;
// - logos and icons: present, PNG dimensions exact, SVGs without scripts.
// With the built pages at hand (zendesk-app/dist/assets), `main` also checks the pages the worker
// serves: each location's <name>.html loads the ZAF SDK, and everything it loads is there, by a
// relative URL (the worker serves them under /app/).
// Run: ./node_modules/.bin/node scripts/validate-app.ts [path/to/app.zip]; exits 1 on errors.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';

export const MAX_ZIP_BYTES = 2 * 1024 * 1024;

/** Products and their locations (zendesk_apps_support, location.rb). */
export const LOCATIONS: Record<string, readonly string[]> = {
  support: [
    'top_bar',
    'nav_bar',
    'ticket_sidebar',
    'new_ticket_sidebar',
    'user_sidebar',
    'organization_sidebar',
    'background',
    'modal',
    'ticket_editor',
    'system_top_bar',
    'ticket_module',
  ],
  chat: ['chat_sidebar', 'background'],
  standalone_chat: ['nav_bar', 'system_top_bar'],
  sell: [
    'top_bar',
    'background',
    'modal',
    'deal_card',
    'lead_card',
    'person_card',
    'company_card',
    'note_editor',
    'call_log_editor',
    'email_editor',
  ],
};

/** Parameter types (zendesk_apps_support, manifest/parameter.rb). */
/** Parameter types ZAF accepts; `password` was removed in April 2026 (FACTS.md). */
export const PARAMETER_TYPES = ['text', 'checkbox', 'url', 'number', 'multiline', 'hidden', 'oauth'];

/** Locations whose icon Zendesk shows, and the SVG it expects in assets/. */
const LOCATION_ICONS: Record<string, string> = {
  nav_bar: 'assets/icon_nav_bar.svg',
  top_bar: 'assets/icon_top_bar.svg',
  ticket_editor: 'assets/icon_ticket_editor.svg',
};

const REQUIRED_PNGS: Array<{ path: string; width: number; height: number }> = [
  { path: 'assets/logo.png', width: 320, height: 320 },
  { path: 'assets/logo-small.png', width: 128, height: 128 },
];

/** Scripts a location page may load from elsewhere: the ZAF SDK from Zendesk's CDN. */
const ZAF_SDK = /^https:\/\/static\.zdassets\.com\/zendesk_app_framework_sdk\/2\.\d+\/zaf_sdk(\.min)?\.js$/;

/** The worker the checked-in manifest names (scripts/package-app.ts PLACEHOLDER_WORKER_URL). */
const PLACEHOLDER_HOST = 'post-interaction-sms.example.workers.dev';

const VALID_LOCALE = /^[a-z]{2}(-\w{2,3})?$/;
const MARKETPLACE_KEYS = ['name', 'short_description', 'long_description', 'installation_instructions'];
const SECRET_LIKE = /token|key|pwd|password|secret/i;

export interface Problem {
  where: string;
  message: string;
}

export interface ValidationReport {
  errors: Problem[];
  warnings: Problem[];
  files: string[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** Width and height from a PNG's IHDR, or null when the bytes are not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number; colorType: number } | null {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 33 || signature.some((b, i) => bytes[i] !== b)) return null;
  if (text(bytes.subarray(12, 16)) !== 'IHDR') return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20), colorType: bytes[25] ?? 0 };
}

function hasPngChunk(bytes: Uint8Array, type: string): boolean {
  let offset = 8;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (offset + 8 <= bytes.length) {
    const length = view.getUint32(offset);
    if (text(bytes.subarray(offset + 4, offset + 8)) === type) return true;
    offset += 12 + length;
  }
  return false;
}

/** Resolves `ref` (as written in `fromPath`) to a zip path, or null for external URLs. */
function resolveRef(fromPath: string, ref: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith('//')) return null;
  const clean = ref.split(/[?#]/)[0] ?? '';
  const base = fromPath.includes('/') ? fromPath.slice(0, fromPath.lastIndexOf('/') + 1) : '';
  const parts: string[] = [];
  for (const part of (clean.startsWith('/') ? clean.slice(1) : base + clean).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

/** `src` / `href` values of the tags that load something, from an HTML page. */
export function htmlReferences(html: string): Array<{ tag: string; url: string }> {
  const out: Array<{ tag: string; url: string }> = [];
  const withoutComments = html.replace(/<!--[\s\S]*?-->/g, '');
  for (const match of withoutComments.matchAll(/<(script|link|img|iframe|source)\b([^>]*)>/gi)) {
    const tag = (match[1] ?? '').toLowerCase();
    const attrs = match[2] ?? '';
    if (tag === 'link' && !/\brel\s*=\s*["']?(stylesheet|modulepreload|preload|icon)/i.test(attrs)) continue;
    const url = attrs.match(/\b(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i);
    const value = url?.[1] ?? url?.[2] ?? url?.[3];
    if (value) out.push({ tag, url: value });
  }
  return out;
}

/**
 * Relative module specifiers a built JS file imports (static and dynamic). Only specifiers with a
 * file extension count: bundlers always emit them, and bare ones ("./theme") appear in libraries'
 * help texts inside strings.
 */
export function jsImports(code: string): string[] {
  const out = new Set<string>();
  const spec = String.raw`["'](\.{1,2}\/[^"'\s]+\.(?:m?js|css))["']`;
  for (const m of code.matchAll(new RegExp(String.raw`(?:\bimport|\bexport)\s*(?:[\w*{}\s,$]+?\s*from\s*)?${spec}`, 'g'))) {
    if (m[1]) out.add(m[1]);
  }
  for (const m of code.matchAll(new RegExp(String.raw`\bimport\(\s*${spec}\s*\)`, 'g'))) {
    if (m[1]) out.add(m[1]);
  }
  return [...out];
}

function readZip(zip: Uint8Array, errors: Problem[]): Record<string, Uint8Array> {
  try {
    const raw = unzipSync(zip);
    const files: Record<string, Uint8Array> = {};
    for (const [name, bytes] of Object.entries(raw)) {
      if (name.endsWith('/')) continue; // directory entry
      files[name] = bytes;
    }
    return files;
  } catch (error) {
    errors.push({ where: 'zip', message: `not a readable zip file (${error instanceof Error ? error.message : String(error)})` });
    return {};
  }
}

/** A location on the worker: `{WORKER_URL}/app/<name>`, signed, not the placeholder. */
function checkServedLocation(
  manifest: Json,
  where: string,
  name: string,
  url: string,
  options: Json,
  remote: URL[],
  errors: Problem[],
  warnings: Problem[],
) {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    errors.push({ where: 'manifest.json', message: `"${where}" url is not a valid URL: ${url}` });
    return;
  }
  remote.push(parsed);
  if (parsed.search !== '' || parsed.hash !== '' || !parsed.pathname.endsWith(`/app/${name}`)) {
    errors.push({
      where: 'manifest.json',
      message: `"${where}" url must be {WORKER_URL}/app/${name} (the worker serves each location there): ${url}`,
    });
  }
  // Zendesk signs a location when its "signed" option, or else the top-level "signedUrls", is true.
  const signed = typeof options.signed === 'boolean' ? options.signed : manifest.signedUrls === true;
  if (!signed) {
    errors.push({
      where: 'manifest.json',
      message: `"${where}" is served by the worker, which only answers signed loads: set "signedUrls": true`,
    });
  }
  if (parsed.hostname === PLACEHOLDER_HOST) {
    warnings.push({
      where: 'manifest.json',
      message: `"${where}" still points at the placeholder worker ${parsed.origin}: package with WORKER_URL=https://<your worker> to upload`,
    });
  }
}

function checkManifest(manifest: Json, files: Record<string, Uint8Array>, errors: Problem[], warnings: Problem[]) {
  const where = 'manifest.json';
  const err = (message: string) => errors.push({ where, message });

  if (typeof manifest.name !== 'string' || manifest.name.trim() === '') err('"name" is required (a string)');
  if (!isObject(manifest.author)) err('"author" is required: { "name", "email", "url" }');
  else {
    for (const key of ['name', 'email'] as const) {
      if (typeof manifest.author[key] !== 'string' || (manifest.author[key] as string).trim() === '') {
        err(`"author.${key}" is required (a string)`);
      }
    }
    const url = manifest.author.url;
    if (url !== undefined && (typeof url !== 'string' || !/^https?:\/\//.test(url))) err('"author.url" must be an http(s) URL');
  }
  if (typeof manifest.defaultLocale !== 'string') err('"defaultLocale" is required (e.g. "en")');
  else if (!VALID_LOCALE.test(manifest.defaultLocale)) err(`"defaultLocale" ${manifest.defaultLocale} is not a valid locale`);
  else if (!files[`translations/${manifest.defaultLocale}.json`]) {
    err(`missing translation file for the default locale: translations/${manifest.defaultLocale}.json`);
  }
  if (manifest.frameworkVersion !== '2.0') err('"frameworkVersion" must be "2.0"');
  if (typeof manifest.version !== 'string' || manifest.version.trim() === '') err('"version" is required (a string)');
  for (const key of ['private', 'singleInstall', 'signedUrls', 'requirementsOnly', 'marketingOnly']) {
    if (manifest[key] !== undefined && typeof manifest[key] !== 'boolean') err(`"${key}" must be true or false`);
  }

  // Locations.
  const locations: Array<{ product: string; name: string; url: string | null }> = [];
  const remote: URL[] = [];
  if (!isObject(manifest.location) || Object.keys(manifest.location).length === 0) {
    err('"location" is required: { "support": { "<location>": { "url": "assets/<page>.html" } } }');
  } else {
    for (const [product, value] of Object.entries(manifest.location)) {
      const known = LOCATIONS[product];
      if (!known) {
        err(`"${product}" is not a Zendesk product that apps can run in`);
        continue;
      }
      if (!isObject(value)) {
        err(`"location.${product}" must be an object of locations`);
        continue;
      }
      for (const [name, options] of Object.entries(value)) {
        if (!known.includes(name)) {
          err(`"${name}" is not a valid ${product} location`);
          continue;
        }
        const url = typeof options === 'string' ? options : isObject(options) ? options.url : undefined;
        if (isObject(options)) {
          for (const flag of ['flexible', 'autoLoad', 'autoHide', 'signed']) {
            if (options[flag] !== undefined && typeof options[flag] !== 'boolean') {
              err(`"location.${product}.${name}.${flag}" must be true or false`);
            }
          }
        }
        if (typeof url !== 'string' || url.trim() === '') {
          err(`"location.${product}.${name}" has no url`);
          locations.push({ product, name, url: null });
          continue;
        }
        if (/^[a-z]+:/i.test(url)) {
          if (!url.startsWith('https://') && !/^http:\/\/localhost(:\d+)?\//.test(url)) {
            err(`"location.${product}.${name}" url must use https: ${url}`);
          } else {
            const opts = isObject(options) ? options : {};
            checkServedLocation(manifest, `location.${product}.${name}`, name, url, opts, remote, errors, warnings);
          }
          locations.push({ product, name, url: null });
        } else if (url.includes('{{setting.')) {
          locations.push({ product, name, url: null });
        } else {
          if (manifest.signedUrls === true) {
            err(
              `"location.${product}.${name}" must be served by the worker when "signedUrls" is true: an absolute https URL ending in /app/${name}, not ${url}`,
            );
          }
          if (!url.startsWith('assets/')) err(`"location.${product}.${name}" url must point into assets/: ${url}`);
          else if (!files[url]) err(`"location.${product}.${name}" page ${url} is not in the zip`);
          locations.push({ product, name, url: files[url] ? url : null });
        }
        const icon = LOCATION_ICONS[name];
        if (icon && product === 'support' && !files[icon]) err(`the ${name} location needs its icon ${icon}`);
      }
    }
  }

  const origins = new Set(remote.map((u) => u.origin));
  if (origins.size > 1) err(`every location must be served by the same worker, found ${[...origins].join(', ')}`);

  // Parameters.
  const parameters: Json[] = [];
  if (manifest.parameters !== undefined) {
    if (!Array.isArray(manifest.parameters)) err('"parameters" must be an array');
    else {
      const seen = new Set<string>();
      manifest.parameters.forEach((p: unknown, i: number) => {
        if (!isObject(p) || typeof p.name !== 'string' || p.name.trim() === '') {
          err(`parameters[${i}] needs a "name"`);
          return;
        }
        parameters.push(p);
        const name = p.name;
        if (seen.has(name)) err(`parameter "${name}" is defined twice`);
        seen.add(name);
        if (name === 'name') err('a parameter cannot be called "name"');
        const type = p.type ?? 'text';
        if (typeof type !== 'string' || !PARAMETER_TYPES.includes(type)) err(`parameter "${name}" has an invalid type: ${String(type)}`);
        if (p.required !== undefined && typeof p.required !== 'boolean') err(`parameter "${name}": "required" must be true or false`);
        if (p.secure !== undefined && typeof p.secure !== 'boolean') err(`parameter "${name}": "secure" must be true or false`);
        if (type === 'hidden' && p.required === true) err(`parameter "${name}" is hidden and cannot be required`);
        if (type === 'oauth' && p.secure === true) err(`parameter "${name}": an oauth parameter cannot be secure`);
        if (p.secure === true && p.default !== undefined) {
          warnings.push({ where, message: `parameter "${name}" is secure but has a default, which is not stored securely` });
        }
        // Zendesk's validator warns since Nov 2025 about secure parameters without `scopes` (FACTS.md).
        if (p.secure === true && (!Array.isArray(p.scopes) || p.scopes.length === 0)) {
          warnings.push({ where, message: `parameter "${name}" is secure but has no "scopes" (the requests that may use it)` });
        }
        if (SECRET_LIKE.test(name) && type === 'text' && p.secure !== true) {
          warnings.push({ where, message: `parameter "${name}" looks like a secret: set "secure": true` });
        }
      });
    }
  }

  const whitelist = manifest.domainWhitelist;
  if (whitelist !== undefined && !(Array.isArray(whitelist) && whitelist.every((d) => typeof d === 'string'))) {
    err('"domainWhitelist" must be an array of domain names');
  } else if (Array.isArray(whitelist)) {
    for (const domain of whitelist as string[]) {
      if (domain.includes('://') || domain.includes('/')) {
        warnings.push({ where, message: `domainWhitelist entry "${domain}" should be a bare host name` });
      }
    }
  }
  if (parameters.some((p) => p.secure === true) && (!Array.isArray(whitelist) || whitelist.length === 0)) {
    err('secure parameters are only sent to whitelisted domains: "domainWhitelist" must list the worker host');
  }

  return { locations, parameters };
}

function checkTranslations(
  files: Record<string, Uint8Array>,
  defaultLocale: unknown,
  parameters: Json[],
  errors: Problem[],
  warnings: Problem[],
) {
  for (const [path, bytes] of Object.entries(files)) {
    const m = path.match(/^translations\/(.+)\.json$/);
    if (!m) continue;
    const locale = m[1] ?? '';
    if (!VALID_LOCALE.test(locale)) errors.push({ where: path, message: `"${locale}" is not a valid locale` });
    let json: unknown;
    try {
      json = JSON.parse(text(bytes));
    } catch (error) {
      errors.push({ where: path, message: `not valid JSON (${error instanceof Error ? error.message : String(error)})` });
      continue;
    }
    if (!isObject(json)) {
      errors.push({ where: path, message: 'must be a JSON object' });
      continue;
    }
    if (locale !== defaultLocale) continue;
    const app = json.app;
    if (!isObject(app)) {
      errors.push({ where: path, message: 'missing the "app" object (name, descriptions, parameters)' });
      continue;
    }
    for (const key of MARKETPLACE_KEYS) {
      if (typeof app[key] !== 'string' || (app[key] as string).trim() === '') {
        errors.push({ where: path, message: `missing required key app.${key}` });
      }
    }
    const labels = isObject(app.parameters) ? app.parameters : {};
    for (const p of parameters) {
      const name = String(p.name);
      const entry = labels[name];
      if (!isObject(entry) || typeof entry.label !== 'string' || entry.label.trim() === '') {
        errors.push({ where: path, message: `missing app.parameters.${name}.label` });
      } else if (typeof entry.helpText !== 'string' || entry.helpText.trim() === '') {
        warnings.push({ where: path, message: `missing app.parameters.${name}.helpText` });
      }
    }
    const declared = new Set(parameters.map((p) => String(p.name)));
    for (const name of Object.keys(labels)) {
      if (!declared.has(name)) {
        warnings.push({ where: path, message: `app.parameters.${name} labels a setting the manifest does not have: remove it` });
      }
    }
  }
}

/**
 * Location pages and what they load. `root` is where the pages live among `files`: "assets/" in
 * the zip, "" for the built pages the worker serves (which must use relative URLs: the worker
 * serves them under /app/).
 */
function checkPages(pages: string[], files: Record<string, Uint8Array>, errors: Problem[], warnings: Problem[], root = 'assets/') {
  const checkedScripts = new Set<string>();
  const checkScript = (path: string) => {
    if (checkedScripts.has(path)) return;
    checkedScripts.add(path);
    const code = files[path];
    if (!code) return;
    for (const spec of jsImports(text(code))) {
      const target = resolveRef(path, spec);
      if (target === null) continue;
      if (!files[target]) errors.push({ where: path, message: `imports ${spec}, which is not in the ${root ? 'zip' : 'build'}` });
      else checkScript(target);
    }
  };

  for (const page of new Set(pages)) {
    const bytes = files[page];
    if (!bytes) {
      errors.push({ where: page, message: root ? 'is not in the zip' : 'is missing from the build (run `npm run app:build`)' });
      continue;
    }
    const refs = htmlReferences(text(bytes));
    if (!refs.some((r) => r.tag === 'script' && ZAF_SDK.test(r.url))) {
      errors.push({
        where: page,
        message: 'does not load the ZAF SDK (https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js)',
      });
    }
    for (const ref of refs) {
      if (/^http:\/\//i.test(ref.url)) {
        errors.push({ where: page, message: `loads ${ref.url} over plain http` });
        continue;
      }
      const target = resolveRef(page, ref.url);
      if (target === null) {
        if (!ZAF_SDK.test(ref.url)) warnings.push({ where: page, message: `loads an external resource: ${ref.url}` });
        continue;
      }
      if (!root && ref.url.startsWith('/')) {
        errors.push({
          where: page,
          message: `references ${ref.url} from the site root; the worker serves the app under /app/: use a relative URL`,
        });
      } else if (!target.startsWith(root)) errors.push({ where: page, message: `references ${ref.url} outside ${root}` });
      else if (!files[target])
        errors.push({ where: page, message: `references ${ref.url}, which is not in the ${root ? 'zip' : 'build'}` });
      else if (target.endsWith('.js')) checkScript(target);
    }
  }
}

/** Names of the locations the worker serves (absolute location URLs in the manifest). */
export function servedLocations(manifest: unknown): string[] {
  const out = new Set<string>();
  if (!isObject(manifest) || !isObject(manifest.location)) return [];
  for (const locations of Object.values(manifest.location)) {
    if (!isObject(locations)) continue;
    for (const [name, options] of Object.entries(locations)) {
      const url = typeof options === 'string' ? options : isObject(options) ? options.url : undefined;
      if (typeof url === 'string' && /^https?:\/\//i.test(url)) out.add(name);
    }
  }
  return [...out].sort();
}

/**
 * The built pages the worker serves (files of zendesk-app/dist/assets, by name): one
 * `<location>.html` per served location, loading the ZAF SDK, everything else by relative URL
 * and present. Paths in the report are relative to that folder.
 */
export function validateServedPages(files: Record<string, Uint8Array>, locations: string[]): ValidationReport {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  checkPages(
    locations.map((name) => `${name}.html`),
    files,
    errors,
    warnings,
    '',
  );
  return { errors, warnings, files: Object.keys(files).sort() };
}

/**
 * Marketplace listing screenshots: assets/screenshot-0.png .. -2.png ("screenshot numbering starts
 * at 0"), PNG 1024x768 or 2048x1536, 500 KB or smaller (Zendesk's brand-asset requirements,
 * https://developer.zendesk.com/apps/docs/publish/create_assets). A private app needs none.
 */
export const SCREENSHOT_SIZES = ['1024x768', '2048x1536'];
const SCREENSHOT_MAX_BYTES = 500 * 1024;

function checkScreenshots(files: Record<string, Uint8Array>, errors: Problem[], warnings: Problem[]) {
  const shots = Object.keys(files).filter((p) => /^assets\/screenshot[-_]?\d*\.png$/i.test(p));
  if (shots.length === 0) warnings.push({ where: 'assets/', message: 'no screenshot-0.png: the Marketplace listing needs screenshots (npm run screenshots)' });
  for (const path of shots) {
    const index = /^assets\/screenshot-(\d)\.png$/.exec(path)?.[1];
    if (index === undefined || Number(index) > 2) {
      errors.push({ where: path, message: 'screenshots are named screenshot-0.png to screenshot-2.png' });
      continue;
    }
    const bytes = files[path] as Uint8Array;
    const size = pngSize(bytes);
    if (!size) errors.push({ where: path, message: 'is not a PNG file' });
    else if (!SCREENSHOT_SIZES.includes(`${size.width}x${size.height}`)) {
      errors.push({ where: path, message: `must be ${SCREENSHOT_SIZES.join(' or ')} pixels, is ${size.width}x${size.height}` });
    }
    if (bytes.length > SCREENSHOT_MAX_BYTES) errors.push({ where: path, message: `must be 500 KB or smaller, is ${Math.ceil(bytes.length / 1024)} KB` });
  }
}

function checkLogos(files: Record<string, Uint8Array>, errors: Problem[], warnings: Problem[]) {
  for (const { path, width, height } of REQUIRED_PNGS) {
    const bytes = files[path];
    if (!bytes) {
      errors.push({ where: path, message: `missing (a ${width}x${height} PNG)` });
      continue;
    }
    const size = pngSize(bytes);
    if (!size) errors.push({ where: path, message: 'is not a PNG file' });
    else if (size.width !== width || size.height !== height) {
      errors.push({ where: path, message: `must be ${width}x${height} pixels, is ${size.width}x${size.height}` });
    } else if (path.endsWith('logo-small.png') && size.colorType !== 6 && size.colorType !== 4 && !hasPngChunk(bytes, 'tRNS')) {
      warnings.push({ where: path, message: 'should be a PNG with transparency (PNG-24 with alpha)' });
    }
  }
  if (!files['assets/logo.svg']) warnings.push({ where: 'assets/logo.svg', message: 'missing (a scalable logo)' });
  checkScreenshots(files, errors, warnings);
  for (const [path, bytes] of Object.entries(files)) {
    if (!path.endsWith('.svg')) continue;
    const svg = text(bytes);
    if (!/<svg[\s>]/i.test(svg)) errors.push({ where: path, message: 'is not an SVG image' });
    if (/<script|\son\w+\s*=/i.test(svg)) errors.push({ where: path, message: 'contains a script or event handler' });
    if (/<image|data:image\//i.test(svg)) warnings.push({ where: path, message: 'embeds a bitmap; Zendesk replaces such icons' });
  }
}

/** Validates the files of an app package (paths relative to the package root). */
export function validateAppFiles(files: Record<string, Uint8Array>, zipBytes?: number): ValidationReport {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const names = Object.keys(files).sort();

  if (zipBytes !== undefined && zipBytes > MAX_ZIP_BYTES) {
    errors.push({ where: 'zip', message: `is ${(zipBytes / 1024 / 1024).toFixed(2)} MB; private apps are limited to 2 MB` });
  }
  for (const name of names) {
    if (name.startsWith('/') || name.includes('\\') || name.split('/').includes('..')) {
      errors.push({ where: 'zip', message: `unsafe path in the archive: ${name}` });
    }
    const top = name.split('/')[0] ?? '';
    if (!['manifest.json', 'requirements.json', 'translations', 'assets'].includes(top)) {
      warnings.push({ where: 'zip', message: `unexpected file outside assets/ and translations/: ${name}` });
    }
  }

  const manifestBytes = files['manifest.json'];
  if (!manifestBytes) {
    const nested = names.find((n) => /^[^/]+\/manifest\.json$/.test(n));
    errors.push({
      where: 'zip',
      message: nested ? `manifest.json must be at the root of the zip, found ${nested}` : 'manifest.json is missing',
    });
    return { errors, warnings, files: names };
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text(manifestBytes));
  } catch (error) {
    errors.push({ where: 'manifest.json', message: `not valid JSON (${error instanceof Error ? error.message : String(error)})` });
    return { errors, warnings, files: names };
  }
  if (!isObject(manifest)) {
    errors.push({ where: 'manifest.json', message: 'must be a JSON object' });
    return { errors, warnings, files: names };
  }

  const { locations, parameters } = checkManifest(manifest, files, errors, warnings);
  checkTranslations(files, manifest.defaultLocale, parameters, errors, warnings);
  const pages = locations.map((l) => l.url).filter((u): u is string => u !== null);
  checkPages(pages, files, errors, warnings);
  if (pages.length === 0) {
    // Every location is served by the worker: pages and scripts in the zip are dead weight.
    for (const name of names) {
      if (/^assets\/.+\.(html|js|css)$/.test(name)) {
        warnings.push({ where: name, message: 'is not used: the worker serves the location pages (package without the build output)' });
      }
    }
  }
  checkLogos(files, errors, warnings);
  return { errors, warnings, files: names };
}

/** Validates a zip as it would be uploaded. */
export function validateAppZip(zip: Uint8Array): ValidationReport {
  const errors: Problem[] = [];
  const files = readZip(zip, errors);
  if (errors.length > 0) return { errors, warnings: [], files: [] };
  return validateAppFiles(files, zip.byteLength);
}

export function formatReport(report: ValidationReport): string {
  const lines: string[] = [];
  for (const e of report.errors) lines.push(`error    ${e.where}: ${e.message}`);
  for (const w of report.warnings) lines.push(`warning  ${w.where}: ${w.message}`);
  return lines.join('\n');
}

function readDir(dir: string): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) files[entry.name] = new Uint8Array(readFileSync(join(dir, entry.name)));
  }
  return files;
}

function main() {
  const path = process.argv[2] ?? fileURLToPath(new URL('../zendesk-app/dist/app.zip', import.meta.url));
  let zip: Uint8Array;
  try {
    zip = readFileSync(path);
  } catch {
    console.error(`Cannot read ${path}: package the app first (npm run app:package)`);
    process.exit(1);
  }
  const report = validateAppZip(zip);

  // The pages the worker serves, when they were built here.
  const assetsDir = fileURLToPath(new URL('../zendesk-app/dist/assets', import.meta.url));
  const manifestBytes = report.errors.length === 0 ? unzipSync(zip)['manifest.json'] : undefined;
  const served = manifestBytes ? servedLocations(JSON.parse(text(manifestBytes))) : [];
  let pagesNote = '';
  if (served.length > 0 && existsSync(assetsDir)) {
    const pages = validateServedPages(readDir(assetsDir), served);
    const prefix = (p: Problem) => ({ ...p, where: `zendesk-app/dist/assets/${p.where}` });
    report.errors.push(...pages.errors.map(prefix));
    report.warnings.push(...pages.warnings.map(prefix));
    pagesNote = `; served pages checked: ${served.map((l) => `${l}.html`).join(', ')}`;
  } else if (served.length > 0) {
    pagesNote = '; served pages not checked (no zendesk-app/dist/assets: run npm run app:build)';
  }

  const details = formatReport(report);
  if (details) console.log(details);
  if (report.errors.length > 0) {
    console.error(`${path}: ${report.errors.length} error(s), ${report.warnings.length} warning(s)`);
    process.exit(1);
  }
  console.log(
    `${path}: valid (${report.files.length} files, ${(zip.byteLength / 1024).toFixed(1)} KiB, ${report.warnings.length} warning(s)${pagesNote})`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
