import { type FormEvent, useState } from "react";
import { gql } from "../../api/graphql.ts";
import { ApiKeysQuery, CreateApiKeyMutation, RevokeApiKeyMutation } from "../../api/documents.ts";
import { ConfirmButton, ErrorBox } from "../../components/common.tsx";
import { time } from "../../format.ts";
import type { Role } from "../../gql/graphql.ts";
import { useAction, useQuery } from "../../hooks.ts";
import { useSession } from "../../session-context.tsx";
import { AdminOnly } from "./AdminOnly.tsx";

export function ApiKeysPage() {
  return (
    <AdminOnly>
      <ApiKeys />
    </AdminOnly>
  );
}

function ApiKeys() {
  const { key } = useSession();
  const keys = useQuery(ApiKeysQuery, {});
  const [userId, setUserId] = useState("");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("MEMBER");
  const [secret, setSecret] = useState<string | null>(null);
  const create = useAction(async () =>
    gql(key, CreateApiKeyMutation, { userId: userId.trim(), email: email.trim() || null, role }),
  );
  const revoke = useAction(async (id: string) => gql(key, RevokeApiKeyMutation, { id }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const made = await create.act();
    if (made) {
      setSecret(made.createApiKey.secret);
      setUserId("");
      setEmail("");
      keys.reload();
    }
  }

  return (
    <>
      <h1>API keys</h1>
      <form className="inline" onSubmit={submit} aria-label="New API key">
        <label>
          User id
          <input value={userId} onChange={(e) => setUserId(e.target.value)} required />
        </label>
        <label>
          Email
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option>MEMBER</option>
            <option>ADMIN</option>
            <option>WORKER</option>
            <option>GATEWAY</option>
          </select>
        </label>
        <button type="submit" disabled={create.busy}>
          Create key
        </button>
      </form>
      <ErrorBox error={create.error} what="The key was not created" />
      {secret && (
        <div className="notice" role="status">
          <p>The new key's secret, shown this once (only its hash is stored):</p>
          <code className="secret">{secret}</code>
          <button type="button" onClick={() => setSecret(null)}>
            I have copied it
          </button>
        </div>
      )}
      <ErrorBox error={keys.error} what="Could not list the keys" />
      <ErrorBox error={revoke.error} what="Revoking failed" />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Prefix</th>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {keys.data?.apiKeys.map((k) => (
              <tr key={k.id}>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.userId}</td>
                <td>{k.role}</td>
                <td>{time(k.createdOn)}</td>
                <td>{time(k.lastUsedOn)}</td>
                <td>
                  {k.revokedOn ? (
                    `revoked ${time(k.revokedOn)}`
                  ) : (
                    <ConfirmButton
                      label="Revoke"
                      buttonLabel={`Revoke key ${k.prefix} of ${k.userId}`}
                      groupLabel={`Confirm revoking ${k.prefix}`}
                      yes="Yes, revoke"
                      no="Keep"
                      busy={revoke.busy}
                      onConfirm={async () => {
                        await revoke.act(k.id);
                        keys.reload();
                      }}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
