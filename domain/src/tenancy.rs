//! The tenancy choke point (docs/ARCHITECTURE.md §3).
//!
//! A `TenantContext` (tenant, user, role) can only be built by [`TenantContext::resolve`],
//! which checks the user's membership. Tenant-owned tables are only read and written
//! through a [`TenantTx`]: a transaction that adds `tenant_id = ?` to every query, sets
//! `tenant_id` on every insert and, on PostgreSQL, sets `app.tenant_id` so row-level
//! security hides other tenants' rows even from a query that forgot its filter.
//! Anything not reachable this way answers `NotFound`, the same as a missing object.

use entity::{membership, tenant, user_account};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, DeleteMany, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Select, Statement, TransactionTrait, UpdateMany, Value,
};
use types::{FacilityId, Role, TenantId, TenantKind, UserId};

use crate::authz::Permission;
use crate::db::Db;
use crate::{AppError, Result};

/// The tenant a request acts in, as loaded by the resolver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenantRef {
    pub id: TenantId,
    pub slug: String,
    pub name: String,
    pub kind: TenantKind,
}

/// Who acts, in which tenant, with which role. Built only by `resolve`.
#[derive(Clone, Debug)]
pub struct TenantContext {
    tenant: TenantRef,
    user: UserId,
    role: Role,
    /// The facility a facility manager keeps up to date (their membership names it).
    facility: Option<FacilityId>,
    /// The account keeps the deployment's shared catalogue (a deployment-level duty, not a role
    /// in any tenant).
    keeps_shared_catalogue: bool,
    /// The handle it was resolved on: a refused attempt on case data is audited through it.
    db: Db,
}

/// How far up the tree the resolver looks for a province role (region → province → zone → municipality).
const MAX_DEPTH: usize = 4;

impl TenantContext {
    /// Resolves `user` acting in the tenant `slug`. A direct membership gives its role; a
    /// province role in an ancestor reaches descendants (admins administer them, analysts
    /// see aggregates). Anything else — including an unknown slug — is `NotFound`.
    pub async fn resolve(db: &Db, user: UserId, slug: &str) -> Result<TenantContext> {
        let account = user_account::Entity::find_by_id(user.0).one(db).await?.filter(|u| u.active);
        let Some(account) = account else {
            return Err(AppError::Unauthenticated);
        };
        let target =
            tenant::Entity::find().filter(tenant::Column::Slug.eq(slug)).one(db).await?.ok_or(AppError::NotFound)?;
        let tenant = tenant_ref(&target)?;

        let mut current = Some(target);
        for depth in 0..MAX_DEPTH {
            let Some(t) = current else { break };
            let m = membership::Entity::find()
                .filter(membership::Column::TenantId.eq(t.id))
                .filter(membership::Column::UserId.eq(user.0))
                .one(db)
                .await?;
            let role = m.as_ref().and_then(|m| Role::from_code(&m.role));
            match role {
                Some(role) if depth == 0 || role.is_province_role() => {
                    let facility = m.and_then(|m| m.facility_id).filter(|_| role == Role::FacilityManager);
                    return Ok(TenantContext {
                        tenant,
                        user,
                        role,
                        facility: facility.map(FacilityId),
                        keeps_shared_catalogue: account.keeps_shared_catalogue,
                        db: db.clone(),
                    });
                }
                _ => {}
            }
            current = match t.parent_id {
                Some(parent) => tenant::Entity::find_by_id(parent).one(db).await?,
                None => None,
            };
        }
        Err(AppError::NotFound)
    }

    pub fn tenant(&self) -> &TenantRef {
        &self.tenant
    }

    pub fn tenant_id(&self) -> TenantId {
        self.tenant.id
    }

