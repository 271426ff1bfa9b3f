import { expect, test, type Browser, type Page } from "@playwright/test";
import { DEMO, screenshot, signIn, signUp, uniqueEmail } from "./support";

async function newUser(browser: Browser, name: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const email = uniqueEmail(name.split(" ")[0].toLowerCase());
  await page.goto("/signup");
  await signUp(page, name, email);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  return { page, email };
}

async function createTeam(page: Page, name: string) {
  const slug = `${name.toLowerCase().replace(/\W+/g, "-")}-${Date.now().toString(36)}`;
  await page.goto("/teams");
  await page.getByLabel("Team name").fill(name);
  await page.getByLabel("Slug").fill(slug);
  await page.getByRole("button", { name: "Create team" }).click();
  await expect(page).toHaveURL(new RegExp(`/teams/${slug}$`));
  return slug;
}

async function createToken(page: Page, name: string) {
  await page.goto("/settings/tokens");
  await page.getByLabel("Token name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = await page.getByLabel("New token").inputValue();
  expect(token).toMatch(/^ptc_pat_/);
  return token;
}

test("signed-out visitors are sent to sign in, and the API answers 401 problem+json", async ({ page, request }) => {
  await page.goto("/teams");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fteams/);
  await screenshot(page, "sign-in");
  const response = await request.get("/api/v1/teams");
  expect(response.status()).toBe(401);
  expect(response.headers()["content-type"]).toContain("application/problem+json");
  expect(await response.json()).toMatchObject({ status: 401, type: "https://portico.dev/problems/unauthenticated" });
});

test("another team's pages are 404, the admin page is 403 for members, and a VIEWER's token cannot change roles", async ({ browser, request }) => {
  const owner = await newUser(browser, "Oscar Owner");
  const outsider = await newUser(browser, "Otto Outsider");
  const slug = await createTeam(owner.page, "Ledger");

  // Oscar invites Alice's colleague Vera as VIEWER.
  const viewer = await newUser(browser, "Vera Viewer");
  await owner.page.getByLabel("Email", { exact: true }).fill(viewer.email);
  await owner.page.getByLabel("Role", { exact: true }).selectOption("VIEWER");
  await owner.page.getByRole("button", { name: "Send invitation" }).click();
  const link = await owner.page.getByLabel("Invitation link").inputValue();
  await viewer.page.goto(new URL(link).pathname);
  await viewer.page.getByRole("button", { name: "Join Ledger" }).click();
  await expect(viewer.page).toHaveURL(new RegExp(`/teams/${slug}$`));

  // The outsider cannot see the team at all: 404, and the team's name is nowhere.
  for (const path of [`/teams/${slug}`, `/teams/${slug}/audit`, `/teams/${slug}/settings`]) {
    const response = await outsider.page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(outsider.page.getByText("Ledger")).toHaveCount(0);
  }
  // The outsider cannot accept someone else's invitation either.
  const someone = uniqueEmail("someone");
  await owner.page.getByLabel("Email", { exact: true }).fill(someone);
  await owner.page.getByRole("button", { name: "Send invitation" }).click();
  await expect(owner.page.getByRole("status")).toContainText(someone);
  const otherLink = await owner.page.getByLabel("Invitation link").inputValue();
  await outsider.page.goto(new URL(otherLink).pathname);
  await expect(outsider.page.getByText(/You are signed in as .* This invitation is for/)).toBeVisible();
  await expect(outsider.page.getByRole("button", { name: /Join/ })).toHaveCount(0);

  // A member is refused the admin page; the platform admin sees every team.
  expect((await owner.page.goto("/admin"))?.status()).toBe(403);
  await screenshot(owner.page, "forbidden");
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, DEMO.admin, DEMO.password);
  expect((await admin.goto("/admin"))?.status()).toBe(200);
  await expect(admin.getByRole("list", { name: "All teams" })).toContainText("Ledger");
  await screenshot(admin, "admin");

  // The VIEWER's token reads the team but cannot change roles: 403, nothing changes.
  const token = await createToken(viewer.page, "ci");
  await screenshot(viewer.page, "tokens");
  const auth = { authorization: `Bearer ${token}` };
  const members = await request.get(`/api/v1/teams/${slug}/members`, { headers: auth });
  expect(members.status()).toBe(200);
  const ownerId = (await members.json()).items.find((m: { email: string }) => m.email === owner.email).userId;
  const refused = await request.patch(`/api/v1/teams/${slug}/members/${ownerId}`, { headers: auth, data: { role: "VIEWER" } });
  expect(refused.status()).toBe(403);
  expect(await refused.json()).toMatchObject({ type: "https://portico.dev/problems/forbidden", status: 403 });
  await owner.page.goto(`/teams/${slug}`);
  await expect(owner.page.getByTestId(`member-${owner.email}`).getByRole("combobox")).toHaveValue("OWNER");

  // The outsider's token gets 404 for the team, and revoking a token locks it out.
  const outsiderToken = await createToken(outsider.page, "script");
  const hidden = await request.get(`/api/v1/teams/${slug}`, { headers: { authorization: `Bearer ${outsiderToken}` } });
  expect(hidden.status()).toBe(404);
  await outsider.page.getByRole("button", { name: "Revoke" }).click();
  await outsider.page.getByRole("button", { name: "Revoke script" }).click();
  await expect(outsider.page.getByRole("list", { name: "Your tokens" })).toContainText("revoked");
  const afterRevoke = await request.get("/api/v1/me", { headers: { authorization: `Bearer ${outsiderToken}` } });
  expect(afterRevoke.status()).toBe(401);

});
