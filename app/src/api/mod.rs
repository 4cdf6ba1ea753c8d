//! Server functions of the staff app, under `/sf/<name>`, one module per capability
//! (mirroring `server/src/routes/`). Each is declared with `#[staff_fn]` and the scope it
//! runs in (`scope`): the scope is resolved before its body, the body calls `domain` and
//! returns a DTO, and its error becomes the client's error here, once (`fail`). Forms whose
//! text must be read (numbers, ids, hours) are read by their `…Form::into_input`.

pub mod benefits;
pub mod cases;
pub mod contacts;
pub mod directory;
pub mod invitations;
pub mod persons;
pub mod plans;
pub mod public;
pub mod referrals;
#[cfg(feature = "ssr")]
pub mod scope;
pub mod session;
pub mod tenant;

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use types::{ApiError, ErrorCode, Lang};

/// The error of every server function: the API's error body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UiError(pub ApiError);

impl FromServerFnError for UiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let code = match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => ErrorCode::Validation,
            ServerFnErrorErr::Request(_) => ErrorCode::Unavailable,
            _ => ErrorCode::Internal,
        };
        // The message is filled in by the client in its language (`UiError::message`).
        UiError(ApiError { code, message: String::new(), fields: vec![] })
    }
}

impl UiError {
    /// The general message, in `lang` when the server sent none.
    pub fn message(&self, lang: Lang) -> String {
        if self.0.message.is_empty() {
            types::i18n::t(lang, self.0.code.message_key())
        } else {
            self.0.message.clone()
        }
    }

    pub fn field(&self, name: &str) -> Option<String> {
        self.0.field(name).map(str::to_string)
    }
}

/// Turns a domain error into the client's error, with its HTTP status (logged and chosen
/// by `AppError::respond`, as for the HTTP API).
#[cfg(feature = "ssr")]
pub fn fail(err: domain::AppError, lang: Lang) -> UiError {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(err.respond()) {
            response.set_status(status);
        }
    }
    UiError(err.to_api(lang))
}

/// Who may call a server function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FnScope {
    /// Anyone (sign-in, language, the session itself, the public pages).
    Public,
    /// A signed-in user, in no particular tenant.
    User,
    /// A signed-in user acting in the session's current tenant.
    Tenant,
}

/// A server function as `#[staff_fn]` registers it.
#[cfg(feature = "ssr")]
#[derive(Debug)]
pub struct Registered {
    /// `/sf/<name>`.
    pub path: &'static str,
    pub scope: FnScope,
    /// For multipart input: the message of the field error a body of another kind gets.
    pub multipart: Option<&'static str>,
}

#[cfg(feature = "ssr")]
inventory::collect!(Registered);

/// Every server function of the staff app, with its scope.
#[cfg(feature = "ssr")]
pub fn registered() -> impl Iterator<Item = &'static Registered> {
    inventory::iter::<Registered>.into_iter()
}

/// The server function at `path`, if it is one.
#[cfg(feature = "ssr")]
pub fn registered_at(path: &str) -> Option<&'static Registered> {
    registered().find(|r| r.path == path)
}
