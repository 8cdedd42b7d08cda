// The one way a request (HTTP, WebSocket operation, artifact transfer) becomes a Viewer: the bearer
// key is checked, then one request of its rate budget is spent.
import { bearerSecret } from "../auth/secrets.ts";
import type { Viewer } from "../jobs/model.ts";
import type { Services } from "../schema/context.ts";

export async function authenticateRequest(services: Pick<Services, "auth" | "rateLimiter">, authorization: string | undefined | null): Promise<Viewer> {
  const viewer = await services.auth.authenticate(bearerSecret(authorization ?? undefined));
  await services.rateLimiter.consume(viewer.apiKeyId ?? `${viewer.tenantId}/${viewer.userId}`);
  return viewer;
}
