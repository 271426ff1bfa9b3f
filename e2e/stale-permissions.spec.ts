import { expect, test } from "@playwright/test";
import { signUp, uniqueEmail } from "./support";

// Server actions are public endpoints: a page rendered while the user had a
// role must not keep that role's powers after it was taken away.
test("a server action from a page rendered before the user was demoted is refused and changes nothing", async ({ browser }) => {
  const ownerContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  const ownerEmail = uniqueEmail("first-owner");
  await owner.goto("/signup");
  await signUp(owner, "First Owner", ownerEmail);
  const slug = `stale-${Date.now().toString(36)}`;
  await owner.getByLabel("Team name").fill("Stale Team");
  await owner.getByLabel("Slug").fill(slug);
  await owner.getByRole("button", { name: "Create team" }).click();
  await expect(owner).toHaveURL(new RegExp(`/teams/${slug}$`));

  // A second person joins as OWNER.
  const secondEmail = uniqueEmail("second-owner");
  await owner.getByLabel("Email", { exact: true }).fill(secondEmail);
  await owner.getByLabel("Role", { exact: true }).selectOption("OWNER");
  await owner.getByRole("button", { name: "Send invitation" }).click();
  const link = await owner.getByLabel("Invitation link").inputValue();
  const secondContext = await browser.newContext();
  const second = await secondContext.newPage();
  await second.goto(`/signup?callbackUrl=${encodeURIComponent(new URL(link).pathname)}`);
  await signUp(second, "Second Owner", secondEmail);
  await second.getByRole("button", { name: "Join Stale Team" }).click();
  await expect(second.getByTestId(`member-${secondEmail}`)).toContainText("(you)");

  // The second owner's page shows the role controls; meanwhile the first owner demotes them.
  await owner.reload();
  const row = owner.getByTestId(`member-${secondEmail}`);
  await row.getByLabel(/Role of Second Owner/).selectOption("VIEWER");
  await row.getByRole("button", { name: "Update role of Second Owner" }).click();
  await expect(row.getByRole("status")).toHaveText("Role changed to VIEWER.");

  // Now the stale page tries to demote the first owner: refused with the reason.
  const target = second.getByTestId(`member-${ownerEmail}`);
  await target.getByLabel(/Role of First Owner/).selectOption("VIEWER");
  await target.getByRole("button", { name: "Update role of First Owner" }).click();
  await expect(target.getByText(/does not allow this/)).toBeVisible();

  // Nothing changed: the first owner is still OWNER.
  await owner.reload();
  await expect(owner.getByTestId(`member-${ownerEmail}`).getByRole("combobox")).toHaveValue("OWNER");
  await ownerContext.close();
  await secondContext.close();
});
