// Creates the first admin, or promotes an existing account: npm run create-admin -- <handle>
// The password is read from the terminal (hidden) or from standard input when piped; never from argv.
import { createInterface } from 'node:readline';
import { ConfigError, loadConfigFromProcessEnv } from '@onward/config';
import { createDb, createUserRepository, migrateToLatest } from '@onward/db';
import { isAppError } from '@onward/domain';
import { createOrPromoteAdmin } from '../accounts/create-admin.ts';

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    return input.split('\n')[0] ?? '';
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  process.stdout.write('Password for the admin (min. 10 characters): ');
  const muted = rl as unknown as { _writeToOutput: (s: string) => void };
  muted._writeToOutput = () => {};
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stdout.write('\n');
  return answer;
}

async function main() {
  const handle = process.argv[2];
  if (!handle) {
    console.error('usage: npm run create-admin -- <handle>   (password on stdin or prompted)');
    process.exit(2);
  }
  const config = loadConfigFromProcessEnv();
  const db = createDb({ connectionString: config.databaseUrl, maxConnections: 1 });
  try {
    await migrateToLatest(db);
    const result = await createOrPromoteAdmin(createUserRepository(db), handle, await readPassword());
    console.log(result.created ? `Created admin ${result.handle}.` : `Promoted ${result.handle} to admin.`);
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || isAppError(error)) console.error(`create-admin: ${error.message}`);
  else console.error('create-admin failed:', error);
  process.exit(1);
});
