-- DropIndex
DROP INDEX "UsageEvent_apiId_at_idx";

-- DropIndex
DROP INDEX "UsageEvent_applicationId_at_idx";

