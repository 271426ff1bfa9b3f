-- CreateTable
CREATE TABLE "GovernanceRule" (
    "ruleId" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "updatedById" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GovernanceRule_pkey" PRIMARY KEY ("ruleId")
);

