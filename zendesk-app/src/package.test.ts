// @vitest-environment node
// The offline package validator (scripts/validate-app.ts) and the packager
// (scripts/package-app.ts): a good package passes; each broken one fails for its own reason.
// One test builds the real app with Vite and validates the real package.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync, unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePng } from '../tools/png.ts';
import { packageApp, prepareManifest } from '../../scripts/package-app.ts';
import { MAX_ZIP_BYTES, validateAppFiles, validateAppZip, type ValidationReport } from '../../scripts/validate-app.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => new Uint8Array(readFileSync(join(ROOT, path)));

const PAGE = (entry: string) => `<!doctype html>
<html lang="en">
  <head>
    <script type="module" crossorigin src="./${entry}"></script>
    <link rel="modulepreload" crossorigin href="./shared-abc.js">
  </head>
  <body>
    <div id="root"></div>
    <script src="https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js"></script>
  </body>
</html>`;

type Files = Record<string, Uint8Array>;

/** A complete package: the real manifest, translations and logos, and small stand-in pages. */
function goodFiles(): Files {
  const manifest = prepareManifest(readFileSync(join(ROOT, 'manifest.json'), 'utf8'), 'https://sms.example.workers.dev');
  return {
    'manifest.json': strToU8(JSON.stringify(manifest)),
    'translations/en.json': read('zendesk-app/translations/en.json'),
    'assets/nav_bar.html': strToU8(PAGE('nav_bar-abc.js')),
    'assets/ticket_sidebar.html': strToU8(PAGE('ticket_sidebar-abc.js')),
    'assets/nav_bar-abc.js': strToU8('import{a}from"./shared-abc.js";a("nav")'),
    'assets/ticket_sidebar-abc.js': strToU8('import{a}from"./shared-abc.js";a("sidebar")'),
    'assets/shared-abc.js': strToU8('export const a=(x)=>x;'),
    'assets/logo.png': read('zendesk-app/assets/logo.png'),
    'assets/logo-small.png': read('zendesk-app/assets/logo-small.png'),
    'assets/logo.svg': read('zendesk-app/assets/logo.svg'),
    'assets/icon_nav_bar.svg': read('zendesk-app/assets/icon_nav_bar.svg'),
  };
}

function manifestOf(files: Files): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(files['manifest.json'])) as Record<string, unknown>;
}

function withManifest(change: (m: Record<string, unknown>) => void): Files {
  const files = goodFiles();
  const manifest = manifestOf(files);
  change(manifest);
  files['manifest.json'] = strToU8(JSON.stringify(manifest));
  return files;
}

function withTranslation(change: (t: { app: Record<string, unknown> }) => void): Files {
  const files = goodFiles();
  const en = JSON.parse(new TextDecoder().decode(files['translations/en.json'])) as { app: Record<string, unknown> };
  change(en);
  files['translations/en.json'] = strToU8(JSON.stringify(en));
  return files;
}

function without(path: string): Files {
  const files = goodFiles();
  delete files[path];
  return files;
}

function errorsOf(report: ValidationReport): string[] {
  return report.errors.map((e) => `${e.where}: ${e.message}`);
}

function expectError(files: Files, pattern: RegExp) {
  const errors = errorsOf(validateAppZip(zipSync(files)));
  expect(errors, `expected an error matching ${pattern}`).toEqual(expect.arrayContaining([expect.stringMatching(pattern)]));
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('validate-app: a good package', () => {
  it('passes with no errors and no warnings', () => {
    const report = validateAppZip(zipSync(goodFiles()));
    expect(errorsOf(report)).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.files).toContain('assets/logo.png');
  });
});

