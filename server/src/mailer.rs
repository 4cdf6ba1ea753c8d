//! Sends the outbox (`domain::outbox`) over SMTP: every few seconds each `serve` node claims
//! the due messages and sends them with the deployment's sender; a failure waits its
//! backoff. Nothing about a message is logged but its id.

use anyhow::Context;
use domain::outbox;
use domain::Db;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Config;

/// Messages claimed per pass.
const BATCH: u64 = 20;

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// The mailer of `config`, or `None` when no SMTP server is configured.
    pub fn from_config(config: &Config) -> anyhow::Result<Option<Mailer>> {
        if config.smtp_url.trim().is_empty() {
            return Ok(None);
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(config.smtp_url.trim())
            .context("OW_SMTP_URL is not a valid SMTP URL")?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from = config.mail_from.parse().context("OW_MAIL_FROM is not a valid address")?;
        Ok(Some(Mailer { transport, from }))
    }

    /// One pass: claims the due messages and sends each; returns how many went out.
    pub async fn deliver_due(&self, db: &Db) -> anyhow::Result<usize> {
        let mut sent = 0;
        for message in outbox::claim_due(db, BATCH).await? {
            match self.send(&message).await {
                Ok(()) => {
                    outbox::mark_sent(db, message.id).await?;
                    sent += 1;
                }
                Err(e) => {
                    tracing::warn!(message = message.id, attempt = message.attempts, "mail not sent, will retry");
                    outbox::mark_failed(db, &message, &e.to_string()).await?;
                }
            }
        }
        Ok(sent)
    }

    async fn send(&self, m: &entity::outbox_message::Model) -> anyhow::Result<()> {
        let email = Message::builder()
            .from(self.from.clone())
            .to(m.to_address.parse().context("recipient")?)
            .subject(&m.subject)
            .message_id(Some(m.message_id.clone()))
            .header(ContentType::TEXT_PLAIN)
            .body(m.body_text.clone())?;
        self.transport.send(email).await?;
        Ok(())
    }

    /// `serve`: a pass every `every` (each node; claims keep them apart).
    pub fn spawn(self, db: Db, every: std::time::Duration) {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                if let Err(e) = self.deliver_due(&db).await {
                    tracing::error!(error = %e, "outbox pass failed");
                }
            }
        });
    }
}
