// A front and a real upstream: the upstream a test server on the suite's backend that takes the
// front's GATEWAY key, the front a test server on PGlite that serves `families` from it as gateway
// "up". Suites whose upstream is a process or a stand-in write their JOBS_GATEWAYS themselves.
import type { Viewer } from "../../src/jobs/model.ts";
import { backends, type Backend } from "./backends.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";

export const GATEWAY_KEY = "jobs_test-gateway-key-federation-0123";

/** A member a gateway acts for, in suites that drive an Upstream directly (no front server). */
export const UPSTREAM_VIEWER: Viewer = {
  tenantId: "00000000-0000-4000-8000-000000000001",
  userId: "alice",
  email: null,
  role: "MEMBER",
  apiKeyId: null,
};

/** One entry of a front's JOBS_GATEWAYS. */
export interface GatewayEntry {
  name: string;
  url: string;
  apiKey: string;
  reasonerTypes: readonly string[];
  timeoutMs?: number;
}

export interface FederationOptions {
  families: readonly string[];
  upstreamEnv?: Record<string, string>;
  frontEnv?: Record<string, string>;
  /** The front reaches the upstream through a TCP proxy (`link`) that the test can cut. */
  cuttable?: boolean;
  /** Gateway "up"'s timeout (the front's default otherwise). */
  timeoutMs?: number;
  /** Gateways the front has after "up". */
  moreGateways?: GatewayEntry[];
}

export interface Federation {
  upstream: TestServer;
  front: TestServer;
  /** The front's way to the upstream, when `cuttable`. */
  link: TcpProxy | undefined;
  stop(): Promise<void>;
}

export async function startFederation(backend: Backend, options: FederationOptions): Promise<Federation> {
  const upstream = await startTestServer(backend, { ...options.upstreamEnv, JOBS_GATEWAY_API_KEY: GATEWAY_KEY });
  let link: TcpProxy | undefined;
  let front: TestServer | undefined;
  const stop = async () => {
    await front?.stop();
    await link?.close();
    await upstream.stop();
  };
  try {
    link = options.cuttable ? await startTcpProxy("127.0.0.1", upstream.server.port) : undefined;
    const up: GatewayEntry = {
      name: "up",
      url: link ? `http://127.0.0.1:${link.port}/graphql` : `${upstream.url}/graphql`,
      apiKey: GATEWAY_KEY,
      reasonerTypes: options.families,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    };
    front = await startTestServer(backends[0]!, {
      ...options.frontEnv,
      JOBS_GATEWAYS: JSON.stringify([up, ...(options.moreGateways ?? [])]),
    });
    return { upstream, front, link, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
