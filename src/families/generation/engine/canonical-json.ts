// Canonical JSON lives with the evidence format in the client package (one copy for server and clients).
export { canonicalJson, type JsonValue } from "@jobs-api/client/evidence";
