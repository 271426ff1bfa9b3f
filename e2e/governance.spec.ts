import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { DEMO, screenshot, signIn, signOut } from "./support";

/** Does something that calls a server action, and waits for its answer (before a reload, say). */
async function viaServerAction(page: Page, act: () => Promise<unknown>) {
  await Promise.all([page.waitForResponse((response) => response.request().method() === "POST" && response.request().headers()["next-action"] !== undefined), act()]);
}

// Warnings only: should this test stop half-way, the ruleset it leaves
// enabled blocks no other test's publishing.
const RULESET = `extends: [[spectral:oas, recommended]]
functions: [acmeOwner]
rules:
  operation-id-camel-case:
    description: operationId is camelCase.
    given: $.paths[*][*]
    then:
      field: operationId
      function: casing
      functionOptions:
        type: camel
  info-contact:
    description: info.contact says whom consumers ask.
    given: $.info
    then:
      field: contact
      function: defined
  owner-known:
    given: $.info
    then:
      function: acmeOwner
`;

test("a platform admin imports a Spectral ruleset (preview first), changes a built-in rule; a member gets the 403 page", async ({ page }) => {
  test.setTimeout(90_000);
  const name = `e2e-style-${Date.now().toString(36)}`;
  await signIn(page, DEMO.admin, DEMO.password);
  await page.goto("/admin/governance");
  await expect(page.getByRole("heading", { name: "Governance rules" })).toBeVisible();

  // Import from a file: preview first, nothing saved yet.
  await page.getByLabel("Ruleset name").fill(name);
  await page.getByLabel("Ruleset file").setInputFiles({ name: "acme.spectral.yaml", mimeType: "application/yaml", buffer: Buffer.from(RULESET) });
  await expect(page.getByLabel("Ruleset (YAML or JSON)")).toHaveValue(/functions: \[acmeOwner\]/);
  await page.getByRole("button", { name: "Preview" }).click();
  const preview = page.getByRole("region", { name: "Import preview" });
  await expect(preview.getByRole("region", { name: "Accepted (2)" })).toContainText("operation-id-camel-case");
  await expect(preview.getByRole("region", { name: "Mapped (1)" })).toContainText("spectral:oas");
  const refused = preview.getByRole("region", { name: "Refused (2)" });
  await expect(refused).toContainText('"acmeOwner" is a custom function: refused, Portico never runs code from a ruleset.');
  await expect(refused).toContainText("line 21:7");
  await expect(page.getByRole("list", { name: "Rulesets" }).getByRole("listitem", { name })).toHaveCount(0);
  await screenshot(page, "governance-ruleset-preview");
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical").map((violation) => violation.id)).toEqual([]);

  await page.getByRole("button", { name: "Save ruleset" }).click();
  await expect(page.getByRole("status").filter({ hasText: "saved and enabled" })).toContainText(`Ruleset ${name} saved and enabled`);
  const saved = page.getByRole("list", { name: "Rulesets" }).getByRole("listitem", { name });
  await expect(saved).toContainText("2 rules");
  await expect(saved).toContainText("2 refused");
  await expect(saved.getByRole("switch", { name: `${name} enabled` })).toHaveAttribute("aria-checked", "true");
  await saved.getByText("View source").click();
  await expect(saved.getByLabel(`Source of ${name}`)).toContainText("function: acmeOwner");

  // Switch it off, and the page remembers.
  await viaServerAction(page, () => saved.getByRole("switch", { name: `${name} enabled` }).click());
  await expect(saved.getByRole("switch", { name: `${name} enabled` })).toHaveAttribute("aria-checked", "false");
  await page.reload();
  await expect(page.getByRole("list", { name: "Rulesets" }).getByRole("listitem", { name }).getByRole("switch", { name: `${name} enabled` })).toHaveAttribute("aria-checked", "false");

  // A built-in rule's severity: warning → error, kept across a reload, then back.
  const severity = page.getByLabel("Severity of tag-description");
  await expect(severity).toHaveValue("warn");
  await viaServerAction(page, () => severity.selectOption("error"));
  await page.reload();
  await expect(page.getByLabel("Severity of tag-description")).toHaveValue("error");
  await viaServerAction(page, () => page.getByLabel("Severity of tag-description").selectOption("warn"));
  await page.reload();
  await expect(page.getByLabel("Severity of tag-description")).toHaveValue("warn");

  // Delete the ruleset (asks twice).
  const item = page.getByRole("list", { name: "Rulesets" }).getByRole("listitem", { name });
  await item.getByRole("button", { name: "Delete", exact: true }).click();
  await item.getByRole("button", { name: `Delete ${name}` }).click();
  await expect(page.getByRole("listitem", { name })).toHaveCount(0);
  await signOut(page);

  // Not a platform admin (Ben owns a team): the 403 page, nothing of the rules.
  await signIn(page, DEMO.ben, DEMO.password);
  const response = await page.goto("/admin/governance");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You do not have access" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Governance rules" })).toHaveCount(0);
  await expect(page.getByLabel("Ruleset name")).toHaveCount(0);
});
