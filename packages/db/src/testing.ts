// Test databases: migrate a template once per test run, then clone it per test file (CREATE DATABASE ... TEMPLATE),
// which takes milliseconds instead of re-running migrations.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb } from './connection.ts';
import { migrateToLatest } from './migrate.ts';

const TEST_DB_PREFIX = 'onward_t_';

function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const ident = (name: string) => {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  return `"${name}"`;
};

function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Drops test databases left behind by runs whose process is gone (a crashed or killed run). */
export async function dropStaleTestDatabases(adminUrl: string): Promise<void> {
  await withAdmin(adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      `select datname from pg_database where datname like '${TEST_DB_PREFIX}%'`,
    );
    for (const { datname } of rows) {
      const pid = Number(datname.slice(TEST_DB_PREFIX.length).split('_')[0]);
      if (Number.isInteger(pid) && !pidIsAlive(pid)) {
        await client.query(`drop database if exists ${ident(datname)} with (force)`);
      }
    }
  });
}

/** Creates and migrates the template for this run; returns its name. */
export async function createTemplateDatabase(adminUrl: string): Promise<string> {
  const name = `${TEST_DB_PREFIX}${process.pid}_template`;
  await withAdmin(adminUrl, async (client) => {
    await client.query(`drop database if exists ${ident(name)} with (force)`);
    await client.query(`create database ${ident(name)}`);
  });
  const db = createDb({ connectionString: databaseUrl(adminUrl, name), maxConnections: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return name;
}

/** Clones the template into a fresh database; returns its connection URL and a drop function. */
export async function cloneTestDatabase(adminUrl: string, template: string) {
  const pid = template.slice(TEST_DB_PREFIX.length).split('_')[0];
  const name = `${TEST_DB_PREFIX}${pid}_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`create database ${ident(name)} template ${ident(template)}`));
  return {
    name,
    url: databaseUrl(adminUrl, name),
    drop: () => dropDatabase(adminUrl, name),
  };
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, (client) => client.query(`drop database if exists ${ident(name)} with (force)`));
}
