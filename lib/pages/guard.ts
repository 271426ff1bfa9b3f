import "server-only";
import { forbidden, notFound, redirect } from "next/navigation";
import { AppError } from "@/lib/errors";

/**
 * Loads a page's data through the domain layer and turns its refusals into
 * what a page shows: sign-in for 401, the 403 page, the 404 page.
 */
export async function loadPage<T>(load: () => Promise<T>, path: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof AppError) {
      if (error.kind === "unauthenticated") redirect(`/signin?callbackUrl=${encodeURIComponent(path)}`);
      if (error.kind === "not-found") notFound();
      if (error.kind === "forbidden") forbidden();
    }
    throw error;
  }
}
