import {
  AccessRelations,
  ArchiveStatuses,
  GenerationKinds,
  JobStates,
  PlanTiers,
  ReasonerTypes,
  Roles,
} from "../jobs/model.ts";
import { builder } from "./builder.ts";

export const ReasonerTypeEnum = builder.enumType("ReasonerType", {
  description: "Which family a job belongs to; the resolvers dispatch on it to that family's gateway.",
  values: {
    LOGIC: { value: ReasonerTypes.LOGIC, description: "Logic transactions." },
    PRESCRIPTIVE: { value: ReasonerTypes.PRESCRIPTIVE, description: "Prescriptive reasoner jobs." },
    PREDICTIVE: { value: ReasonerTypes.PREDICTIVE, description: "Predictive reasoner jobs." },
    AGENT: {
      value: ReasonerTypes.AGENT,
      description: "Jobs that run a function on a model on an agent and produce a file.",
    },
    GENERATION: { value: ReasonerTypes.GENERATION, description: "Synthetic data generation jobs." },
    BATCH: { value: ReasonerTypes.BATCH, description: "Batch jobs: a sequence of steps with logs." },
  } as const,
});
export const JobStateEnum = builder.enumType(JobStates, {
  name: "JobState",
  description: "One state vocabulary for every family; `nativeState` keeps the family's own word.",
});
export const ArchiveStatusEnum = builder.enumType(ArchiveStatuses, { name: "ArchiveStatus" });
export const AccessRelationEnum = builder.enumType(AccessRelations, { name: "AccessRelation" });
export const GenerationKindEnum = builder.enumType(GenerationKinds, { name: "GenerationKind" });
export const PlanTierEnum = builder.enumType(PlanTiers, { name: "PlanTier" });
export const RoleEnum = builder.enumType("Role", {
  values: {
    ADMIN: {
      value: Roles.ADMIN,
      description: "Everything in the tenant; admins of the first tenant also manage tenants.",
    },
    MEMBER: { value: Roles.MEMBER, description: "Creates jobs and sees their own (and those shared with them)." },
    WORKER: { value: Roles.WORKER, description: "Runs the worker protocol only." },
    GATEWAY: {
      value: Roles.GATEWAY,
      description: "A front server's key: acts as the user named by the jobs-act-as header.",
    },
  } as const,
});
