/* eslint-disable */
import * as types from './graphql.ts';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment JobRow on Job {\n    id\n    jobId\n    reasonerType\n    name\n    state\n    createdBy\n    createdOn\n    startedOn\n    finishedOn\n    durationMs\n  }\n": typeof types.JobRowFragmentDoc,
    "\n  fragment ArtifactFields on Artifact {\n    id\n    name\n    artifactType\n    mimeType\n    sizeBytes\n    contentHash\n    downloadUrl\n    createdOn\n  }\n": typeof types.ArtifactFieldsFragmentDoc,
    "\n  fragment JobPage on Job {\n    __typename\n    ...JobRow\n    nativeState\n    reasonerName\n    timeoutMins\n    payload\n    error {\n      code\n      message\n    }\n    statusHistory {\n      id\n      state\n      nativeState\n      message\n      createdById\n      createdOn\n    }\n    artifacts {\n      ...ArtifactFields\n    }\n    problems {\n      severity\n      code\n      message\n      details\n    }\n    batchStep {\n      name\n      position\n      batchJobId\n      batch {\n        name\n      }\n    }\n    ... on ReasonerJob {\n      result\n    }\n    ... on GenerationJob {\n      kind\n      rows\n      description\n      seed\n      queue\n      planTier\n      estimatedCredits\n      chargedCredits\n      rerunOf {\n        jobId\n      }\n      evidence {\n        rootHash\n        signature\n        publicKey\n        verified\n        files {\n          ...ArtifactFields\n        }\n      }\n      seal {\n        id\n        sealHash\n        previousSealHash\n        createdOn\n      }\n    }\n    ... on BatchJob {\n      steps {\n        name\n        state\n        startedOn\n        finishedOn\n        ignoreChunkError\n        childJobId\n      }\n    }\n    ... on AgentJob {\n      function {\n        name\n        version\n        toolName\n        toolVersion\n        operatingSystem\n      }\n      assignedAgentId\n      assignedAgentPoolId\n      agentId\n      archiveStatus\n      archiveStatusHistory {\n        status\n        reason\n        createdById\n        createdOn\n      }\n      comments {\n        id\n        content\n        createdById\n        createdOn\n      }\n      access {\n        subjectId\n        email\n        relation\n      }\n      file {\n        id\n        description\n        displayName\n        externalIdentifier\n        versionName\n        properties\n        revisions {\n          id\n          name\n          mimeType\n          sizeBytes\n          downloadUrl\n          createdOn\n        }\n      }\n    }\n  }\n": typeof types.JobPageFragmentDoc,
    "\n  query DashboardViewer {\n    viewer {\n      userId\n      email\n      tenantId\n      role\n    }\n  }\n": typeof types.DashboardViewerDocument,
    "\n  query DashboardJobs($filter: JobFilter, $first: Int, $after: String, $orderBy: JobOrder) {\n    jobs(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {\n      totalCount\n      totalCountIsEstimate\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...JobRow\n        }\n      }\n    }\n  }\n": typeof types.DashboardJobsDocument,
    "\n  subscription DashboardJobsChanged($filter: JobFilter) {\n    jobsChanged(filter: $filter) {\n      ...JobRow\n    }\n  }\n": typeof types.DashboardJobsChangedDocument,
    "\n  query DashboardJobLookup($jobId: ID!, $allUsers: Boolean) {\n    jobs(filter: { jobId: $jobId, allUsers: $allUsers }, first: 1) {\n      edges {\n        node {\n          jobId\n          reasonerType\n        }\n      }\n    }\n  }\n": typeof types.DashboardJobLookupDocument,
    "\n  query DashboardJob($reasonerType: ReasonerType!, $jobId: ID!) {\n    job(reasonerType: $reasonerType, jobId: $jobId) {\n      ...JobPage\n    }\n  }\n": typeof types.DashboardJobDocument,
    "\n  subscription DashboardJobUpdated($reasonerType: ReasonerType!, $jobId: ID!) {\n    jobUpdated(reasonerType: $reasonerType, jobId: $jobId) {\n      ...JobPage\n    }\n  }\n": typeof types.DashboardJobUpdatedDocument,
    "\n  subscription DashboardJobLogs($reasonerType: ReasonerType!, $jobId: ID!) {\n    jobLogs(reasonerType: $reasonerType, jobId: $jobId) {\n      cursor\n      timestampMs\n      level\n      message\n      step\n    }\n  }\n": typeof types.DashboardJobLogsDocument,
    "\n  subscription DashboardJobEvents($reasonerType: ReasonerType!, $jobId: ID!, $stream: String) {\n    jobEvents(reasonerType: $reasonerType, jobId: $jobId, stream: $stream) {\n      cursor\n      stream\n      createdOn\n      data\n    }\n  }\n": typeof types.DashboardJobEventsDocument,
    "\n  mutation DashboardCancelJob($reasonerType: ReasonerType!, $jobId: ID!) {\n    cancelJob(reasonerType: $reasonerType, jobId: $jobId) {\n      ...JobPage\n    }\n  }\n": typeof types.DashboardCancelJobDocument,
    "\n  mutation DashboardRerunJob($jobId: ID!) {\n    rerunJob(jobId: $jobId) {\n      job {\n        jobId\n        reasonerType\n      }\n    }\n  }\n": typeof types.DashboardRerunJobDocument,
    "\n  mutation DashboardAddComment($jobId: ID!, $content: String!) {\n    addJobComment(jobId: $jobId, content: $content) {\n      id\n    }\n  }\n": typeof types.DashboardAddCommentDocument,
    "\n  mutation DashboardArchiveJob($jobId: ID!, $reason: String) {\n    archiveJob(jobId: $jobId, reason: $reason) {\n      jobId\n    }\n  }\n": typeof types.DashboardArchiveJobDocument,
    "\n  mutation DashboardRestoreJob($jobId: ID!, $reason: String) {\n    restoreJob(jobId: $jobId, reason: $reason) {\n      jobId\n    }\n  }\n": typeof types.DashboardRestoreJobDocument,
    "\n  mutation DashboardCreateJobAccess($jobId: ID!, $subjectId: String, $email: String, $relation: AccessRelation!) {\n    createJobAccess(jobId: $jobId, subjectId: $subjectId, email: $email, relation: $relation) {\n      subjectId\n    }\n  }\n": typeof types.DashboardCreateJobAccessDocument,
    "\n  query DashboardEstimateCredits($kind: GenerationKind!, $rows: Int!) {\n    estimateCredits(kind: $kind, rows: $rows) {\n      estimatedCredits\n      trainingTier\n    }\n  }\n": typeof types.DashboardEstimateCreditsDocument,
    "\n  mutation DashboardCreateGenerationJob($input: CreateGenerationJobInput!) {\n    createGenerationJob(input: $input) {\n      job {\n        jobId\n        reasonerType\n      }\n    }\n  }\n": typeof types.DashboardCreateGenerationJobDocument,
    "\n  mutation DashboardAddAgentJob($input: AddAgentJobInput!) {\n    addAgentJob(input: $input) {\n      job {\n        jobId\n        reasonerType\n      }\n    }\n  }\n": typeof types.DashboardAddAgentJobDocument,
    "\n  mutation DashboardRunBatchJob($input: RunBatchJobInput!) {\n    runBatchJob(input: $input) {\n      job {\n        jobId\n        reasonerType\n      }\n    }\n  }\n": typeof types.DashboardRunBatchJobDocument,
    "\n  mutation DashboardCreateJob($input: CreateJobInput!) {\n    createJob(input: $input) {\n      job {\n        jobId\n        reasonerType\n      }\n    }\n  }\n": typeof types.DashboardCreateJobDocument,
    "\n  query DashboardPlotJobs($filter: JobFilter) {\n    jobs(filter: $filter, first: 500) {\n      totalCount\n      totalCountIsEstimate\n      edges {\n        node {\n          jobId\n          state\n          createdOn\n          startedOn\n          finishedOn\n        }\n      }\n    }\n  }\n": typeof types.DashboardPlotJobsDocument,
    "\n  query DashboardApiKeys {\n    apiKeys(includeRevoked: true) {\n      id\n      prefix\n      userId\n      role\n      createdOn\n      revokedOn\n      lastUsedOn\n    }\n  }\n": typeof types.DashboardApiKeysDocument,
    "\n  mutation DashboardCreateApiKey($userId: String!, $email: String, $role: Role) {\n    createApiKey(userId: $userId, email: $email, role: $role) {\n      secret\n      apiKey {\n        id\n        prefix\n      }\n    }\n  }\n": typeof types.DashboardCreateApiKeyDocument,
    "\n  mutation DashboardRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      id\n      revokedOn\n    }\n  }\n": typeof types.DashboardRevokeApiKeyDocument,
    "\n  query DashboardWorkers {\n    workers {\n      id\n      name\n      reasonerTypes\n      reasonerNames\n      poolId\n      lastSeenOn\n    }\n  }\n": typeof types.DashboardWorkersDocument,
    "\n  query DashboardQueryFields {\n    __type(name: \"Query\") {\n      fields {\n        name\n      }\n    }\n  }\n": typeof types.DashboardQueryFieldsDocument,
};
const documents: Documents = {
    "\n  fragment JobRow on Job {\n    id\n    jobId\n    reasonerType\n    name\n    state\n    createdBy\n    createdOn\n    startedOn\n    finishedOn\n    durationMs\n  }\n": types.JobRowFragmentDoc,
    "\n  fragment ArtifactFields on Artifact {\n    id\n    name\n    artifactType\n    mimeType\n    sizeBytes\n    contentHash\n    downloadUrl\n    createdOn\n  }\n": types.ArtifactFieldsFragmentDoc,
    "\n  fragment JobPage on Job {\n    __typename\n    ...JobRow\n    nativeState\n    reasonerName\n    timeoutMins\n    payload\n    error {\n      code\n      message\n    }\n    statusHistory {\n      id\n      state\n      nativeState\n      message\n      createdById\n      createdOn\n    }\n    artifacts {\n      ...ArtifactFields\n    }\n    problems {\n      severity\n      code\n      message\n      details\n    }\n    batchStep {\n      name\n      position\n      batchJobId\n      batch {\n        name\n      }\n    }\n    ... on ReasonerJob {\n      result\n    }\n    ... on GenerationJob {\n      kind\n      rows\n      description\n      seed\n      queue\n      planTier\n      estimatedCredits\n      chargedCredits\n      rerunOf {\n        jobId\n      }\n      evidence {\n        rootHash\n        signature\n        publicKey\n        verified\n        files {\n          ...ArtifactFields\n        }\n      }\n      seal {\n        id\n        sealHash\n        previousSealHash\n        createdOn\n      }\n    }\n    ... on BatchJob {\n      steps {\n        name\n        state\n        startedOn\n        finishedOn\n        ignoreChunkError\n        childJobId\n      }\n    }\n    ... on AgentJob {\n      function {\n        name\n        version\n        toolName\n        toolVersion\n        operatingSystem\n      }\n      assignedAgentId\n      assignedAgentPoolId\n      agentId\n      archiveStatus\n      archiveStatusHistory {\n        status\n        reason\n        createdById\n        createdOn\n      }\n      comments {\n        id\n        content\n        createdById\n        createdOn\n      }\n      access {\n        subjectId\n        email\n        relation\n      }\n      file {\n        id\n        description\n        displayName\n        externalIdentifier\n        versionName\n        properties\n        revisions {\n          id\n          name\n          mimeType\n          sizeBytes\n          downloadUrl\n          createdOn\n        }\n      }\n    }\n  }\n": types.JobPageFragmentDoc,
    "\n  query DashboardViewer {\n    viewer {\n      userId\n      email\n      tenantId\n      role\n    }\n  }\n": types.DashboardViewerDocument,
    "\n  query DashboardJobs($filter: JobFilter, $first: Int, $after: String, $orderBy: JobOrder) {\n    jobs(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {\n      totalCount\n      totalCountIsEstimate\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...JobRow\n        }\n      }\n    }\n  }\n": types.DashboardJobsDocument,
    "\n  subscription DashboardJobsChanged($filter: JobFilter) {\n    jobsChanged(filter: $filter) {\n      ...JobRow\n    }\n  }\n": types.DashboardJobsChangedDocument,
    "\n  query DashboardJobLookup($jobId: ID!, $allUsers: Boolean) {\n    jobs(filter: { jobId: $jobId, allUsers: $allUsers }, first: 1) {\n      edges {\n        node {\n          jobId\n          reasonerType\n        }\n      }\n    }\n  }\n": types.DashboardJobLookupDocument,
    "\n  query DashboardJob($reasonerType: ReasonerType!, $jobId: ID!) {\n    job(reasonerType: $reasonerType, jobId: $jobId) {\n      ...JobPage\n    }\n  }\n": types.DashboardJobDocument,
    "\n  subscription DashboardJobUpdated($reasonerType: ReasonerType!, $jobId: ID!) {\n    jobUpdated(reasonerType: $reasonerType, jobId: $jobId) {\n      ...JobPage\n    }\n  }\n": types.DashboardJobUpdatedDocument,
    "\n  subscription DashboardJobLogs($reasonerType: ReasonerType!, $jobId: ID!) {\n    jobLogs(reasonerType: $reasonerType, jobId: $jobId) {\n      cursor\n      timestampMs\n      level\n      message\n      step\n    }\n  }\n": types.DashboardJobLogsDocument,
    "\n  subscription DashboardJobEvents($reasonerType: ReasonerType!, $jobId: ID!, $stream: String) {\n    jobEvents(reasonerType: $reasonerType, jobId: $jobId, stream: $stream) {\n      cursor\n      stream\n      createdOn\n      data\n    }\n  }\n": types.DashboardJobEventsDocument,
    "\n  mutation DashboardCancelJob($reasonerType: ReasonerType!, $jobId: ID!) {\n    cancelJob(reasonerType: $reasonerType, jobId: $jobId) {\n      ...JobPage\n    }\n  }\n": types.DashboardCancelJobDocument,
    "\n  mutation DashboardRerunJob($jobId: ID!) {\n    rerunJob(jobId: $jobId) {\n      job {\n        jobId\n        reasonerType\n      }\n    }\n  }\n": types.DashboardRerunJobDocument,
    "\n  mutation DashboardAddComment($jobId: ID!, $content: String!) {\n    addJobComment(jobId: $jobId, content: $content) {\n      id\n    }\n  }\n": types.DashboardAddCommentDocument,
    "\n  mutation DashboardArchiveJob($jobId: ID!, $reason: String) {\n    archiveJob(jobId: $jobId, reason: $reason) {\n      jobId\n    }\n  }\n": types.DashboardArchiveJobDocument,
    "\n  mutation DashboardRestoreJob($jobId: ID!, $reason: String) {\n    restoreJob(jobId: $jobId, reason: $reason) {\n      jobId\n    }\n  }\n": types.DashboardRestoreJobDocument,
    "\n  mutation DashboardCreateJobAccess($jobId: ID!, $subjectId: String, $email: String, $relation: AccessRelation!) {\n    createJobAccess(jobId: $jobId, subjectId: $subjectId, email: $email, relation: $relation) {\n      subjectId\n    }\n  }\n": types.DashboardCreateJobAccessDocument,
    "\n  query DashboardEstimateCredits($kind: GenerationKind!, $rows: Int!) {\n    estimateCredits(kind: $kind, rows: $rows) {\n      estimatedCredits\n      trainingTier\n    }\n  }\n": types.DashboardEstimateCreditsDocument,
    "\n  mutation DashboardCreateGenerationJob($input: CreateGenerationJobInput!) {\n    createGenerationJob(input: $input) {\n      job {\n        jobId\n        reasonerType\n      }\n    }\n  }\n": types.DashboardCreateGenerationJobDocument,
    "\n  mutation DashboardAddAgentJob($input: AddAgentJobInput!) {\n    addAgentJob(input: $input) {\n      job {\n        jobId\n        reasonerType\n      }\n    }\n  }\n": types.DashboardAddAgentJobDocument,
    "\n  mutation DashboardRunBatchJob($input: RunBatchJobInput!) {\n    runBatchJob(input: $input) {\n      job {\n        jobId\n        reasonerType\n      }\n    }\n  }\n": types.DashboardRunBatchJobDocument,
    "\n  mutation DashboardCreateJob($input: CreateJobInput!) {\n    createJob(input: $input) {\n      job {\n        jobId\n        reasonerType\n      }\n    }\n  }\n": types.DashboardCreateJobDocument,
    "\n  query DashboardPlotJobs($filter: JobFilter) {\n    jobs(filter: $filter, first: 500) {\n      totalCount\n      totalCountIsEstimate\n      edges {\n        node {\n          jobId\n          state\n          createdOn\n          startedOn\n          finishedOn\n        }\n      }\n    }\n  }\n": types.DashboardPlotJobsDocument,
    "\n  query DashboardApiKeys {\n    apiKeys(includeRevoked: true) {\n      id\n      prefix\n      userId\n      role\n      createdOn\n      revokedOn\n      lastUsedOn\n    }\n  }\n": types.DashboardApiKeysDocument,
    "\n  mutation DashboardCreateApiKey($userId: String!, $email: String, $role: Role) {\n    createApiKey(userId: $userId, email: $email, role: $role) {\n      secret\n      apiKey {\n        id\n        prefix\n      }\n    }\n  }\n": types.DashboardCreateApiKeyDocument,
    "\n  mutation DashboardRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      id\n      revokedOn\n    }\n  }\n": types.DashboardRevokeApiKeyDocument,
    "\n  query DashboardWorkers {\n    workers {\n      id\n      name\n      reasonerTypes\n      reasonerNames\n      poolId\n      lastSeenOn\n    }\n  }\n": types.DashboardWorkersDocument,
    "\n  query DashboardQueryFields {\n    __type(name: \"Query\") {\n      fields {\n        name\n      }\n    }\n  }\n": types.DashboardQueryFieldsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment JobRow on Job {\n    id\n    jobId\n    reasonerType\n    name\n    state\n    createdBy\n    createdOn\n    startedOn\n    finishedOn\n    durationMs\n  }\n"): typeof import('./graphql.ts').JobRowFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ArtifactFields on Artifact {\n    id\n    name\n    artifactType\n    mimeType\n    sizeBytes\n    contentHash\n    downloadUrl\n    createdOn\n  }\n"): typeof import('./graphql.ts').ArtifactFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment JobPage on Job {\n    __typename\n    ...JobRow\n    nativeState\n    reasonerName\n    timeoutMins\n    payload\n    error {\n      code\n      message\n    }\n    statusHistory {\n      id\n      state\n      nativeState\n      message\n      createdById\n      createdOn\n    }\n    artifacts {\n      ...ArtifactFields\n    }\n    problems {\n      severity\n      code\n      message\n      details\n    }\n    batchStep {\n      name\n      position\n      batchJobId\n      batch {\n        name\n      }\n    }\n    ... on ReasonerJob {\n      result\n    }\n    ... on GenerationJob {\n      kind\n      rows\n      description\n      seed\n      queue\n      planTier\n      estimatedCredits\n      chargedCredits\n      rerunOf {\n        jobId\n      }\n      evidence {\n        rootHash\n        signature\n        publicKey\n        verified\n        files {\n          ...ArtifactFields\n        }\n      }\n      seal {\n        id\n        sealHash\n        previousSealHash\n        createdOn\n      }\n    }\n    ... on BatchJob {\n      steps {\n        name\n        state\n        startedOn\n        finishedOn\n        ignoreChunkError\n        childJobId\n      }\n    }\n    ... on AgentJob {\n      function {\n        name\n        version\n        toolName\n        toolVersion\n        operatingSystem\n      }\n      assignedAgentId\n      assignedAgentPoolId\n      agentId\n      archiveStatus\n      archiveStatusHistory {\n        status\n        reason\n        createdById\n        createdOn\n      }\n      comments {\n        id\n        content\n        createdById\n        createdOn\n      }\n      access {\n        subjectId\n        email\n        relation\n      }\n      file {\n        id\n        description\n        displayName\n        externalIdentifier\n        versionName\n        properties\n        revisions {\n          id\n          name\n          mimeType\n          sizeBytes\n          downloadUrl\n          createdOn\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.ts').JobPageFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardViewer {\n    viewer {\n      userId\n      email\n      tenantId\n      role\n    }\n  }\n"): typeof import('./graphql.ts').DashboardViewerDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardJobs($filter: JobFilter, $first: Int, $after: String, $orderBy: JobOrder) {\n    jobs(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {\n      totalCount\n      totalCountIsEstimate\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...JobRow\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardJobsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardJobsChanged($filter: JobFilter) {\n    jobsChanged(filter: $filter) {\n      ...JobRow\n    }\n  }\n"): typeof import('./graphql.ts').DashboardJobsChangedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardJobLookup($jobId: ID!, $allUsers: Boolean) {\n    jobs(filter: { jobId: $jobId, allUsers: $allUsers }, first: 1) {\n      edges {\n        node {\n          jobId\n          reasonerType\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardJobLookupDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardJob($reasonerType: ReasonerType!, $jobId: ID!) {\n    job(reasonerType: $reasonerType, jobId: $jobId) {\n      ...JobPage\n    }\n  }\n"): typeof import('./graphql.ts').DashboardJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardJobUpdated($reasonerType: ReasonerType!, $jobId: ID!) {\n    jobUpdated(reasonerType: $reasonerType, jobId: $jobId) {\n      ...JobPage\n    }\n  }\n"): typeof import('./graphql.ts').DashboardJobUpdatedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardJobLogs($reasonerType: ReasonerType!, $jobId: ID!) {\n    jobLogs(reasonerType: $reasonerType, jobId: $jobId) {\n      cursor\n      timestampMs\n      level\n      message\n      step\n    }\n  }\n"): typeof import('./graphql.ts').DashboardJobLogsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardJobEvents($reasonerType: ReasonerType!, $jobId: ID!, $stream: String) {\n    jobEvents(reasonerType: $reasonerType, jobId: $jobId, stream: $stream) {\n      cursor\n      stream\n      createdOn\n      data\n    }\n  }\n"): typeof import('./graphql.ts').DashboardJobEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardCancelJob($reasonerType: ReasonerType!, $jobId: ID!) {\n    cancelJob(reasonerType: $reasonerType, jobId: $jobId) {\n      ...JobPage\n    }\n  }\n"): typeof import('./graphql.ts').DashboardCancelJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardRerunJob($jobId: ID!) {\n    rerunJob(jobId: $jobId) {\n      job {\n        jobId\n        reasonerType\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardRerunJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardAddComment($jobId: ID!, $content: String!) {\n    addJobComment(jobId: $jobId, content: $content) {\n      id\n    }\n  }\n"): typeof import('./graphql.ts').DashboardAddCommentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardArchiveJob($jobId: ID!, $reason: String) {\n    archiveJob(jobId: $jobId, reason: $reason) {\n      jobId\n    }\n  }\n"): typeof import('./graphql.ts').DashboardArchiveJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardRestoreJob($jobId: ID!, $reason: String) {\n    restoreJob(jobId: $jobId, reason: $reason) {\n      jobId\n    }\n  }\n"): typeof import('./graphql.ts').DashboardRestoreJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardCreateJobAccess($jobId: ID!, $subjectId: String, $email: String, $relation: AccessRelation!) {\n    createJobAccess(jobId: $jobId, subjectId: $subjectId, email: $email, relation: $relation) {\n      subjectId\n    }\n  }\n"): typeof import('./graphql.ts').DashboardCreateJobAccessDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardEstimateCredits($kind: GenerationKind!, $rows: Int!) {\n    estimateCredits(kind: $kind, rows: $rows) {\n      estimatedCredits\n      trainingTier\n    }\n  }\n"): typeof import('./graphql.ts').DashboardEstimateCreditsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardCreateGenerationJob($input: CreateGenerationJobInput!) {\n    createGenerationJob(input: $input) {\n      job {\n        jobId\n        reasonerType\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardCreateGenerationJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardAddAgentJob($input: AddAgentJobInput!) {\n    addAgentJob(input: $input) {\n      job {\n        jobId\n        reasonerType\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardAddAgentJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardRunBatchJob($input: RunBatchJobInput!) {\n    runBatchJob(input: $input) {\n      job {\n        jobId\n        reasonerType\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardRunBatchJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardCreateJob($input: CreateJobInput!) {\n    createJob(input: $input) {\n      job {\n        jobId\n        reasonerType\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardCreateJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardPlotJobs($filter: JobFilter) {\n    jobs(filter: $filter, first: 500) {\n      totalCount\n      totalCountIsEstimate\n      edges {\n        node {\n          jobId\n          state\n          createdOn\n          startedOn\n          finishedOn\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardPlotJobsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardApiKeys {\n    apiKeys(includeRevoked: true) {\n      id\n      prefix\n      userId\n      role\n      createdOn\n      revokedOn\n      lastUsedOn\n    }\n  }\n"): typeof import('./graphql.ts').DashboardApiKeysDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardCreateApiKey($userId: String!, $email: String, $role: Role) {\n    createApiKey(userId: $userId, email: $email, role: $role) {\n      secret\n      apiKey {\n        id\n        prefix\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardCreateApiKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      id\n      revokedOn\n    }\n  }\n"): typeof import('./graphql.ts').DashboardRevokeApiKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardWorkers {\n    workers {\n      id\n      name\n      reasonerTypes\n      reasonerNames\n      poolId\n      lastSeenOn\n    }\n  }\n"): typeof import('./graphql.ts').DashboardWorkersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardQueryFields {\n    __type(name: \"Query\") {\n      fields {\n        name\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardQueryFieldsDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
