-- A worker may run only some generation kinds (e.g. the built-in executors over HTTP); empty means any.

-- AlterTable
ALTER TABLE "workers" ADD COLUMN "generationKinds" "GenerationKind"[];
