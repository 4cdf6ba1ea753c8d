// A local SMTP sink for the demo and the tests: a real SMTP server (nodemailer's
// smtp-server) that accepts every message and appends it, parsed, as one JSON line
// {"to", "subject", "text", "message_id", "received_at"} to FILE.
// Usage: node tools/mail-sink.mjs PORT FILE   (prints "listening" when ready)
import { appendFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.OW_NODE_MODULES, "noop.js"));
const { SMTPServer } = require("smtp-server");
const { simpleParser } = require("mailparser");
const [port, file] = process.argv.slice(2);

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, session, done) {
    simpleParser(stream)
      .then((mail) => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        for (const address of to) {
          const line = { to: address, subject: mail.subject ?? "", text: mail.text ?? "",
                         message_id: mail.messageId ?? "", received_at: new Date().toISOString() };
          appendFileSync(file, JSON.stringify(line) + "\n");
        }
        done();
      })
      .catch(done);
  },
});
server.listen(Number(port), "127.0.0.1", () => console.log("listening"));
