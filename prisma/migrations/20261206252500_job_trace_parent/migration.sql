-- The creating request's W3C traceparent, so the spans that run a job link to the request that made it.
ALTER TABLE "jobs" ADD COLUMN "traceParent" TEXT;