describe('validate-app: broken packages fail', () => {
  it('no manifest, or a manifest in a sub-folder', () => {
    expectError(without('manifest.json'), /manifest\.json is missing/);
    const nested = goodFiles();
    const manifest = nested['manifest.json'];
    delete nested['manifest.json'];
    if (manifest) nested['app/manifest.json'] = manifest;
    expectError(nested, /must be at the root of the zip, found app\/manifest\.json/);
  });

  it('a manifest that is not JSON', () => {
    const files = goodFiles();
    files['manifest.json'] = strToU8('{ "name": ');
    expectError(files, /manifest\.json: not valid JSON/);
  });

  it('missing required manifest keys', () => {
    expectError(
      withManifest((m) => delete m.author),
      /"author" is required/,
    );
    expectError(
      withManifest((m) => delete m.version),
      /"version" is required/,
    );
    expectError(
      withManifest((m) => delete m.location),
      /"location" is required/,
    );
    expectError(
      withManifest((m) => ((m.author as Record<string, unknown>).url = 'ftp://x')),
      /"author\.url" must be an http/,
    );
  });

  it('a wrong framework version', () => {
    expectError(
      withManifest((m) => (m.frameworkVersion = '1.0')),
      /"frameworkVersion" must be "2\.0"/,
    );
  });

  it('an unknown product or location', () => {
    expectError(
      withManifest((m) => (m.location = { support: { side_panel: { url: 'assets/nav_bar.html' } } })),
      /"side_panel" is not a valid support location/,
    );
    expectError(
      withManifest((m) => (m.location = { guide: { nav_bar: 'assets/nav_bar.html' } })),
      /"guide" is not a Zendesk product/,
    );
  });

  it('a location page that is not in the zip, or not in assets/', () => {
    expectError(without('assets/ticket_sidebar.html'), /page assets\/ticket_sidebar\.html is not in the zip/);
    expectError(
      withManifest((m) => (m.location = { support: { ticket_sidebar: { url: 'pages/x.html' } } })),
      /url must point into assets\//,
    );
    expectError(
      withManifest((m) => (m.location = { support: { ticket_sidebar: { url: 'http://example.com/x.html' } } })),
      /url must use https/,
    );
  });

  it('a script the page loads, or a module a script imports, that is not in the zip', () => {
    expectError(without('assets/nav_bar-abc.js'), /assets\/nav_bar\.html: references \.\/nav_bar-abc\.js, which is not in the zip/);
    const files = goodFiles();
    files['assets/ticket_sidebar-abc.js'] = strToU8('import{b}from"./lazy-123.js";b()');
    expectError(files, /assets\/ticket_sidebar-abc\.js: imports \.\/lazy-123\.js, which is not in the zip/);
  });

  it('a page without the ZAF SDK, or loading code over http', () => {
    const files = goodFiles();
    files['assets/nav_bar.html'] = strToU8(PAGE('nav_bar-abc.js').replace(/<script src="https:\/\/static[^<]+<\/script>/, ''));
    expectError(files, /assets\/nav_bar\.html: does not load the ZAF SDK/);
    files['assets/nav_bar.html'] = strToU8(`${PAGE('nav_bar-abc.js')}<script src="http://cdn.example.com/x.js"></script>`);
    expectError(files, /loads http:\/\/cdn\.example\.com\/x\.js over plain http/);
  });

  it('invalid parameters', () => {
    expectError(
      withManifest((m) => (m.parameters as Array<Record<string, unknown>>).push({ name: 'token', type: 'secret' })),
      /parameter "token" has an invalid type: secret/,
    );
    expectError(
      withManifest((m) => (m.parameters as Array<Record<string, unknown>>).push({ name: 'worker_url', type: 'text' })),
      /parameter "worker_url" is defined twice/,
    );
    expectError(
      withManifest((m) => (m.parameters as Array<Record<string, unknown>>).push({ name: 'x', type: 'hidden', required: true })),
      /"x" is hidden and cannot be required/,
    );
    expectError(
      withManifest((m) => (m.parameters as Array<Record<string, unknown>>).push({ name: 'x', secure: 'yes' })),
      /"secure" must be true or false/,
    );
  });

  it('secure parameters without a domainWhitelist', () => {
    expectError(
      withManifest((m) => delete m.domainWhitelist),
      /"domainWhitelist" must list the worker host/,
    );
    expectError(
      withManifest((m) => (m.domainWhitelist = [])),
      /"domainWhitelist" must list the worker host/,
    );
  });

  it('warns about a secret-like parameter that is not secure', () => {
    const files = withManifest((m) => {
      const params = m.parameters as Array<Record<string, unknown>>;
      const secret = params.find((p) => p.name === 'shared_secret');
      if (secret) delete secret.secure;
    });
    const report = validateAppZip(zipSync(files));
    expect(report.warnings.map((w) => w.message)).toContain('parameter "shared_secret" looks like a secret: set "secure": true');
  });

  it('translations: default locale missing, invalid JSON, missing keys and labels', () => {
    expectError(without('translations/en.json'), /missing translation file for the default locale: translations\/en\.json/);
    const broken = goodFiles();
    broken['translations/en.json'] = strToU8('{ "app": ');
    expectError(broken, /translations\/en\.json: not valid JSON/);
    expectError(
      withTranslation((t) => delete t.app.installation_instructions),
      /missing required key app\.installation_instructions/,
    );
    expectError(
      withTranslation((t) => delete (t.app.parameters as Record<string, unknown>).shared_secret),
      /missing app\.parameters\.shared_secret\.label/,
    );
    const badLocale = goodFiles();
    badLocale['translations/english.json'] = strToU8('{}');
    expectError(badLocale, /"english" is not a valid locale/);
  });

  it('logos: missing, not a PNG, or the wrong size', () => {
    expectError(without('assets/logo-small.png'), /assets\/logo-small\.png: missing \(a 128x128 PNG\)/);
    const notPng = goodFiles();
    notPng['assets/logo.png'] = strToU8('GIF89a');
    expectError(notPng, /assets\/logo\.png: is not a PNG file/);
    const wrongSize = goodFiles();
    wrongSize['assets/logo.png'] = new Uint8Array(encodePng(256, 256, new Uint8Array(256 * 256 * 4)));
    expectError(wrongSize, /assets\/logo\.png: must be 320x320 pixels, is 256x256/);
  });

  it('the nav bar icon missing, or an SVG with a script', () => {
    expectError(without('assets/icon_nav_bar.svg'), /the nav_bar location needs its icon assets\/icon_nav_bar\.svg/);
    const files = goodFiles();
    files['assets/logo.svg'] = strToU8('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    expectError(files, /assets\/logo\.svg: contains a script/);
  });

  it('a zip over the 2 MB limit', () => {
    const files = goodFiles();
    // Random bytes do not compress.
    const noise = new Uint8Array(MAX_ZIP_BYTES + 1024);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    files['assets/big.bin'] = noise;
    const report = validateAppFiles(files, MAX_ZIP_BYTES + 1);
    expect(errorsOf(report)).toEqual(expect.arrayContaining([expect.stringMatching(/private apps are limited to 2 MB/)]));
  });

  it('unsafe paths and bytes that are not a zip', () => {
    const files = goodFiles();
    files['assets/../../etc/passwd'] = strToU8('x');
    expect(errorsOf(validateAppFiles(files))).toEqual(expect.arrayContaining([expect.stringMatching(/unsafe path/)]));
    expect(errorsOf(validateAppZip(strToU8('not a zip')))).toEqual([expect.stringMatching(/not a readable zip file/)]);
  });
});

describe('package-app', () => {
  it('pins domainWhitelist to the worker host, and refuses plain http', () => {
    const manifest = readFileSync(join(ROOT, 'manifest.json'), 'utf8');
    expect(prepareManifest(manifest, 'https://sms.acme.workers.dev/').domainWhitelist).toEqual(['sms.acme.workers.dev']);
    expect(prepareManifest(manifest, undefined).domainWhitelist).toEqual(JSON.parse(manifest).domainWhitelist);
    expect(() => prepareManifest(manifest, 'http://sms.acme.example')).toThrow(/https/);
  });

  it('assembles manifest, translations and assets into a valid app.zip', () => {
    const dist = mkdtempSync(join(tmpdir(), 'app-dist-'));
    temps.push(dist);
    mkdirSync(join(dist, 'assets'));
    for (const [name, bytes] of Object.entries(goodFiles())) {
      if (name.startsWith('assets/') && !/logo|icon/.test(name)) writeFileSync(join(dist, name), bytes);
    }
    const result = packageApp({ distDir: dist, workerUrl: 'https://sms.example.workers.dev' });
    expect(result.files).toEqual(
      expect.arrayContaining(['manifest.json', 'translations/en.json', 'assets/logo.png', 'assets/icon_nav_bar.svg']),
    );
    const zip = new Uint8Array(readFileSync(result.zipPath));
    expect(Object.keys(unzipSync(zip))).toContain('assets/logo-small.png');
    const report = validateAppZip(zip);
    expect(errorsOf(report)).toEqual([]);
  });

  it('refuses to package before the app is built', () => {
    const dist = mkdtempSync(join(tmpdir(), 'app-empty-'));
    temps.push(dist);
    expect(() => packageApp({ distDir: dist })).toThrow(/run `vite build/);
  });

  it('builds the real app with Vite into a package that validates', async () => {
    const { build } = await import('vite');
    const out = mkdtempSync(join(tmpdir(), 'app-build-'));
    temps.push(out);
    // Vitest sets NODE_ENV=test, which would make Vite keep the libraries' development code.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({
        configFile: join(ROOT, 'zendesk-app', 'vite.config.ts'),
        mode: 'production',
        logLevel: 'silent',
        build: { outDir: join(out, 'assets'), emptyOutDir: true },
      });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
    const html = readFileSync(join(out, 'assets', 'ticket_sidebar.html'), 'utf8');
    expect(html).toContain('https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js');
    expect(readdirSync(join(out, 'assets'))).toEqual(
      expect.arrayContaining(['nav_bar.html', 'ticket_sidebar.html', 'logo.png', 'icon_nav_bar.svg']),
    );
    const result = packageApp({ distDir: out, workerUrl: 'https://sms.example.workers.dev' });
    const report = validateAppZip(new Uint8Array(readFileSync(result.zipPath)));
    expect(errorsOf(report)).toEqual([]);
    expect(report.warnings).toEqual([]);
  }, 120_000);
});
