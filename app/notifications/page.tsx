import Link from "next/link";
import { getSessionActor } from "@/lib/auth/session";
import { emailNotificationsEnabled, listNotifications } from "@/lib/notifications/notify";
import { mailEnabled } from "@/lib/mail/send";
import { loadPage } from "@/lib/pages/guard";
import { markAllReadAction, setEmailNotificationsAction } from "./actions";
import { Card, EmptyState, PageHeader, formatDateTime } from "@/components/ui/layout";
import { buttonClass } from "@/components/ui/button";

export const metadata = { title: "Notifications" };

export default async function NotificationsPage() {
  const actor = await getSessionActor();
  const [notifications, emailOn] = await loadPage(() => Promise.all([listNotifications(actor), emailNotificationsEnabled(actor)]), "/notifications");
  const unread = notifications.some((n) => !n.readAt);
  return (
    <>
      <PageHeader
        title="Notifications"
        actions={unread ? <form action={async () => { "use server"; await markAllReadAction(); }}><button type="submit" className={buttonClass("secondary")}>Mark all as read</button></form> : null}
      />
      <Card className="mb-6" title="Email" description={mailEnabled() ? "A copy of each notification to your account's email address." : "This Portico has no mail server configured (SMTP_URL), so notifications stay in the app."}>
        <form
          action={async () => {
            "use server";
            await setEmailNotificationsAction(!emailOn);
          }}
          className="flex flex-wrap items-center justify-between gap-3"
        >
          <p className="text-sm text-slate-700" id="email-notifications-state">
            Email notifications are <strong>{emailOn ? "on" : "off"}</strong>.
          </p>
          <button type="submit" aria-describedby="email-notifications-state" className={buttonClass("secondary")}>
            {emailOn ? "Turn off email" : "Turn on email"}
          </button>
        </form>
      </Card>
      <Card>
        {notifications.length === 0 ? (
          <EmptyState title="Nothing yet">Deprecations of APIs you use, access decisions and reviews appear here.</EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="Notifications">
            {notifications.map((n) => (
              <li key={n.id} className="flex gap-3 py-3">
                <span aria-hidden className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${n.readAt ? "bg-transparent" : "bg-indigo-600"}`} />
                <div className="min-w-0">
                  <p className="text-sm font-medium text-slate-900">{n.link ? <Link href={n.link} className="hover:underline">{n.title}</Link> : n.title}{n.readAt ? null : <span className="sr-only"> (unread)</span>}</p>
                  {n.body ? <p className="text-sm text-slate-600">{n.body}</p> : null}
                  <p className="text-xs text-slate-500">{formatDateTime(n.createdAt)}</p>
                </div>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
