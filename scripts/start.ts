// `npm start`: the whole product on one machine (scripts/local-stack.ts) on fixed ports, until
// Ctrl-C. The demo account starts as a new account does: not connected; an admin connects it in
// the app. Flags: --fresh (empty local D1), --quiet (no worker log lines), --connected (start with
// the demo account connected and set up, as `install: 'connect-as-admin'` does).
import { startLocalStack } from './local-stack.ts';

const args = new Set(process.argv.slice(2));
if (args.has('--help') || args.has('-h')) {
  console.log(
    [
      'Usage: npm start [-- --fresh] [-- --quiet] [-- --connected]',
      '  --fresh      delete the local D1 state first (rules, sends, audit, the installation)',
      '  --quiet      do not print the worker log',
      '  --connected  connect and set up the demo account at start (skips the install story)',
    ].join('\n'),
  );
  process.exit(0);
}

const stack = await startLocalStack({
  fresh: args.has('--fresh'),
  install: args.has('--connected') ? 'connect-as-admin' : 'none',
  workerOutput: args.has('--quiet') ? 'ignore' : 'inherit',
}).catch((error: unknown) => {
  console.error(`\nCould not start the local stack:\n${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

const installed = stack.installation
  ? `  Installation ${stack.installation.id}: connected${stack.installState === 'reconnected' ? ' (from the local database; connected again to the new Zendesk fake)' : ''}.
  Act as "Sam Supervisor" to create a rule, then as "Alex Agent" open a ticket, click "Solve ticket"
  and watch the phone.`
  : `  The demo account is not connected yet. Install it as a new account would:
   1. Acting as "Ada Admin", open the admin screen and press "Connect Zendesk".
   2. In the Zendesk consent window, press "Allow" (signed in as Ada Admin).
   3. In Setup, press "Use the SMS sandbox", then "Create Zendesk webhook and triggers".
   4. Rules tab: create a rule (a label and the text).
   5. Act as "Alex Agent", open ticket #5001 and click "Solve ticket": the SMS shows on the phone.`;

console.log(`
Post-Interaction SMS is running on this machine.

  Playground   ${stack.playgroundUrl}   <- open this: the app in a stand-in Zendesk, with an SMS phone
  Worker       ${stack.workerUrl}   (API ${stack.workerUrl}/openapi.json; serves the app's pages)
  Zendesk fake ${stack.zendeskUrl}/${stack.subdomain}   (demo account "${stack.subdomain}")
  Telnyx fake  ${stack.telnyxUrl}/v2   (SMS sandbox: records every SMS, calls back delivery receipts)

${installed}

Nothing to paste: the local database is in .wrangler/state (\`npm start -- --fresh\` starts over).
Ctrl-C stops everything.
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
