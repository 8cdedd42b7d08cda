// A request to each HTTP route that takes an API key, for suites that check one thing of every such
// answer (no ETag on it, a 429 with Retry-After): a route added here is checked by all of them.
export type RouteRequest = [name: string, path: string, init: RequestInit];

const VIEWER = "{ viewer { userId } }";
const NO_ID = "00000000-0000-0000-0000-000000000000";

export function keyedRequests(key: string): RouteRequest[] {
  const auth = { authorization: `Bearer ${key}` };
  const json = { ...auth, "content-type": "application/json" };
  const query = JSON.stringify({ query: VIEWER });
  return [
    ["POST /graphql", "/graphql", { method: "POST", headers: json, body: query }],
    ["a batch", "/graphql", { method: "POST", headers: json, body: `[${query},${query}]` }],
    [
      "GET /graphql",
      `/graphql?query=${encodeURIComponent(VIEWER)}`,
      { headers: { ...auth, "apollo-require-preflight": "1" } },
    ],
    ["PUT /uploads", "/uploads?name=a.csv", { method: "PUT", headers: auth, body: "a,b\n1,2\n" }],
    [
      "PUT /artifacts",
      "/artifacts?name=a.txt",
      { method: "PUT", headers: { ...auth, "x-lease-token": "lease" }, body: "x" },
    ],
    ["GET /artifacts/:id", `/artifacts/${NO_ID}`, { headers: auth }],
    ["GET /files/:revisionId", `/files/${NO_ID}`, { headers: auth }],
    ["POST /session", "/session", { method: "POST", headers: auth }],
    ["GET /metrics", "/metrics", { headers: auth }],
  ];
}
