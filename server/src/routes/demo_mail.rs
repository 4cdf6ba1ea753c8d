//! Only in the demo (`cargo xtask demo`): the messages the local SMTP sink received, so the
//! e-mail the product sends (reset links, invitations) can be followed without a mailbox.
//! Mounted only when `OW_DEMO_MAIL_FILE` is set and the deployment is not served over HTTPS.

use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::state::AppState;

/// One message as `/demo/mail.json` lists it.
#[derive(Debug, Serialize)]
pub struct DemoMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub received_at: String,
}

/// The sink's file, newest message first (a missing file is no mail yet).
fn received(state: &AppState) -> Vec<DemoMail> {
    let text = std::fs::read_to_string(&state.config.demo_mail_file).unwrap_or_default();
    let field = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
    let mut out: Vec<DemoMail> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| DemoMail {
            to: field(&v, "to"),
            subject: field(&v, "subject"),
            text: field(&v, "text"),
            received_at: field(&v, "received_at"),
        })
        .collect();
    out.reverse();
    out
}

pub async fn json(State(state): State<AppState>) -> Json<Vec<DemoMail>> {
    Json(received(&state))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub async fn page(State(state): State<AppState>) -> Response {
    let mut items = String::new();
    for m in received(&state) {
        items.push_str(&format!(
            "<article class=\"card mb-3\"><div class=\"card-body\"><h2 class=\"h5\">{}</h2>\
             <p class=\"small\">A / To: {} · {}</p><pre style=\"white-space: pre-wrap\">{}</pre></div></article>",
            escape(&m.subject),
            escape(&m.to),
            escape(&m.received_at),
            escape(&m.text)
        ));
    }
    if items.is_empty() {
        items = "<p>Nessun messaggio ricevuto finora. / No message received yet.</p>".into();
    }
    let page = format!(
        "<!doctype html><html lang=\"it\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Posta della demo / Demo mail</title>\
         <link rel=\"stylesheet\" href=\"/assets/bootstrap-italia/css/bootstrap-italia.min.css\"></head>\
         <body><main class=\"container my-4\"><h1 class=\"h2\">Posta della demo / Demo mail</h1>\
         <p>I messaggi che il server SMTP locale della demo ha ricevuto, dal più recente. \
         / The messages the demo's local SMTP server received, newest first.</p>{items}</main></body></html>"
    );
    Html(page).into_response()
}
