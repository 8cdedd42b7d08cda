// The server's Ed25519 evidence key, shared by every process on one database. The first process
// to start makes it (from the data folder's key, loadOrCreateSigningKey, when the folder is on
// disk) and stores it in server_keys; every process, on any host, then signs with that one key, so a
// bundle any of them built verifies on all of them against the one pinned public key.
import { generateKeyPairSync } from "node:crypto";
import type { Database } from "../db/database.ts";
import { loadOrCreateSigningKey, type SigningKey, signingKeyFromPem } from "@jobs-api/client/evidence";

const EVIDENCE_KEY_NAME = "evidence-signing";

export async function loadSharedSigningKey(db: Database, dataDir: string): Promise<SigningKey> {
  const stored = await readKey(db);
  if (stored) return signingKeyFromPem(stored, "server_keys.evidence-signing");
  const local = dataDir.startsWith("memory://") ? freshKey() : loadOrCreateSigningKey(dataDir);
  const pem = local.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  // Two processes starting at once: the first insert wins and both read it back.
  await db.query(
    `insert into "server_keys" ("name", "privateKeyPem", "publicKeyId") values ($1, $2, $3) on conflict ("name") do nothing`,
    [EVIDENCE_KEY_NAME, pem, local.publicKeyId],
  );
  const winner = await readKey(db);
  if (!winner) throw new Error("the evidence signing key vanished after it was stored");
  return signingKeyFromPem(winner, "server_keys.evidence-signing");
}

async function readKey(db: Database): Promise<string | null> {
  const rows = await db.query<{ privateKeyPem: string }>(
    `select "privateKeyPem" from "server_keys" where "name" = $1`,
    [EVIDENCE_KEY_NAME],
  );
  return rows[0]?.privateKeyPem ?? null;
}

function freshKey(): SigningKey {
  const { privateKey } = generateKeyPairSync("ed25519");
  return signingKeyFromPem(privateKey.export({ format: "pem", type: "pkcs8" }).toString(), "generated key");
}
