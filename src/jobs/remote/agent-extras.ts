// The agent family's extras (comments, archive state, the file, access grants, assignment) on an upstream:
// each is the same mutation sent upstream as the caller, so the upstream checks the grants.
import type { AgentJobExtras, AccessGrantRecord, CommentRecord, FileUpdate } from "../gateway.ts";
import type { AccessRelation, ArchiveStatus, JobRecord, Viewer } from "../model.ts";
import {
  ACCESS_SELECTION,
  COMMENT_SELECTION,
  JOB_SELECTION,
  toAccess,
  toComment,
  toJobRecord,
  upstreamWorkerId,
} from "./records.ts";
import type { Upstream } from "./upstream.ts";

export class RemoteAgentExtras implements AgentJobExtras {
  constructor(private readonly upstream: Upstream) {}

  private async mutate<T>(query: string, variables: Record<string, unknown>, viewer: Viewer): Promise<T> {
    // Not retried: a change that reached the upstream but lost its answer must not be made twice.
    const data = await this.upstream.request<{ result: T }>({ query, variables, viewer, idempotent: false });
    return data.result;
  }

  private job(raw: unknown, viewer: Viewer): JobRecord {
    return toJobRecord(raw, viewer, this.upstream.name)!;
  }

  async addComment(jobId: string, content: string, viewer: Viewer): Promise<CommentRecord> {
    const c = await this.mutate<Record<string, unknown>>(
      `mutation($id: ID!, $c: String!) { result: addJobComment(jobId: $id, content: $c) { ${COMMENT_SELECTION} } }`,
      { id: jobId, c: content },
      viewer,
    );
    return toComment(jobId, c);
  }

  async setArchiveStatus(
    jobId: string,
    status: ArchiveStatus,
    reason: string | null,
    viewer: Viewer,
  ): Promise<JobRecord> {
    const field = status === "ARCHIVED" ? "archiveJob" : "restoreJob";
    const j = await this.mutate<{ raw: unknown }>(
      `mutation($id: ID!, $r: String) { result: ${field}(jobId: $id, reason: $r) { ${JOB_SELECTION} } }`,
      { id: jobId, r: reason },
      viewer,
    );
    return this.job(j.raw, viewer);
  }

  async assignAgent(
    jobId: string,
    target: { agentId: string | null; agentPoolId: string | null },
    viewer: Viewer,
  ): Promise<JobRecord> {
    // The upstream checks that the agent or pool is one of its registered workers' (the agent named
    // as the front shows it, `@<gateway>/<id>`, or as the upstream knows it).
    const agentId = target.agentId === null ? null : upstreamWorkerId(this.upstream.name, target.agentId);
    const j = await this.mutate<{ raw: unknown }>(
      `mutation($id: ID!, $a: ID, $p: ID) { result: assignJobAgent(jobId: $id, agentId: $a, agentPoolId: $p) { ${JOB_SELECTION} } }`,
      { id: jobId, a: agentId, p: target.agentPoolId },
      viewer,
    );
    return this.job(j.raw, viewer);
  }

  async updateFile(jobId: string, update: FileUpdate, viewer: Viewer): Promise<JobRecord> {
    const j = await this.mutate<{ raw: unknown }>(
      `mutation($id: ID!, $i: UpdateJobFileInput!) { result: updateJobFile(jobId: $id, input: $i) { ${JOB_SELECTION} } }`,
      { id: jobId, i: update },
      viewer,
    );
    return this.job(j.raw, viewer);
  }

  async createAccess(
    jobId: string,
    subject: { subjectId?: string | null; email?: string | null },
    relation: AccessRelation,
    viewer: Viewer,
  ): Promise<AccessGrantRecord> {
    const a = await this.mutate<Record<string, unknown>>(
      `mutation($id: ID!, $s: String, $e: String, $r: AccessRelation!) { result: createJobAccess(jobId: $id, subjectId: $s, email: $e, relation: $r) { ${ACCESS_SELECTION} } }`,
      { id: jobId, s: subject.subjectId ?? null, e: subject.email ?? null, r: relation },
      viewer,
    );
    return toAccess(jobId, a);
  }

  async updateAccess(
    jobId: string,
    subjectId: string,
    relation: AccessRelation,
    viewer: Viewer,
  ): Promise<AccessGrantRecord> {
    const a = await this.mutate<Record<string, unknown>>(
      `mutation($id: ID!, $s: String!, $r: AccessRelation!) { result: updateJobAccess(jobId: $id, subjectId: $s, relation: $r) { ${ACCESS_SELECTION} } }`,
      { id: jobId, s: subjectId, r: relation },
      viewer,
    );
    return toAccess(jobId, a);
  }

  removeAccess(jobId: string, subjectId: string, viewer: Viewer): Promise<boolean> {
    return this.mutate<boolean>(
      `mutation($id: ID!, $s: String!) { result: removeJobAccess(jobId: $id, subjectId: $s) }`,
      { id: jobId, s: subjectId },
      viewer,
    );
  }
}
