-- Dashboard sign-ins: a cookie lets plain <a href> links download artifacts. Only the token's
-- sha256 is stored; the row goes with its API key, and a revoked key's sessions are refused.
CREATE TABLE "dashboard_sessions" (
    "tokenHash" TEXT NOT NULL,
    "apiKeyId" UUID NOT NULL,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresOn" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "dashboard_sessions_pkey" PRIMARY KEY ("tokenHash")
);

CREATE INDEX "dashboard_sessions_apiKeyId_idx" ON "dashboard_sessions"("apiKeyId");

ALTER TABLE "dashboard_sessions" ADD CONSTRAINT "dashboard_sessions_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;