    pub fn user(&self) -> UserId {
        self.user
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// The facility a facility manager keeps up to date, if any.
    pub fn managed_facility(&self) -> Option<FacilityId> {
        self.facility
    }

    /// Fails with `Forbidden` unless the role grants `permission`.
    /// `Forbidden` unless the caller holds `permission`. A refusal of a permission on case
    /// data is an audit entry of the tenant's chain (`Permission::guarded_object`).
    pub fn require(&self, permission: Permission) -> Result<()> {
        if self.may(permission) {
            return Ok(());
        }
        if let Some(object) = permission.guarded_object() {
            let event = crate::audit::Event {
                action: crate::audit::Action::Refused,
                object_type: object,
                object_id: None,
                section: None,
                listed: &[],
            };
            crate::audit::keep_apart(&self.db, self.tenant.id, self.user, event);
        }
        Err(AppError::Forbidden)
    }

    /// Whether the caller holds `permission` (to show or hide a control; nothing audited).
    pub fn may(&self, permission: Permission) -> bool {
        let duty = permission != Permission::ManageSharedBenefits || self.keeps_shared_catalogue;
        duty && permission.granted_to(self.role, self.tenant.kind)
    }

    /// Opens the scoped transaction every tenant-owned query runs in.
    pub async fn begin(&self, db: &Db) -> Result<TenantTx> {
        TenantTx::open(db, self.tenant.id).await
    }
}

/// All tenants below `root`, breadth first.
pub async fn descendants<C: ConnectionTrait>(db: &C, root: i64) -> Result<Vec<tenant::Model>> {
    let mut out = Vec::new();
    let mut frontier = vec![root];
    while !frontier.is_empty() {
        let children = tenant::Entity::find()
            .filter(tenant::Column::ParentId.is_in(frontier.clone()))
            .order_by_asc(tenant::Column::Name)
            .all(db)
            .await?;
        frontier = children.iter().map(|c| c.id).collect();
        out.extend(children);
    }
    Ok(out)
}

/// The tenants above `tenant`, nearest first.
pub async fn ancestors<C: ConnectionTrait>(db: &C, tenant: i64) -> Result<Vec<i64>> {
    let mut out = Vec::new();
    let mut current = tenant::Entity::find_by_id(tenant).one(db).await?.and_then(|t| t.parent_id);
    while let Some(id) = current {
        if out.contains(&id) || out.len() > MAX_DEPTH {
            break;
        }
        out.push(id);
        current = tenant::Entity::find_by_id(id).one(db).await?.and_then(|t| t.parent_id);
    }
    Ok(out)
}

/// The root of `tenant`'s tree (its province or region; itself when it is one): the
/// deployment's part it belongs to, which transfers and their choice lists stay within.
pub async fn root_of<C: ConnectionTrait>(db: &C, tenant: i64) -> Result<i64> {
    Ok(ancestors(db, tenant).await?.last().copied().unwrap_or(tenant))
}

pub(crate) fn tenant_ref(t: &tenant::Model) -> Result<TenantRef> {
    Ok(TenantRef {
        id: TenantId(t.id),
        slug: t.slug.clone(),
        name: t.name.clone(),
        kind: TenantKind::from_code(&t.kind).ok_or_else(|| AppError::Internal(format!("tenant kind {}", t.kind)))?,
    })
}

/// An entity whose rows belong to one tenant.
pub trait TenantOwned: EntityTrait {
    /// Part of the public directory: writing it moves the directory generation.
    const IN_DIRECTORY: bool = false;
    /// Seen by some of the tenant's staff only (the case record): a row of it is reached
    /// from a request only through `case_access`, never by [`TenantTx::get`].
    const PER_USER: bool = false;
    fn tenant_column() -> Self::Column;
    fn id_column() -> Self::Column;
}

/// A table of [`TENANT_TABLES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TenantTable {
    pub name: &'static str,
    /// Part of the public directory (see `TenantOwned::IN_DIRECTORY`).
    pub in_directory: bool,
    /// Guarded on PostgreSQL by row-level security on `app.tenant_id`.
    pub row_security: bool,
    /// Visible to some of the tenant's staff only (see `TenantOwned::PER_USER`).
    pub per_user: bool,
}

/// The tenant-owned tables, listed once: each gets its `TenantOwned` impl here, and the
/// list itself is [`TENANT_TABLES`], which the tests hold the PostgreSQL policies and
/// the cross-tenant checks to.
macro_rules! tenant_tables {
    ($($table:ident { directory: $directory:literal, row_security: $rls:literal, per_user: $per_user:literal }),* $(,)?) => {
        $(
            impl TenantOwned for entity::$table::Entity {
                const IN_DIRECTORY: bool = $directory;
                const PER_USER: bool = $per_user;
                fn tenant_column() -> Self::Column {
                    entity::$table::Column::TenantId
                }
                fn id_column() -> Self::Column {
                    entity::$table::Column::Id
                }
            }
        )*

        /// Every tenant-owned table (see `tenant_tables!`).
        pub const TENANT_TABLES: &[TenantTable] =
            &[$(TenantTable { name: stringify!($table), in_directory: $directory, row_security: $rls, per_user: $per_user }),*];
    };
}

