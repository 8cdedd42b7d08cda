// An agent job's extras: the function, its file and revisions, comments, archive/restore, access.
import { type FormEvent, useState } from "react";
import { gql } from "../api/graphql.ts";
import {
  AddCommentMutation,
  ArchiveJobMutation,
  CreateJobAccessMutation,
  RestoreJobMutation,
} from "../api/documents.ts";
import { DownloadLink, ErrorBox, JsonBlock, Section } from "../components/common.tsx";
import { bytes, time } from "../format.ts";
import type { AccessRelation, JobPageFragment } from "../gql/graphql.ts";
import { useAction } from "../hooks.ts";
import { useSession } from "../session-context.tsx";

type AgentJob = Extract<JobPageFragment, { __typename?: "AgentJob" }>;

export function AgentExtras({ job, reload }: { job: AgentJob; reload(): void }) {
  const { key } = useSession();
  const [comment, setComment] = useState("");
  const [reason, setReason] = useState("");
  const [subject, setSubject] = useState("");
  const [relation, setRelation] = useState<AccessRelation>("VIEWER");
  const addComment = useAction(async () => gql(key, AddCommentMutation, { jobId: job.jobId, content: comment }));
  const archive = useAction(async (archived: boolean) =>
    archived
      ? gql(key, RestoreJobMutation, { jobId: job.jobId, reason: reason || null })
      : gql(key, ArchiveJobMutation, { jobId: job.jobId, reason: reason || null }),
  );
  const grant = useAction(async () => {
    const byEmail = subject.includes("@");
    return gql(key, CreateJobAccessMutation, {
      jobId: job.jobId,
      relation,
      ...(byEmail ? { email: subject } : { subjectId: subject }),
    });
  });
  const archived = job.archiveStatus === "ARCHIVED";
  const f = job.function;

  return (
    <>
      <Section title="Agent">
        <dl className="facts">
          <dt>Function</dt>
          <dd>
            {f.name}
            {f.version ? ` ${f.version}` : ""}
            {f.toolName ? ` (${f.toolName}${f.toolVersion ? ` ${f.toolVersion}` : ""})` : ""}
            {f.operatingSystem ? ` on ${f.operatingSystem}` : ""}
          </dd>
          <dt>Assigned to</dt>
          <dd>{job.assignedAgentId ?? job.assignedAgentPoolId ?? "any agent"}</dd>
          <dt>Run by</dt>
          <dd>{job.agentId ?? "–"}</dd>
          <dt>Archive status</dt>
          <dd>{job.archiveStatus}</dd>
        </dl>
      </Section>
      {job.file && (
        <Section title="File">
          <dl className="facts">
            <dt>Display name</dt>
            <dd>{job.file.displayName ?? "–"}</dd>
            <dt>Description</dt>
            <dd>{job.file.description ?? "–"}</dd>
            <dt>Version</dt>
            <dd>{job.file.versionName ?? "–"}</dd>
            <dt>External id</dt>
            <dd>{job.file.externalIdentifier ?? "–"}</dd>
          </dl>
          <JsonBlock value={job.file.properties} label="Properties" />
          <ul className="artifacts">
            {job.file.revisions.map((r) => (
              <li key={r.id}>
                <DownloadLink url={r.downloadUrl} name={r.name} />{" "}
                <span className="muted">
                  {bytes(r.sizeBytes)} · {time(r.createdOn)}
                </span>
              </li>
            ))}
          </ul>
        </Section>
      )}
      <Section title="Comments">
        <ul className="comments">
          {job.comments.map((c) => (
            <li key={c.id}>
              <strong>{c.createdById}</strong> <span className="muted">{time(c.createdOn)}</span>
              <p>{c.content}</p>
            </li>
          ))}
        </ul>
        <form
          onSubmit={async (e: FormEvent) => {
            e.preventDefault();
            if (await addComment.act()) {
              setComment("");
              reload();
            }
          }}
        >
          <label>
            Comment
            <textarea value={comment} onChange={(e) => setComment(e.target.value)} required rows={2} />
          </label>
          <button type="submit" disabled={addComment.busy}>
            Add comment
          </button>
          <ErrorBox error={addComment.error} />
        </form>
      </Section>
      <Section title="Archive">
        <ol className="timeline">
          {job.archiveStatusHistory.map((h, i) => (
            <li key={i}>
              {h.status} by {h.createdById} <span className="muted">{time(h.createdOn)}</span>
              {h.reason && <span> — {h.reason}</span>}
            </li>
          ))}
        </ol>
        <form
          className="inline"
          onSubmit={async (e: FormEvent) => {
            e.preventDefault();
            if (await archive.act(archived)) {
              setReason("");
              reload();
            }
          }}
        >
          <label>
            Reason
            <input value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="submit" disabled={archive.busy}>
            {archived ? "Restore" : "Archive"}
          </button>
          <ErrorBox error={archive.error} />
        </form>
      </Section>
      <Section title="Access">
        <ul>
          {job.access.map((a) => (
            <li key={a.subjectId}>
              {a.subjectId}
              {a.email ? ` <${a.email}>` : ""}: {a.relation}
            </li>
          ))}
        </ul>
        <form
          className="inline"
          onSubmit={async (e: FormEvent) => {
            e.preventDefault();
            if (await grant.act()) {
              setSubject("");
              reload();
            }
          }}
        >
          <label>
            User id or email
            <input value={subject} onChange={(e) => setSubject(e.target.value)} required />
          </label>
          <label>
            Relation
            <select value={relation} onChange={(e) => setRelation(e.target.value as AccessRelation)}>
              <option>VIEWER</option>
              <option>EDITOR</option>
              <option>OWNER</option>
            </select>
          </label>
          <button type="submit" disabled={grant.busy}>
            Grant access
          </button>
          <ErrorBox error={grant.error} />
        </form>
      </Section>
    </>
  );
}
