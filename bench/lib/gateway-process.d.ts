/** Types of gateway-process.js (plain JavaScript, shared by the e2e tests and the benchmarks). */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string;
export function nginxMainConfig(prefix: string): string;

export interface GatewayProcess {
  /** Everything the process printed (bounded), for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after 3 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

export function startGatewayProcess(executable: string, args: string[], port: number, env?: NodeJS.ProcessEnv): Promise<GatewayProcess>;
