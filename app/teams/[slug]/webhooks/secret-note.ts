export const WEBHOOK_SECRET_NOTE = "Store it in the receiver's configuration and use it to verify each delivery's signature. Team owners can reveal or roll it later.";
