// `npm run soak` (a few thousand interactions, ~25 min) and `npm run soak -- --quick` (a few
// hundred, ~2-3 min; run by .ci/run): the whole product on the local stack (scripts/local-stack.ts)
// under random faults, then a verdict from the fakes' records and D1 (soak/checks.ts). docs/soak.md
// explains the faults, the checks and how to read soak-results/latest.json.
//
//   1. start the stack (fresh local D1 in a temp folder), provision the `soak` installation through
//      POST /v1/installations and two rules through POST /v1/rules (an admin's page-load session)
//   2. restart the worker with D1 fault injection on (edge-worker/src/db/fault-injection.ts)
//   3. traffic: each ticket's ending as Zendesk reports it (soak/zendesk-webhooks.ts: signed,
//      retried per Zendesk's policy), some twice, some from two sources, some end events in swapped
//      order; meanwhile random Zendesk / Telnyx faults (5xx, 429 with Retry-After, timeouts,
//      dropped connections), one outage of each, and the worker killed (SIGKILL) and started again
//   4. faults off; drive to quiescence: run the Cron Trigger (`/__scheduled?cron=*/5 * * * *`,
//      the sweeper's schedule) every few seconds until nothing is pending, or the time is up
//   5. read D1 (wrangler d1 execute) and the Telnyx fake's accepted SMS, judge, write the result
//
// Options: --quick, --seed <n> (default 12), --out <file> (default soak-results/latest.json,
// quick: soak-results/quick.json), --keep-state, --worker-var NAME=VALUE (repeatable: more
// configuration for the worker under test, e.g. a sweeper's staleness threshold).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LOCAL_DEV, ROOT, startLocalStack } from '../scripts/local-stack.ts';
import type { LocalStack } from '../scripts/local-stack.ts';
import { adminToken, provisionTenant } from '../bench/tenants.ts';
import type { Tenant } from '../bench/tenants.ts';
import { telnyxControl, zendeskControl } from '../test/fakes/control-client.ts';
import type { RandomFaultAnswer } from '../test/fakes/control-client.ts';
import { demoAccount, ZENDESK_DEMO } from '../test/fakes/zendesk-data.ts';
import type { ZendeskAccountSeed } from '../test/fakes/zendesk-data.ts';
import { TELNYX_DEMO } from '../test/fakes/telnyx-data.ts';
import { judge } from './checks.ts';
import type { InteractionRecord, OutboxRecord, RuleUnderTest, SendRecord, Verdict } from './checks.ts';
import { queryLocalD1 } from './local-d1.ts';
import {
  faultsDurationMs,
  faultWindows,
  planTickets,
  SOAK_TELNYX_TIMEOUT_MS,
  sizesFor,
  telnyxRandomFaults,
  zendeskRandomFaults,
} from './plan.ts';
import type { PlannedTicket, SoakSizes } from './plan.ts';
import { deliverWebhook } from './zendesk-webhooks.ts';
import type { DeliveryOutcome } from './zendesk-webhooks.ts';

const SUBDOMAIN = 'soak';
const SWEEPER_CRON = '*/5 * * * *';

interface Args {
  quick: boolean;
  seed: number;
  out: string;
  keepState: boolean;
  workerVars: Record<string, string>;
}

function parseArgs(argv: string[]): Args {
  const quick = argv.includes('--quick');
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const seed = Number(value('--seed') ?? 12);
  // --worker-var NAME=VALUE (repeatable): more configuration for the worker under test.
  const workerVars: Record<string, string> = {};
  argv.forEach((a, i) => {
    if (a !== '--worker-var') return;
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(argv[i + 1] ?? '');
    if (!m) throw new Error('--worker-var takes NAME=VALUE');
    workerVars[m[1] as string] = m[2] as string;
  });
  if (!Number.isInteger(seed)) throw new Error('--seed takes an integer');
  return {
    quick,
    seed,
    out: value('--out') ?? join(ROOT, 'soak-results', quick ? 'quick.json' : 'latest.json'),
    keepState: argv.includes('--keep-state'),
    workerVars,
  };
}

