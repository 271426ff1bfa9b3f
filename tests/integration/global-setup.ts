// Once per `vitest --project integration` run: a fresh database, migrated with
// the project's own migrations, handed to the test files, dropped at the end.
import type { TestProject } from "vitest/node";
import { adminUrl, createDatabase, dropDatabase, migrateDeploy } from "./database";

declare module "vitest" {
  export interface ProvidedContext {
    /** The migrated database of this run. */
    databaseUrl: string;
    /** Where tests may create and drop further databases. */
    adminUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const { name, url } = await createDatabase();
  try {
    await migrateDeploy(url);
  } catch (error) {
    await dropDatabase(name);
    throw error;
  }
  project.provide("databaseUrl", url);
  project.provide("adminUrl", adminUrl());
  return async () => {
    await dropDatabase(name);
  };
}
