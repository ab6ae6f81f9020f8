//! Writing organisations: register, change and archive, used by the handlers
//! and by the demo data. Each function runs inside the caller's write
//! transaction and records the change.

use diesel::prelude::*;

use super::model::{
    CreateOrganization, Organization, OrganizationKind, OrganizationRow, UnitNames,
    UpdateOrganization,
};
use super::rules::{OrganizationFields, normalize};
use crate::audit::{self, Caller, Change};
use crate::db::record;
use crate::db::schema::{organizations as org, territorial_units};
use crate::db::{DbConn, fold_for_search, now};
use crate::error::{ApiError, FieldError};
use crate::http::archive::refuse_archived;
use crate::http::transition::guard;

crate::record!(OrganizationRow, org, "organisation");

/// The checks that need the database: referenced territorial units exist, and
/// identifiers are not used by another organisation.
fn check_against_database(
    conn: &mut DbConn,
    fields: &OrganizationFields,
    self_id: Option<&str>,
) -> Result<Vec<FieldError>, ApiError> {
    let mut errors = Vec::new();
    for (field, code) in [
        ("teryt_code", &fields.teryt_code),
        ("territorial_unit_code", &fields.territorial_unit_code),
    ] {
        let Some(code) = code else { continue };
        let country: Option<String> = territorial_units::table
            .find(code)
            .select(territorial_units::country)
            .first(conn)
            .optional()?;
        match country {
            None => errors.push(FieldError::new(
                field,
                "unknown_territorial_unit",
                format!("`{code}` is not a known territorial unit"),
            )),
            Some(c) if field == "teryt_code" && c != fields.country => {
                errors.push(FieldError::new(
                    field,
                    "wrong_country",
                    format!("`{code}` is in {c}, not in {}", fields.country),
                ))
            }
            Some(_) => {}
        }
    }
    let identifiers = [
        ("krs", &fields.krs),
        ("nip", &fields.nip),
        ("regon", &fields.regon),
        ("teryt_code", &fields.teryt_code),
        ("cui", &fields.cui),
    ];
    for (field, value) in identifiers {
        let Some(value) = value else { continue };
        if errors.iter().any(|e| e.field == field) {
            continue;
        }
        let mut q = org::table.select(org::id).into_boxed();
        q = match field {
            "krs" => q.filter(org::krs.eq(value)),
            "nip" => q.filter(org::nip.eq(value)),
            "regon" => q.filter(org::regon.eq(value)),
            "teryt_code" => q.filter(org::teryt_code.eq(value)),
            _ => q.filter(org::cui.eq(value)),
        };
        if let Some(id) = self_id {
            q = q.filter(org::id.ne(id));
        }
        if let Some(other) = q.first::<String>(conn).optional()? {
            errors.push(FieldError::new(
                field,
                "not_unique",
                format!("is already the identifier of organisation {other}"),
            ));
        }
    }
    Ok(errors)
}

/// Normalises `fields` and checks every rule, with and without the database:
/// 422 naming each broken one.
fn checked(
    conn: &mut DbConn,
    mut fields: OrganizationFields,
    self_id: Option<&str>,
) -> Result<OrganizationFields, ApiError> {
    guard(normalize(&mut fields))?;
    guard(check_against_database(conn, &fields, self_id)?)?;
    Ok(fields)
}

impl From<CreateOrganization> for OrganizationFields {
    fn from(b: CreateOrganization) -> Self {
        Self {
            name: b.name,
            kind: Some(b.kind),
            country: b.country,
            krs: b.krs,
            nip: b.nip,
            regon: b.regon,
            teryt_code: b.teryt_code,
            cui: b.cui,
            territorial_unit_code: b.territorial_unit_code,
            street: b.street,
            city: b.city,
            postal_code: b.postal_code,
            email: b.email,
            phone: b.phone,
            website: b.website,
        }
    }
}

