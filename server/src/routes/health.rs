//! Probes for load balancers: liveness without the database, readiness with it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
    /// Migrations not yet applied (readiness only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pending_migrations: Vec<String>,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok", pending_migrations: vec![] })
}

/// Readiness: the database answers and its schema is current.
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    match domain::db::pending_migrations(&state.db).await {
        Ok(pending) if pending.is_empty() => {
            (StatusCode::OK, Json(Health { status: "ok", pending_migrations: pending }))
        }
        Ok(pending) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Health { status: "migrations pending", pending_migrations: pending }),
        ),
        Err(err) => {
            tracing::warn!(%err, "readiness: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health { status: "database unreachable", pending_migrations: vec![] }),
            )
        }
    }
}
