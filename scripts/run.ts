import { spawn, type SpawnOptions } from "node:child_process";

/** Runs a command asynchronously (never execSync: it would freeze an in-process PGlite). */
export function run(command: string, args: string[], options: SpawnOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", ...options });
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

export const bin = (name: string) => `node_modules/.bin/${name}`;