impl From<&OrganizationRow> for OrganizationFields {
    fn from(r: &OrganizationRow) -> Self {
        Self {
            name: r.name.clone(),
            kind: OrganizationKind::parse(&r.kind),
            country: r.country.clone(),
            krs: r.krs.clone(),
            nip: r.nip.clone(),
            regon: r.regon.clone(),
            teryt_code: r.teryt_code.clone(),
            cui: r.cui.clone(),
            territorial_unit_code: r.territorial_unit_code.clone(),
            street: r.street.clone(),
            city: r.city.clone(),
            postal_code: r.postal_code.clone(),
            email: r.email.clone(),
            phone: r.phone.clone(),
            website: r.website.clone(),
        }
    }
}

/// `fields` with `changes` applied: an absent change keeps the field.
fn apply(mut f: OrganizationFields, c: UpdateOrganization) -> OrganizationFields {
    fn set<T>(target: &mut T, change: Option<T>) {
        if let Some(v) = change {
            *target = v;
        }
    }
    set(&mut f.name, c.name);
    set(&mut f.kind, c.kind.map(Some));
    set(&mut f.country, c.country);
    set(&mut f.krs, c.krs);
    set(&mut f.nip, c.nip);
    set(&mut f.regon, c.regon);
    set(&mut f.teryt_code, c.teryt_code);
    set(&mut f.cui, c.cui);
    set(&mut f.territorial_unit_code, c.territorial_unit_code);
    set(&mut f.street, c.street);
    set(&mut f.city, c.city);
    set(&mut f.postal_code, c.postal_code);
    set(&mut f.email, c.email);
    set(&mut f.phone, c.phone);
    set(&mut f.website, c.website);
    f
}

/// Writes `f` to the row `id` (inserting it when `version` is 1).
fn write(
    conn: &mut DbConn,
    id: &str,
    f: &OrganizationFields,
    version: i64,
) -> Result<(), ApiError> {
    let now = now();
    let kind = f.kind.unwrap_or(OrganizationKind::Ngo);
    let values = (
        org::name.eq(&f.name),
        org::name_search.eq(fold_for_search(&f.name)),
        org::kind.eq(kind.as_str()),
        org::country.eq(&f.country),
        org::krs.eq(&f.krs),
        org::nip.eq(&f.nip),
        org::regon.eq(&f.regon),
        org::teryt_code.eq(&f.teryt_code),
        org::cui.eq(&f.cui),
        org::territorial_unit_code.eq(&f.territorial_unit_code),
        org::street.eq(&f.street),
        org::city.eq(&f.city),
        org::postal_code.eq(&f.postal_code),
        org::email.eq(&f.email),
        org::phone.eq(&f.phone),
        org::website.eq(&f.website),
        org::updated_at.eq(now),
        org::version.eq(version),
    );
    if version == 1 {
        diesel::insert_into(org::table)
            .values((org::id.eq(id), org::created_at.eq(now), values))
            .execute(conn)?;
    } else {
        diesel::update(org::table.find(id))
            .set(values)
            .execute(conn)?;
    }
    Ok(())
}

/// Registers an organisation: 422 naming every broken rule.
/// The response for a stored row, naming its territorial unit.
pub fn present(conn: &mut DbConn, row: OrganizationRow) -> Result<Organization, ApiError> {
    let names = unit_names(conn, std::slice::from_ref(&row))?;
    Organization::named(row, &names)
}

