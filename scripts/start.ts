// `npm start`: the whole product on one machine (scripts/local-stack.ts) on fixed ports, until
// Ctrl-C. Flags: --fresh (empty local D1 and a new installation), --quiet (no worker log lines).
import { startLocalStack } from './local-stack.ts';

const args = new Set(process.argv.slice(2));
if (args.has('--help') || args.has('-h')) {
  console.log(
    'Usage: npm start [-- --fresh] [-- --quiet]\n  --fresh  delete the local D1 state and provision a new demo installation\n  --quiet  do not print the worker log',
  );
  process.exit(0);
}

const stack = await startLocalStack({ fresh: args.has('--fresh'), workerOutput: args.has('--quiet') ? 'ignore' : 'inherit' }).catch(
  (error: unknown) => {
    console.error(`\nCould not start the local stack:\n${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

const { installation } = stack;
console.log(`
Post-Interaction SMS is running on this machine.

  Playground   ${stack.playgroundUrl}   <- open this: the app in a stand-in Zendesk, with an SMS phone
  Worker       ${stack.workerUrl}   (API; ${stack.workerUrl}/openapi.json)
  Zendesk fake ${stack.zendeskUrl}/${installation.subdomain}   (demo account "${installation.subdomain}")
  Telnyx fake  ${stack.telnyxUrl}/v2   (SMS sandbox: records every SMS, calls back delivery receipts)

  Installation ${installation.id}
  Shared secret ${installation.sharedSecret}
  (kept in .wrangler/local-installation.json; \`npm start -- --fresh\` starts over)

Next: open the playground, act as "Sam Supervisor", create a rule in the admin screen, then act as
"Alex Agent", open a ticket, click "Solve ticket" and watch the phone. Ctrl-C stops everything.
`);

let stopping = false;
const shutdown = () => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  void stack.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
