// The worker protocol's GraphQL documents, as in contract/contract.graphql.

const CLAIMED_JOB = `
  id jobId reasonerType reasonerName name state nativeState createdBy createdOn timeoutMins payload
  ... on AgentJob { modelId function { name version toolName toolVersion operatingSystem } assignedAgentId assignedAgentPoolId }
  ... on GenerationJob { kind rows seed description planTier }
`;

const JOB_SNAPSHOT = `jobId reasonerType state nativeState error { code message }`;

export const REGISTER_WORKER = `mutation RegisterWorker($input: RegisterWorkerInput!) {
  registerWorker(input: $input) { id name reasonerTypes reasonerNames poolId lastSeenOn }
}`;

export const CLAIM_JOB = `mutation ClaimJob($workerId: ID!, $leaseSeconds: Int) {
  claimJob(workerId: $workerId, leaseSeconds: $leaseSeconds) {
    __typename
    ... on Lease { token expiresOn job { ${CLAIMED_JOB} } }
    ... on NoJobResponse { message }
  }
}`;

export const CLAIM_JOBS = `mutation ClaimJobs($workerId: ID!, $leaseSeconds: Int, $limit: Int!) {
  claimJobs(workerId: $workerId, leaseSeconds: $leaseSeconds, limit: $limit) { token expiresOn job { ${CLAIMED_JOB} } }
}`;

export const HEARTBEAT = `mutation Heartbeat($leaseToken: String!, $progress: JSON) {
  heartbeat(leaseToken: $leaseToken, progress: $progress) { expiresOn cancelRequested }
}`;

export const UPDATE_JOB_STATUS = `mutation UpdateJobStatus($leaseToken: String!, $state: JobState!, $message: String) {
  updateJobStatus(leaseToken: $leaseToken, state: $state, message: $message) { ${JOB_SNAPSHOT} }
}`;

export const APPEND_JOB_EVENTS = `mutation AppendJobEvents($leaseToken: String!, $stream: String, $events: [JSON!]!) {
  appendJobEvents(leaseToken: $leaseToken, stream: $stream, events: $events)
}`;

export const APPEND_JOB_LOGS = `mutation AppendJobLogs($leaseToken: String!, $lines: [LogLineInput!]!) {
  appendJobLogs(leaseToken: $leaseToken, lines: $lines)
}`;

export const COMPLETE_JOB = `mutation CompleteJob($leaseToken: String!, $result: JSON, $artifactIds: [ID!], $problems: [ProblemInput!]) {
  completeJob(leaseToken: $leaseToken, result: $result, artifactIds: $artifactIds, problems: $problems) { ${JOB_SNAPSHOT} }
}`;

export const COMPLETE_JOBS = `mutation CompleteJobs($completions: [JobCompletionInput!]!) {
  completeJobs(completions: $completions) { ${JOB_SNAPSHOT} }
}`;

export const FAIL_JOB = `mutation FailJob($leaseToken: String!, $error: JobErrorInput!, $retryable: Boolean, $problems: [ProblemInput!]) {
  failJob(leaseToken: $leaseToken, error: $error, retryable: $retryable, problems: $problems) { ${JOB_SNAPSHOT} }
}`;

export const RELEASE_JOB = `mutation ReleaseJob($leaseToken: String!, $reason: String) {
  releaseJob(leaseToken: $leaseToken, reason: $reason) { ${JOB_SNAPSHOT} }
}`;
