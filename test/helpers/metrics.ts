// What a running server says of itself on /metrics, read the way tests compare before and after.

/** GraphQL requests a server has answered so far, from its own request-duration histogram. */
export async function graphqlRequestsServed(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(/^jobs_graphql_request_duration_seconds_count\{[^}]*\} (\d+)/gm)].reduce(
    (n, m) => n + Number(m[1]),
    0,
  );
}

/** Subscriptions of one field open at a server, from its gauge. */
export async function openSubscriptions(url: string, field: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.match(new RegExp(`^jobs_subscriptions_open\\{field="${field}"\\} (\\d+)`, "m"));
  return line ? Number(line[1]) : 0;
}
