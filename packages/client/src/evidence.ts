// The evidence format, shared by the server that seals bundles and the clients that check them:
// canonical JSON, content hashes, and the hash-chained, Ed25519-signed bundle (Node only: node:crypto).
export * from "./canonical-json.ts";
export * from "./evidence-format.ts";
export * from "./hash.ts";
