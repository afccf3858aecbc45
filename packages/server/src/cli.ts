#!/usr/bin/env node
import { RoleSchema } from '@tandem/contract';
import {
  createWorkspace,
  type Engine,
  listWorkspacesOfUser,
  migrate,
  oldestWorkspace,
  openStore,
} from '@tandem/engine';
import { Command, InvalidArgumentError } from 'commander';
import { verifyAuditChains } from './audit-log/audit-verify-command.js';
import { importFile } from './cli/import-command.js';
import { backupStore, restoreStore } from './cli/store-file-commands.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { sendDemo } from './demo/demo-command.js';
import { boundHeapGrowth } from './heap-growth.js';
import { RELEASE_VERSION } from './release.js';
import { openEngine, startServer } from './start-server.js';

const program = new Command()
  .name('tandem')
  .description('Tandem: customer data platform and CRM on one profile per person.')
  .version(RELEASE_VERSION)
  .showHelpAfterError();

program
  .command('start')
  .description('Run the server (Tracking API, admin API and web UI); migrates storage first.')
  .action(async () => {
    // Before any thread starts: the flag is the process's, every thread's heap follows it.
    boundHeapGrowth();
    await startServer(config());
  });

program
  .command('migrate')
  .description('Apply pending storage migrations and exit.')
  .action(async () => {
    const settings = config();
    const store = await openStore({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir });
    try {
      const applied = await migrate(store);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Storage is up to date.');
    } finally {
      await store.close();
    }
  });

