"use client";

import { useRef, useState, useTransition } from "react";
import { importRulesetAction, previewRulesetAction, type RulesetPreview } from "@/app/admin/governance/actions";
import { ImportReport } from "@/app/admin/governance/import-report";
import { Button } from "@/components/ui/button";
import { Field, FormError, FormSuccess, Input, Textarea } from "@/components/ui/form";
import type { FieldError } from "@/lib/errors";

/** A ruleset name from a file name: ".spectral.yaml" and the like dropped, lowercased. */
function nameFromFile(fileName: string): string {
  return fileName
    .replace(/\.(ya?ml|json|[cm]?[jt]s)$/i, "")
    .replace(/^\.?spectral$/i, "ruleset")
    .replace(/[.-]?spectral$/i, "")
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "")
    .slice(0, 64);
}

/**
 * Import in two steps: preview (nothing stored: what will be accepted,
 * mapped, ignored and refused), then save. Editing the name or the text
 * after a preview asks for a new one.
 */
export function RulesetImport() {
  const [name, setName] = useState("");
  const [source, setSource] = useState("");
  const [fileName, setFileName] = useState<string | undefined>(undefined);
  const [preview, setPreview] = useState<RulesetPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<FieldError[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const fileInput = useRef<HTMLInputElement>(null);

  const changed = () => {
    setPreview(null);
    setSaved(null);
  };

  async function readFile(file: File | undefined) {
    if (!file) return;
    setFileName(file.name);
    setSource(await file.text());
    if (!name) setName(nameFromFile(file.name));
    changed();
  }

  const fail = (result: { error: string; problems?: FieldError[] }) => {
    setError(result.error);
    setProblems(result.problems ?? []);
  };

  const runPreview = () =>
    startTransition(async () => {
      setError(null);
      setProblems([]);
      setSaved(null);
      const result = await previewRulesetAction({ name, source, fileName });
      if (!result) return;
      if (!result.ok) {
        setPreview(null);
        fail(result);
      } else setPreview(result.data ?? null);
    });

  const save = () =>
    startTransition(async () => {
      setError(null);
      setProblems([]);
      const result = await importRulesetAction({ name, source, fileName });
      if (!result) return;
      if (!result.ok) fail(result);
      else {
        setSaved(result.message ?? "Saved.");
        setPreview(null);
        setName("");
        setSource("");
        setFileName(undefined);
      }
    });

  const applies = preview ? preview.rules.length + Object.keys(preview.builtinOverrides).length : 0;

  return (
    <div className="space-y-4">
      <FormSuccess message={saved} />
      <FormError message={error} />
      {problems.length ? (
        <ul className="max-h-64 overflow-auto rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900" aria-label="Problems in the ruleset">
          {problems.map((problem, index) => (
            <li key={index} className="font-mono text-xs">
              {problem.line ? `line ${problem.line}${problem.column ? `:${problem.column}` : ""} ` : ""}
              {problem.pointer ? <span className="text-red-700">{problem.pointer}</span> : null} {problem.detail}
            </li>
          ))}
        </ul>
      ) : null}
      <Field label="Ruleset name" htmlFor="ruleset-name" hint="Findings are reported as <name>/<rule>. Lowercase letters, digits, dots, dashes, underscores.">
        <Input id="ruleset-name" value={name} onChange={(event) => { setName(event.target.value); changed(); }} placeholder="acme-style" autoComplete="off" />
      </Field>
      <div className="space-y-1">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <label htmlFor="ruleset-source" className="block text-sm font-medium text-slate-800">Ruleset (YAML or JSON)</label>
          <Button variant="secondary" onClick={() => fileInput.current?.click()}>Choose file</Button>
          <input ref={fileInput} type="file" accept=".yaml,.yml,.json,application/json,application/yaml" className="sr-only" aria-label="Ruleset file" onChange={(event) => void readFile(event.target.files?.[0])} />
        </div>
        {fileName ? <p className="text-xs text-slate-500">Loaded {fileName}</p> : null}
        <Textarea id="ruleset-source" rows={12} value={source} onChange={(event) => { setSource(event.target.value); changed(); }} className="font-mono text-xs" placeholder={"extends: [[spectral:oas, recommended]]\nrules:\n  operation-id-camel-case:\n    given: $.paths[*][*]\n    then:\n      field: operationId\n      function: casing\n      functionOptions: { type: camel }"} />
      </div>
      <div className="flex gap-2">
        <Button variant="secondary" onClick={runPreview} disabled={pending || !source.trim() || !name.trim()}>{pending && !preview ? "Reading…" : "Preview"}</Button>
        {preview ? (
          <Button onClick={save} disabled={pending || applies === 0}>{pending ? "Saving…" : "Save ruleset"}</Button>
        ) : null}
      </div>
      {preview ? (
        <div className="rounded-md border border-slate-200 p-4">
          <p className="mb-3 text-sm text-slate-700" role="status">
            {applies === 0
              ? "Nothing in this ruleset can be applied, so it cannot be saved."
              : `Saving applies ${preview.rules.length} ${preview.rules.length === 1 ? "rule" : "rules"} as ${preview.name}/…${Object.keys(preview.builtinOverrides).length ? ` and changes ${Object.keys(preview.builtinOverrides).length} built-in ${Object.keys(preview.builtinOverrides).length === 1 ? "rule" : "rules"}` : ""}, enabled at once. What is ignored or refused is left out.`}
          </p>
          <ImportReport items={preview.items} label="Import preview" />
        </div>
      ) : null}
    </div>
  );
}
