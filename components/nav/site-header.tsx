import Link from "next/link";
import { getSessionActor } from "@/lib/auth/session";
import { isPlatformAdmin } from "@/lib/authz/permissions";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { buttonClass } from "@/components/ui/button";
import { unreadCount } from "@/lib/notifications/notify";
import { reviewerSummary } from "@/lib/subscriptions/inbox";

export async function SiteHeader() {
  const actor = await getSessionActor();
  const [unread, review] = await Promise.all([unreadCount(actor), reviewerSummary(actor)]);
  const links: { href: string; label: string; count?: number }[] = [
    { href: "/apis", label: "Catalog" },
    ...(actor
      ? [
        { href: "/apps", label: "Applications" },
        ...(review.reviews ? [{ href: "/access-requests", label: "Access requests", count: review.pending }] : []),
        { href: "/teams", label: "Teams" },
        { href: "/audit", label: "Audit log" },
        ...(isPlatformAdmin(actor) ? [{ href: "/admin", label: "Admin" }] : []),
      ]
      : []),
  ];
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex h-14 max-w-6xl items-center gap-6 px-4 sm:px-6">
        <Link href="/" className="flex items-center gap-2 font-semibold text-slate-900">
          <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-indigo-600 text-sm font-bold text-white">
            P
          </span>
          Portico
        </Link>
        <nav aria-label="Main" className="flex flex-1 items-center gap-1">
          {links.map((link) => (
            <Link key={link.href} href={link.href} className="rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 hover:text-slate-900">
              {link.label}
              {link.count ? <span className="ml-1.5 rounded-full bg-amber-100 px-1.5 text-xs font-semibold text-amber-800" aria-label={`${link.count} waiting`}>{link.count}</span> : null}
            </Link>
          ))}
        </nav>
        {actor ? (
          <div className="flex items-center gap-2">
            <Link href="/notifications" className="relative rounded-md px-2 py-1.5 text-sm text-slate-700 hover:bg-slate-100" aria-label={unread ? `Notifications, ${unread} unread` : "Notifications"}>
              <svg aria-hidden viewBox="0 0 20 20" className="h-5 w-5" fill="currentColor"><path d="M10 2a6 6 0 0 0-6 6v3.586l-1.707 1.707A1 1 0 0 0 3 15h14a1 1 0 0 0 .707-1.707L16 11.586V8a6 6 0 0 0-6-6Zm0 16a3 3 0 0 1-2.83-2h5.66A3 3 0 0 1 10 18Z" /></svg>
              {unread ? <span className="absolute -right-0.5 -top-0.5 rounded-full bg-indigo-600 px-1.5 text-[10px] font-semibold text-white">{unread}</span> : null}
            </Link>
            <Link href="/settings/tokens" className="hidden text-sm text-slate-600 hover:text-slate-900 sm:block" title="Your settings">
              {actor.name ?? actor.email}
            </Link>
            <SignOutButton />
          </div>
        ) : (
          <div className="flex items-center gap-2">
            <Link href="/signin" className={buttonClass("ghost")}>
              Sign in
            </Link>
            <Link href="/signup" className={buttonClass("primary")}>
              Sign up
            </Link>
          </div>
        )}
      </div>
    </header>
  );
}
