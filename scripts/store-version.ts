// The heavy part of one upload, in a process of its own (lib/specs/check.ts
// starts it), so that the web server's event loop never reads, parses, lints,
// diffs or serialises a large document: the catalog must stay responsive
// while GitHub's 13 MB description is uploaded.
//
// stdin: one line of JSON (the UploadJob: who, which API, what the body is),
// then the body exactly as the web server received it.
// stdout: one line of JSON (the summary, or the refusal), then the REST
// answer when the job asks for it.
import { storeUpload, uploadRefusal, type UploadJob } from "@/lib/versions/upload";

async function main() {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const input = Buffer.concat(chunks);
  const end = input.indexOf(0x0a);
  if (end === -1) throw new Error("No job line on stdin.");
  const job = JSON.parse(input.subarray(0, end).toString("utf8")) as UploadJob;
  let output: string;
  try {
    const { summary, answer } = await storeUpload(job, input.subarray(end + 1));
    output = `${JSON.stringify({ ok: true, summary })}\n${answer ?? ""}`;
  } catch (error) {
    const refusal = uploadRefusal(error);
    if (!refusal) throw error;
    output = `${JSON.stringify({ ok: false, error: refusal })}\n`;
  }
  // Exit once the answer is with the pipe: the database pool would keep the
  // process alive for its idle timeout.
  process.stdout.write(output, () => process.exit(0));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
