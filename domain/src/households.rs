//! A person's household (nucleo familiare): other persons of the tenant, each with their
//! relationship and whether they live together. Seen and changed by whoever may see the
//! person (`case_access::visible_person`); members must be persons the caller may see too. Audited
//! as the person's `household` section.

use std::collections::{BTreeSet, HashMap};

use entity::{household_member, person};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, Set};
use types::persons::{HouseholdIn, HouseholdMemberIn, HouseholdMemberOut, PersonIn, RELATIONSHIPS};
use types::PersonId;

use crate::audit::{self, Action, Event};
use crate::authz::Permission;
use crate::case_access::visible_person;
use crate::tenancy::TenantTx;
use crate::validate::Validator;
use crate::{AppError, Db, Result, TenantContext};

const SECTION: &str = "household";

pub(crate) async fn members_out(tx: &TenantTx, person: i64) -> Result<Vec<HouseholdMemberOut>> {
    let links = tx
        .select::<household_member::Entity>()
        .filter(household_member::Column::PersonId.eq(person))
        .order_by_asc(household_member::Column::Id)
        .all(tx.conn())
        .await?;
    let persons: HashMap<i64, person::Model> = tx
        .select::<person::Entity>()
        .filter(person::Column::Id.is_in(links.iter().map(|l| l.member_id)))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(links
        .into_iter()
        .filter_map(|l| {
            let p = persons.get(&l.member_id)?;
            Some(HouseholdMemberOut {
                member_id: PersonId(p.id),
                name: format!("{} {}", p.last_name, p.first_name),
                birth_date: p.birth_date.map(|d| d.format("%Y-%m-%d").to_string()),
                relationship: l.relationship,
                cohabiting: l.cohabiting,
            })
        })
        .collect())
}

async fn record(tx: &TenantTx, ctx: &TenantContext, action: Action, person: i64) -> Result<()> {
    let event = Event { action, object_type: "person", object_id: Some(person), section: Some(SECTION), listed: &[] };
    audit::record(tx, Some(ctx.user()), event).await
}

pub async fn household(db: &Db, ctx: &TenantContext, id: PersonId) -> Result<Vec<HouseholdMemberOut>> {
    ctx.require(Permission::ManagePersons)?;
    let tx = ctx.begin(db).await?;
    let person = visible_person(&tx, ctx, id).await?;
    let out = members_out(&tx, person.id).await?;
    record(&tx, ctx, Action::Read, person.id).await?;
    tx.commit().await?;
    Ok(out)
}

/// Replaces the household of a person.
pub async fn set_household(
    db: &Db,
    ctx: &TenantContext,
    id: PersonId,
    input: HouseholdIn,
) -> Result<Vec<HouseholdMemberOut>> {
    ctx.require(Permission::ManagePersons)?;
    let tx = ctx.begin(db).await?;
    let person = visible_person(&tx, ctx, id).await?;
    let mut v = Validator::new();
    let mut seen = BTreeSet::new();
    for (i, m) in input.members.iter().enumerate() {
        let field = format!("members.{i}.member_id");
        match m.member_id {
            None => v.issue(&field, "validation.required", vec![]),
            Some(member) if member == id => v.issue(&field, "validation.self_in_household", vec![]),
            Some(member) if !seen.insert(member) => v.issue(&field, "validation.duplicate", vec![]),
            Some(member) => {
                if visible_person(&tx, ctx, member).await.is_err() {
                    v.issue(&field, "validation.unknown_code", vec![]);
                }
            }
        }
        v.code(&format!("members.{i}.relationship"), &m.relationship, RELATIONSHIPS);
    }
    v.finish()?;
    tx.delete::<household_member::Entity>()
        .filter(household_member::Column::PersonId.eq(person.id))
        .exec(tx.conn())
        .await?;
    for m in input.members {
        let Some(member) = m.member_id else { continue };
        tx.insert(household_member::ActiveModel {
            person_id: Set(person.id),
            member_id: Set(member.0),
            relationship: Set(m.relationship.trim().to_string()),
            cohabiting: Set(m.cohabiting),
            ..Default::default()
        })
        .await?;
    }
    record(&tx, ctx, Action::Update, person.id).await?;
    let out = members_out(&tx, person.id).await?;
    tx.commit().await?;
    Ok(out)
}

/// Takes `member` out of the household of `id` (the remove button on the person's page);
/// the others stay as they are.
pub async fn remove_member(
    db: &Db,
    ctx: &TenantContext,
    id: PersonId,
    member: PersonId,
) -> Result<Vec<HouseholdMemberOut>> {
    let members = household(db, ctx, id)
        .await?
        .into_iter()
        .filter(|m| m.member_id != member)
        .map(|m| HouseholdMemberIn {
            member_id: Some(m.member_id),
            relationship: m.relationship,
            cohabiting: m.cohabiting,
        })
        .collect();
    set_household(db, ctx, id, HouseholdIn { members }).await
}

/// Records a new person and adds them to the household of `id` at once (the form on the
/// person's page): one transaction, the duplicate warning as for any new person.
pub async fn add_new_member(
    db: &Db,
    ctx: &TenantContext,
    id: PersonId,
    member: PersonIn,
    relationship: &str,
    cohabiting: bool,
) -> Result<Vec<HouseholdMemberOut>> {
    ctx.require(Permission::ManagePersons)?;
    let tx = ctx.begin(db).await?;
    let person = visible_person(&tx, ctx, id).await?;
    let mut v = Validator::new();
    let relationship = v.code("relationship", relationship, RELATIONSHIPS);
    // The person's own problems and the relationship's, all at once.
    let created = crate::persons::insert_person(&tx, ctx, member).await;
    let created = match (created, v.finish()) {
        (Ok(p), Ok(())) => p,
        (Err(AppError::Validation(mut a)), Err(AppError::Validation(b))) => {
            a.extend(b);
            return Err(AppError::Validation(a));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    tx.insert(household_member::ActiveModel {
        person_id: Set(person.id),
        member_id: Set(created.id.0),
        relationship: Set(relationship),
        cohabiting: Set(cohabiting),
        ..Default::default()
    })
    .await?;
    record(&tx, ctx, Action::Update, person.id).await?;
    let out = members_out(&tx, person.id).await?;
    tx.commit().await?;
    Ok(out)
}
