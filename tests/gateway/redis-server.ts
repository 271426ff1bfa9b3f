import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { freePort } from "@/lib/net/free-port";

/**
 * A redis-server of the test's own on a spare port, for outage tests: the
 * machine's Redis on 6379 is shared and must never be stopped.
 */
export interface RedisChild {
  port: number;
  url: string;
  /** Starts it (again, on the same port) and waits until it answers PING. */
  start(): Promise<void>;
  /** SIGKILL: the connection drops with no goodbye, as in a crash. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: the connection stays open but nothing answers. */
  pause(): void;
  resume(): void;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(200, () => done(false));
    socket.once("error", () => done(false));
    socket.on("data", (chunk) => {
      answer += chunk.toString();
      if (answer.includes("\r\n")) done(answer.startsWith("+PONG"));
    });
    socket.once("connect", () => socket.write("PING\r\n"));
  });
}

export async function redisChild(): Promise<RedisChild> {
  const port = await freePort();
  let child: ChildProcess | null = null;

  async function start() {
    if (child) throw new Error("redis child already running");
    const proc = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", tmpdir(), "--logfile", ""],
      { stdio: "ignore" },
    );
    child = proc;
    proc.once("exit", () => {
      if (child === proc) child = null;
    });
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      if (await ping(port)) return;
      if (proc.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${proc.exitCode}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`redis-server on port ${port} did not answer within 5 s`);
  }

  async function kill() {
    const proc = child;
    if (!proc) return;
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once("exit", r));
      // SIGKILL ends a paused process too; a SIGCONT first would let it answer.
      proc.kill("SIGKILL");
      await exited;
    }
    child = null;
  }

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    kill,
    pause: () => void child?.kill("SIGSTOP"),
    resume: () => void child?.kill("SIGCONT"),
  };
}

/** Polls `condition` every 10 ms; fails after `ms`. */
export async function waitFor(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
