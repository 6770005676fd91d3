// @vitest-environment node
// The offline package validator (scripts/validate-app.ts) and the packager
// (scripts/package-app.ts): a good package (manifest, translations, logos; the worker serves the
// pages) passes; each broken one fails for its own reason. One test builds the real app with Vite
// and validates the pages the worker serves and the real package.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync, unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePng } from '../tools/png.ts';
import { normalizeWorkerUrl, packageApp, PLACEHOLDER_WORKER_URL, prepareManifest } from '../../scripts/package-app.ts';
import {
  MAX_ZIP_BYTES,
  servedLocations,
  validateAppFiles,
  validateAppZip,
  validateServedPages,
  type ValidationReport,
} from '../../scripts/validate-app.ts';

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

const WORKER = 'https://sms.example.workers.dev';

/** Small stand-in pages as Vite builds them (relative URLs), by file name. */
function pageFiles(prefix = ''): Files {
  return {
    [`${prefix}nav_bar.html`]: strToU8(PAGE('nav_bar-abc.js')),
    [`${prefix}ticket_sidebar.html`]: strToU8(PAGE('ticket_sidebar-abc.js')),
    [`${prefix}nav_bar-abc.js`]: strToU8('import{a}from"./shared-abc.js";a("nav")'),
    [`${prefix}ticket_sidebar-abc.js`]: strToU8('import{a}from"./shared-abc.js";a("sidebar")'),
    [`${prefix}shared-abc.js`]: strToU8('export const a=(x)=>x;'),
  };
}