tenant_tables! {
    district { directory: true, row_security: true, per_user: false },
    // Memberships are read across tenants by the resolver (before any context exists): their
    // policies let anyone read and only the owning tenant's transaction write.
    membership { directory: false, row_security: true, per_user: false },
    // Found by their addressee across tenants (as memberships): anyone reads, only the
    // inviting tenant's transaction writes.
    invitation { directory: false, row_security: true, per_user: false },
    organization { directory: true, row_security: true, per_user: false },
    facility { directory: true, row_security: true, per_user: false },
    facility_change { directory: false, row_security: true, per_user: false },
    contact { directory: false, row_security: true, per_user: false },
    person { directory: false, row_security: true, per_user: true },
    social_case { directory: false, row_security: true, per_user: true },
    case_member { directory: false, row_security: true, per_user: true },
    case_section { directory: false, row_security: true, per_user: true },
    case_section_change { directory: false, row_security: true, per_user: true },
    household_member { directory: false, row_security: true, per_user: true },
    assessment { directory: false, row_security: true, per_user: true },
    care_plan { directory: false, row_security: true, per_user: true },
    plan_event { directory: false, row_security: true, per_user: true },
    intervention { directory: false, row_security: true, per_user: true },
    case_referral { directory: false, row_security: true, per_user: true },
    // Owned by the sending tenant; the receiving one reaches its rows only through
    // `TenantTx::incoming_transfers` and `TenantTx::decide_incoming_transfer`.
    case_transfer { directory: false, row_security: true, per_user: true },
    // Append-only: on PostgreSQL no policy lets a row change or go (see the migration).
    audit_entry { directory: false, row_security: true, per_user: false },
}

/// Tables a tenant owns that anyone may read (a tenant's logo, a zone's comuni): not reached
/// through a [`TenantTx`] for reading, but on PostgreSQL only the owner's transaction writes them.
pub const PUBLICLY_READ_TABLES: &[&str] = &["tenant_logo", "zone_comune"];

/// A tenant table whose rows count their saves in `version`: an edit names the version it
/// started from, and a save made meanwhile turns it into a conflict instead of being
/// silently overwritten ([`TenantTx::save_versioned`]).
pub trait Versioned: TenantOwned {
    fn version_column() -> Self::Column;
}

macro_rules! versioned {
    ($($m:ident),*) => {$(
        impl Versioned for entity::$m::Entity {
            fn version_column() -> Self::Column {
                entity::$m::Column::Version
            }
        }
    )*};
}

versioned!(person, social_case, case_section, care_plan, intervention);

/// Tenant tables that are public by nature (the directory): readable across a subtree
/// through a [`DirectoryScope`]. Case data never implements this.
pub trait DirectoryShared: TenantOwned {}
impl DirectoryShared for entity::organization::Entity {}
impl DirectoryShared for entity::facility::Entity {}
impl DirectoryShared for entity::district::Entity {}

/// Read access to the directory of one tenant and every tenant beneath it: a province
/// or zone directory shows its municipalities' entries. Anonymous readers see published
/// entries only; staff of the root tenant see drafts too. Writes still need a
/// `TenantContext` on the entry's own tenant.
#[derive(Clone, Debug)]
pub struct DirectoryScope {
    root: TenantRef,
    tenant_ids: Vec<i64>,
    published_only: bool,
}

impl DirectoryScope {
    /// The public directory of `slug` (published entries). Unknown slug → `NotFound`.
    pub async fn public(db: &Db, slug: &str) -> Result<DirectoryScope> {
        let root =
            tenant::Entity::find().filter(tenant::Column::Slug.eq(slug)).one(db).await?.ok_or(AppError::NotFound)?;
        Self::below(db, &root, true).await
    }

    /// Everything in the directory of the context's tenant and beneath it, drafts included.
    pub async fn staff(db: &Db, ctx: &TenantContext) -> Result<DirectoryScope> {
        ctx.require(Permission::ViewDirectory)?;
        let root = tenant::Entity::find_by_id(ctx.tenant.id.0).one(db).await?.ok_or(AppError::NotFound)?;
        Self::below(db, &root, false).await
    }

