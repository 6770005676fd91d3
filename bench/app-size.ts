// Bundle size of the Zendesk app per location: the gzipped JS and CSS a location's page loads
// (its entry, the chunks it preloads or imports, its stylesheets), against the budgets
//   ticket_sidebar <= 120 kB gzip (opens with every ticket), nav_bar <= 250 kB gzip.
// Builds the app first when zendesk-app/dist/assets has no pages (or with --build).
// Run: ./node_modules/.bin/node bench/app-size.ts [--build] [--strict]   (kB = 1000 bytes)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { htmlReferences, jsImports } from '../scripts/validate-app.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const BUDGETS_KB: Record<string, number> = { ticket_sidebar: 120, nav_bar: 250 };

export interface AppSizeRow {
  location: string;
  jsGzipBytes: number;
  cssGzipBytes: number;
  totalGzipKB: number;
  budgetKB: number | null;
  withinBudget: boolean;
  files: string[];
}

export interface AppSizeOptions {
  /** Folder with the built pages (default zendesk-app/dist/assets). */
  assetsDir?: string;
  /** Build even when a build exists. */
  build?: boolean;
}

async function buildApp(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'zendesk-app', 'vite.config.ts'), logLevel: 'warn' });
}

function gzipSize(bytes: Uint8Array): number {
  return gzipSync(bytes, { level: 9 }).byteLength;
}

/** Every file a page loads from assets/, following module imports. */
function pageFiles(assetsDir: string, page: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(join(assetsDir, file))) return;
    seen.add(file);
    if (file.endsWith('.js')) {
      for (const spec of jsImports(readFileSync(join(assetsDir, file), 'utf8'))) visit(spec.replace(/^\.\//, ''));
    }
  };
  for (const ref of htmlReferences(readFileSync(join(assetsDir, page), 'utf8'))) {
    if (/^[a-z]+:|^\/\//i.test(ref.url)) continue;
    visit(ref.url.replace(/^\.\//, '').split(/[?#]/)[0] ?? '');
  }
  return [...seen].filter((f) => f.endsWith('.js') || f.endsWith('.css')).sort();
}

export async function runAppSizeBench(options: AppSizeOptions = {}): Promise<AppSizeRow[]> {
  const assetsDir = options.assetsDir ?? join(ROOT, 'zendesk-app', 'dist', 'assets');
  const hasPages = existsSync(assetsDir) && readdirSync(assetsDir).some((f) => f.endsWith('.html'));
  if (options.build || !hasPages) await buildApp();

  return readdirSync(assetsDir)
    .filter((f) => f.endsWith('.html'))
    .sort()
    .map((page) => {
      const location = page.replace(/\.html$/, '');
      const files = pageFiles(assetsDir, page);
      let js = 0;
      let css = 0;
      for (const f of files) {
        const size = gzipSize(readFileSync(join(assetsDir, f)));
        if (f.endsWith('.css')) css += size;
        else js += size;
      }
      const totalGzipKB = Math.round((js + css) / 100) / 10;
      const budgetKB = BUDGETS_KB[location] ?? null;
      return {
        location,
        jsGzipBytes: js,
        cssGzipBytes: css,
        totalGzipKB,
        budgetKB,
        withinBudget: budgetKB === null || totalGzipKB <= budgetKB,
        files,
      };
    });
}

async function main() {
  const rows = await runAppSizeBench({ build: process.argv.includes('--build') });
  console.log('location         JS gzip    CSS gzip   total      budget   ');
  for (const r of rows) {
    console.log(
      [
        r.location.padEnd(16),
        `${(r.jsGzipBytes / 1000).toFixed(1)} kB`.padEnd(10),
        `${(r.cssGzipBytes / 1000).toFixed(1)} kB`.padEnd(10),
        `${r.totalGzipKB.toFixed(1)} kB`.padEnd(10),
        r.budgetKB === null ? '-' : `${r.budgetKB} kB ${r.withinBudget ? 'ok' : 'OVER'}`,
      ].join(' '),
    );
  }
  if (process.argv.includes('--strict') && rows.some((r) => !r.withinBudget)) process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
