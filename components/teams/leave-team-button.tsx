"use client";

import { leaveTeamAction } from "@/app/teams/actions";
import { ConfirmButton } from "@/components/ui/confirm-button";

export function LeaveTeamButton({ slug, teamName }: { slug: string; teamName: string }) {
  return <ConfirmButton label="Leave team" confirmLabel={`Leave ${teamName}`} onConfirm={() => leaveTeamAction(slug)} />;
}
