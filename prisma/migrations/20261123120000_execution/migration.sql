-- Execution: the evidence signing key shared by every server process, and the provenance chain's
-- order (seals are appended with strictly increasing createdOn, so the chain's tip is the newest).

-- CreateTable
CREATE TABLE "server_keys" (
    "name" TEXT NOT NULL,
    "privateKeyPem" TEXT NOT NULL,
    "publicKeyId" TEXT NOT NULL,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "server_keys_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "provenance_seals_createdOn_idx" ON "provenance_seals"("createdOn");
