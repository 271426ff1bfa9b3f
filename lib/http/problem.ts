import { ZodError } from "zod";
import { AppError, prismaErrorCode, type FieldError } from "@/lib/errors";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

/** "a.b.0" → "/a/b/0" (RFC 6901, with ~ and / escaped). */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((part) => "/" + String(part).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

export function zodToAppError(error: ZodError): AppError {
  const errors = error.issues.map((issue) => ({ pointer: jsonPointer(issue.path), detail: issue.message }));
  const first = errors[0];
  return new AppError("validation", first ? `${first.pointer || "body"}: ${first.detail}` : "The input is invalid.", { errors });
}

/**
 * Turns any thrown value into what the caller may see. Expected errors keep
 * their message; anything else is logged here and answered generically.
 */
export function toAppError(error: unknown, requestId?: string): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) return zodToAppError(error);
  const code = prismaErrorCode(error);
  if (code === "P2025") return new AppError("not-found", "No such resource, or you may not see it.");
  if (code === "P2002") return new AppError("conflict", "This would duplicate an existing record.", { code: "duplicate" });
  console.error("[portico] unexpected error", { requestId, error });
  return new AppError("bad-request", "internal", { code: "internal" });
}

export function toProblem(error: unknown, requestId?: string, instance?: string): Problem {
  const appError = toAppError(error, requestId);
  if (appError.code === "internal") {
    return {
      type: "https://portico.dev/problems/internal",
      title: "Internal error",
      status: 500,
      detail: `Something went wrong on our side. Quote request id ${requestId ?? "unknown"} when reporting it.`,
      instance,
      requestId,
    };
  }
  return {
    type: appError.type,
    title: appError.title,
    status: appError.status,
    detail: appError.message,
    instance,
    requestId,
    ...(appError.errors.length ? { errors: appError.errors } : {}),
  };
}
