// The GraphQL operations of JobsClient, typed by codegen (`npm run codegen` writes ./generated from
// schema.graphql and the graphql() calls here). Everything asks only for what contract.graphql promises.
import { graphql } from "./generated/index.ts";

/** What a list row shows: cheap, no expansions. */
export const JobSummaryFragment = graphql(`
  fragment JobSummary on Job {
    __typename
    id
    jobId
    reasonerType
    reasonerName
    name
    state
    nativeState
    createdBy
    createdOn
    startedOn
    finishedOn
    durationMs
  }
`);

/** A job in full: the Job interface, its operation, artifacts and problems, a batch's steps, and the generation extras. */
export const JobDetailFragment = graphql(`
  fragment JobDetail on Job {
    ...JobSummary
    timeoutMins
    payload
    details
    execTimeMs
    error {
      code
      message
    }
    operation {
      id
      reasonerType
      done
      state
      error {
        code
        message
      }
      result
    }
    artifacts {
      ...ArtifactFields
    }
    problems {
      severity
      code
      message
      details
    }
    batchStep {
      name
      position
      batchJobId
    }
    ... on BatchJob {
      steps {
        name
        position
        state
        childJobId
        startedOn
        finishedOn
      }
    }
    ... on GenerationJob {
      kind
      rows
      seed
      queue
      planTier
      estimatedCredits
      chargedCredits
      rerunOf {
        jobId
      }
      evidence {
        rootHash
        signature
        publicKey
        verified
        files {
          ...ArtifactFields
        }
      }
      seal {
        id
        sealHash
        previousSealHash
        createdOn
      }
    }
  }
`);

export const ArtifactFieldsFragment = graphql(`
  fragment ArtifactFields on Artifact {
    id
    name
    artifactType
    mimeType
    sizeBytes
    contentHash
    downloadUrl
    createdOn
  }
`);

export const LogLineFieldsFragment = graphql(`
  fragment LogLineFields on LogLine {
    cursor
    timestampMs
    level
    message
    step
  }
`);

export const GetJobQuery = graphql(`
  query GetJob($reasonerType: ReasonerType!, $jobId: ID!) {
    job(reasonerType: $reasonerType, jobId: $jobId) {
      ...JobDetail
    }
  }
`);