const started = Date.now();
const log = (line: string) => console.log(`[soak ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

// --- the tenant -------------------------------------------------------------------------------

/** The demo account plus one ticket per interaction, each with its own customer number. */
function soakAccount(tickets: PlannedTicket[]): ZendeskAccountSeed {
  const seed = demoAccount();
  const template = seed.tickets.find((t) => t.id === ZENDESK_DEMO.tickets.damagedOrder);
  if (!template) throw new Error('demo ticket missing');
  const comments = seed.comments[String(ZENDESK_DEMO.tickets.damagedOrder)] ?? [];
  for (const t of tickets) {
    const customFields = template.custom_fields.map((f) => (f.id === ZENDESK_DEMO.fields.phoneNumber ? { ...f, value: t.customerPhone } : f));
    seed.tickets.push({ ...template, id: t.id, subject: `Soak ticket ${t.id}`, status: 'open', custom_fields: customFields });
    seed.comments[String(t.id)] = comments;
  }
  return seed;
}

const RULES = [
  {
    marker: '[soak-customer]',
    recipientKind: 'customer' as const,
    body: {
      label: 'Soak: thank the customer',
      senderNumber: TELNYX_DEMO.numbers.support1,
      recipients: { customer: true },
      content: { customText: 'Thanks for contacting Acme [soak-customer]. Reply STOP to opt out.', dataFields: [{ field: 'subject', label: 'Ticket' }] },
      conditions: { groupIds: [String(ZENDESK_DEMO.groups.support)], events: ['ticket_solved', 'conversation_ended'] },
    },
  },
  {
    marker: '[soak-agent]',
    recipientKind: 'assigned_agent' as const,
    body: {
      label: 'Soak: tell the agent',
      senderNumber: TELNYX_DEMO.numbers.support1,
      recipients: { assignedAgent: true },
      content: { customText: '[soak-agent] Your ticket was solved.', dataFields: [{ field: 'subject', label: 'Ticket' }] },
      conditions: { groupIds: [String(ZENDESK_DEMO.groups.support)], events: ['ticket_solved'] },
    },
  },
];

async function setUpTenant(stack: LocalStack, tickets: PlannedTicket[]): Promise<{ tenant: Tenant; rules: RuleUnderTest[] }> {
  const tenant = await provisionTenant({
    workerUrl: stack.workerUrl,
    zendeskUrl: stack.zendeskUrl,
    telnyxUrl: stack.telnyxUrl,
    provisioningToken: LOCAL_DEV.provisioningToken,
    subdomain: SUBDOMAIN,
    tickets: 0,
    // Limits that are not under test stay out of the way (frequency cap off: every ticket
    // texts the same agent).
    settings: { frequencyCap: null, quietHours: null },
  });
  // The account with the soak's tickets (same tokens as the one provisioning checked).
  await zendeskControl(stack.zendeskUrl).seedAccount(SUBDOMAIN, soakAccount(tickets));
  const token = await adminToken(stack.workerUrl, tenant);
  const rules: RuleUnderTest[] = [];
  for (const rule of RULES) {
    const res = await fetch(`${stack.workerUrl}/v1/rules`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(rule.body),
    });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`rule rejected: ${res.status} ${text}`);
    rules.push({ id: (JSON.parse(text) as { id: string }).id, events: rule.body.conditions.events, marker: rule.marker, recipientKind: rule.recipientKind });
  }
  return { tenant, rules };
}

// --- faults -----------------------------------------------------------------------------------

function d1FaultCounts(logFile: string): { before: number; after: number } {
  if (!existsSync(logFile)) return { before: 0, after: 0 };
  const text = readFileSync(logFile, 'utf8');
  return {
    before: text.match(/"msg":"d1 fault injected","kind":"before"/g)?.length ?? 0,
    after: text.match(/"msg":"d1 fault injected","kind":"after"/g)?.length ?? 0,
  };
}

// --- reading the outcome ----------------------------------------------------------------------

async function pendingCounts(persistDir: string, installationId: string): Promise<{ interactions: number; sends: number }> {
  const [ix, sends] = await queryLocalD1(
    persistDir,
    `SELECT COUNT(*) AS n FROM interactions WHERE installation_id = '${installationId}' AND status NOT IN ('done', 'failed');
     SELECT COUNT(*) AS n FROM sends WHERE installation_id = '${installationId}' AND status IN ('reserved', 'held', 'sending');`,
  );
  return { interactions: Number(ix?.[0]?.n ?? -1), sends: Number(sends?.[0]?.n ?? -1) };
}

async function readOutcome(persistDir: string, installationId: string): Promise<{ interactions: InteractionRecord[]; sends: SendRecord[] }> {
  const [interactions, sends] = await queryLocalD1(
    persistDir,
    `SELECT id, ticket_id, status, detail, attempts FROM interactions WHERE installation_id = '${installationId}';
     SELECT id, interaction_id, ticket_id, rule_id, recipient_kind, recipient, status, reason, detail, telnyx_message_id, attempts
       FROM sends WHERE installation_id = '${installationId}';`,
  );
  return { interactions: (interactions ?? []) as unknown as InteractionRecord[], sends: (sends ?? []) as unknown as SendRecord[] };
}

async function outbox(telnyxUrl: string): Promise<OutboxRecord[]> {
  const messages = await telnyxControl(telnyxUrl).messages({ apiKey: TELNYX_DEMO.apiKey });
  return messages.map((m) => ({
    id: m.id,
    to: m.to[0]?.phone_number ?? '',
    text: m.text ?? '',
    sendId: m.webhook_url ? new URL(m.webhook_url).searchParams.get('send') : null,
  }));
}

// --- the run ----------------------------------------------------------------------------------

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const sizes: SoakSizes = sizesFor(args.quick ? 'quick' : 'full');
  const artifacts = join(ROOT, 'test-artifacts', 'soak');
  mkdirSync(artifacts, { recursive: true });
  const workerLog = join(artifacts, `worker-${sizes.mode}.log`);
  rmSync(workerLog, { force: true });
  const stateDir = mkdtempSync(join(tmpdir(), 'pisms-soak-'));
  const persistDir = join(stateDir, 'state');
  log(`${sizes.mode} soak, seed ${args.seed}: ${sizes.interactions} interactions over ${sizes.trafficMs / 1000} s; state ${persistDir}; worker log ${workerLog}`);

  // The sweeper's grace (15 min in production) shortened to fit the soak's patience.
  const baseVars = { TELNYX_TIMEOUT_MS: String(SOAK_TELNYX_TIMEOUT_MS), SWEEP_GRACE_SECONDS: '20', ...args.workerVars };
  const stack = await startLocalStack({
    ports: { worker: 0, zendesk: 0, telnyx: 0, playground: 0 },
    persistDir,
    fresh: true,
    install: 'none',
    // The worker serves the app's pages; a soak does not need them fresh.
    buildApp: existsSync(join(ROOT, 'zendesk-app', 'dist', 'assets')) ? 'never' : 'if-stale',
    workerOutput: { file: workerLog },
    callbackDelayMs: 500,
    workerVars: baseVars,
    testScheduled: true,
    log: (line) => log(line),
  });
  const onSignal = () => {
    void stack.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // A bound on the whole run, whatever hangs: stop everything and fail (exit 2).
  const limitMs = faultsDurationMs(sizes) + sizes.quiesceMs + 6 * 60_000;
  const watchdog = setTimeout(() => {
    console.error(`[soak] no result after ${Math.round(limitMs / 1000)} s: stopping`);
    void stack.stop().finally(() => process.exit(2));
  }, limitMs);
  watchdog.unref();
  try {
    return await soak(stack, sizes, args, persistDir, workerLog, baseVars);
  } finally {
    await stack.stop();
    if (!args.keepState) rmSync(stateDir, { recursive: true, force: true });
  }
}

async function soak(stack: LocalStack, sizes: SoakSizes, args: Args, persistDir: string, workerLog: string, baseVars: Record<string, string>): Promise<number> {
  const zendesk = zendeskControl(stack.zendeskUrl);
  const telnyx = telnyxControl(stack.telnyxUrl);
  const tickets = planTickets(args.seed, sizes, new Date().toISOString());
  const { tenant, rules } = await setUpTenant(stack, tickets);
  log(`installation ${tenant.id} with ${rules.length} rules and ${tickets.length} tickets`);

  // The worker again, now with D1 faults until the traffic's faults end.
  const faultsMs = faultsDurationMs(sizes);
  const restartAt = Date.now();
  const faultVars = {
    ...baseVars,
    FAULT_INJECT_D1_RATE: String(sizes.d1FaultRate),
    FAULT_INJECT_D1_SEED: String(args.seed),
    FAULT_INJECT_D1_AFTER: String(sizes.d1AfterShare),
  };
  // The window starts when the restart is done; its end is fixed now (a later kill keeps it).
  const d1Until = restartAt + 15_000 + faultsMs;
  await stack.startWorker({ ...faultVars, FAULT_INJECT_D1_UNTIL: String(d1Until) });
  const windows = faultWindows(sizes, Date.now());
  const faultsEnd = windows.trafficStart + faultsMs;
  log(`worker restarted with D1 faults (rate ${sizes.d1FaultRate}) in ${((Date.now() - restartAt) / 1000).toFixed(1)} s; traffic starts`);

  await zendesk.setRandomFaults(zendeskRandomFaults(args.seed * 31 + 1, sizes));
  await telnyx.setRandomFaults(telnyxRandomFaults(args.seed * 31 + 2, sizes));

  const url = `${stack.workerUrl}/v1/webhooks/zendesk/${tenant.id}`;
  const deliveries: Array<Promise<DeliveryOutcome>> = [];
  const kills: Array<{ atS: number; downS: number }> = [];
  // Timed events: outages and kills.
  const events = [
    { at: windows.zendeskOutageAt, run: () => zendesk.setRandomFaults(zendeskRandomFaults(args.seed * 31 + 3, sizes, true)).then(() => log(`Zendesk outage for ${sizes.zendeskOutage.durationMs / 1000} s`)) },
    { at: windows.telnyxOutageAt, run: () => telnyx.setRandomFaults(telnyxRandomFaults(args.seed * 31 + 4, sizes, true)).then(() => log(`Telnyx outage for ${sizes.telnyxOutage.durationMs / 1000} s`)) },
    ...windows.killsAt.map((at) => ({
      at,
      run: async () => {
        const t0 = Date.now();
        log('killing the worker (SIGKILL to wrangler dev and its workerd)');
        await stack.stopWorker('kill');
        await sleep(sizes.downMs);
        await stack.startWorker({ ...faultVars, FAULT_INJECT_D1_UNTIL: String(d1Until) });
        kills.push({ atS: Math.round((t0 - windows.trafficStart) / 1000), downS: Math.round((Date.now() - t0) / 100) / 10 });
        log(`worker back after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      },
    })),
  ];
  // Each at its own time: an outage does not wait for a restart to finish.
  const timeline = Promise.all(events.map((e) => sleep(e.at - Date.now()).then(e.run)));

  let sent = 0;
  for (const ticket of [...tickets].sort((a, b) => a.startMs - b.startMs)) {
    await sleep(windows.trafficStart + ticket.startMs - Date.now());
    for (const w of ticket.webhooks) {
      deliveries.push(sleep(w.delayMs).then(() => deliverWebhook(url, tenant.webhookSecret, ticket, w)));
    }
    sent++;
    if (sent % Math.max(1, Math.floor(tickets.length / 10)) === 0) log(`${sent}/${tickets.length} tickets ended`);
  }
  await timeline;
  const outcomes = await Promise.all(deliveries);
  log(`all webhooks delivered or given up (${outcomes.filter((o) => o.gaveUp).length} given up)`);

  // Faults end (an outage may outlast the traffic), then quiescence with sweeper runs.
  await sleep(faultsEnd - Date.now());
  await zendesk.clearRandomFaults();
  await telnyx.clearRandomFaults();
  log('faults off; waiting for quiescence (the Cron Trigger runs every few seconds)');
  // Until nothing is pending, or nothing has moved for `stallMs` (a slow machine keeps going while
  // work still moves), or the hard limit `quiesceMs`.
  const deadline = Date.now() + sizes.quiesceMs;
  let sweeps = 0;
  let lastSms = -1;
  let pending = { interactions: -1, sends: -1 };
  let quiet = false;
  let stalled = false;
  let lastState = '';
  let lastChange = Date.now();
  while (Date.now() < deadline) {
    const res = await fetch(`${stack.workerUrl}/__scheduled?cron=${encodeURIComponent(SWEEPER_CRON)}`).catch(() => null);
    if (res?.ok) sweeps++;
    await res?.arrayBuffer();
    await sleep(8_000);
    pending = await pendingCounts(persistDir, tenant.id);
    const sms = (await outbox(stack.telnyxUrl)).length;
    log(`pending: ${pending.interactions} interactions, ${pending.sends} sends; ${sms} SMS at Telnyx`);
    if (pending.interactions === 0 && pending.sends === 0 && sms === lastSms) {
      quiet = true;
      break;
    }
    lastSms = sms;
    const state = `${pending.interactions}|${pending.sends}|${sms}`;
    if (state !== lastState) {
      lastState = state;
      lastChange = Date.now();
    } else if (Date.now() - lastChange >= sizes.stallMs) {
      stalled = true;
      break;
    }
  }
  log(quiet ? 'quiescent' : stalled ? `nothing moved for ${sizes.stallMs / 1000} s: judging as it is` : `not quiescent after ${sizes.quiesceMs / 1000} s: judging as it is`);

  // Judge on a still database.
  const messages = await outbox(stack.telnyxUrl);
  const [zendeskFaults, telnyxFaults] = await Promise.all([zendesk.randomFaults(), telnyx.randomFaults()]);
  await stack.stopWorker('graceful');
  const { interactions, sends } = await readOutcome(persistDir, tenant.id);
  const undelivered = new Set<number>();
  const refusedEvents = new Map<number, Set<string>>();
  for (const t of tickets) {
    const mine = outcomes.filter((o) => o.ticketId === t.id);
    if (mine.every((o) => o.gaveUp)) undelivered.add(t.id);
    const refused = new Set(mine.filter((o) => o.gaveUp).map((o) => o.webhook.event));
    for (const o of mine) if (!o.gaveUp) refused.delete(o.webhook.event);
    if (refused.size) refusedEvents.set(t.id, refused);
  }
  const verdict = judge({
    tickets,
    rules,
    agentPhone: ZENDESK_DEMO.phones.agent,
    interactions,
    sends,
    messages,
    undeliveredTickets: undelivered,
    refusedEvents,
  });
  const result = report(args, sizes, verdict, {
    tickets,
    outcomes,
    zendeskFaults,
    telnyxFaults,
    d1: d1FaultCounts(workerLog),
    kills,
    sweeps,
    quiet,
  });
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
  if (!verdict.ok) cpSync(workerLog, join(dirname(workerLog), `worker-${sizes.mode}-failed.log`));
  console.log(summaryLine(result));
  for (const c of verdict.checks.filter((c) => !c.ok)) {
    console.log(`  FAILED ${c.name}: ${c.count}`);
    for (const e of c.examples) console.log(`    ${e}`);
  }
  log(`result written to ${args.out}`);
  return verdict.ok ? 0 : 1;
}

