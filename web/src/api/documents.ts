// Every GraphQL operation the dashboard sends, typed by codegen (`npm run codegen` writes ../gql).
import { graphql } from "../gql/index.ts";

export const JobRowFragment = graphql(`
  fragment JobRow on Job {
    id
    jobId
    reasonerType
    name
    state
    createdBy
    createdOn
    startedOn
    finishedOn
    durationMs
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

export const JobPageFragment = graphql(`
  fragment JobPage on Job {
    __typename
    ...JobRow
    nativeState
    reasonerName
    timeoutMins
    payload
    error {
      code
      message
    }
    statusHistory {
      id
      state
      nativeState
      message
      createdById
      createdOn
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
      batch {
        name
      }
    }
    ... on ReasonerJob {
      result
    }
    ... on GenerationJob {
      kind
      rows
      description
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
    ... on BatchJob {
      steps {
        name
        state
        startedOn
        finishedOn
        ignoreChunkError
        childJobId
      }
    }
    ... on AgentJob {
      function {
        name
        version
        toolName
        toolVersion
        operatingSystem
      }
      assignedAgentId
      assignedAgentPoolId
      agentId
      archiveStatus
      archiveStatusHistory {
        status
        reason
        createdById
        createdOn
      }
      comments {
        id
        content
        createdById
        createdOn
      }
      access {
        subjectId
        email
        relation
      }
      file {
        id
        description
        displayName
        externalIdentifier
        versionName
        properties
        revisions {
          id
          name
          mimeType
          sizeBytes
          downloadUrl
          createdOn
        }
      }
    }
  }
`);

export const ViewerQuery = graphql(`
  query DashboardViewer {
    viewer {
      userId
      email
      tenantId
      role
    }
  }
`);

export const JobsQuery = graphql(`
  query DashboardJobs($filter: JobFilter, $first: Int, $after: String, $orderBy: JobOrder) {
    jobs(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {
      totalCount
      totalCountIsEstimate
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...JobRow
        }
      }
    }
  }
`);

export const JobsChangedSubscription = graphql(`
  subscription DashboardJobsChanged($filter: JobFilter) {
    jobsChanged(filter: $filter) {
      ...JobRow
    }
  }
`);

export const JobLookupQuery = graphql(`
  query DashboardJobLookup($jobId: ID!, $allUsers: Boolean) {
    jobs(filter: { jobId: $jobId, allUsers: $allUsers }, first: 1) {
      edges {
        node {
          jobId
          reasonerType
        }
      }
    }
  }
`);

export const JobQuery = graphql(`
  query DashboardJob($reasonerType: ReasonerType!, $jobId: ID!) {
    job(reasonerType: $reasonerType, jobId: $jobId) {
      ...JobPage
    }
  }
`);

export const JobUpdatedSubscription = graphql(`
  subscription DashboardJobUpdated($reasonerType: ReasonerType!, $jobId: ID!) {
    jobUpdated(reasonerType: $reasonerType, jobId: $jobId) {
      ...JobPage
    }
  }
`);

export const JobLogsSubscription = graphql(`
  subscription DashboardJobLogs($reasonerType: ReasonerType!, $jobId: ID!) {
    jobLogs(reasonerType: $reasonerType, jobId: $jobId) {
      cursor
      timestampMs
      level
      message
      step
    }
  }
`);

export const JobEventsSubscription = graphql(`
  subscription DashboardJobEvents($reasonerType: ReasonerType!, $jobId: ID!, $stream: String) {
    jobEvents(reasonerType: $reasonerType, jobId: $jobId, stream: $stream) {
      cursor
      stream
      createdOn
      data
    }
  }
`);

export const CancelJobMutation = graphql(`
  mutation DashboardCancelJob($reasonerType: ReasonerType!, $jobId: ID!) {
    cancelJob(reasonerType: $reasonerType, jobId: $jobId) {
      ...JobPage
    }
  }
`);

export const RerunJobMutation = graphql(`
  mutation DashboardRerunJob($jobId: ID!) {
    rerunJob(jobId: $jobId) {
      job {
        jobId
        reasonerType
      }
    }
  }
`);

export const AddCommentMutation = graphql(`
  mutation DashboardAddComment($jobId: ID!, $content: String!) {
    addJobComment(jobId: $jobId, content: $content) {
      id
    }
  }
`);

export const ArchiveJobMutation = graphql(`
  mutation DashboardArchiveJob($jobId: ID!, $reason: String) {
    archiveJob(jobId: $jobId, reason: $reason) {
      jobId
    }
  }
`);

export const RestoreJobMutation = graphql(`
  mutation DashboardRestoreJob($jobId: ID!, $reason: String) {
    restoreJob(jobId: $jobId, reason: $reason) {
      jobId
    }
  }
`);

export const CreateJobAccessMutation = graphql(`
  mutation DashboardCreateJobAccess($jobId: ID!, $subjectId: String, $email: String, $relation: AccessRelation!) {
    createJobAccess(jobId: $jobId, subjectId: $subjectId, email: $email, relation: $relation) {
      subjectId
    }
  }
`);

export const EstimateCreditsQuery = graphql(`
  query DashboardEstimateCredits($kind: GenerationKind!, $rows: Int!) {
    estimateCredits(kind: $kind, rows: $rows) {
      estimatedCredits
      trainingTier
    }
  }
`);

export const CreateGenerationJobMutation = graphql(`
  mutation DashboardCreateGenerationJob($input: CreateGenerationJobInput!) {
    createGenerationJob(input: $input) {
      job {
        jobId
        reasonerType
      }
    }
  }
`);

export const AddAgentJobMutation = graphql(`
  mutation DashboardAddAgentJob($input: AddAgentJobInput!) {
    addAgentJob(input: $input) {
      job {
        jobId
        reasonerType
      }
    }
  }
`);

export const RunBatchJobMutation = graphql(`
  mutation DashboardRunBatchJob($input: RunBatchJobInput!) {
    runBatchJob(input: $input) {
      job {
        jobId
        reasonerType
      }
    }
  }
`);

export const CreateJobMutation = graphql(`
  mutation DashboardCreateJob($input: CreateJobInput!) {
    createJob(input: $input) {
      job {
        jobId
        reasonerType
      }
    }
  }
`);

export const PlotJobsQuery = graphql(`
  query DashboardPlotJobs($filter: JobFilter) {
    jobs(filter: $filter, first: 500) {
      totalCount
      totalCountIsEstimate
      edges {
        node {
          jobId
          state
          createdOn
          startedOn
          finishedOn
        }
      }
    }
  }
`);

export const ApiKeysQuery = graphql(`
  query DashboardApiKeys {
    apiKeys(includeRevoked: true) {
      id
      prefix
      userId
      role
      createdOn
      revokedOn
      lastUsedOn
    }
  }
`);

export const CreateApiKeyMutation = graphql(`
  mutation DashboardCreateApiKey($userId: String!, $email: String, $role: Role) {
    createApiKey(userId: $userId, email: $email, role: $role) {
      secret
      apiKey {
        id
        prefix
      }
    }
  }
`);

export const RevokeApiKeyMutation = graphql(`
  mutation DashboardRevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      id
      revokedOn
    }
  }
`);

export const WorkersQuery = graphql(`
  query DashboardWorkers {
    workers {
      id
      name
      reasonerTypes
      reasonerNames
      poolId
      lastSeenOn
    }
  }
`);

/** Which queries this server has (admins may always introspect): pages for newer fields check first. */
export const QueryFieldsQuery = graphql(`
  query DashboardQueryFields {
    __type(name: "Query") {
      fields {
        name
      }
    }
  }
`);
