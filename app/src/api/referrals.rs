//! Handing a case over: referral to a third-sector operator and transfer to another
//! comune or zone, and the decisions on them.

#[cfg(feature = "ssr")]
use types::referrals::DecisionIn;
use types::referrals::{ReferralOut, TransferOut};
#[cfg(feature = "ssr")]
use types::{CaseId, ReferralId, TransferId};

use super::UiError;
use app_macros::staff_fn;
#[cfg(feature = "ssr")]
use domain::AppError;

/// Refers case `id` to a third-sector operator; `sections` are the ticked codes.
#[staff_fn]
pub async fn refer_case(
    t: Tenant,
    id: i64,
    organization_id: Option<i64>,
    user_id: Option<i64>,
    #[server(default)] sections: Vec<String>,
    reason: Option<String>,
) -> Result<ReferralOut, UiError> {
    let input = types::referrals::ReferralIn {
        organization_id: organization_id.map(types::OrganizationId),
        user_id: user_id.map(types::UserId),
        sections,
        reason: reason.unwrap_or_default(),
    };
    domain::referrals::refer(&t.db, &t.ctx, CaseId(id), input).await
}

/// Ends a referral of case `id`.
#[staff_fn]
pub async fn end_referral(t: Tenant, id: i64, referral_id: i64) -> Result<ReferralOut, UiError> {
    domain::referrals::end_referral(&t.db, &t.ctx, CaseId(id), ReferralId(referral_id)).await
}

/// Proposes case `id` to another tenant.
#[staff_fn]
pub async fn propose_transfer(
    t: Tenant,
    id: i64,
    to_tenant: Option<String>,
    #[server(default)] sections: Vec<String>,
    reason: Option<String>,
) -> Result<TransferOut, UiError> {
    let input = types::referrals::TransferIn {
        to_tenant: to_tenant.unwrap_or_default(),
        sections,
        reason: reason.unwrap_or_default(),
    };
    domain::transfers::propose_transfer(&t.db, &t.ctx, CaseId(id), input).await
}

/// The referrals made to the signed-in third-sector operator.
#[staff_fn]
pub async fn received_referrals(t: Tenant) -> Result<Vec<ReferralOut>, UiError> {
    domain::referrals::received_referrals(&t.db, &t.ctx).await
}

/// The decision form: `decision` is `accept` or `decline`.
#[cfg(feature = "ssr")]
fn decision_in(
    decision: Option<String>,
    note: Option<String>,
    responsible_id: Option<i64>,
) -> domain::Result<DecisionIn> {
    let accept = match decision.as_deref() {
        Some("accept") => true,
        Some("decline") => false,
        _ => return Err(AppError::field("decision", "validation.required")),
    };
    Ok(DecisionIn { accept, note, responsible_id: responsible_id.map(types::UserId) })
}

#[staff_fn]
pub async fn decide_referral(
    t: Tenant,
    referral_id: i64,
    decision: Option<String>,
    note: Option<String>,
) -> Result<ReferralOut, UiError> {
    let input = decision_in(decision, note, None)?;
    domain::referrals::decide_referral(&t.db, &t.ctx, ReferralId(referral_id), input).await
}

/// Cases other tenants propose to transfer here (tenant admins).
#[staff_fn]
pub async fn incoming_transfers(t: Tenant) -> Result<Vec<TransferOut>, UiError> {
    domain::transfers::incoming_transfers(&t.db, &t.ctx).await
}

#[staff_fn]
pub async fn decide_transfer(
    t: Tenant,
    transfer_id: i64,
    decision: Option<String>,
    note: Option<String>,
    responsible_id: Option<i64>,
) -> Result<TransferOut, UiError> {
    let input = decision_in(decision, note, responsible_id)?;
    domain::transfers::decide_transfer(&t.db, &t.ctx, TransferId(transfer_id), input).await
}
