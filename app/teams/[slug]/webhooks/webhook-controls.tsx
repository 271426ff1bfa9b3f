"use client";

import { useState, useTransition } from "react";
import { deleteWebhookAction, pingWebhookAction, redeliverAction, revealSecretAction, rollSecretAction, setWebhookActiveAction } from "./actions";
import { SecretBox } from "@/components/ui/secret-box";
import { WEBHOOK_SECRET_NOTE } from "./secret-note";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { FormError, FormSuccess } from "@/components/ui/form";

type Result = { ok: true; message?: string; data?: unknown } | { ok: false; error: string } | null;

/** Runs one server action at a time and shows its answer. */
function useAction() {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<Result>(null);
  const run = (action: () => Promise<Result>) => start(async () => setResult(await action()));
  return { pending, result, run };
}

/** Pause/resume, test ping and delete (OWNER). */
export function WebhookControls({ slug, id, active }: { slug: string; id: string; active: boolean }) {
  const { pending, result, run } = useAction();
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="secondary" disabled={pending || !active} onClick={() => run(() => pingWebhookAction(slug, id))} title={active ? undefined : "Resume the webhook to send a ping"}>
          Send test ping
        </Button>
        <Button variant="secondary" disabled={pending} onClick={() => run(() => setWebhookActiveAction(slug, id, !active))}>
          {active ? "Pause" : "Resume"}
        </Button>
        <ConfirmButton label="Delete webhook" confirmLabel="Delete it and its deliveries" pendingLabel="Deleting…" onConfirm={() => deleteWebhookAction(slug, id)} />
      </div>
      <FormSuccess message={result?.ok ? result.message : null} />
      <FormError message={result && !result.ok ? result.error : null} />
    </div>
  );
}

/** Reveal or roll the signing secret (OWNER). */
export function SecretControls({ slug, id }: { slug: string; id: string }) {
  const { pending, result, run } = useAction();
  const [rolling, setRolling] = useState(false);
  const secret = result?.ok ? (result.data as { secret: string } | undefined)?.secret : undefined;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="secondary" disabled={pending} onClick={() => { setRolling(false); run(() => revealSecretAction(slug, id)); }}>
          Reveal secret
        </Button>
        <ConfirmButton
          label="Roll secret"
          confirmLabel="Replace it now"
          pendingLabel="Rolling…"
          onConfirm={async () => {
            setRolling(true);
            const answer = await rollSecretAction(slug, id);
            run(async () => answer);
            return answer;
          }}
        />
      </div>
      <FormError message={result && !result.ok ? result.error : null} />
      {secret ? <SecretBox id={`secret-${id}`} title={rolling ? "New signing secret (the old one no longer verifies)" : "Signing secret"} secret={secret} note={WEBHOOK_SECRET_NOTE} /> : null}
    </div>
  );
}

/** Send a finished delivery's event again (OWNER). */
export function RedeliverButton({ slug, id, deliveryId }: { slug: string; id: string; deliveryId: string }) {
  const { pending, result, run } = useAction();
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <Button variant="ghost" className="px-2 py-1 text-xs" disabled={pending} onClick={() => run(() => redeliverAction(slug, id, deliveryId))}>
        {pending ? "Queueing…" : "Redeliver"}
      </Button>
      {result ? <span role="status" className={`text-xs ${result.ok ? "text-emerald-700" : "text-red-700"}`}>{result.ok ? result.message : result.error}</span> : null}
    </span>
  );
}
