// The delivery report for admins and supervisors: GET /v1/report (JSON) and GET /v1/report.csv
// (the same rows, RFC 4180). Read from the daily aggregates only (db/report.ts), never from sends.
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { Report, ReportQuery, resolveReportRange, sumCounts, toReportCsv } from '../../../shared/schemas/report.ts';
import { listReportRows } from '../db/report.ts';
import { requireManager } from './auth.ts';
import type { AppEnv } from './context.ts';
import { authErrors, bearerSecurity, errors, jsonResponse } from './openapi-helpers.ts';

export const reportApi = new OpenAPIHono<AppEnv>();
const tags = ['Report'];

reportApi.use('/report', requireManager);
reportApi.use('/report.csv', requireManager);

const query = ReportQuery.openapi({
  description: 'UTC days, both included; default the last 30 days up to today; at most 366 days',
});

async function readReport(db: D1Database, installationId: string, q: ReportQuery, nowMs: number): Promise<Report> {
  const { from, to } = resolveReportRange(q, new Date(nowMs).toISOString().slice(0, 10));
  const rows = await listReportRows(db, installationId, from, to);
  return { from, to, rows, totals: sumCounts(rows) };
}

reportApi.openapi(
  createRoute({
    method: 'get',
    path: '/report',
    tags,
    security: bearerSecurity,
    summary: 'Sent, delivered, failed, skipped, opt-outs, parts and cost per day and rule, with totals',
    request: { query },
    responses: { 200: jsonResponse(Report, 'The report'), ...authErrors, 422: errors[422] },
  }),
  async (c) => c.json(await readReport(c.env.DB, c.get('caller').installation.id, c.req.valid('query'), Date.now()), 200),
);

reportApi.openapi(
  createRoute({
    method: 'get',
    path: '/report.csv',
    tags,
    security: bearerSecurity,
    summary: 'The same rows as GET /v1/report as CSV (RFC 4180, header row, no totals row)',
    request: { query },
    responses: {
      200: { description: 'CSV, one row per day and rule', content: { 'text/csv': { schema: z.string() } } },
      ...authErrors,
      422: errors[422],
    },
  }),
  async (c) => {
    const report = await readReport(c.env.DB, c.get('caller').installation.id, c.req.valid('query'), Date.now());
    return c.text(toReportCsv(report.rows), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="sms-report-${report.from}-to-${report.to}.csv"`,
    });
  },
);
