//! Handing a case on: a **referral** (invio) gives a third-sector operator of the same
//! tenant access to named sections of a case; a **transfer** proposes the case to
//! another tenant (the person moved), which receives a copy of the named sections. In
//! both the receiving side accepts or declines; every step is audited.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::{CaseId, OrganizationId, ReferralId, TransferId, UserId};

coded_enum! {
    /// Where a referral or transfer stands. `Ended`: a referral whose access the case's
    /// workers took back, or a transfer withdrawn (its person anonymised).
    pub enum HandoverStatus {
        Pending = "pending",
        Accepted = "accepted",
        Declined = "declined",
        Ended = "ended",
    }
}

/// Referring a case to a third-sector operator.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct ReferralIn {
    /// The organisation (of the tenant's directory) the operator works for.
    pub organization_id: Option<OrganizationId>,
    /// The operator: a third-sector user of the tenant.
    pub user_id: Option<UserId>,
    /// The section codes the operator may open (`types::cases::SECTIONS`).
    pub sections: Vec<String>,
    /// Why, and what is asked of the organisation.
    pub reason: String,
}

/// A referral as the case's workers and its operator see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReferralOut {
    pub id: ReferralId,
    pub case_id: CaseId,
    /// The case's target area.
    pub area: String,
    /// The person's name: shown to the operator once they accepted.
    pub person_name: Option<String>,
    pub organization_name: String,
    pub operator_name: String,
    pub sections: Vec<String>,
    pub reason: String,
    /// A `HandoverStatus` code.
    pub status: String,
    pub sent_by_name: String,
    pub sent_at: String,
    pub decided_at: Option<String>,
    pub decision_note: Option<String>,
}

/// Proposing a case to another tenant.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct TransferIn {
    /// The receiving tenant's slug (`transfer-targets`).
    pub to_tenant: String,
    /// The section codes copied to the receiving tenant's new case.
    pub sections: Vec<String>,
    pub reason: String,
}

/// Who is proposed: what the receiving tenant needs to decide (and to find the person
/// among its own).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TransferPerson {
    pub first_name: String,
    pub last_name: String,
    pub tax_code: Option<String>,
    pub birth_date: Option<String>,
}

/// A transfer as the sending case's workers and the receiving tenant's admins see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TransferOut {
    pub id: TransferId,
    pub from_tenant: String,
    pub to_tenant: String,
    /// The sending tenant's case (only on the sending side).
    pub case_id: Option<CaseId>,
    pub area: String,
    /// The person, to the receiving side while the proposal is pending.
    pub person: Option<TransferPerson>,
    pub sections: Vec<String>,
    pub reason: String,
    /// `pending`, `accepted` or `declined`.
    pub status: String,
    pub sent_by_name: String,
    pub sent_at: String,
    pub decided_at: Option<String>,
    pub decision_note: Option<String>,
    /// The receiving tenant's new case (only on the receiving side, once accepted).
    pub new_case_id: Option<CaseId>,
}

/// The receiving side's answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct DecisionIn {
    pub accept: bool,
    /// Why it was declined, or anything the sender should know.
    pub note: Option<String>,
    /// Accepting a transfer: the receiving tenant's responsible social worker.
    pub responsible_id: Option<UserId>,
}

/// The referrals and transfers of one case, newest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseHandovers {
    pub referrals: Vec<ReferralOut>,
    pub transfers: Vec<TransferOut>,
}

/// A tenant a case may be transferred to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TransferTarget {
    pub slug: String,
    pub name: String,
}

/// Whom a case may be handed on to: the tenant's third-sector operators and
/// organisations, and the other tenants of the deployment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HandoverChoices {
    pub operators: Vec<Choice>,
    pub organizations: Vec<Choice>,
    pub tenants: Vec<TransferTarget>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Choice {
    pub id: i64,
    pub name: String,
}
