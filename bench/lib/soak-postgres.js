// `--start-postgres`: a throwaway PostgreSQL cluster for the soak, the same way as
// test/helpers/postgres-server.ts (Debian's packaged binaries, initdb in a temp dir,
// pg_ctl on 127.0.0.1 with a free port, trust authentication on loopback only; as root
// the cluster runs as the `postgres` system user). Unlike the test clusters it keeps
// fsync on: the soak should pay for durable commits as a real deployment does.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './net.js';

/** The newest `/usr/lib/postgresql/<v>/bin` holding initdb and pg_ctl, if any. */
export function postgresBinDir() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, 'bin')).find((bin) => existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl')));
}


/** Starts a cluster and creates database `soak`; returns its URL, the server's version and `stop()`. */
export async function startThrowawayPostgres() {
  const bin = postgresBinDir();
  if (!bin) throw new Error('--start-postgres needs PostgreSQL (Debian package postgresql: /usr/lib/postgresql/<v>/bin)');
  const dir = mkdtempSync(join(tmpdir(), 'posture-soak-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const id = (flag) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  const run = (cmd, args) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] : [join(bin, cmd), args];
    execFileSync(file, argv, { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
  };
  const data = join(dir, 'data');
  let started = false;
  const stop = () => {
    try {
      if (started) run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    } finally {
      started = false;
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const port = await freePort();
    run('pg_ctl', ['-D', data, '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`, '-l', join(dir, 'server.log'), '-w', '-t', '30', 'start']);
    started = true;
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    await client.connect();
    let version;
    try {
      await client.query('CREATE DATABASE soak');
      version = (await client.query('SHOW server_version')).rows[0].server_version;
    } finally {
      await client.end();
    }
    return { url: `postgres://postgres@127.0.0.1:${port}/soak`, version, stop };
  } catch (e) {
    stop();
    throw e;
  }
}
