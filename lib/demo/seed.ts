// The demo organisation that `npm start` seeds on a fresh embedded database.
// Built through the domain functions, so its audit log is a real one.
import { db } from "@/lib/db";
import type { Actor } from "@/lib/authz/actor";
import { signUp } from "@/lib/users/sign-up";
import { createTeam } from "@/lib/teams/teams";
import { acceptInvitation, inviteMember } from "@/lib/teams/invitations";
import type { TeamRole } from "@/lib/generated/prisma/enums";
import { createApplication } from "@/lib/applications/applications";
import { requestAccess } from "@/lib/subscriptions/requests";
import { seedDemoCatalog, seedPorticoApi } from "./catalog";
import { seedDemoUsage } from "./usage";

export const DEMO_PASSWORD = "portico-demo";
export const DEMO_USERS = [
  { name: "Ada Admin", email: "ada@portico.demo" },
  { name: "Ben Builder", email: "ben@portico.demo" },
  { name: "Cleo Consumer", email: "cleo@portico.demo" },
  { name: "Dev Viewer", email: "dev@portico.demo" },
] as const;

const TEAMS: { name: string; slug: string; description: string; owner: number; members: [number, TeamRole][] }[] = [
  { name: "Payments Platform", slug: "payments", description: "Card, wallet and payout APIs.", owner: 0, members: [[1, "ADMIN"], [3, "VIEWER"]] },
  { name: "Mobile Apps", slug: "mobile", description: "The iOS and Android apps: consumers of most APIs.", owner: 2, members: [[1, "DEVELOPER"]] },
  { name: "Data Science", slug: "data-science", description: "Forecasting and recommendation services.", owner: 1, members: [[0, "VIEWER"]] },
  { name: "Identity", slug: "identity", description: "Accounts, sign-in and compliance.", owner: 0, members: [] },
  { name: "Logistics", slug: "logistics", description: "Shipping, inventory and returns.", owner: 1, members: [[2, "VIEWER"]] },
  { name: "Platform", slug: "platform", description: "Runs Portico and the gateway.", owner: 0, members: [] },
];

function actorOf(user: { id: string; email: string; name: string | null; platformRole: "ADMIN" | "MEMBER" }): Actor {
  return { userId: user.id, email: user.email, name: user.name, platformRole: user.platformRole, requestId: "demo-seed", via: "session" };
}

/** Seeds the demo once; does nothing when the demo users already exist. */
export async function seedDemo(): Promise<boolean> {
  if (await db.user.findUnique({ where: { email: DEMO_USERS[0].email }, select: { id: true } })) return false;
  const actors: Actor[] = [];
  for (const user of DEMO_USERS) {
    actors.push(actorOf(await signUp({ ...user, password: DEMO_PASSWORD }, "demo-seed")));
  }
  if (actors[0].platformRole !== "ADMIN") {
    await db.user.update({ where: { id: actors[0].userId }, data: { platformRole: "ADMIN" } });
    actors[0] = { ...actors[0], platformRole: "ADMIN" };
  }
  const teamIds: Record<string, string> = {};
  for (const team of TEAMS) {
    const owner = actors[team.owner];
    teamIds[team.slug] = (await createTeam(owner, { name: team.name, slug: team.slug, description: team.description })).id;
    for (const [index, role] of team.members) {
      const invitee = actors[index];
      const { link } = await inviteMember(owner, team.slug, { email: invitee.email, role: role === "OWNER" ? "ADMIN" : role });
      await acceptInvitation(invitee, link.split("/invitations/")[1]);
    }
  }
  await seedDemoCatalog(teamIds, actors[0]);
  await seedPorticoApi(teamIds.platform);
  await seedDemoAccess(actors);
  await seedDemoUsage({ ada: actors[0], ben: actors[1], cleo: actors[2] });
  return true;
}

/**
 * Mobile (Cleo) uses two Payments APIs: one subscription granted at once on a
 * Sandbox plan, one Production request waiting in Payments' approval inbox.
 */
async function seedDemoAccess(actors: Actor[]) {
  const cleo = actors[2];
  const apis = await db.api.findMany({
    where: { team: { slug: "payments" }, versions: { some: { state: "PUBLISHED" } } },
    select: { slug: true, plans: { select: { id: true, name: true } } },
    orderBy: { slug: "asc" },
    take: 2,
  });
  if (apis.length < 2) return;
  const ios = await createApplication(cleo, { team: "mobile", name: "iOS app", description: "The App Store build of the Mobile app.", environment: "PRODUCTION" });
  await createApplication(cleo, { team: "mobile", name: "Android app", description: "The Play Store build.", environment: "PRODUCTION" });
  const planNamed = (api: (typeof apis)[number], name: string) => api.plans.find((plan) => plan.name === name)!.id;
  await requestAccess(cleo, apis[0].slug, { applicationId: ios.id, planId: planNamed(apis[0], "Sandbox"), justification: "Building the new checkout screen against the sandbox." });
  await requestAccess(cleo, apis[1].slug, { applicationId: ios.id, planId: planNamed(apis[1], "Production"), justification: "Launching in-app payouts to 40k sellers in March; about 5 requests/s at peak." });
}
