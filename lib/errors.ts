// One error type for everything a caller is allowed to see. Anything else is
// an internal failure: logged, and answered with a generic message.

export type ErrorKind =
  | "unauthenticated"
  | "forbidden"
  | "not-found"
  | "conflict"
  | "validation"
  | "payload-too-large"
  | "rate-limited"
  | "bad-request";

const STATUS: Record<ErrorKind, number> = {
  unauthenticated: 401,
  forbidden: 403,
  "not-found": 404,
  conflict: 409,
  validation: 422,
  "payload-too-large": 413,
  "rate-limited": 429,
  "bad-request": 400,
};

const TITLE: Record<ErrorKind, string> = {
  unauthenticated: "Authentication required",
  forbidden: "Not allowed",
  "not-found": "Not found",
  conflict: "Conflict",
  validation: "Invalid input",
  "payload-too-large": "Payload too large",
  "rate-limited": "Too many requests",
  "bad-request": "Bad request",
};

export interface FieldError {
  pointer: string;
  detail: string;
  /** 1-based position in an uploaded source text, where the problem has one. */
  line?: number;
  column?: number;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly errors: FieldError[];
  /** A more precise, stable code within the kind, e.g. "last-owner". */
  readonly code?: string;

  constructor(kind: ErrorKind, message: string, options: { errors?: FieldError[]; code?: string } = {}) {
    super(message);
    this.name = "AppError";
    this.kind = kind;
    this.errors = options.errors ?? [];
    this.code = options.code;
  }

  get status(): number {
    return STATUS[this.kind];
  }

  get title(): string {
    return TITLE[this.kind];
  }

  /** Stable URI naming this kind of problem (RFC 9457 `type`). */
  get type(): string {
    return `https://portico.dev/problems/${this.code ?? this.kind}`;
  }
}

export const notFound = (what = "resource") => new AppError("not-found", `No such ${what}, or you may not see it.`);
export const forbidden = (message = "You do not have permission to do this.") => new AppError("forbidden", message);
export const unauthenticated = () => new AppError("unauthenticated", "Sign in or send a personal access token.");
export const conflict = (message: string, code?: string) => new AppError("conflict", message, { code });

/** Prisma's known request errors, recognised by code, never by message. */
export function prismaErrorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === "string" && /^P\d{4}$/.test(code)) return code;
  }
  return undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  return prismaErrorCode(error) === "P2002";
}
