//! The case page's read model, on top of the case domain: the case with the work on
//! it, its referrals and transfers and whom it could be handed on to, read in one
//! transaction from `cases`, `plans`, `referrals` and `transfers`.

use types::cases::CasePage;
use types::referrals::CaseHandovers;
use types::CaseId;

use crate::audit::Action;
use crate::case_access::CaseGrant;
use crate::tenancy::TenantTx;
use crate::{cases, plans, referrals, transfers, Db, Result, TenantContext};

/// Everything the case page shows, read in one transaction: the case; for its workers
/// the work on it, its referrals and transfers and whom it could be handed on to; for
/// tenant admins the staff who could work on it.
pub async fn case_page(db: &Db, ctx: &TenantContext, id: CaseId) -> Result<CasePage> {
    let tx = ctx.begin(db).await?;
    let grant = CaseGrant::open(&tx, ctx, id).await?;
    grant.audit(&tx, ctx, Action::Read, None).await?;
    let case = cases::case_out(&tx, ctx, &grant).await?;
    let mut page = CasePage { case, work: None, handovers: None, choices: None, workers: vec![] };
    if grant.is_worker() {
        page.work = Some(plans::work_of(&tx, grant.case.id).await?);
        grant.audit(&tx, ctx, Action::Read, Some("work")).await?;
        page.handovers = Some(handovers_of(&tx, grant.case.id).await?);
        grant.audit(&tx, ctx, Action::Read, Some("referral")).await?;
        page.choices = Some(referrals::choices_in(&tx, ctx).await?);
    }
    if page.case.can_manage_access {
        page.workers = cases::workers_in(&tx).await?;
    }
    tx.commit().await?;
    Ok(page)
}

/// The referrals and transfers of a case, newest first (its workers).
pub async fn case_handovers(db: &Db, ctx: &TenantContext, id: CaseId) -> Result<CaseHandovers> {
    let tx = ctx.begin(db).await?;
    let grant = CaseGrant::open_for_work(&tx, ctx, id).await?;
    let out = handovers_of(&tx, grant.case.id).await?;
    grant.audit(&tx, ctx, Action::Read, Some("referral")).await?;
    tx.commit().await?;
    Ok(out)
}

/// The referrals and transfers of case `case_id` (the caller has opened the case).
pub(crate) async fn handovers_of(tx: &TenantTx, case_id: i64) -> Result<CaseHandovers> {
    Ok(CaseHandovers {
        referrals: referrals::of_case(tx, case_id).await?,
        transfers: transfers::of_case(tx, case_id).await?,
    })
}