export const ListJobsQuery = graphql(`
  query ListJobs($filter: JobFilter, $first: Int, $after: String, $offset: Int, $orderBy: JobOrder) {
    jobs(filter: $filter, first: $first, after: $after, offset: $offset, orderBy: $orderBy) {
      totalCount
      totalCountIsEstimate
      edges {
        cursor
        node {
          ...JobSummary
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const WaitForJobQuery = graphql(`
  query WaitForJob($reasonerType: ReasonerType!, $jobId: ID!, $timeoutS: Float) {
    waitForJob(reasonerType: $reasonerType, jobId: $jobId, timeoutS: $timeoutS) {
      ...JobDetail
    }
  }
`);

export const JobEventsQuery = graphql(`
  query JobEvents($reasonerType: ReasonerType!, $jobId: ID!, $stream: String, $first: Int, $after: String) {
    job(reasonerType: $reasonerType, jobId: $jobId) {
      events(stream: $stream, first: $first, after: $after) {
        edges {
          cursor
          node {
            cursor
            stream
            createdOn
            data
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const JobLogsQuery = graphql(`
  query JobLogs($reasonerType: ReasonerType!, $jobId: ID!, $sinceMs: Float, $first: Int, $after: String) {
    job(reasonerType: $reasonerType, jobId: $jobId) {
      state
      logs(sinceMs: $sinceMs, first: $first, after: $after) {
        edges {
          node {
            ...LogLineFields
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const ExecTimeQuery = graphql(`
  query ExecTime($reasonerType: ReasonerType!, $jobId: ID!) {
    job(reasonerType: $reasonerType, jobId: $jobId) {
      execTimeMs
    }
  }
`);

export const EstimateCreditsQuery = graphql(`
  query EstimateCredits($kind: GenerationKind!, $rows: Int!) {
    estimateCredits(kind: $kind, rows: $rows) {
      kind
      rows
      estimatedCredits
      trainingTier
    }
  }
`);

export const CreateJobMutation = graphql(`
  mutation CreateJob($input: CreateJobInput!) {
    createJob(input: $input) {
      job {
        ...JobDetail
      }
    }
  }
`);

export const ValidateJobQuery = graphql(`
  query ValidateJob($input: CreateJobInput!) {
    validateJob(input: $input)
  }
`);

export const CreateJobsMutation = graphql(`
  mutation CreateJobs($inputs: [CreateJobInput!]!) {
    createJobs(inputs: $inputs) {
      job {
        ...JobDetail
      }
      error {
        code
        message
        field
      }
    }
  }
`);

export const CreateJobReadyMutation = graphql(`
  mutation CreateJobReady($input: CreateJobInput!, $timeoutS: Float) {
    createJobReady(input: $input, timeoutS: $timeoutS) {
      ...JobDetail
    }
  }
`);

export const CreateGenerationJobMutation = graphql(`
  mutation CreateGenerationJob($input: CreateGenerationJobInput!) {
    createGenerationJob(input: $input) {
      job {
        ...JobDetail
      }
    }
  }
`);

export const CancelJobMutation = graphql(`
  mutation CancelJob($reasonerType: ReasonerType!, $jobId: ID!, $allUsers: Boolean) {
    cancelJob(reasonerType: $reasonerType, jobId: $jobId, allUsers: $allUsers) {
      ...JobDetail
    }
  }
`);

export const RerunJobMutation = graphql(`
  mutation RerunJob($jobId: ID!) {
    rerunJob(jobId: $jobId) {
      job {
        ...JobDetail
      }
    }
  }
`);

export const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($userId: String!, $email: String, $role: Role, $tenantId: ID) {
    createApiKey(userId: $userId, email: $email, role: $role, tenantId: $tenantId) {
      secret
      apiKey {
        id
        prefix
        userId
        tenantId
        role
        createdOn
      }
    }
  }
`);

/** An API key as the key calls return it (never its secret). */
export const ApiKeyFieldsFragment = graphql(`
  fragment ApiKeyFields on ApiKey {
    id
    prefix
    userId
    tenantId
    role
    createdOn
    lastUsedOn
    revokedOn
  }
`);

export const ListApiKeysQuery = graphql(`
  query ListApiKeys($first: Int, $includeRevoked: Boolean) {
    apiKeys(first: $first, includeRevoked: $includeRevoked) {
      ...ApiKeyFields
    }
  }
`);

export const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      ...ApiKeyFields
    }
  }
`);

export const JobLogsSubscription = graphql(`
  subscription TailJobLogs($reasonerType: ReasonerType!, $jobId: ID!, $sinceMs: Float) {
    jobLogs(reasonerType: $reasonerType, jobId: $jobId, sinceMs: $sinceMs) {
      ...LogLineFields
    }
  }
`);

export const JobUpdatedSubscription = graphql(`
  subscription JobStateChanged($reasonerType: ReasonerType!, $jobId: ID!) {
    jobUpdated(reasonerType: $reasonerType, jobId: $jobId) {
      jobId
      state
    }
  }
`);

/** `JobsClient.jobUpdated`: the whole job, now and after every change. */
export const JobUpdatesSubscription = graphql(`
  subscription JobUpdates($reasonerType: ReasonerType!, $jobId: ID!) {
    jobUpdated(reasonerType: $reasonerType, jobId: $jobId) {
      ...JobDetail
    }
  }
`);

/** `JobsClient.jobsChanged`: every visible job as it is created or changes. */
export const JobsChangedSubscription = graphql(`
  subscription JobsChanged($filter: JobFilter) {
    jobsChanged(filter: $filter) {
      ...JobSummary
    }
  }
`);

/** `JobsClient.jobEvents`: a stream's events after a cursor, then live ones. */
export const JobEventsSubscription = graphql(`
  subscription FollowJobEvents($reasonerType: ReasonerType!, $jobId: ID!, $stream: String, $after: String) {
    jobEvents(reasonerType: $reasonerType, jobId: $jobId, stream: $stream, after: $after) {
      cursor
      stream
      createdOn
      data
    }
  }
`);

/** A schedule as every schedule call returns it. */
export const ScheduleFieldsFragment = graphql(`
  fragment ScheduleFields on Schedule {
    id
    name
    cron
    timezone
    catchUp
    paused
    job
    nextRunOn
    lastRunOn
    lastError
    createdBy
    lastJob {
      jobId
      reasonerType
      state
    }
  }
`);

export const CreateScheduleMutation = graphql(`
  mutation CreateSchedule($input: CreateScheduleInput!) {
    createSchedule(input: $input) {
      ...ScheduleFields
    }
  }
`);

export const ListSchedulesQuery = graphql(`
  query ListSchedules($first: Int, $after: String) {
    schedules(first: $first, after: $after) {
      edges {
        node {
          ...ScheduleFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const PauseScheduleMutation = graphql(`
  mutation PauseSchedule($id: ID!) {
    pauseSchedule(id: $id) {
      ...ScheduleFields
    }
  }
`);

export const ResumeScheduleMutation = graphql(`
  mutation ResumeSchedule($id: ID!) {
    resumeSchedule(id: $id) {
      ...ScheduleFields
    }
  }
`);

export const DeleteScheduleMutation = graphql(`
  mutation DeleteSchedule($id: ID!) {
    deleteSchedule(id: $id)
  }
`);