    async fn below(db: &Db, root: &tenant::Model, published_only: bool) -> Result<DirectoryScope> {
        let mut tenant_ids = vec![root.id];
        tenant_ids.extend(descendants(db, root.id).await?.iter().map(|t| t.id));
        Ok(DirectoryScope { root: tenant_ref(root)?, tenant_ids, published_only })
    }

    pub fn root(&self) -> &TenantRef {
        &self.root
    }

    pub fn published_only(&self) -> bool {
        self.published_only
    }

    /// A read-only transaction over the scope (on PostgreSQL, `app.tenant_scope` lets the
    /// `directory_scope` policies show exactly these tenants' rows).
    pub async fn begin(&self, db: &Db) -> Result<DirectoryTx> {
        let tx = begin_scoped_read(db, &self.tenant_ids).await?;
        Ok(DirectoryTx { tx, tenant_ids: self.tenant_ids.clone(), now: db.now() })
    }
}

/// A read transaction in which, on PostgreSQL, the `directory_scope` policies show the
/// rows of `tenant_ids` (through `app.tenant_scope`).
async fn begin_scoped_read(db: &Db, tenant_ids: &[i64]) -> Result<DatabaseTransaction> {
    let tx = db.begin().await?;
    if tx.get_database_backend() == DbBackend::Postgres {
        let ids: Vec<String> = tenant_ids.iter().map(i64::to_string).collect();
        tx.execute(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT set_config('app.tenant_scope', $1, true)",
            [Value::from(ids.join(","))],
        ))
        .await?;
    }
    Ok(tx)
}

/// A read transaction over a directory scope. See [`DirectoryScope`].
pub struct DirectoryTx {
    tx: DatabaseTransaction,
    tenant_ids: Vec<i64>,
    /// When it began, by the handle's clock (freshness of entries is judged against it).
    now: chrono::DateTime<chrono::Utc>,
}

impl DirectoryTx {
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.now
    }

    /// `SELECT … WHERE tenant_id IN (scope)`.
    pub fn select<E: DirectoryShared>(&self) -> Select<E> {
        // What is read as directory data must invalidate it when written.
        const { assert!(E::IN_DIRECTORY, "a DirectoryShared table must set TenantOwned::IN_DIRECTORY") };
        E::find().filter(E::tenant_column().is_in(self.tenant_ids.clone()))
    }

    /// The connection, for global tables (tenants, comuni, facility types).
    pub fn conn(&self) -> &DatabaseTransaction {
        &self.tx
    }

    pub async fn commit(self) -> Result<()> {
        Ok(self.tx.commit().await?)
    }
}

/// The settings the PostgreSQL row-level security policies key on, set for one
/// transaction (`true`): the tenant, or the right to write the shared catalogue.
const SET_TENANT: &str = "SELECT set_config('app.tenant_id', $1, true)";
const SET_SHARED_CATALOGUE: &str = "SELECT set_config('app.shared_catalogue', $1, true)";

/// A transaction that may write: on PostgreSQL with `set` (one of the statements above)
/// applied to `value`; on SQLite holding the handle's turn to write (`Db::writer_turn`)
/// and the write lock from the start.
async fn begin_writing(
    db: &Db,
    set: &'static str,
    value: &str,
) -> Result<(DatabaseTransaction, Option<tokio::sync::OwnedMutexGuard<()>>)> {
    let turn = db.writer_turn().await;
    let tx = db.conn().begin().await?;
    match tx.get_database_backend() {
        DbBackend::Postgres => {
            tx.execute(Statement::from_sql_and_values(DbBackend::Postgres, set, [Value::from(value)])).await?;
        }
        DbBackend::Sqlite => {
            // Even a read of personal data appends to the audit log. A SQLite
            // transaction that read first and writes later fails at once ("database
            // is locked") when another wrote in between; taking the write lock first
            // (a write that changes nothing) makes them wait their turn instead.
            tx.execute_unprepared("UPDATE tenant SET id = id WHERE 0").await?;
        }
        _ => {}
    }
    Ok((tx, turn))
}

