/**
 * The Envoy and Traefik examples, checked structurally: neither gateway is packaged for
 * Debian, so they do not run here (nginx and Caddy do, in nginx.test.ts / caddy.test.ts).
 * The checks are the contract with the posture service: the forward-auth call goes to
 * `/authz/v1/<a resource of the example policy>`, carries the device's Authorization and
 * the gateway's X-Posture-Api-Key, fails closed, and hands the X-Posture-* answer to the
 * application without the credentials.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { API_KEY_HEADER } from '../../src/service/routes/auth.js';
import { EXAMPLES_DIR, ROOT } from './gateway-helpers.js';

type Node = Record<string, unknown>;

async function yamlFile(name: string): Promise<Node> {
  return parse(await readFile(join(EXAMPLES_DIR, name), 'utf8')) as Node;
}

function obj(v: unknown, what: string): Node {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${what} is not a mapping`);
  return v as Node;
}

function list(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new Error(`${what} is not a list`);
  return v;
}

const lower = (xs: unknown[]): string[] => xs.map((x) => String(x).toLowerCase());

/** Header names an Envoy ListStringMatcher matches exactly. */
function exactPatterns(matcher: unknown): string[] {
  if (matcher === undefined) return [];
  return lower(list(obj(matcher, 'matcher').patterns, 'patterns').map((p) => obj(p, 'pattern').exact).filter((e) => e !== undefined));
}

/** The resource names of the example policy. */
async function policyResources(): Promise<string[]> {
  const policy = parse(await readFile(join(ROOT, 'examples', 'policy.yaml'), 'utf8')) as { resources: { name: string }[] };
  return policy.resources.map((r) => r.name);
}

const AUTHZ_PATH = /^\/authz\/v1\/([a-z0-9][a-z0-9-]*)$/;
const ANSWER_HEADERS = ['x-posture-device', 'x-posture-user', 'x-posture-status'];

describe('examples/gateways/envoy.yaml (structure; Envoy is not run here)', () => {
  async function envoy(): Promise<{ hcm: Node; authz: Node; filters: Node[]; clusters: Node[] }> {
    const doc = await yamlFile('envoy.yaml');
    const sr = obj(doc.static_resources, 'static_resources');
    const [listener] = list(sr.listeners, 'listeners');
    const [chain] = list(obj(listener, 'listener').filter_chains, 'filter_chains');
    const [hcmFilter] = list(obj(chain, 'filter chain').filters, 'filters');
    const hcm = obj(obj(hcmFilter, 'filter').typed_config, 'http_connection_manager');
    const filters = list(hcm.http_filters, 'http_filters').map((f) => obj(f, 'http filter'));
    const authzFilter = filters.find((f) => f.name === 'envoy.filters.http.ext_authz');
    if (!authzFilter) throw new Error('no ext_authz filter');
    return { hcm, authz: obj(authzFilter.typed_config, 'ext_authz config'), filters, clusters: list(sr.clusters, 'clusters').map((c) => obj(c, 'cluster')) };
  }

  it('asks /authz/v1/<resource> of the example policy through a defined cluster, before routing', async () => {
    const { authz, filters, clusters } = await envoy();
    expect(String(authz['@type'])).toBe('type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz');
    const svc = obj(authz.http_service, 'http_service');
    const resource = AUTHZ_PATH.exec(String(svc.path_prefix))?.[1];
    expect(await policyResources()).toContain(resource);
    const cluster = obj(svc.server_uri, 'server_uri').cluster;
    expect(clusters.map((c) => c.name)).toContain(cluster);
    expect(filters.map((f) => f.name)).toEqual(['envoy.filters.http.ext_authz', 'envoy.filters.http.router']);
  });

  it('forwards the Authorization header and adds the gateway key, failing closed', async () => {
    const { authz } = await envoy();
    const request = obj(obj(authz.http_service, 'http_service').authorization_request, 'authorization_request');
    const allowed = [...exactPatterns(authz.allowed_headers), ...exactPatterns(request.allowed_headers)];
    expect(allowed).toContain('authorization');
    const added = list(request.headers_to_add, 'headers_to_add').map((h) => obj(h, 'header'));
    const key = added.find((h) => String(h.key).toLowerCase() === API_KEY_HEADER);
    expect(key?.value).toMatch(/\S/);
    expect(authz.failure_mode_allow).toBe(false);
  });

  it('passes the posture answer upstream and the challenge to the client, and keeps credentials from the application', async () => {
    const { authz, hcm } = await envoy();
    const response = obj(obj(authz.http_service, 'http_service').authorization_response, 'authorization_response');
    expect(exactPatterns(response.allowed_upstream_headers)).toEqual(expect.arrayContaining(ANSWER_HEADERS));
    expect(exactPatterns(response.allowed_client_headers)).toEqual(expect.arrayContaining(['www-authenticate', 'content-type']));
    const [vhost] = list(obj(hcm.route_config, 'route_config').virtual_hosts, 'virtual_hosts');
    expect(lower(list(obj(vhost, 'virtual host').request_headers_to_remove, 'request_headers_to_remove'))).toEqual(expect.arrayContaining(['authorization', API_KEY_HEADER]));
  });
});

