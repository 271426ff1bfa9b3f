"use client";

import { useActionState } from "react";
import { changeRoleAction, removeMemberAction } from "@/app/teams/actions";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/form";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { RoleBadge, formatDate } from "@/components/ui/layout";

type Role = "OWNER" | "ADMIN" | "DEVELOPER" | "VIEWER";
interface Member {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  joinedAt: string;
}

const ROLES: Role[] = ["OWNER", "ADMIN", "DEVELOPER", "VIEWER"];

function RoleForm({ slug, member }: { slug: string; member: Member }) {
  const [state, action, pending] = useActionState(changeRoleAction.bind(null, slug, member.userId), null);
  const label = member.name ?? member.email;
  return (
    <form action={action} className="flex flex-col items-end gap-1">
      <div className="flex items-center gap-2">
        <label htmlFor={`role-${member.userId}`} className="sr-only">
          Role of {label}
        </label>
        <Select id={`role-${member.userId}`} name="role" defaultValue={member.role} className="w-36">
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </Select>
        <Button type="submit" variant="secondary" disabled={pending} aria-label={`Update role of ${label}`}>
          {pending ? "Saving…" : "Update"}
        </Button>
      </div>
      {state && !state.ok ? (
        <p role="alert" className="max-w-xs text-right text-xs text-red-700">
          {state.error}
        </p>
      ) : state?.ok ? (
        <p role="status" className="text-xs text-emerald-700">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}

export function MemberList({ slug, members, currentUserId, mayChangeRoles, mayRemove }: { slug: string; members: Member[]; currentUserId: string; mayChangeRoles: boolean; mayRemove: boolean }) {
  return (
    <ul className="divide-y divide-slate-100" aria-label="Team members">
      {members.map((member) => (
        <li key={member.userId} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid={`member-${member.email}`}>
          <div className="min-w-0">
            <p className="truncate text-sm font-medium text-slate-900">
              {member.name ?? member.email}
              {member.userId === currentUserId ? <span className="ml-1.5 text-xs font-normal text-slate-500">(you)</span> : null}
            </p>
            <p className="truncate text-sm text-slate-500">
              {member.email} · joined {formatDate(member.joinedAt)}
            </p>
          </div>
          <div className="flex items-center gap-2">
            {mayChangeRoles ? <RoleForm slug={slug} member={member} /> : <RoleBadge role={member.role} />}
            {mayRemove && member.userId !== currentUserId ? (
              <ConfirmButton label="Remove" confirmLabel={`Remove ${member.name ?? member.email}`} onConfirm={() => removeMemberAction(slug, member.userId)} />
            ) : null}
          </div>
        </li>
      ))}
    </ul>
  );
}
