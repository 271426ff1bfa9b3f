import { expect, test } from "@playwright/test";
import { screenshot, signIn, signOut, signUp, uniqueEmail } from "./support";

test("a new user creates a team, invites a colleague who joins as DEVELOPER, is promoted to ADMIN, and the audit log shows each step", async ({ page, browser }) => {
  const ownerEmail = uniqueEmail("owner");
  const colleagueEmail = uniqueEmail("colleague");
  const slug = `team-${Date.now().toString(36)}`;

  // The owner signs up and creates a team.
  await page.goto("/signup");
  await screenshot(page, "sign-up");
  await signUp(page, "Olivia Owner", ownerEmail);
  await expect(page).toHaveURL(/\/teams$/);
  await page.getByLabel("Team name").fill("Checkout Services");
  await page.getByLabel("Slug").fill(slug);
  await page.getByLabel("Description").fill("Owns the checkout APIs.");
  await page.getByRole("button", { name: "Create team" }).click();
  await expect(page).toHaveURL(new RegExp(`/teams/${slug}$`));
  await expect(page.getByRole("heading", { name: "Checkout Services" })).toBeVisible();

  // ... and invites a colleague as DEVELOPER; the link is shown once.
  await page.getByLabel("Email", { exact: true }).fill(colleagueEmail);
  await page.getByLabel("Role", { exact: true }).selectOption("DEVELOPER");
  await page.getByRole("button", { name: "Send invitation" }).click();
  const link = await page.getByLabel("Invitation link").inputValue();
  expect(link).toMatch(/\/invitations\/ptc_inv_/);
  await expect(page.getByRole("list", { name: "Pending invitations" })).toContainText(colleagueEmail);
  await screenshot(page, "team-members-owner");

  // The colleague opens the link in another browser, signs up and joins.
  const colleagueContext = await browser.newContext();
  const colleague = await colleagueContext.newPage();
  await colleague.goto(new URL(link).pathname);
  await expect(colleague.getByRole("heading", { name: "Join Checkout Services" })).toBeVisible();
  await screenshot(colleague, "invitation");
  await colleague.getByRole("link", { name: "Create an account to join" }).click();
  await expect(colleague.getByLabel("Work email")).toHaveValue(colleagueEmail);
  await signUp(colleague, "Carl Colleague", colleagueEmail);
  await colleague.getByRole("button", { name: "Join Checkout Services" }).click();
  await expect(colleague).toHaveURL(new RegExp(`/teams/${slug}$`));
  await expect(colleague.getByTestId(`member-${colleagueEmail}`)).toContainText("DEVELOPER");
  // A DEVELOPER cannot change roles or see the team's audit log.
  await expect(colleague.getByRole("button", { name: /Update role/ })).toHaveCount(0);
  await expect(colleague.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Audit log" })).toHaveCount(0);
  const forbidden = await colleague.goto(`/teams/${slug}/audit`);
  expect(forbidden?.status()).toBe(403);
  await colleagueContext.close();

  // The owner promotes the colleague to ADMIN.
  await page.reload();
  const row = page.getByTestId(`member-${colleagueEmail}`);
  await row.getByLabel(/Role of Carl Colleague/).selectOption("ADMIN");
  await row.getByRole("button", { name: "Update role of Carl Colleague" }).click();
  await expect(row.getByRole("status")).toHaveText("Role changed to ADMIN.");

  // The last owner cannot demote themselves.
  const ownerRow = page.getByTestId(`member-${ownerEmail}`);
  await ownerRow.getByLabel(/Role of Olivia Owner/).selectOption("ADMIN");
  await ownerRow.getByRole("button", { name: "Update role of Olivia Owner" }).click();
  await expect(ownerRow.getByRole("alert")).toContainText("last OWNER");

  // The audit page shows every step, newest first.
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL(new RegExp(`/teams/${slug}/audit`));
  const actions = page.getByRole("table", { name: "Audit events" }).locator("tbody tr td:nth-child(3)");
  await expect(actions).toHaveText(["member.role_changed", "invitation.accepted", "invitation.created", "team.created"]);
  await screenshot(page, "team-audit");

  // Filtering by action narrows the log.
  await page.getByLabel("Action starts with").fill("invitation.");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(actions).toHaveText(["invitation.accepted", "invitation.created"]);

  // The promoted colleague now sees the audit log.
  await signOut(page);
  await signIn(page, colleagueEmail);
  const allowed = await page.goto(`/teams/${slug}/audit`);
  expect(allowed?.status()).toBe(200);
  await expect(page.getByRole("table", { name: "Audit events" })).toContainText("member.role_changed");
});
