"use client";

import { Button } from "@/components/ui/button";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section className="mx-auto max-w-md py-16 text-center">
      <h1 className="text-2xl font-semibold tracking-tight">Something went wrong</h1>
      <p className="mt-2 text-slate-600">The error was logged{error.digest ? ` (reference ${error.digest})` : ""}. Try again, or come back later.</p>
      <div className="mt-6"><Button onClick={reset}>Try again</Button></div>
    </section>
  );
}
