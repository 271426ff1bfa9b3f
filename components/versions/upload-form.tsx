"use client";

import { useActionState, useRef, useState, type DragEvent } from "react";
import { uploadVersionAction } from "@/app/apis/[slug]/versions/actions";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input, Textarea } from "@/components/ui/form";

export function UploadForm({ slug }: { slug: string }) {
  const [state, action, pending] = useActionState(uploadVersionAction.bind(null, slug), null);
  const [source, setSource] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  async function readFile(file: File | undefined) {
    if (!file) return;
    setFileName(file.name);
    setSource(await file.text());
  }

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void readFile(event.dataTransfer.files[0]);
  };

  return (
    <form action={action} className="space-y-4">
      <FormError message={state && !state.ok ? state.error : null} />
      {state && !state.ok && state.problems?.length ? (
        <ul className="max-h-64 overflow-auto rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900" aria-label="Problems in the document">
          {state.problems.map((problem, index) => (
            <li key={index} className="font-mono text-xs">
              {problem.line ? `line ${problem.line}${problem.column ? `:${problem.column}` : ""} ` : ""}
              {problem.pointer ? <span className="text-red-700">{problem.pointer}</span> : null} {problem.detail}
            </li>
          ))}
        </ul>
      ) : null}
      <div
        onDragOver={(event) => { event.preventDefault(); setDragging(true); }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={`rounded-lg border-2 border-dashed p-4 ${dragging ? "border-indigo-500 bg-indigo-50" : "border-slate-300"}`}
      >
        <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
          <p className="text-sm text-slate-700">Drop an OpenAPI 3.0/3.1 or Swagger 2.0 file (JSON or YAML) here, choose one, or paste it below.</p>
          <Button variant="secondary" onClick={() => fileInput.current?.click()}>Choose file</Button>
          <input ref={fileInput} type="file" accept=".json,.yaml,.yml,application/json,application/yaml" className="sr-only" aria-label="OpenAPI file" onChange={(event) => void readFile(event.target.files?.[0])} />
        </div>
        {fileName ? <p className="mb-2 text-xs text-slate-500">Loaded {fileName}</p> : null}
        <label htmlFor="upload-source" className="sr-only">OpenAPI document</label>
        <Textarea id="upload-source" name="source" rows={14} value={source} onChange={(event) => setSource(event.target.value)} className="font-mono text-xs" placeholder={"openapi: 3.1.0\ninfo:\n  title: …"} />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Version" htmlFor="upload-version" hint="Leave empty to use the document's info.version.">
          <Input id="upload-version" name="version" placeholder="2.1.0" />
        </Field>
        <Field label="Upstream URL" htmlFor="upload-upstream" hint="Where the gateway forwards calls; defaults to the previous version's.">
          <Input id="upload-upstream" name="upstreamUrl" placeholder="https://payments.internal/v2" />
        </Field>
      </div>
      <Button type="submit" disabled={pending || !source.trim()}>{pending ? "Checking the document…" : "Upload draft"}</Button>
    </form>
  );
}