program
  .command('rebuild')
  .description(
    'Replay the event log from the start into fresh profiles (identity, traits, companies), then recompute computed traits and audiences.',
  )
  .action(async () => {
    await withEngine(async (engine) => {
      const started = Date.now();
      // Every stage empties what it derived, then the log is replayed through all of them.
      const events = await engine.pipeline.rebuild();
      console.log(
        `Rebuilt profiles from ${events} events in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
      );
    });
  });

program
  .command('backup')
  .description(
    'Write a consistent copy of the embedded store to a file, also while a server runs on it (PostgreSQL: use pg_dump).',
  )
  .requiredOption('--to <file>', 'the backup file to create (never overwritten)')
  .action(async (options: { to: string }) => {
    console.log(await backupStore(config(), options.to));
  });

program
  .command('restore')
  .description(
    'Replace the embedded store with a backup (the server must be stopped); an older store is migrated, the replaced one kept beside it.',
  )
  .requiredOption('--from <file>', 'a backup, or the store file of this or an older release')
  .action(async (options: { from: string }) => {
    console.log(await restoreStore(config(), options.from));
  });

const user = program.command('user').description('Manage users.');
user
  .command('create')
  .description(
    'Create a user (or set their password, ending their sessions) and make them a member of a workspace with a role.',
  )
  .requiredOption('--email <email>', 'login email')
  .option(
    '--password <password>',
    'password (at least 8 characters, not a common one); without it the user cannot sign in yet',
  )
  .option('--role <role>', 'owner | admin | marketer | sales | support | viewer', parseRole, 'viewer')
  .option('--workspace <id>', 'workspace id (default: the first workspace)')
  .action(
    async (options: {
      email: string;
      password?: string;
      role: ReturnType<typeof parseRole>;
      workspace?: string;
    }) => {
      if (options.password !== undefined && options.password.length < 8) {
        throw new InvalidArgumentError('--password must have at least 8 characters');
      }
      await withEngine(async (engine) => {
        const workspaceId = options.workspace ?? (await firstWorkspaceId(engine));
        const member = await engine.access.accounts.ensureUser(options);
        await engine.access.members.add(workspaceId, member.id, options.role);
        console.log(`User ${member.email} (${member.id}) is ${options.role} of ${workspaceId}.`);
      });
    },
  );

const token = program.command('token').description('Manage API tokens.');
token
  .command('create')
  .description('Create an API token; the secret is printed once.')
  .option('--name <name>', 'what the token is for', 'CLI token')
  .option('--role <role>', 'owner | admin | marketer | sales | support | viewer', parseRole, 'admin')
  .option('--workspace <id>', 'workspace id (default: the first workspace)')
  .action(async (options: { name: string; role: ReturnType<typeof parseRole>; workspace?: string }) => {
    await withEngine(async (engine) => {
      const workspaceId = options.workspace ?? (await firstWorkspaceId(engine));
      const created = await engine.access.tokens.create({
        workspaceId,
        name: options.name,
        role: options.role,
      });
      console.log(created.token);
    });
  });

program
  .command('import')
  .description('Import a CSV or NDJSON file of offline data (POS exports, surveys, call logs) into a source.')
  .argument('<file>', 'the file to import (streamed: any size)')
  .requiredOption('--source <source>', 'source id or write key')
  .option(
    '--map <mapping>',
    'target=column pairs: userId, anonymousId, messageId, event, type, timestamp, groupId, traits.<name>, properties.<name>, context.<path>; for --type deal: name, amount, currency, closeDate, pipeline, stage, status, lostReason, owner, company, companyDomain, person, people.<role>, fields.<key>, externalId, dealId',
    '',
  )
  .option('--format <format>', 'csv | ndjson (default: from the file extension)')
  .option(
    '--type <type>',
    'what every row becomes: track | identify | page | screen | group (calls) | deal (CRM deals)',
  )
  .option('--event <name>', 'event name of every row of a track import')
  .option('--currency <code>', 'a deal import: the currency of rows without one (e.g. EUR)')
  .addHelpText(
    'after',
    '\nExample:\n  tandem import orders.csv --source wk_... --map "userId=customer_id,traits.email=email,properties.total=amount,timestamp=date" --event "Order Completed"\nRe-running the same import stores nothing twice.\n  tandem import deals.csv --source wk_... --type deal --currency EUR --map "externalId=id,name=Deal,amount=Amount,stage=Stage,owner=Owner,companyDomain=Website,people.champion=Contact"\nA deal import with an externalId column updates the deals of an earlier run instead of adding them again.',
  )
  .action(async (file: string, options: Parameters<typeof importFile>[2]) => {
    await withEngine(
      async (engine) => {
        const job = await importFile(engine, file, options);
        console.log(
          job.type === 'deal'
            ? `Import ${job.id} ${job.status}: ${job.rowsStored} deals created, ${job.rowsDuplicate} updated, ${job.rowsRejected} rejected.`
            : `Import ${job.id} ${job.status}: ${job.rowsStored} stored, ${job.rowsDuplicate} already there, ${job.rowsRejected} rejected.`,
        );
        for (const error of job.errors.slice(0, 20)) console.log(`  line ${error.line}: ${error.message}`);
        if (job.status === 'failed') throw new Error(job.failure ?? 'import failed');
      },
      // An import appends one group at a time: a small page cache and no log writer thread (its
      // connection and heap) keep a multi-GB file in constant, small memory.
      { pageCacheMb: 8, logWriterThread: false },
    );
  });

program
  .command('demo')
  .description(
    'Send a realistic e-commerce + B2B demo workspace to a running Tandem through its Tracking API.',
  )
  .option('--url <url>', 'Tandem base URL (default: http://localhost:$PORT)')
  .option(
    '--write-key <key>',
    'write key of the source to fill (default: TANDEM_WRITE_KEY, else the first source of the local store)',
  )
  .option('--people <n>', 'how many people', (value) => Number.parseInt(value, 10), 2000)
  .option(
    '--seed <n>',
    'random seed: the same seed gives the same data',
    (value) => Number.parseInt(value, 10),
    1,
  )
  .action(async (options: { url?: string; writeKey?: string; people: number; seed: number }) => {
    const settings = config();
    const writeKey =
      options.writeKey ?? settings.writeKey ?? (await withEngine((engine) => firstWriteKey(engine)));
    const url = options.url ?? `http://localhost:${settings.port}`;
    const started = Date.now();
    const result = await sendDemo({
      url,
      writeKey,
      people: options.people,
      seed: options.seed,
      onProgress: (sent) => process.stderr.write(`\rSent ${sent} calls`),
    });
    process.stderr.write('\n');
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `Demo: ${result.sent} calls for ${options.people} people sent to ${url} in ${seconds}s (${result.rejected} rejected).`,
    );
  });

program
  .command('workspace')
  .description('Manage workspaces.')
  .command('create')
  .description('Create a workspace and make a user its owner.')
  .requiredOption('--name <name>', 'workspace name')
  .requiredOption('--owner <email>', 'email of an existing or new user')
  .action(async (options: { name: string; owner: string }) => {
    await withEngine(async (engine) => {
      const workspace = await createWorkspace(engine.store, options.name);
      const owner = await engine.access.accounts.ensureUser({ email: options.owner });
      await engine.access.members.add(workspace.id, owner.id, 'owner');
      const all = await listWorkspacesOfUser(engine.store, owner.id);
      console.log(`Workspace ${workspace.id} created; ${owner.email} owns ${all.length} workspace(s).`);
    });
  });

program
  .command('audit')
  .description('The audit log.')
  .command('verify')
  .description('Check the audit log’s hash chain; reports the first broken link (exit code 1).')
  .option('--workspace <id>', 'one workspace (default: every workspace with an audit log)')
  .action(async (options: { workspace?: string }) => {
    await withEngine(async (engine) => {
      const verified = await verifyAuditChains(engine, options.workspace);
      for (const line of verified.lines) console.log(line);
      if (!verified.ok) process.exitCode = 1;
    });
  });

function parseRole(value: string) {
  const role = RoleSchema.safeParse(value);
  if (!role.success) throw new InvalidArgumentError(`unknown role "${value}"`);
  return role.data;
}

function config(): Config {
  return loadConfig(process.env);
}

async function withEngine<T>(
  work: (engine: Engine) => Promise<T>,
  options: Parameters<typeof openEngine>[1] = {},
): Promise<T> {
  const engine = await openEngine(config(), options);
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

async function firstWriteKey(engine: Engine): Promise<string> {
  const sources = await engine.sources.list(await firstWorkspaceId(engine), { limit: 100 });
  const writeKey = sources.data.find((source) => source.writeKey)?.writeKey;
  if (!writeKey) throw new Error('No source yet: pass --write-key');
  return writeKey;
}

async function firstWorkspaceId(engine: Engine): Promise<string> {
  const first = await oldestWorkspace(engine.store);
  if (!first)
    throw new Error('No workspace yet: run `tandem start` once (it creates "Default") or pass --workspace');
  return first.id;
}

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  console.error(`tandem: ${message}`);
  process.exit(1);
});