/// A transaction bound to one tenant. See the module docs.
pub struct TenantTx {
    tx: DatabaseTransaction,
    tenant_id: i64,
    /// The handle it was opened on: its clock, and the generation a commit moves.
    db: Db,
    /// A directory table was written: committing moves the directory generation.
    directory_written: std::sync::atomic::AtomicBool,
    /// Audit entries that stand even if this transaction does not commit (`audit::keep`).
    kept: crate::audit::Kept,
    /// SQLite: the handle's turn to write, held until the transaction ends (declared
    /// after `tx`, so it is released after the transaction is).
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl TenantTx {
    /// A transaction in `tenant_id` for an operator command of the CLI (`audit verify`) or a
    /// trusted step of setting a tenant up (its first admin, a zone's comuni): no user or
    /// role is involved, and nothing a request names reaches it.
    pub async fn for_operator(db: &Db, tenant_id: TenantId) -> Result<TenantTx> {
        Self::open(db, tenant_id).await
    }

    /// A transaction in the tenant that sent an invitation, for its addressee accepting or
    /// declining it: they are no member yet, and the invitation (found by their own
    /// address or by its token, never by an id alone) is what admits them.
    pub(crate) async fn for_addressee(db: &Db, invitation: &entity::invitation::Model) -> Result<TenantTx> {
        Self::open(db, TenantId(invitation.tenant_id)).await
    }

    async fn open(db: &Db, tenant_id: TenantId) -> Result<TenantTx> {
        let (tx, turn) = begin_writing(db, SET_TENANT, &tenant_id.0.to_string()).await?;
        Ok(TenantTx {
            tx,
            tenant_id: tenant_id.0,
            db: db.clone(),
            directory_written: Default::default(),
            kept: crate::audit::Kept::for_chain(db, tenant_id),
            _turn: turn,
        })
    }

    /// The tenant this transaction is bound to.
    pub fn tenant_id(&self) -> TenantId {
        TenantId(self.tenant_id)
    }

    /// Now, by the handle's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.db.now()
    }

    /// The handle this transaction was opened on.
    pub(crate) fn db(&self) -> &Db {
        &self.db
    }

    pub(crate) fn kept(&self) -> &crate::audit::Kept {
        &self.kept
    }

