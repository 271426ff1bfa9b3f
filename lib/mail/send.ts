import nodemailer from "nodemailer";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** True when SMTP is configured (SMTP_URL, e.g. smtp://user:pass@host:587). */
export function mailEnabled(): boolean {
  return Boolean(process.env.SMTP_URL);
}

/**
 * Sends a mail when SMTP is configured. Failures are logged, not thrown: the
 * action that triggered the mail has already committed.
 */
export async function sendMail(mail: Mail): Promise<boolean> {
  if (!process.env.SMTP_URL) return false;
  try {
    await deliverMail(mail);
    return true;
  } catch (error) {
    console.error("[mail] sending failed", { to: mail.to, subject: mail.subject, error: (error as Error).message });
    return false;
  }
}

/** Sends a mail and throws when the SMTP server refuses it: for queued mail, whose job is retried. */
export async function deliverMail(mail: Mail): Promise<void> {
  if (!process.env.SMTP_URL) throw new Error("SMTP_URL is not set.");
  const transport = nodemailer.createTransport(process.env.SMTP_URL);
  try {
    await transport.sendMail({ from: process.env.MAIL_FROM ?? "Portico <portico@localhost>", ...mail });
  } finally {
    transport.close();
  }
}
