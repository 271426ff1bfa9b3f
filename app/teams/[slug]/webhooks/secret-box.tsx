"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/form";

/** A webhook signing secret on screen, with a copy button. */
export function SecretBox({ id, title, secret }: { id: string; title: string; secret: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      // Clipboard access needs a secure context and permission; the field stays selectable.
      setCopied("failed");
    }
  }
  return (
    <div role="status" className="space-y-2 rounded-md border-2 border-amber-300 bg-amber-50 p-3 text-sm text-amber-950">
      <p className="font-semibold">{title}</p>
      <p>Store it in the receiver&apos;s configuration and use it to verify each delivery&apos;s signature. Team owners can reveal or roll it later.</p>
      <div className="flex items-center gap-2">
        <label htmlFor={id} className="sr-only">
          {title}
        </label>
        <Input id={id} readOnly value={secret} className="font-mono text-xs" onFocus={(event) => event.currentTarget.select()} />
        <Button variant="secondary" onClick={copy}>
          {copied === "yes" ? "Copied" : "Copy"}
        </Button>
      </div>
      {copied === "failed" ? <p className="text-xs">Copying was blocked by the browser: select the text and copy it by hand.</p> : null}
    </div>
  );
}