    /// Today's date in Italy, by the handle's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.db.today()
    }

    /// `SELECT … WHERE tenant_id = ?` — the start of every tenant-owned query.
    pub fn select<E: TenantOwned>(&self) -> Select<E> {
        E::find().filter(E::tenant_column().eq(self.tenant_id))
    }

    /// One row by id, or `NotFound` when it is missing or another tenant's. Not for the
    /// case record, whose rows not every member of the tenant may see: an id from a request
    /// goes through `case_access` (the compiler refuses them here).
    pub async fn get<E: TenantOwned>(&self, id: i64) -> Result<E::Model> {
        const { assert!(!E::PER_USER, "a case-record id is resolved through case_access, not TenantTx::get") };
        self.row::<E>(id).await
    }

    /// A row of the case record that another row the caller already holds names (a case's
    /// person, a plan just saved), or that `case_access` is resolving. Never an id taken
    /// from a request: `server/tests/write_visibility.rs` and the source check in
    /// `case_access` hold the code to that.
    pub(crate) async fn related<E: TenantOwned>(&self, id: i64) -> Result<E::Model> {
        self.row::<E>(id).await
    }

    async fn row<E: TenantOwned>(&self, id: i64) -> Result<E::Model> {
        self.select::<E>().filter(E::id_column().eq(id)).one(&self.tx).await?.ok_or(AppError::NotFound)
    }

    /// Inserts with `tenant_id` set from the context, whatever the caller put there.
    /// Returns the raw `DbErr` so the caller can map its own constraint violations.
    pub async fn insert<A>(&self, mut model: A) -> Result<<A::Entity as EntityTrait>::Model, DbErr>
    where
        A: ActiveModelTrait + sea_orm::ActiveModelBehavior + Send,
        A::Entity: TenantOwned,
        <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    {
        model.set(<A::Entity as TenantOwned>::tenant_column(), self.tenant_id.into());
        self.note_write::<A::Entity>();
        model.insert(&self.tx).await
    }

    /// Inserts many rows in one statement, each with this tenant's `tenant_id` (bulk
    /// loads of operator commands: the benchmark's data).
    pub async fn insert_many<A>(&self, models: Vec<A>) -> Result<()>
    where
        A: ActiveModelTrait + Send,
        A::Entity: TenantOwned,
        <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    {
        if models.is_empty() {
            return Ok(());
        }
        let models = models.into_iter().map(|mut m| {
            m.set(<A::Entity as TenantOwned>::tenant_column(), self.tenant_id.into());
            m
        });
        self.note_write::<A::Entity>();
        <A::Entity as EntityTrait>::insert_many(models).exec_without_returning(&self.tx).await?;
        Ok(())
    }

    /// Updates a row this context owns; a row of another tenant is `RecordNotFound`.
    pub async fn update<A>(&self, model: A) -> Result<<A::Entity as EntityTrait>::Model, DbErr>
    where
        A: ActiveModelTrait + sea_orm::ActiveModelBehavior + Send,
        A::Entity: TenantOwned,
        <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    {
        let owner = model.get(<A::Entity as TenantOwned>::tenant_column());
        if owner.into_value() != Some(Value::from(self.tenant_id)) {
            return Err(DbErr::RecordNotFound("row of another tenant".into()));
        }
        self.note_write::<A::Entity>();
        model.update(&self.tx).await
    }

    /// Rebinds the transaction to the tenant of another context, so one import that
    /// spans a province's municipalities commits or fails as a whole. Needs the
    /// context, so the same authorisation as `begin` applies.
    pub async fn switch_to(&mut self, ctx: &TenantContext) -> Result<()> {
        self.bind(ctx.tenant.id.0).await
    }

    async fn bind(&mut self, tenant_id: i64) -> Result<()> {
        if self.tx.get_database_backend() == DbBackend::Postgres {
            self.tx
                .execute(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    SET_TENANT,
                    [Value::from(tenant_id.to_string())],
                ))
                .await?;
        }
        self.tenant_id = tenant_id;
        Ok(())
    }

    /// Transfers addressed to this tenant (rows of the sending tenants): the one way a
    /// tenant reads another's row.
    pub fn incoming_transfers(&self) -> Select<entity::case_transfer::Entity> {
        use entity::case_transfer::{Column, Entity};
        Entity::find().filter(Column::ToTenantId.eq(self.tenant_id))
    }

    /// Records this tenant's decision on a pending transfer addressed to it; `false` when
    /// it is no longer pending (decided meanwhile).
    pub async fn decide_incoming_transfer(&self, id: i64, row: entity::case_transfer::ActiveModel) -> Result<bool> {
        use entity::case_transfer::{Column, Entity};
        let done = Entity::update_many()
            .set(row)
            .filter(Column::Id.eq(id))
            .filter(Column::ToTenantId.eq(self.tenant_id))
            .filter(Column::Status.eq(types::referrals::HandoverStatus::Pending.code()))
            .exec(&self.tx)
            .await?;
        Ok(done.rows_affected == 1)
    }

    /// Binds the transaction, for a moment, to the tenant that sent `transfer` to this
    /// one, so the decision taken here goes into the sender's audit chain in the same
    /// transaction; `leave_sender` binds it back. Only a transfer addressed to this
    /// tenant opens the way.
    pub(crate) async fn enter_sender(&mut self, transfer: &entity::case_transfer::Model) -> Result<TenantId> {
        if transfer.to_tenant_id != self.tenant_id {
            return Err(AppError::NotFound);
        }
        let receiving = TenantId(self.tenant_id);
        self.bind(transfer.tenant_id).await?;
        Ok(receiving)
    }

    /// See `enter_sender`.
    pub(crate) async fn leave_sender(&mut self, receiving: TenantId) -> Result<()> {
        self.bind(receiving.0).await
    }

    /// `UPDATE … WHERE tenant_id = ?`; add the values and the rest of the filter.
    pub fn update_many<E: TenantOwned>(&self) -> UpdateMany<E> {
        self.note_write::<E>();
        E::update_many().filter(E::tenant_column().eq(self.tenant_id))
    }

    /// Saves `row` (the row `id`, its `version` set to `base + 1` by the caller) only if
    /// the stored row is still at `base`: two saves racing from one copy cannot both win.
    pub async fn save_versioned<E, A>(&self, row: A, id: i64, base: i32) -> Result<()>
    where
        E: Versioned,
        A: ActiveModelTrait<Entity = E> + Send,
    {
        let updated = self
            .update_many::<E>()
            .set(row)
            .filter(E::id_column().eq(id))
            .filter(E::version_column().eq(base))
            .exec(&self.tx)
            .await?;
        if updated.rows_affected != 1 {
            return Err(AppError::Conflict("conflict.stale_version"));
        }
        Ok(())
    }

    /// `DELETE … WHERE tenant_id = ?`; add the rest of the filter.
    pub fn delete<E: TenantOwned>(&self) -> DeleteMany<E> {
        self.note_write::<E>();
        E::delete_many().filter(E::tenant_column().eq(self.tenant_id))
    }

    /// The underlying connection, for the global tables (tenants, users, reference data).
    /// Tenant-owned tables must go through `select` / `get` / `insert` / `update` / `delete`.
    pub fn conn(&self) -> &DatabaseTransaction {
        &self.tx
    }

    pub async fn commit(self) -> Result<()> {
        crate::audit::record_kept(&self, &self.kept.pending()).await?;
        self.tx.commit().await?;
        self.kept.written();
        if self.directory_written.load(std::sync::atomic::Ordering::Relaxed) {
            self.db.data_changed();
        }
        Ok(())
    }

    fn note_write<E: TenantOwned>(&self) {
        if E::IN_DIRECTORY {
            self.directory_written.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// Tables of the benefits catalogue: a row belongs to one tenant or, with `tenant_id`
/// NULL, to the deployment's shared catalogue (national measures). Reached only through
/// [`CatalogueTx`] (one owner, to edit) and [`CatalogueScope`] (public reads).
pub trait CatalogueTable: EntityTrait {
    fn owner_column() -> Self::Column;
    fn id_column() -> Self::Column;
}

macro_rules! catalogue_tables {
    ($($table:ident),* $(,)?) => {
        $(
            impl CatalogueTable for entity::$table::Entity {
                fn owner_column() -> Self::Column {
                    entity::$table::Column::TenantId
                }
                fn id_column() -> Self::Column {
                    entity::$table::Column::Id
                }
            }
        )*

        /// Every catalogue table, by name; all are guarded by row-level security on
        /// PostgreSQL (rows of their owner, or shared ones).
        pub const CATALOGUE_TABLES: &[&str] = &[$(stringify!($table)),*];
    };
}

catalogue_tables!(benefit_rulebook, benefit);

/// Whose benefits catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CatalogueOwner {
    /// The deployment's, offered under every tenant (national measures).
    Shared,
    Tenant(TenantId),
}

/// A transaction over one owner's catalogue: every query is limited to the owner's rows,
/// every insert gets the owner. On PostgreSQL a tenant's catalogue sets `app.tenant_id`
/// and the shared one `app.shared_catalogue`, which the policies require for writing
/// rows without a tenant.
pub struct CatalogueTx {
    tx: DatabaseTransaction,
    owner: Option<i64>,
    db: Db,
    written: std::sync::atomic::AtomicBool,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl CatalogueTx {
    /// Staff editing: their own tenant's catalogue (`ManageBenefits`), or the shared one
    /// (`ManageSharedBenefits`, province admins).
    pub async fn begin(db: &Db, ctx: &TenantContext, owner: CatalogueOwner) -> Result<CatalogueTx> {
        match owner {
            CatalogueOwner::Shared => ctx.require(Permission::ManageSharedBenefits)?,
            CatalogueOwner::Tenant(id) if id == ctx.tenant_id() => ctx.require(Permission::ManageBenefits)?,
            CatalogueOwner::Tenant(_) => return Err(AppError::NotFound),
        }
        Self::open(db, owner).await
    }

    /// For operator commands and start-up (installing the shipped catalogues): whoever
    /// runs them already holds the database.
    pub async fn for_operator(db: &Db, owner: CatalogueOwner) -> Result<CatalogueTx> {
        Self::open(db, owner).await
    }

    async fn open(db: &Db, owner: CatalogueOwner) -> Result<CatalogueTx> {
        let ((tx, turn), owner) = match owner {
            CatalogueOwner::Shared => (begin_writing(db, SET_SHARED_CATALOGUE, "on").await?, None),
            CatalogueOwner::Tenant(id) => (begin_writing(db, SET_TENANT, &id.0.to_string()).await?, Some(id.0)),
        };
        Ok(CatalogueTx { tx, owner, db: db.clone(), written: false.into(), _turn: turn })
    }

    /// The owning tenant; `None` for the shared catalogue.
    pub fn owner(&self) -> Option<i64> {
        self.owner
    }

    /// Now, by the handle's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.db.now()
    }

    /// `SELECT … WHERE tenant_id = ?` (or `IS NULL` for the shared catalogue).
    pub fn select<E: CatalogueTable>(&self) -> Select<E> {
        E::find().filter(self.owned::<E>())
    }

    fn owned<E: CatalogueTable>(&self) -> sea_orm::sea_query::SimpleExpr {
        match self.owner {
            Some(id) => E::owner_column().eq(id),
            None => E::owner_column().is_null(),
        }
    }

    /// Inserts with the owner set, whatever the caller put there.
    pub async fn insert<A>(&self, mut model: A) -> Result<<A::Entity as EntityTrait>::Model, DbErr>
    where
        A: ActiveModelTrait + sea_orm::ActiveModelBehavior + Send,
        A::Entity: CatalogueTable,
        <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    {
        model.set(<A::Entity as CatalogueTable>::owner_column(), self.owner.into());
        self.written.store(true, std::sync::atomic::Ordering::Relaxed);
        model.insert(&self.tx).await
    }

    /// `UPDATE … WHERE tenant_id = ?`; add the values and the rest of the filter.
    pub fn update_many<E: CatalogueTable>(&self) -> UpdateMany<E> {
        self.written.store(true, std::sync::atomic::Ordering::Relaxed);
        E::update_many().filter(self.owned::<E>())
    }

    pub fn conn(&self) -> &DatabaseTransaction {
        &self.tx
    }

    /// Commits; after a write the public catalogue (cached with the directory) changes
    /// at once.
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        if self.written.load(std::sync::atomic::Ordering::Relaxed) {
            self.db.data_changed();
        }
        Ok(())
    }
}

