//! The addressee's side of an invitation: the ones addressed to the signed-in user, to
//! accept or decline; and, for a new address, the e-mailed link's preview and the
//! account it creates.

use types::dto::{InvitationPreviewOut, MyInvitationOut};

use super::UiError;
use app_macros::staff_fn;

#[staff_fn]
pub async fn my_invitations(u: User) -> Result<Vec<MyInvitationOut>, UiError> {
    domain::invitations::mine(&u.db, u.user).await
}

#[staff_fn]
pub async fn accept_invitation(u: User, id: i64) -> Result<(), UiError> {
    domain::invitations::accept(&u.db, u.user, types::InvitationId(id)).await
}

#[staff_fn]
pub async fn decline_invitation(u: User, id: i64) -> Result<(), UiError> {
    domain::invitations::decline(&u.db, u.user, types::InvitationId(id)).await
}

#[staff_fn]
pub async fn invitation_preview(p: Public, token: String) -> Result<InvitationPreviewOut, UiError> {
    domain::invitations::preview(&p.db, &token).await
}

#[staff_fn]
pub async fn create_invited_account(
    p: Public,
    token: String,
    display_name: String,
    new_password: String,
) -> Result<(), UiError> {
    let input = types::dto::InvitedAccountIn { token, display_name, new_password };
    domain::invitations::create_account(&p.db, input).await.map(|_| ())
}
