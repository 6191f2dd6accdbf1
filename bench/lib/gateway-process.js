// Real gateways (nginx, Caddy) in the foreground on 127.0.0.1, shared by the e2e tests
// (test/e2e/gateway-helpers.ts re-exports these) and the revocation benchmark. Plain
// JavaScript so that the benchmark, which runs over dist/ without a compile step, can use it;
// its types are in gateway-process.d.ts.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';

/**
 * Replaces every `@NAME@` placeholder of a shipped example with `values[NAME]`.
 * @throws Error when the template has a placeholder without a value (the example and its
 * caller drifted apart) or a value matches no placeholder.
 */
export function renderTemplate(template, values) {
  const used = new Set();
  const out = template.replace(/@([A-Z][A-Z0-9_]*)@/g, (_m, name) => {
    const v = values[name];
    if (v === undefined) throw new Error(`template placeholder @${name}@ has no value`);
    used.add(name);
    return v;
  });
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length > 0) throw new Error(`values without a placeholder in the template: ${unused.join(', ')}`);
  return out;
}

/**
 * nginx's main context around the shipped example (which holds only http-level blocks):
 * logs and temp files inside `prefix`, and the rendered example at `prefix`/posture-gateway.conf.
 */
export function nginxMainConfig(prefix) {
  return `worker_processes 1;
events { worker_connections 256; }
http {
    access_log ${prefix}/access.log;
    client_body_temp_path ${prefix}/client_body;
    proxy_temp_path ${prefix}/proxy;
    fastcgi_temp_path ${prefix}/fastcgi;
    uwsgi_temp_path ${prefix}/uwsgi;
    scgi_temp_path ${prefix}/scgi;
    include ${prefix}/posture-gateway.conf;
}
`;
}

function portAccepts(port) {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * Starts a gateway in the foreground and waits until `port` accepts connections.
 * @throws Error with the gateway's output when it exits or is not listening within 8 s.
 */
export async function startGatewayProcess(executable, args, port, env = process.env) {
  const child = spawn(executable, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b) => {
    out = (out + b.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exit = new Promise((r) => {
    child.once('exit', () => {
      exited = true;
      r();
    });
    child.once('error', (e) => {
      out += `\nspawn failed: ${e.message}`;
      exited = true;
      r();
    });
  });
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exit;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 8000;
  while (!(await portAccepts(port))) {
    if (exited) throw new Error(`${executable} exited before listening:\n${out}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${executable} did not listen on 127.0.0.1:${port} within 8 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { output: () => out, stop };
}