interface RunFacts {
  tickets: PlannedTicket[];
  outcomes: DeliveryOutcome[];
  zendeskFaults: RandomFaultAnswer;
  telnyxFaults: RandomFaultAnswer;
  d1: { before: number; after: number };
  kills: Array<{ atS: number; downS: number }>;
  sweeps: number;
  quiet: boolean;
}

function report(args: Args, sizes: SoakSizes, v: Verdict, f: RunFacts) {
  const webhookStatuses: Record<string, number> = {};
  for (const o of f.outcomes) webhookStatuses[o.gaveUp ? `gave_up_${o.status}` : String(o.status)] = (webhookStatuses[o.gaveUp ? `gave_up_${o.status}` : String(o.status)] ?? 0) + 1;
  const sum = (counts: Partial<Record<string, number>>) => Object.values(counts).reduce((a: number, b) => a + (b ?? 0), 0);
  const shapes: Record<string, number> = {};
  for (const t of f.tickets) shapes[t.shape] = (shapes[t.shape] ?? 0) + 1;
  const faults = {
    zendesk: f.zendeskFaults.injected,
    telnyx: f.telnyxFaults.injected,
    d1: f.d1,
    workerKills: f.kills.length,
    // Webhooks Zendesk sends twice (a redelivery, or the trigger and the event webhook of one solve).
    duplicateWebhooks: (shapes.redelivered ?? 0) + (shapes['both-sources'] ?? 0),
    // Chat endings whose webhook arrives after the later solve's.
    outOfOrderWebhooks: shapes['swapped-end'] ?? 0,
    webhookRetries: f.outcomes.reduce((n, o) => n + o.attempts - 1, 0),
  };
  return {
    ok: v.ok,
    mode: sizes.mode,
    seed: args.seed,
    finishedAt: new Date().toISOString(),
    durationS: Math.round((Date.now() - started) / 1000),
    interactions: v.interactions,
    interactionsRecorded: v.interactionsRecorded,
    sms: v.sms,
    duplicates: v.duplicates,
    lost: v.lost,
    unknown: v.unknown,
    unknownButSent: v.unknownButSent,
    stuckInteractions: v.stuckInteractions,
    stuckSends: v.stuckSends,
    faults: { ...faults, injectedTotal: sum(f.zendeskFaults.injected) + sum(f.telnyxFaults.injected) + f.d1.before + f.d1.after + f.kills.length },
    checks: v.checks,
    lostBy: v.lostBy,
    interactionsByStatus: v.interactionsByStatus,
    failedInteractionDetails: v.failedInteractionDetails,
    sendsByStatus: v.sendsByStatus,
    sendReasons: v.sendReasons,
    webhooks: { sent: f.outcomes.length, statuses: webhookStatuses, ticketShapes: shapes },
    vendorCallsSeen: { zendesk: f.zendeskFaults.considered, telnyxSends: f.telnyxFaults.considered },
    kills: f.kills,
    sweeperRuns: f.sweeps,
    quiescent: f.quiet,
    sizes,
  };
}

function summaryLine(r: ReturnType<typeof report>): string {
  const failed = r.checks.filter((c) => !c.ok).map((c) => `${c.name}=${c.count}`);
  const f = r.faults;
  return [
    `SOAK ${r.ok ? 'PASS' : 'FAIL'} (${r.mode}, seed ${r.seed}, ${r.durationS}s):`,
    `${r.interactions} interactions, ${r.sms} SMS, duplicates ${r.duplicates}, lost ${r.lost}, unknown ${r.unknown}, stuck ${r.stuckInteractions}+${r.stuckSends};`,
    `faults zendesk ${JSON.stringify(f.zendesk)} telnyx ${JSON.stringify(f.telnyx)} d1 ${f.d1.before}+${f.d1.after} kills ${f.workerKills}`,
    failed.length ? `; failed: ${failed.join(' ')}` : '',
  ].join(' ');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
