"use client";

import { useState, type ReactNode } from "react";
import { Button } from "./button";
import { Input } from "./form";

const SHOWN_ONCE = "Copy it now and store it somewhere safe. Portico keeps only its hash: it will not be shown again.";

/** A secret on screen (a new key, token or signing secret), selectable, with a copy button. */
export function SecretBox({ id, title, secret, note = SHOWN_ONCE, className = "" }: { id: string; title: string; secret: string; note?: ReactNode; className?: string }) {
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
    <div role="status" className={`space-y-2 rounded-md border-2 border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 ${className}`}>
      <p className="font-semibold">{title}</p>
      <p>{note}</p>
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
