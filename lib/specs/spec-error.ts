import { AppError, type FieldError } from "@/lib/errors";

/** Stable codes of the problems an upload can have; each is also the end of the problem `type` URI. */
export type SpecErrorCode =
  | "spec-too-large"
  | "spec-empty"
  | "spec-syntax"
  | "spec-too-deep"
  | "spec-alias-bomb"
  | "spec-recursive-alias"
  | "spec-not-openapi"
  | "spec-unsupported-version"
  | "spec-external-ref"
  | "spec-conversion";

/**
 * A document that cannot be taken: 413 when it is over the size limit, 422
 * otherwise, with one entry per problem (JSON pointer into the uploaded
 * document, and line/column in its text where known).
 */
export class SpecError extends AppError {
  declare readonly code: SpecErrorCode;

  constructor(kind: "validation" | "payload-too-large", code: SpecErrorCode, message: string, errors: FieldError[]) {
    super(kind, message, { errors, code });
    this.name = "SpecError";
  }
}