/// Public reads of the catalogue that applies to one tenant: the shared catalogue, the
/// tenant's ancestors' and its own, from the widest down.
pub struct CatalogueScope {
    /// Root first, the tenant last.
    lineage: Vec<tenant::Model>,
}

impl CatalogueScope {
    /// Unknown slug → `NotFound`.
    pub async fn public(db: &Db, slug: &str) -> Result<CatalogueScope> {
        let mut current =
            tenant::Entity::find().filter(tenant::Column::Slug.eq(slug)).one(db).await?.ok_or(AppError::NotFound)?;
        let mut lineage = vec![];
        for _ in 0..MAX_DEPTH {
            let parent = current.parent_id;
            lineage.push(current);
            let Some(parent) = parent else { break };
            current = tenant::Entity::find_by_id(parent).one(db).await?.ok_or(AppError::NotFound)?;
        }
        lineage.reverse();
        Ok(CatalogueScope { lineage })
    }

    /// Root first, the tenant asked for last.
    pub fn lineage(&self) -> &[tenant::Model] {
        &self.lineage
    }

    /// A read transaction that sees the shared rows and those of the lineage (on
    /// PostgreSQL through `app.tenant_scope` and the `directory_scope` policies).
    pub async fn begin(&self, db: &Db) -> Result<CatalogueReadTx> {
        let ids: Vec<i64> = self.lineage.iter().map(|t| t.id).collect();
        let tx = begin_scoped_read(db, &ids).await?;
        Ok(CatalogueReadTx { tx, ids })
    }
}

/// See [`CatalogueScope::begin`].
pub struct CatalogueReadTx {
    tx: DatabaseTransaction,
    ids: Vec<i64>,
}

impl CatalogueReadTx {
    /// `SELECT … WHERE tenant_id IN (lineage) OR tenant_id IS NULL`.
    pub fn select<E: CatalogueTable>(&self) -> Select<E> {
        E::find().filter(E::owner_column().is_in(self.ids.clone()).or(E::owner_column().is_null()))
    }

    pub fn conn(&self) -> &DatabaseTransaction {
        &self.tx
    }

    pub async fn commit(self) -> Result<()> {
        Ok(self.tx.commit().await?)
    }
}