/// The names of the territorial units `rows` are in.
pub fn unit_names(conn: &mut DbConn, rows: &[OrganizationRow]) -> Result<UnitNames, ApiError> {
    let mut codes: Vec<&str> = rows
        .iter()
        .filter_map(|r| r.territorial_unit_code.as_deref())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    if codes.is_empty() {
        return Ok(UnitNames::new());
    }
    Ok(territorial_units::table
        .filter(territorial_units::code.eq_any(codes))
        .select((territorial_units::code, territorial_units::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

pub fn insert(
    conn: &mut DbConn,
    caller: &Caller,
    form: CreateOrganization,
) -> Result<OrganizationRow, ApiError> {
    let fields = checked(conn, form.into(), None)?;
    let id = crate::db::new_id();
    write(conn, &id, &fields, 1)?;
    let change = Change::new("organization", &id, "create").form(&fields, &[]);
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Applies `changes` to `current` (read with `record::for_change`); the change
/// log holds the fields whose stored value changed.
pub fn update(
    conn: &mut DbConn,
    caller: &Caller,
    current: OrganizationRow,
    changes: UpdateOrganization,
) -> Result<OrganizationRow, ApiError> {
    refuse_archived(
        current.archived_at,
        "An archived organisation cannot be changed.",
    )?;
    let before = OrganizationFields::from(&current);
    let after = checked(conn, apply(before.clone(), changes), Some(&current.id))?;
    write(conn, &current.id, &after, current.version + 1)?;
    let change = Change::new("organization", &current.id, "update").diff(&before, &after, &[]);
    audit::record(conn, caller, change)?;
    record::find(conn, &current.id)
}

/// Archives `current`: it stays readable and referable, hidden from lists and
/// frozen.
pub fn archive(
    conn: &mut DbConn,
    caller: &Caller,
    current: OrganizationRow,
) -> Result<OrganizationRow, ApiError> {
    refuse_archived(current.archived_at, "The organisation is already archived.")?;
    let now = now();
    diesel::update(org::table.find(&current.id))
        .set((
            org::archived_at.eq(now),
            org::updated_at.eq(now),
            org::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change =
        Change::new("organization", &current.id, "archive").value("archived_at", now.and_utc());
    audit::record(conn, caller, change)?;
    record::find(conn, &current.id)
}

/// A membership of `organization`, with the person's name; 404 otherwise.
pub fn member(
    conn: &mut DbConn,
    organization: &str,
    member_id: &str,
) -> Result<super::model::Member, ApiError> {
    use crate::db::schema::{organization_members as om, people};
    let (row, name): (super::model::MemberRow, String) = om::table
        .inner_join(people::table)
        .filter(om::id.eq(member_id))
        .filter(om::organization_id.eq(organization))
        .select((super::model::MemberRow::as_select(), people::full_name))
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "Organisation `{organization}` has no membership `{member_id}`."
            ))
        })?;
    super::model::Member::from_row(row, name)
}

/// Adds `form`'s person to `organization` (not archived) as `status` at `now`
/// (a person created with their membership shares its time): 409 if they are
/// a member already, 422 past [`super::MAX_MEMBERSHIPS_PER_PERSON`].
pub fn add_member(
    conn: &mut DbConn,
    caller: &Caller,
    organization: &OrganizationRow,
    mut form: super::model::AddMember,
    (status, now): (super::model::MemberStatus, chrono::NaiveDateTime),
) -> Result<super::model::Member, ApiError> {
    use crate::db::schema::organization_members as om;
    refuse_archived(
        organization.archived_at,
        "An archived organisation cannot gain members.",
    )?;
    crate::db::references::ensure_person(conn, &form.person_id, "person_id")?;
    let theirs = om::table.filter(om::person_id.eq(&form.person_id));
    let existing: i64 = theirs
        .filter(om::organization_id.eq(&organization.id))
        .count()
        .get_result(conn)?;
    if existing > 0 {
        return Err(ApiError::new(
            crate::error::ProblemCode::AlreadyExists,
            "The person is already a member of this organisation; change the membership instead.",
        ));
    }
    let memberships: i64 = theirs.count().get_result(conn)?;
    if memberships >= super::MAX_MEMBERSHIPS_PER_PERSON {
        return Err(ApiError::validation(vec![FieldError::new(
            "person_id",
            "too_many_memberships",
            format!(
                "a person belongs to at most {} organisations",
                super::MAX_MEMBERSHIPS_PER_PERSON
            ),
        )]));
    }
    form.position = form.position.map(|p| p.trim().to_owned());
    let member_id = crate::db::new_id();
    diesel::insert_into(om::table)
        .values((
            om::id.eq(&member_id),
            om::organization_id.eq(&organization.id),
            om::person_id.eq(&form.person_id),
            om::role.eq(form.role.as_str()),
            om::status.eq(status.as_str()),
            om::position.eq(&form.position),
            om::created_at.eq(now),
            om::updated_at.eq(now),
            om::version.eq(1),
        ))
        .execute(conn)?;
    let change = Change::new("organization_member", &member_id, "create")
        .value("organization_id", &organization.id)
        .value("status", status)
        .form(&form, &[]);
    audit::record(conn, caller, change)?;
    member(conn, &organization.id, &member_id)
}
