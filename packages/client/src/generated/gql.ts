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
    "\n  fragment JobSummary on Job {\n    __typename\n    id\n    jobId\n    reasonerType\n    reasonerName\n    name\n    state\n    nativeState\n    createdBy\n    createdOn\n    startedOn\n    finishedOn\n    durationMs\n  }\n": typeof types.JobSummaryFragmentDoc,
    "\n  fragment JobDetail on Job {\n    ...JobSummary\n    timeoutMins\n    payload\n    details\n    execTimeMs\n    error {\n      code\n      message\n    }\n    operation {\n      id\n      reasonerType\n      done\n      state\n      error {\n        code\n        message\n      }\n      result\n    }\n    artifacts {\n      ...ArtifactFields\n    }\n    problems {\n      severity\n      code\n      message\n      details\n    }\n    batchStep {\n      name\n      position\n      batchJobId\n    }\n    ... on BatchJob {\n      steps {\n        name\n        position\n        state\n        childJobId\n        startedOn\n        finishedOn\n      }\n    }\n    ... on GenerationJob {\n      kind\n      rows\n      seed\n      queue\n      planTier\n      estimatedCredits\n      chargedCredits\n      rerunOf {\n        jobId\n      }\n      evidence {\n        rootHash\n        signature\n        publicKey\n        verified\n        files {\n          ...ArtifactFields\n        }\n      }\n      seal {\n        id\n        sealHash\n        previousSealHash\n        createdOn\n      }\n    }\n  }\n": typeof types.JobDetailFragmentDoc,
    "\n  fragment ArtifactFields on Artifact {\n    id\n    name\n    artifactType\n    mimeType\n    sizeBytes\n    contentHash\n    downloadUrl\n    createdOn\n  }\n": typeof types.ArtifactFieldsFragmentDoc,
    "\n  fragment LogLineFields on LogLine {\n    cursor\n    timestampMs\n    level\n    message\n    step\n  }\n": typeof types.LogLineFieldsFragmentDoc,
    "\n  query GetJob($reasonerType: ReasonerType!, $jobId: ID!) {\n    job(reasonerType: $reasonerType, jobId: $jobId) {\n      ...JobDetail\n    }\n  }\n": typeof types.GetJobDocument,
    "\n  query ListJobs($filter: JobFilter, $first: Int, $after: String, $offset: Int, $orderBy: JobOrder) {\n    jobs(filter: $filter, first: $first, after: $after, offset: $offset, orderBy: $orderBy) {\n      totalCount\n      totalCountIsEstimate\n      edges {\n        cursor\n        node {\n          ...JobSummary\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ListJobsDocument,
    "\n  query WaitForJob($reasonerType: ReasonerType!, $jobId: ID!, $timeoutS: Float) {\n    waitForJob(reasonerType: $reasonerType, jobId: $jobId, timeoutS: $timeoutS) {\n      ...JobDetail\n    }\n  }\n": typeof types.WaitForJobDocument,
    "\n  query JobEvents($reasonerType: ReasonerType!, $jobId: ID!, $stream: String, $first: Int, $after: String) {\n    job(reasonerType: $reasonerType, jobId: $jobId) {\n      events(stream: $stream, first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            cursor\n            stream\n            createdOn\n            data\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.JobEventsDocument,
    "\n  query JobLogs($reasonerType: ReasonerType!, $jobId: ID!, $sinceMs: Float, $first: Int, $after: String) {\n    job(reasonerType: $reasonerType, jobId: $jobId) {\n      state\n      logs(sinceMs: $sinceMs, first: $first, after: $after) {\n        edges {\n          node {\n            ...LogLineFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.JobLogsDocument,
    "\n  query ExecTime($reasonerType: ReasonerType!, $jobId: ID!) {\n    job(reasonerType: $reasonerType, jobId: $jobId) {\n      execTimeMs\n    }\n  }\n": typeof types.ExecTimeDocument,
    "\n  query EstimateCredits($kind: GenerationKind!, $rows: Int!) {\n    estimateCredits(kind: $kind, rows: $rows) {\n      kind\n      rows\n      estimatedCredits\n      trainingTier\n    }\n  }\n": typeof types.EstimateCreditsDocument,
    "\n  mutation CreateJob($input: CreateJobInput!) {\n    createJob(input: $input) {\n      job {\n        ...JobDetail\n      }\n    }\n  }\n": typeof types.CreateJobDocument,
    "\n  query ValidateJob($input: CreateJobInput!) {\n    validateJob(input: $input)\n  }\n": typeof types.ValidateJobDocument,
    "\n  mutation CreateJobs($inputs: [CreateJobInput!]!) {\n    createJobs(inputs: $inputs) {\n      job {\n        ...JobDetail\n      }\n      error {\n        code\n        message\n        field\n      }\n    }\n  }\n": typeof types.CreateJobsDocument,
    "\n  mutation CreateJobReady($input: CreateJobInput!, $timeoutS: Float) {\n    createJobReady(input: $input, timeoutS: $timeoutS) {\n      ...JobDetail\n    }\n  }\n": typeof types.CreateJobReadyDocument,
    "\n  mutation CreateGenerationJob($input: CreateGenerationJobInput!) {\n    createGenerationJob(input: $input) {\n      job {\n        ...JobDetail\n      }\n    }\n  }\n": typeof types.CreateGenerationJobDocument,
    "\n  mutation CancelJob($reasonerType: ReasonerType!, $jobId: ID!, $allUsers: Boolean) {\n    cancelJob(reasonerType: $reasonerType, jobId: $jobId, allUsers: $allUsers) {\n      ...JobDetail\n    }\n  }\n": typeof types.CancelJobDocument,
    "\n  mutation RerunJob($jobId: ID!) {\n    rerunJob(jobId: $jobId) {\n      job {\n        ...JobDetail\n      }\n    }\n  }\n": typeof types.RerunJobDocument,
    "\n  mutation CreateApiKey($userId: String!, $email: String, $role: Role, $tenantId: ID) {\n    createApiKey(userId: $userId, email: $email, role: $role, tenantId: $tenantId) {\n      secret\n      apiKey {\n        id\n        prefix\n        userId\n        tenantId\n        role\n        createdOn\n      }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    prefix\n    userId\n    tenantId\n    role\n    createdOn\n    lastUsedOn\n    revokedOn\n  }\n": typeof types.ApiKeyFieldsFragmentDoc,
    "\n  query ListApiKeys($first: Int, $includeRevoked: Boolean) {\n    apiKeys(first: $first, includeRevoked: $includeRevoked) {\n      ...ApiKeyFields\n    }\n  }\n": typeof types.ListApiKeysDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  subscription TailJobLogs($reasonerType: ReasonerType!, $jobId: ID!, $sinceMs: Float) {\n    jobLogs(reasonerType: $reasonerType, jobId: $jobId, sinceMs: $sinceMs) {\n      ...LogLineFields\n    }\n  }\n": typeof types.TailJobLogsDocument,
    "\n  subscription JobStateChanged($reasonerType: ReasonerType!, $jobId: ID!) {\n    jobUpdated(reasonerType: $reasonerType, jobId: $jobId) {\n      jobId\n      state\n    }\n  }\n": typeof types.JobStateChangedDocument,
    "\n  subscription JobUpdates($reasonerType: ReasonerType!, $jobId: ID!) {\n    jobUpdated(reasonerType: $reasonerType, jobId: $jobId) {\n      ...JobDetail\n    }\n  }\n": typeof types.JobUpdatesDocument,
    "\n  subscription JobsChanged($filter: JobFilter) {\n    jobsChanged(filter: $filter) {\n      ...JobSummary\n    }\n  }\n": typeof types.JobsChangedDocument,
    "\n  subscription FollowJobEvents($reasonerType: ReasonerType!, $jobId: ID!, $stream: String, $after: String) {\n    jobEvents(reasonerType: $reasonerType, jobId: $jobId, stream: $stream, after: $after) {\n      cursor\n      stream\n      createdOn\n      data\n    }\n  }\n": typeof types.FollowJobEventsDocument,
    "\n  fragment ScheduleFields on Schedule {\n    id\n    name\n    cron\n    timezone\n    catchUp\n    paused\n    job\n    nextRunOn\n    lastRunOn\n    lastError\n    createdBy\n    lastJob {\n      jobId\n      reasonerType\n      state\n    }\n  }\n": typeof types.ScheduleFieldsFragmentDoc,
    "\n  mutation CreateSchedule($input: CreateScheduleInput!) {\n    createSchedule(input: $input) {\n      ...ScheduleFields\n    }\n  }\n": typeof types.CreateScheduleDocument,
    "\n  query ListSchedules($first: Int, $after: String) {\n    schedules(first: $first, after: $after) {\n      edges {\n        node {\n          ...ScheduleFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ListSchedulesDocument,
    "\n  mutation PauseSchedule($id: ID!) {\n    pauseSchedule(id: $id) {\n      ...ScheduleFields\n    }\n  }\n": typeof types.PauseScheduleDocument,
    "\n  mutation ResumeSchedule($id: ID!) {\n    resumeSchedule(id: $id) {\n      ...ScheduleFields\n    }\n  }\n": typeof types.ResumeScheduleDocument,
    "\n  mutation DeleteSchedule($id: ID!) {\n    deleteSchedule(id: $id)\n  }\n": typeof types.DeleteScheduleDocument,
};
const documents: Documents = {
    "\n  fragment JobSummary on Job {\n    __typename\n    id\n    jobId\n    reasonerType\n    reasonerName\n    name\n    state\n    nativeState\n    createdBy\n    createdOn\n    startedOn\n    finishedOn\n    durationMs\n  }\n": types.JobSummaryFragmentDoc,
    "\n  fragment JobDetail on Job {\n    ...JobSummary\n    timeoutMins\n    payload\n    details\n    execTimeMs\n    error {\n      code\n      message\n    }\n    operation {\n      id\n      reasonerType\n      done\n      state\n      error {\n        code\n        message\n      }\n      result\n    }\n    artifacts {\n      ...ArtifactFields\n    }\n    problems {\n      severity\n      code\n      message\n      details\n    }\n    batchStep {\n      name\n      position\n      batchJobId\n    }\n    ... on BatchJob {\n      steps {\n        name\n        position\n        state\n        childJobId\n        startedOn\n        finishedOn\n      }\n    }\n    ... on GenerationJob {\n      kind\n      rows\n      seed\n      queue\n      planTier\n      estimatedCredits\n      chargedCredits\n      rerunOf {\n        jobId\n      }\n      evidence {\n        rootHash\n        signature\n        publicKey\n        verified\n        files {\n          ...ArtifactFields\n        }\n      }\n      seal {\n        id\n        sealHash\n        previousSealHash\n        createdOn\n      }\n    }\n  }\n": types.JobDetailFragmentDoc,
    "\n  fragment ArtifactFields on Artifact {\n    id\n    name\n    artifactType\n    mimeType\n    sizeBytes\n    contentHash\n    downloadUrl\n    createdOn\n  }\n": types.ArtifactFieldsFragmentDoc,
    "\n  fragment LogLineFields on LogLine {\n    cursor\n    timestampMs\n    level\n    message\n    step\n  }\n": types.LogLineFieldsFragmentDoc,
    "\n  query GetJob($reasonerType: ReasonerType!, $jobId: ID!) {\n    job(reasonerType: $reasonerType, jobId: $jobId) {\n      ...JobDetail\n    }\n  }\n": types.GetJobDocument,
    "\n  query ListJobs($filter: JobFilter, $first: Int, $after: String, $offset: Int, $orderBy: JobOrder) {\n    jobs(filter: $filter, first: $first, after: $after, offset: $offset, orderBy: $orderBy) {\n      totalCount\n      totalCountIsEstimate\n      edges {\n        cursor\n        node {\n          ...JobSummary\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ListJobsDocument,
    "\n  query WaitForJob($reasonerType: ReasonerType!, $jobId: ID!, $timeoutS: Float) {\n    waitForJob(reasonerType: $reasonerType, jobId: $jobId, timeoutS: $timeoutS) {\n      ...JobDetail\n    }\n  }\n": types.WaitForJobDocument,
    "\n  query JobEvents($reasonerType: ReasonerType!, $jobId: ID!, $stream: String, $first: Int, $after: String) {\n    job(reasonerType: $reasonerType, jobId: $jobId) {\n      events(stream: $stream, first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            cursor\n            stream\n            createdOn\n            data\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.JobEventsDocument,
    "\n  query JobLogs($reasonerType: ReasonerType!, $jobId: ID!, $sinceMs: Float, $first: Int, $after: String) {\n    job(reasonerType: $reasonerType, jobId: $jobId) {\n      state\n      logs(sinceMs: $sinceMs, first: $first, after: $after) {\n        edges {\n          node {\n            ...LogLineFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.JobLogsDocument,
    "\n  query ExecTime($reasonerType: ReasonerType!, $jobId: ID!) {\n    job(reasonerType: $reasonerType, jobId: $jobId) {\n      execTimeMs\n    }\n  }\n": types.ExecTimeDocument,
    "\n  query EstimateCredits($kind: GenerationKind!, $rows: Int!) {\n    estimateCredits(kind: $kind, rows: $rows) {\n      kind\n      rows\n      estimatedCredits\n      trainingTier\n    }\n  }\n": types.EstimateCreditsDocument,
    "\n  mutation CreateJob($input: CreateJobInput!) {\n    createJob(input: $input) {\n      job {\n        ...JobDetail\n      }\n    }\n  }\n": types.CreateJobDocument,
    "\n  query ValidateJob($input: CreateJobInput!) {\n    validateJob(input: $input)\n  }\n": types.ValidateJobDocument,
    "\n  mutation CreateJobs($inputs: [CreateJobInput!]!) {\n    createJobs(inputs: $inputs) {\n      job {\n        ...JobDetail\n      }\n      error {\n        code\n        message\n        field\n      }\n    }\n  }\n": types.CreateJobsDocument,
    "\n  mutation CreateJobReady($input: CreateJobInput!, $timeoutS: Float) {\n    createJobReady(input: $input, timeoutS: $timeoutS) {\n      ...JobDetail\n    }\n  }\n": types.CreateJobReadyDocument,
    "\n  mutation CreateGenerationJob($input: CreateGenerationJobInput!) {\n    createGenerationJob(input: $input) {\n      job {\n        ...JobDetail\n      }\n    }\n  }\n": types.CreateGenerationJobDocument,
    "\n  mutation CancelJob($reasonerType: ReasonerType!, $jobId: ID!, $allUsers: Boolean) {\n    cancelJob(reasonerType: $reasonerType, jobId: $jobId, allUsers: $allUsers) {\n      ...JobDetail\n    }\n  }\n": types.CancelJobDocument,
    "\n  mutation RerunJob($jobId: ID!) {\n    rerunJob(jobId: $jobId) {\n      job {\n        ...JobDetail\n      }\n    }\n  }\n": types.RerunJobDocument,
    "\n  mutation CreateApiKey($userId: String!, $email: String, $role: Role, $tenantId: ID) {\n    createApiKey(userId: $userId, email: $email, role: $role, tenantId: $tenantId) {\n      secret\n      apiKey {\n        id\n        prefix\n        userId\n        tenantId\n        role\n        createdOn\n      }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    prefix\n    userId\n    tenantId\n    role\n    createdOn\n    lastUsedOn\n    revokedOn\n  }\n": types.ApiKeyFieldsFragmentDoc,
    "\n  query ListApiKeys($first: Int, $includeRevoked: Boolean) {\n    apiKeys(first: $first, includeRevoked: $includeRevoked) {\n      ...ApiKeyFields\n    }\n  }\n": types.ListApiKeysDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n": types.RevokeApiKeyDocument,
    "\n  subscription TailJobLogs($reasonerType: ReasonerType!, $jobId: ID!, $sinceMs: Float) {\n    jobLogs(reasonerType: $reasonerType, jobId: $jobId, sinceMs: $sinceMs) {\n      ...LogLineFields\n    }\n  }\n": types.TailJobLogsDocument,
    "\n  subscription JobStateChanged($reasonerType: ReasonerType!, $jobId: ID!) {\n    jobUpdated(reasonerType: $reasonerType, jobId: $jobId) {\n      jobId\n      state\n    }\n  }\n": types.JobStateChangedDocument,
    "\n  subscription JobUpdates($reasonerType: ReasonerType!, $jobId: ID!) {\n    jobUpdated(reasonerType: $reasonerType, jobId: $jobId) {\n      ...JobDetail\n    }\n  }\n": types.JobUpdatesDocument,
    "\n  subscription JobsChanged($filter: JobFilter) {\n    jobsChanged(filter: $filter) {\n      ...JobSummary\n    }\n  }\n": types.JobsChangedDocument,
    "\n  subscription FollowJobEvents($reasonerType: ReasonerType!, $jobId: ID!, $stream: String, $after: String) {\n    jobEvents(reasonerType: $reasonerType, jobId: $jobId, stream: $stream, after: $after) {\n      cursor\n      stream\n      createdOn\n      data\n    }\n  }\n": types.FollowJobEventsDocument,
    "\n  fragment ScheduleFields on Schedule {\n    id\n    name\n    cron\n    timezone\n    catchUp\n    paused\n    job\n    nextRunOn\n    lastRunOn\n    lastError\n    createdBy\n    lastJob {\n      jobId\n      reasonerType\n      state\n    }\n  }\n": types.ScheduleFieldsFragmentDoc,
    "\n  mutation CreateSchedule($input: CreateScheduleInput!) {\n    createSchedule(input: $input) {\n      ...ScheduleFields\n    }\n  }\n": types.CreateScheduleDocument,
    "\n  query ListSchedules($first: Int, $after: String) {\n    schedules(first: $first, after: $after) {\n      edges {\n        node {\n          ...ScheduleFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ListSchedulesDocument,
    "\n  mutation PauseSchedule($id: ID!) {\n    pauseSchedule(id: $id) {\n      ...ScheduleFields\n    }\n  }\n": types.PauseScheduleDocument,
    "\n  mutation ResumeSchedule($id: ID!) {\n    resumeSchedule(id: $id) {\n      ...ScheduleFields\n    }\n  }\n": types.ResumeScheduleDocument,
    "\n  mutation DeleteSchedule($id: ID!) {\n    deleteSchedule(id: $id)\n  }\n": types.DeleteScheduleDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment JobSummary on Job {\n    __typename\n    id\n    jobId\n    reasonerType\n    reasonerName\n    name\n    state\n    nativeState\n    createdBy\n    createdOn\n    startedOn\n    finishedOn\n    durationMs\n  }\n"): typeof import('./graphql.ts').JobSummaryFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment JobDetail on Job {\n    ...JobSummary\n    timeoutMins\n    payload\n    details\n    execTimeMs\n    error {\n      code\n      message\n    }\n    operation {\n      id\n      reasonerType\n      done\n      state\n      error {\n        code\n        message\n      }\n      result\n    }\n    artifacts {\n      ...ArtifactFields\n    }\n    problems {\n      severity\n      code\n      message\n      details\n    }\n    batchStep {\n      name\n      position\n      batchJobId\n    }\n    ... on BatchJob {\n      steps {\n        name\n        position\n        state\n        childJobId\n        startedOn\n        finishedOn\n      }\n    }\n    ... on GenerationJob {\n      kind\n      rows\n      seed\n      queue\n      planTier\n      estimatedCredits\n      chargedCredits\n      rerunOf {\n        jobId\n      }\n      evidence {\n        rootHash\n        signature\n        publicKey\n        verified\n        files {\n          ...ArtifactFields\n        }\n      }\n      seal {\n        id\n        sealHash\n        previousSealHash\n        createdOn\n      }\n    }\n  }\n"): typeof import('./graphql.ts').JobDetailFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ArtifactFields on Artifact {\n    id\n    name\n    artifactType\n    mimeType\n    sizeBytes\n    contentHash\n    downloadUrl\n    createdOn\n  }\n"): typeof import('./graphql.ts').ArtifactFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LogLineFields on LogLine {\n    cursor\n    timestampMs\n    level\n    message\n    step\n  }\n"): typeof import('./graphql.ts').LogLineFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetJob($reasonerType: ReasonerType!, $jobId: ID!) {\n    job(reasonerType: $reasonerType, jobId: $jobId) {\n      ...JobDetail\n    }\n  }\n"): typeof import('./graphql.ts').GetJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListJobs($filter: JobFilter, $first: Int, $after: String, $offset: Int, $orderBy: JobOrder) {\n    jobs(filter: $filter, first: $first, after: $after, offset: $offset, orderBy: $orderBy) {\n      totalCount\n      totalCountIsEstimate\n      edges {\n        cursor\n        node {\n          ...JobSummary\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): typeof import('./graphql.ts').ListJobsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WaitForJob($reasonerType: ReasonerType!, $jobId: ID!, $timeoutS: Float) {\n    waitForJob(reasonerType: $reasonerType, jobId: $jobId, timeoutS: $timeoutS) {\n      ...JobDetail\n    }\n  }\n"): typeof import('./graphql.ts').WaitForJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query JobEvents($reasonerType: ReasonerType!, $jobId: ID!, $stream: String, $first: Int, $after: String) {\n    job(reasonerType: $reasonerType, jobId: $jobId) {\n      events(stream: $stream, first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            cursor\n            stream\n            createdOn\n            data\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.ts').JobEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query JobLogs($reasonerType: ReasonerType!, $jobId: ID!, $sinceMs: Float, $first: Int, $after: String) {\n    job(reasonerType: $reasonerType, jobId: $jobId) {\n      state\n      logs(sinceMs: $sinceMs, first: $first, after: $after) {\n        edges {\n          node {\n            ...LogLineFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.ts').JobLogsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExecTime($reasonerType: ReasonerType!, $jobId: ID!) {\n    job(reasonerType: $reasonerType, jobId: $jobId) {\n      execTimeMs\n    }\n  }\n"): typeof import('./graphql.ts').ExecTimeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EstimateCredits($kind: GenerationKind!, $rows: Int!) {\n    estimateCredits(kind: $kind, rows: $rows) {\n      kind\n      rows\n      estimatedCredits\n      trainingTier\n    }\n  }\n"): typeof import('./graphql.ts').EstimateCreditsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateJob($input: CreateJobInput!) {\n    createJob(input: $input) {\n      job {\n        ...JobDetail\n      }\n    }\n  }\n"): typeof import('./graphql.ts').CreateJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ValidateJob($input: CreateJobInput!) {\n    validateJob(input: $input)\n  }\n"): typeof import('./graphql.ts').ValidateJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateJobs($inputs: [CreateJobInput!]!) {\n    createJobs(inputs: $inputs) {\n      job {\n        ...JobDetail\n      }\n      error {\n        code\n        message\n        field\n      }\n    }\n  }\n"): typeof import('./graphql.ts').CreateJobsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateJobReady($input: CreateJobInput!, $timeoutS: Float) {\n    createJobReady(input: $input, timeoutS: $timeoutS) {\n      ...JobDetail\n    }\n  }\n"): typeof import('./graphql.ts').CreateJobReadyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateGenerationJob($input: CreateGenerationJobInput!) {\n    createGenerationJob(input: $input) {\n      job {\n        ...JobDetail\n      }\n    }\n  }\n"): typeof import('./graphql.ts').CreateGenerationJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelJob($reasonerType: ReasonerType!, $jobId: ID!, $allUsers: Boolean) {\n    cancelJob(reasonerType: $reasonerType, jobId: $jobId, allUsers: $allUsers) {\n      ...JobDetail\n    }\n  }\n"): typeof import('./graphql.ts').CancelJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RerunJob($jobId: ID!) {\n    rerunJob(jobId: $jobId) {\n      job {\n        ...JobDetail\n      }\n    }\n  }\n"): typeof import('./graphql.ts').RerunJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($userId: String!, $email: String, $role: Role, $tenantId: ID) {\n    createApiKey(userId: $userId, email: $email, role: $role, tenantId: $tenantId) {\n      secret\n      apiKey {\n        id\n        prefix\n        userId\n        tenantId\n        role\n        createdOn\n      }\n    }\n  }\n"): typeof import('./graphql.ts').CreateApiKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ApiKeyFields on ApiKey {\n    id\n    prefix\n    userId\n    tenantId\n    role\n    createdOn\n    lastUsedOn\n    revokedOn\n  }\n"): typeof import('./graphql.ts').ApiKeyFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListApiKeys($first: Int, $includeRevoked: Boolean) {\n    apiKeys(first: $first, includeRevoked: $includeRevoked) {\n      ...ApiKeyFields\n    }\n  }\n"): typeof import('./graphql.ts').ListApiKeysDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n"): typeof import('./graphql.ts').RevokeApiKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TailJobLogs($reasonerType: ReasonerType!, $jobId: ID!, $sinceMs: Float) {\n    jobLogs(reasonerType: $reasonerType, jobId: $jobId, sinceMs: $sinceMs) {\n      ...LogLineFields\n    }\n  }\n"): typeof import('./graphql.ts').TailJobLogsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription JobStateChanged($reasonerType: ReasonerType!, $jobId: ID!) {\n    jobUpdated(reasonerType: $reasonerType, jobId: $jobId) {\n      jobId\n      state\n    }\n  }\n"): typeof import('./graphql.ts').JobStateChangedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription JobUpdates($reasonerType: ReasonerType!, $jobId: ID!) {\n    jobUpdated(reasonerType: $reasonerType, jobId: $jobId) {\n      ...JobDetail\n    }\n  }\n"): typeof import('./graphql.ts').JobUpdatesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription JobsChanged($filter: JobFilter) {\n    jobsChanged(filter: $filter) {\n      ...JobSummary\n    }\n  }\n"): typeof import('./graphql.ts').JobsChangedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription FollowJobEvents($reasonerType: ReasonerType!, $jobId: ID!, $stream: String, $after: String) {\n    jobEvents(reasonerType: $reasonerType, jobId: $jobId, stream: $stream, after: $after) {\n      cursor\n      stream\n      createdOn\n      data\n    }\n  }\n"): typeof import('./graphql.ts').FollowJobEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ScheduleFields on Schedule {\n    id\n    name\n    cron\n    timezone\n    catchUp\n    paused\n    job\n    nextRunOn\n    lastRunOn\n    lastError\n    createdBy\n    lastJob {\n      jobId\n      reasonerType\n      state\n    }\n  }\n"): typeof import('./graphql.ts').ScheduleFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateSchedule($input: CreateScheduleInput!) {\n    createSchedule(input: $input) {\n      ...ScheduleFields\n    }\n  }\n"): typeof import('./graphql.ts').CreateScheduleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListSchedules($first: Int, $after: String) {\n    schedules(first: $first, after: $after) {\n      edges {\n        node {\n          ...ScheduleFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): typeof import('./graphql.ts').ListSchedulesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PauseSchedule($id: ID!) {\n    pauseSchedule(id: $id) {\n      ...ScheduleFields\n    }\n  }\n"): typeof import('./graphql.ts').PauseScheduleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeSchedule($id: ID!) {\n    resumeSchedule(id: $id) {\n      ...ScheduleFields\n    }\n  }\n"): typeof import('./graphql.ts').ResumeScheduleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteSchedule($id: ID!) {\n    deleteSchedule(id: $id)\n  }\n"): typeof import('./graphql.ts').DeleteScheduleDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
