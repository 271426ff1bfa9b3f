import { expect, type Page } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";

export const PASSWORD = "correct-horse-battery";

/** A unique address per test, so tests never see each other's users. */
export function uniqueEmail(name: string): string {
  return `${name}-${randomBytes(4).toString("hex")}@example.test`;
}

export async function signUp(page: Page, name: string, email: string, password = PASSWORD) {
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
}

export async function signIn(page: Page, email: string, password: string = PASSWORD) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
}

/** Full-page screenshots kept as test artifacts (e2e/.artifacts, not committed). */
export async function screenshot(page: Page, name: string) {
  mkdirSync("e2e/.artifacts", { recursive: true });
  await page.screenshot({ path: `e2e/.artifacts/${name}.png`, fullPage: true });
}

/** The demo organisation seeded into the e2e database (lib/demo/seed.ts). */
export const DEMO = {
  password: "portico-demo",
  admin: "ada@portico.demo",
  ben: "ben@portico.demo",
  cleo: "cleo@portico.demo",
  viewer: "dev@portico.demo",
} as const;