describe('examples/gateways/traefik.yml + traefik-dynamic.yml (structure; Traefik is not run here)', () => {
  async function traefik(): Promise<{ static: Node; router: Node; chain: Node[] }> {
    const [stat, dyn] = await Promise.all([yamlFile('traefik.yml'), yamlFile('traefik-dynamic.yml')]);
    const http = obj(dyn.http, 'http');
    const routers = Object.values(obj(http.routers, 'routers')).map((r) => obj(r, 'router'));
    expect(routers).toHaveLength(1);
    const router = routers[0] as Node;
    const middlewares = obj(http.middlewares, 'middlewares');
    const chain = list(router.middlewares, 'router middlewares').map((name) => obj(middlewares[String(name)], `middleware ${String(name)}`));
    return { static: stat, router, chain };
  }

  it('loads the dynamic file and serves the router over TLS only', async () => {
    const { static: stat, router } = await traefik();
    expect(String(obj(obj(stat.providers, 'providers').file, 'file provider').filename)).toMatch(/\/traefik-dynamic\.yml$/);
    const entryPoints = obj(stat.entryPoints, 'entryPoints');
    expect(Object.keys(entryPoints)).toEqual(['websecure']);
    expect(router.tls).toBeDefined();
  });

  it('asks /authz/v1/<resource> of the example policy with Authorization and the gateway key set before the call', async () => {
    const { chain } = await traefik();
    const authIndex = chain.findIndex((m) => m.forwardAuth !== undefined);
    expect(authIndex).toBeGreaterThan(0);
    const fa = obj(chain[authIndex]?.forwardAuth, 'forwardAuth');
    const url = new URL(String(fa.address));
    expect(await policyResources()).toContain(AUTHZ_PATH.exec(url.pathname)?.[1]);
    expect(fa.trustForwardHeader).toBe(false);
    // Without authRequestHeaders every header goes; with it, both must be listed.
    if (fa.authRequestHeaders !== undefined) expect(lower(list(fa.authRequestHeaders, 'authRequestHeaders'))).toEqual(expect.arrayContaining(['authorization', API_KEY_HEADER]));
    expect(lower(list(fa.authResponseHeaders, 'authResponseHeaders'))).toEqual(expect.arrayContaining(ANSWER_HEADERS));

    const setBefore = (name: string): unknown[] => chain.slice(0, authIndex).map((m) => {
      const h = m.headers === undefined ? {} : obj(obj(m.headers, 'headers').customRequestHeaders ?? {}, 'customRequestHeaders');
      return Object.entries(h).find(([k]) => k.toLowerCase() === name)?.[1];
    });
    expect(setBefore(API_KEY_HEADER).some((v) => typeof v === 'string' && v.trim() !== '')).toBe(true);
    for (const h of ANSWER_HEADERS) expect(setBefore(h)).toContain('');
  });

  it('removes the gateway key and the posture token after the call, before the application', async () => {
    const { chain } = await traefik();
    const authIndex = chain.findIndex((m) => m.forwardAuth !== undefined);
    const removedAfter = chain.slice(authIndex + 1).flatMap((m) => {
      const h = m.headers === undefined ? {} : obj(obj(m.headers, 'headers').customRequestHeaders ?? {}, 'customRequestHeaders');
      return Object.entries(h).filter(([, v]) => v === '').map(([k]) => k.toLowerCase());
    });
    expect(removedAfter).toEqual(expect.arrayContaining([API_KEY_HEADER, 'authorization']));
  });
});
