import { parseArgs } from 'node:util';
import { createCloudlinkClient } from './client.js';
import { walkFlow } from './flow.js';

const HELP = `Usage: pnpm --filter @cloudlink/trpc-client-example start -- [options]

Walks a whole flow against a running cloudlink server over tRPC: connect AWS, complete, link the
project, create a Route 53 zone, write records, list them, register an instance, name app.<domain>,
connect it to the instance, sync the zone. Try it against \`pnpm start:sandbox\`.

Options (each also read from the environment variable in brackets):
  --url <url>           server base URL [CLOUDLINK_URL] (default http://localhost:3000)
  --token <jwt>         Bearer token, e.g. from \`pnpm -s cloudlink seed …\` [CLOUDLINK_TOKEN] (required)
  --workspace <slug>    workspace slug (default acme)
  --project <slug>      project slug (default shop)
  --environment <slug>  environment slug (default prod)
  --account-id <12 digits>  AWS account to complete with (default 123456789012)
  --domain <name>       zone to create (default trpc-example.com)
  --help                show this help`;

// `pnpm … start -- --token x` hands the script a leading `--`, which parseArgs would read as
// "positionals follow" and refuse every option after it.
const argv = process.argv.slice(2);
let parsed;
try {
  parsed = parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : argv,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      workspace: { type: 'string', default: 'acme' },
      project: { type: 'string', default: 'shop' },
      environment: { type: 'string', default: 'prod' },
      'account-id': { type: 'string', default: '123456789012' },
      domain: { type: 'string', default: 'trpc-example.com' },
      help: { type: 'boolean', default: false },
    },
  });
} catch (e) {
  console.error(`${(e as Error).message} (see --help)`);
  process.exit(1);
}
const { values } = parsed;

if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const url = values.url ?? process.env.CLOUDLINK_URL ?? 'http://localhost:3000';
const token = values.token ?? process.env.CLOUDLINK_TOKEN;
if (!token) {
  console.error('A token is required: --token <jwt> or CLOUDLINK_TOKEN (see --help)');
  process.exit(1);
}

try {
  const result = await walkFlow(createCloudlinkClient({ url, token }), {
    workspace: values.workspace,
    project: values.project,
    environment: values.environment,
    accountId: values['account-id'],
    domain: values.domain,
    log: (line) => console.error(line),
  });
  console.log(JSON.stringify(result));
} catch (e) {
  // TRPCClientError carries the REST error body in data.cloudlink.
  const body = (e as { data?: { cloudlink?: unknown } }).data?.cloudlink;
  console.error(JSON.stringify(body ?? { error: 'Request failed', message: (e as Error).message }));
  process.exit(1);
}
