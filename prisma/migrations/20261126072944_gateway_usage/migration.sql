-- AlterTable
ALTER TABLE "Api" ADD COLUMN     "keyless" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "UsageEvent" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "apiId" TEXT NOT NULL,
    "versionId" TEXT,
    "applicationId" TEXT,
    "teamId" TEXT,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "latencyMs" DOUBLE PRECISION NOT NULL,
    "bytesIn" INTEGER NOT NULL,
    "bytesOut" INTEGER NOT NULL,
    "cache" TEXT,
    "requestId" TEXT NOT NULL,
    "gateway" TEXT NOT NULL,

    CONSTRAINT "UsageEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsageMinute" (
    "minute" TIMESTAMP(3) NOT NULL,
    "apiId" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "applicationId" TEXT NOT NULL,
    "teamId" TEXT,
    "requests" INTEGER NOT NULL,
    "errors4xx" INTEGER NOT NULL,
    "errors5xx" INTEGER NOT NULL,
    "bytesIn" BIGINT NOT NULL,
    "bytesOut" BIGINT NOT NULL,
    "latencySumMs" DOUBLE PRECISION NOT NULL,
    "latencyBuckets" INTEGER[],

    CONSTRAINT "UsageMinute_pkey" PRIMARY KEY ("minute","apiId","versionId","applicationId")
);

-- CreateTable
CREATE TABLE "UsageRollupCursor" (
    "id" TEXT NOT NULL,
    "rolledUpTo" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UsageRollupCursor_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "UsageEvent_at_idx" ON "UsageEvent"("at");

-- CreateIndex
CREATE INDEX "UsageEvent_apiId_at_idx" ON "UsageEvent"("apiId", "at");

-- CreateIndex
CREATE INDEX "UsageEvent_applicationId_at_idx" ON "UsageEvent"("applicationId", "at");

-- CreateIndex
CREATE INDEX "UsageMinute_apiId_minute_idx" ON "UsageMinute"("apiId", "minute");

-- CreateIndex
CREATE INDEX "UsageMinute_applicationId_minute_idx" ON "UsageMinute"("applicationId", "minute");

-- Hand-written: the gateway keeps APIs, versions, plans, applications,
-- subscriptions and key hashes in memory. Every change to them is announced
-- on the channel portico_gateway (delivered at commit), so every gateway
-- refreshes what changed within moments. The payload names the table and the
-- row: the gateway reloads only that.
CREATE FUNCTION portico_gateway_notify() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN PERFORM pg_notify(''portico_gateway'', json_build_object(''table'', TG_TABLE_NAME, ''id'', CASE WHEN TG_OP = ''DELETE'' THEN OLD."id" ELSE NEW."id" END)::text)\073 RETURN NULL\073 END\073';

CREATE TRIGGER "Api_gateway_notify" AFTER INSERT OR DELETE OR UPDATE OF "slug", "visibility", "keyless", "cacheEnabled", "cacheTtlSeconds", "teamId" ON "Api"
  FOR EACH ROW EXECUTE FUNCTION portico_gateway_notify();
CREATE TRIGGER "ApiVersion_gateway_notify" AFTER INSERT OR UPDATE OR DELETE ON "ApiVersion"
  FOR EACH ROW EXECUTE FUNCTION portico_gateway_notify();
CREATE TRIGGER "Plan_gateway_notify" AFTER INSERT OR UPDATE OR DELETE ON "Plan"
  FOR EACH ROW EXECUTE FUNCTION portico_gateway_notify();
CREATE TRIGGER "Application_gateway_notify" AFTER INSERT OR UPDATE OR DELETE ON "Application"
  FOR EACH ROW EXECUTE FUNCTION portico_gateway_notify();
CREATE TRIGGER "Subscription_gateway_notify" AFTER INSERT OR UPDATE OR DELETE ON "Subscription"
  FOR EACH ROW EXECUTE FUNCTION portico_gateway_notify();
CREATE TRIGGER "ApiKey_gateway_notify" AFTER INSERT OR UPDATE OF "revokedAt", "expiresAt", "rotatedToId" OR DELETE ON "ApiKey"
  FOR EACH ROW EXECUTE FUNCTION portico_gateway_notify();
