-- Hand-written: at most one PENDING invitation per team and address, so two
-- simultaneous invitations of one address cannot both stay pending.
CREATE UNIQUE INDEX "Invitation_one_pending_per_email" ON "Invitation" ("teamId", "email") WHERE "status" = 'PENDING';
