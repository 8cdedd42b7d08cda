-- Per-key request budgets shared by every API process on one PostgreSQL (src/security/rate-limit.ts).
-- The layout is rate-limiter-flexible's own (key, points, expire in epoch ms); it is created here,
-- not by the library at run time (tableCreated: true).
CREATE TABLE "rate_limits" (
    "key" TEXT NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);