/** A complete package: the real manifest (pointed at a worker), translations and logos. */
function goodFiles(): Files {
  const manifest = prepareManifest(readFileSync(join(ROOT, 'manifest.json'), 'utf8'), WORKER);
  return {
    'manifest.json': strToU8(JSON.stringify(manifest)),
    'translations/en.json': read('zendesk-app/translations/en.json'),
    'assets/logo.png': read('zendesk-app/assets/logo.png'),
    'assets/logo-small.png': read('zendesk-app/assets/logo-small.png'),
    'assets/logo.svg': read('zendesk-app/assets/logo.svg'),
    'assets/icon_nav_bar.svg': read('zendesk-app/assets/icon_nav_bar.svg'),
    'assets/screenshot-0.png': read('zendesk-app/assets/screenshot-0.png'),
    'assets/screenshot-1.png': read('zendesk-app/assets/screenshot-1.png'),
    'assets/screenshot-2.png': read('zendesk-app/assets/screenshot-2.png'),
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

function without(path: string, files = goodFiles()): Files {
  delete files[path];
  return files;
}

/** An app whose pages are in the zip (Zendesk serves them): relative locations, not signed. */
function zipPagesFiles(): Files {
  const files = { ...goodFiles(), ...pageFiles('assets/') };
  const manifest = manifestOf(files);
  delete manifest.signedUrls;
  manifest.location = {
    support: { nav_bar: { url: 'assets/nav_bar.html' }, ticket_sidebar: { url: 'assets/ticket_sidebar.html', flexible: true } },
  };
  files['manifest.json'] = strToU8(JSON.stringify(manifest));
  return files;
}

function params(m: Record<string, unknown>): Array<Record<string, unknown>> {
  m.parameters ??= [];
  return m.parameters as Array<Record<string, unknown>>;
}

function warningsOf(report: ValidationReport): string[] {
  return report.warnings.map((w) => `${w.where}: ${w.message}`);
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

  it('needs no parameters and no domainWhitelist', () => {
    const manifest = manifestOf(goodFiles());
    expect(manifest.parameters).toBeUndefined();
    expect(manifest.domainWhitelist).toBeUndefined();
    expect(manifest.signedUrls).toBe(true);
    expect(servedLocations(manifest)).toEqual(['nav_bar', 'ticket_sidebar']);
  });

  it('also passes with its pages in the zip (an app Zendesk serves)', () => {
    const report = validateAppZip(zipSync(zipPagesFiles()));
    expect(errorsOf(report)).toEqual([]);
    expect(report.warnings).toEqual([]);
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

  it('a location the worker does not serve, or does not verify', () => {
    expectError(
      withManifest((m) => (m.location = { support: { nav_bar: { url: `${WORKER}/nav_bar.html` } } })),
      /"location\.support\.nav_bar" url must be \{WORKER_URL\}\/app\/nav_bar/,
    );
    expectError(
      withManifest((m) => (m.location = { support: { nav_bar: { url: `${WORKER}/app/ticket_sidebar` } } })),
      /url must be \{WORKER_URL\}\/app\/nav_bar/,
    );
    expectError(
      withManifest((m) => delete m.signedUrls),
      /"location\.support\.nav_bar" is served by the worker, which only answers signed loads: set "signedUrls": true/,
    );
    expectError(
      withManifest((m) => {
        const support = (m.location as Record<string, Record<string, Record<string, unknown>>>).support;
        if (support?.ticket_sidebar) support.ticket_sidebar.signed = false;
      }),
      /"location\.support\.ticket_sidebar" is served by the worker, which only answers signed loads/,
    );
    expectError(
      withManifest(
        (m) =>
          (m.location = {
            support: { nav_bar: { url: `${WORKER}/app/nav_bar` }, ticket_sidebar: { url: 'https://other.example.com/app/ticket_sidebar' } },
          }),
      ),
      /every location must be served by the same worker/,
    );
    expectError(
      withManifest((m) => (m.location = { support: { nav_bar: { url: 'assets/nav_bar.html' } } })),
      /"location\.support\.nav_bar" must be served by the worker when "signedUrls" is true/,
    );
  });

  it('warns about a package that still points at the placeholder worker, or carries pages', () => {
    const placeholder = goodFiles();
    placeholder['manifest.json'] = read('manifest.json');
    const report = validateAppZip(zipSync(placeholder));
    expect(errorsOf(report)).toEqual([]);
    expect(warningsOf(report)).toEqual([
      expect.stringMatching(/"location\.support\.nav_bar" still points at the placeholder worker/),
      expect.stringMatching(/"location\.support\.ticket_sidebar" still points at the placeholder worker/),
    ]);
    const withPages = { ...goodFiles(), ...pageFiles('assets/') };
    expect(warningsOf(validateAppZip(zipSync(withPages)))).toEqual(
      expect.arrayContaining(['assets/nav_bar.html: is not used: the worker serves the location pages (package without the build output)']),
    );
  });

  it('a location page that is not in the zip, or not in assets/', () => {
    expectError(without('assets/ticket_sidebar.html', zipPagesFiles()), /page assets\/ticket_sidebar\.html is not in the zip/);
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
    expectError(
      without('assets/nav_bar-abc.js', zipPagesFiles()),
      /assets\/nav_bar\.html: references \.\/nav_bar-abc\.js, which is not in the zip/,
    );
    const files = zipPagesFiles();
    files['assets/ticket_sidebar-abc.js'] = strToU8('import{b}from"./lazy-123.js";b()');
    expectError(files, /assets\/ticket_sidebar-abc\.js: imports \.\/lazy-123\.js, which is not in the zip/);
  });

  it('a page without the ZAF SDK, or loading code over http', () => {
    const files = zipPagesFiles();
    files['assets/nav_bar.html'] = strToU8(PAGE('nav_bar-abc.js').replace(/<script src="https:\/\/static[^<]+<\/script>/, ''));
    expectError(files, /assets\/nav_bar\.html: does not load the ZAF SDK/);
    files['assets/nav_bar.html'] = strToU8(`${PAGE('nav_bar-abc.js')}<script src="http://cdn.example.com/x.js"></script>`);
    expectError(files, /loads http:\/\/cdn\.example\.com\/x\.js over plain http/);
  });

  it('invalid parameters, should a manifest declare any', () => {
    expectError(
      withManifest((m) => params(m).push({ name: 'token', type: 'secret' })),
      /parameter "token" has an invalid type: secret/,
    );
    expectError(
      withManifest((m) => params(m).push({ name: 'region', type: 'text' }, { name: 'region', type: 'text' })),
      /parameter "region" is defined twice/,
    );
    expectError(
      withManifest((m) => params(m).push({ name: 'x', type: 'hidden', required: true })),
      /"x" is hidden and cannot be required/,
    );
    expectError(
      withManifest((m) => params(m).push({ name: 'x', secure: 'yes' })),
      /"secure" must be true or false/,
    );
    expectError(
      withManifest((m) => (m.parameters = { name: 'x' })),
      /"parameters" must be an array/,
    );
  });

  it('secure parameters without a domainWhitelist', () => {
    expectError(
      withManifest((m) => params(m).push({ name: 'api_token', type: 'text', secure: true })),
      /"domainWhitelist" must list the worker host/,
    );
    expectError(
      withManifest((m) => {
        params(m).push({ name: 'api_token', type: 'text', secure: true });
        m.domainWhitelist = [];
      }),
      /"domainWhitelist" must list the worker host/,
    );
  });

  it('warns about a secure parameter without scopes, and refuses the removed password type', () => {
    const files = withManifest((m) => {
      params(m).push({ name: 'api_token', type: 'text', secure: true });
      m.domainWhitelist = ['sms.example.workers.dev'];
    });
    const report = validateAppZip(zipSync(files));
    expect(report.warnings.map((w) => w.message)).toContain('parameter "api_token" is secure but has no "scopes" (the requests that may use it)');
    const withPassword = withManifest((m) => params(m).push({ name: 'pin', type: 'password' }));
    expect(errorsOf(validateAppZip(zipSync(withPassword)))).toContain('manifest.json: parameter "pin" has an invalid type: password');
  });

  it('warns about a secret-like parameter that is not secure', () => {
    const files = withManifest((m) => params(m).push({ name: 'shared_secret', type: 'text' }));
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
      withManifest((m) => params(m).push({ name: 'region', type: 'text' })),
      /missing app\.parameters\.region\.label/,
    );
    const badLocale = goodFiles();
    badLocale['translations/english.json'] = strToU8('{}');
    expectError(badLocale, /"english" is not a valid locale/);
  });

  it('warns about labels left for settings the app no longer has', () => {
    const files = withTranslation((t) => (t.app.parameters = { shared_secret: { label: 'Shared secret', helpText: 'Gone' } }));
    expect(warningsOf(validateAppZip(zipSync(files)))).toEqual([
      'translations/en.json: app.parameters.shared_secret labels a setting the manifest does not have: remove it',
    ]);
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

describe('validate-app: the pages the worker serves', () => {
  it('passes for pages as Vite builds them', () => {
    const report = validateServedPages(pageFiles(), ['nav_bar', 'ticket_sidebar']);
    expect(errorsOf(report)).toEqual([]);
    expect(report.warnings).toEqual([]);
  });

  it('fails for a missing page, a missing script, no ZAF SDK, or a root-relative URL', () => {
    const errors = (files: Files) => errorsOf(validateServedPages(files, ['nav_bar', 'ticket_sidebar']));
    expect(errors(without('ticket_sidebar.html', pageFiles()))).toEqual([
      'ticket_sidebar.html: is missing from the build (run `npm run app:build`)',
    ]);
    expect(errors(without('shared-abc.js', pageFiles()))).toEqual(
      expect.arrayContaining(['nav_bar.html: references ./shared-abc.js, which is not in the build']),
    );
    const noSdk = pageFiles();
    noSdk['nav_bar.html'] = strToU8(PAGE('nav_bar-abc.js').replace(/<script src="https:\/\/static[^<]+<\/script>/, ''));
    expect(errors(noSdk)).toEqual([expect.stringMatching(/^nav_bar\.html: does not load the ZAF SDK/)]);
    const rooted = pageFiles();
    rooted['nav_bar.html'] = strToU8(PAGE('nav_bar-abc.js').replace('./nav_bar-abc.js', '/assets/nav_bar-abc.js'));
    expect(errors(rooted)).toEqual([expect.stringMatching(/references \/assets\/nav_bar-abc\.js from the site root/)]);
  });
});

describe('package-app', () => {
  it('points every location at the worker, and refuses plain http', () => {
    const manifest = readFileSync(join(ROOT, 'manifest.json'), 'utf8');
    const shipped = prepareManifest(manifest, 'https://sms.acme.workers.dev/');
    expect(shipped.location).toEqual({
      support: {
        nav_bar: { url: 'https://sms.acme.workers.dev/app/nav_bar' },
        ticket_sidebar: { url: 'https://sms.acme.workers.dev/app/ticket_sidebar', flexible: true },
      },
    });
    expect(shipped.signedUrls).toBe(true);
    expect(prepareManifest(manifest, undefined)).toEqual(JSON.parse(manifest));
    expect(normalizeWorkerUrl('https://example.com/sms/')).toBe('https://example.com/sms');
    expect(normalizeWorkerUrl('http://localhost:8787')).toBe('http://localhost:8787');
    expect(() => prepareManifest(manifest, 'http://sms.acme.example')).toThrow(/https/);
    expect(() => prepareManifest(manifest, 'https://sms.acme.example/?x=1')).toThrow(/plain base URL/);
    expect(() => prepareManifest(manifest, 'not a url')).toThrow(/not a URL/);
  });

  it('checks the Marketplace screenshots: names from 0, 1024x768 or 2048x1536, at most 500 KB', () => {
    const files = goodFiles();
    files['assets/screenshot-3.png'] = files['assets/screenshot-0.png'] as Uint8Array;
    files['assets/screenshot-1.png'] = read('zendesk-app/assets/logo.png');
    const big = new Uint8Array(600 * 1024);
    big.set(files['assets/screenshot-2.png'] as Uint8Array);
    files['assets/screenshot-2.png'] = big;
    expect(errorsOf(validateAppZip(zipSync(files)))).toEqual([
      'assets/screenshot-1.png: must be 1024x768 or 2048x1536 pixels, is 320x320',
      'assets/screenshot-2.png: must be 500 KB or smaller, is 600 KB',
      'assets/screenshot-3.png: screenshots are named screenshot-0.png to screenshot-2.png',
    ]);
    for (const n of [0, 1, 2]) delete files[`assets/screenshot-${n}.png`];
    delete files['assets/screenshot-3.png'];
    expect(validateAppZip(zipSync(files)).warnings.map((w) => w.message)).toContain(
      'no screenshot-0.png: the Marketplace listing needs screenshots (npm run screenshots)',
    );
  });

  it('packages manifest, translations, logos and screenshots (not the pages) into a valid app.zip', () => {
    const dist = mkdtempSync(join(tmpdir(), 'app-dist-'));
    temps.push(dist);
    mkdirSync(join(dist, 'assets'));
    for (const [name, bytes] of Object.entries(pageFiles())) writeFileSync(join(dist, 'assets', name), bytes);
    const result = packageApp({ distDir: dist, workerUrl: WORKER });
    expect(result.files).toEqual([
      'assets/icon_nav_bar.svg',
      'assets/logo-small.png',
      'assets/logo.png',
      'assets/logo.svg',
      'assets/screenshot-0.png',
      'assets/screenshot-1.png',
      'assets/screenshot-2.png',
      'manifest.json',
      'translations/en.json',
    ]);
    expect(result.locationUrls).toEqual({
      'support.nav_bar': `${WORKER}/app/nav_bar`,
      'support.ticket_sidebar': `${WORKER}/app/ticket_sidebar`,
    });
    expect(result.usesWorkerUrl).toBe(true);
    const zip = new Uint8Array(readFileSync(result.zipPath));
    expect(Object.keys(unzipSync(zip)).sort()).toEqual(result.files);
    expect(readdirSync(result.packageDir).sort()).toEqual(['assets', 'manifest.json', 'translations']);
    const report = validateAppZip(zip);
    expect(errorsOf(report)).toEqual([]);
    expect(report.warnings).toEqual([]);
  });

  it('keeps the placeholder worker without WORKER_URL, which the validator flags', () => {
    const dist = mkdtempSync(join(tmpdir(), 'app-placeholder-'));
    temps.push(dist);
    const result = packageApp({ distDir: dist });
    expect(result.usesWorkerUrl).toBe(false);
    expect(result.locationUrls['support.nav_bar']).toBe(`${PLACEHOLDER_WORKER_URL}/app/nav_bar`);
    const report = validateAppZip(new Uint8Array(readFileSync(result.zipPath)));
    expect(errorsOf(report)).toEqual([]);
    expect(report.warnings).toHaveLength(2);
  });

  it('builds the real app with Vite into pages the worker can serve and a package that validates', async () => {
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
    expect(html).not.toContain('pisms-session'); // the worker injects the session
    const built: Files = {};
    for (const name of readdirSync(join(out, 'assets'))) built[name] = new Uint8Array(readFileSync(join(out, 'assets', name)));
    const pages = validateServedPages(built, servedLocations(prepareManifest(readFileSync(join(ROOT, 'manifest.json'), 'utf8'), WORKER)));
    expect(errorsOf(pages)).toEqual([]);
    expect(pages.warnings).toEqual([]);

    const result = packageApp({ distDir: out, workerUrl: WORKER });
    const report = validateAppZip(new Uint8Array(readFileSync(result.zipPath)));
    expect(errorsOf(report)).toEqual([]);
    expect(report.warnings).toEqual([]);
  }, 120_000);
});
