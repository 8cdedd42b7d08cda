// Content hashes live with the evidence format in the client package (one copy for server and clients).
export {
  CONTENT_HASH_PREFIX,
  contentHash,
  isContentHash,
  normalizeContentHash,
  sha256,
  sha256Hex,
  type Hashable,
} from "@jobs-api/client/evidence";
