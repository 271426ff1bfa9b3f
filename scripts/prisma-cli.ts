// Runs the Prisma CLI with a DATABASE_URL present: without one the CLI cannot
// read the schema's settings and tries to download a native engine (STACK.md).
import { spawn } from "node:child_process";

const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://placeholder@127.0.0.1:5432/placeholder" };
const child = spawn(process.execPath, [require.resolve("prisma/build/index.js"), ...process.argv.slice(2)], { stdio: "inherit", env });
child.on("exit", (code) => process.exit(code ?? 1));
