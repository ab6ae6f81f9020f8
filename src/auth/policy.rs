//! Every access decision of the service, in one place.
//!
//! Handlers name the operation and the object it touches ([`Permission`]) and call
//! [`authorize`]. Anything not granted below is refused: 401 for an anonymous
//! caller, 403 for an authenticated one. API clients act for their organisation
//! and are further limited by their scopes.

use super::{Actor, ClientActor, Role, UserActor};
use crate::error::{ApiError, ProblemCode};

/// The scopes an API client can be granted: `<module>:read` and `<module>:write`.
pub const SCOPES: &[&str] = &[
    "organizations:read",
    "organizations:write",
    "people:read",
    "people:write",
    "projects:read",
    "projects:write",
    "partnerships:read",
    "good_practices:read",
    "webhooks:write",
];

/// An operation and the object it applies to.
#[derive(Debug, Clone, Copy)]
pub enum Permission<'a> {
    /// Read the shared directory of a module (organisations, people without
    /// personal fields, projects): any signed-in user, clients with `<module>:read`.
    ReadDirectory(&'static str),
    CreateOrganization,
    UpdateOrganization {
        organization_id: &'a str,
    },
    /// Archive an organisation, a person or a project: platform
    /// administrators.
    Archive,
    ManageOrganizationMembers {
        organization_id: &'a str,
    },
    CreatePerson,
    /// Change a person's record. `organizations` are the person's *active*
    /// memberships. A person with a user account owns their record: only they
    /// and platform administrators change it. A contact without an account is
    /// also kept by the org admins (and their organisation's API clients) of
    /// the organisations the person is an active member of.
    UpdatePerson {
        person_id: &'a str,
        organizations: &'a [String],
        has_account: bool,
    },
    /// Read a person's personal fields (email, phone): the person, platform
    /// administrators, and the org admins (or API clients with `people:read`)
    /// of the organisations the person is an *active* member of. An invitation
    /// opens nothing until the person accepts it.
    ReadPersonalData {
        person_id: &'a str,
        organizations: &'a [String],
    },
    /// Accept an invitation to an organisation, decline it, or leave: the
    /// person themself (and platform administrators).
    AnswerMembership {
        person_id: &'a str,
    },
    CreateProject,
    UpdateProject {
        project_id: &'a str,
    },
    ManageProjectCoordinators,
    ManageUsers,
    ManageApiClients,
    ReadAudit,
    /// Create a partnership (of this project, if named).
    CreatePartnership {
        project_id: Option<&'a str>,
    },
    /// Start or complete a member's responsibility.
    ProgressResponsibility {
        project_id: Option<&'a str>,
        lead_organization_id: Option<&'a str>,
        member_organization_id: Option<&'a str>,
    },
    /// Change a partnership, its members and its status.
    ManagePartnership {
        project_id: Option<&'a str>,
        lead_organization_id: Option<&'a str>,
    },
    /// Record or change an activity of a project: its coordinators, and the
    /// admins of the organising organisation while it is a current member of a
    /// partnership of the project.
    RecordActivity {
        project_id: &'a str,
        organizer_organization_id: Option<&'a str>,
        organizer_is_partner: bool,
    },
    /// Propose a good practice of an organisation, or change it while proposed:
    /// the project's coordinators, and the organisation's admins and members
    /// while it is a current partner in the project.
    ProposeGoodPractice {
        project_id: &'a str,
        organization_id: &'a str,
        organization_is_partner: bool,
    },
    /// Accept or reject a proposed good practice: the project's coordinators.
    ReviewGoodPractice {
        project_id: &'a str,
    },
    /// Create, change and run a project's recruitment calls, see their drafts,
    /// and read their applications with the applicants' personal data: the
    /// project's coordinators.
    ManageCalls {
        project_id: &'a str,
    },
    /// Read a call's applications with the applicants' personal data: the
    /// project's coordinators, and the call's reviewers (`reviewer`: the
    /// caller is one).
    ReadApplications {
        project_id: &'a str,
        reviewer: bool,
    },
    /// Score a call's applications: its reviewers.
    ReviewApplications {
        reviewer: bool,
    },
    /// Create and change a project's training programmes, groups, sessions
    /// and participants, and read the participants: the project's
    /// coordinators.
    ManageTraining {
        project_id: &'a str,
    },
    /// Record and read a session's attendance (with the participants'
    /// names): the project's coordinators and the session's trainers.
    RecordAttendance {
        project_id: &'a str,
        trainer: bool,
    },
    /// Create and run the consultations an organisation initiates — see its
    /// drafts, add document versions, answer submissions, read them with the
    /// individual submitters' names and emails, publish the report: the
    /// organisation's admins.
    ManageConsultation {
        organization_id: &'a str,
    },
    /// Comment in a consultation on behalf of an organisation: its admins and
    /// members.
    SubmitForOrganization {
        organization_id: &'a str,
    },
    /// Read the legislative watch list and the upcoming deadlines: any
    /// signed-in user.
    ReadWatchList,
    /// Follow a draft on an organisation's watch list, and change it: the
    /// organisation's admins and members.
    WatchDrafts {
        organization_id: &'a str,
    },
    /// Create and change a participation body and its members, and read the
    /// names of its members who speak for people affected by exclusion: the
    /// admins of the organisation that runs its secretariat.
    ManageParticipationBody {
        organization_id: &'a str,
    },
    /// Read participation bodies' members: any signed-in user.
    ReadBodyMembers,
    /// Import and change quality-index methodologies: admins.
    ManageMethodologies,
    /// Create and run a local government's quality rounds and see them
    /// before they are completed: its admins.
    ManageQualityRound {
        organization_id: &'a str,
    },
    /// Record a round's agreed answers and see it before it is completed:
    /// the local government's admins and the round's working group
    /// (`in_working_group`: the caller sits in it).
    AssessQualityRound {
        organization_id: &'a str,
        in_working_group: bool,
    },
    /// Create, read and change an organisation's webhook subscriptions and
    /// their deliveries: its admins, and its API clients with
    /// `webhooks:write`.
    ManageWebhooks {
        organization_id: &'a str,
    },
}

/// Which good practices a caller may read: the accepted ones, and those not
/// (yet) accepted of the projects they coordinate and the organisations they
/// belong to (a client: its own organisation). Admins read all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoodPracticeVisibility {
    All,
    AcceptedAnd {
        projects: Vec<String>,
        organizations: Vec<String>,
    },
}

pub fn good_practice_visibility(actor: &Actor) -> GoodPracticeVisibility {
    match actor {
        Actor::User(u) if u.roles.contains(&Role::Admin) => GoodPracticeVisibility::All,
        Actor::User(u) => GoodPracticeVisibility::AcceptedAnd {
            projects: u
                .roles
                .iter()
                .filter_map(|r| match r {
                    Role::Coordinator { project_id } => Some(project_id.clone()),
                    _ => None,
                })
                .collect(),
            organizations: u
                .roles
                .iter()
                .filter_map(|r| match r {
                    Role::OrgAdmin { organization_id } | Role::OrgMember { organization_id } => {
                        Some(organization_id.clone())
                    }
                    _ => None,
                })
                .collect(),
        },
        Actor::Client(c) => GoodPracticeVisibility::AcceptedAnd {
            projects: Vec::new(),
            organizations: vec![c.organization_id.clone()],
        },
        Actor::Anonymous => GoodPracticeVisibility::AcceptedAnd {
            projects: Vec::new(),
            organizations: Vec::new(),
        },
    }
}

impl GoodPracticeVisibility {
    pub fn sees(&self, project_id: &str, organization_id: &str, accepted: bool) -> bool {
        match self {
            Self::All => true,
            Self::AcceptedAnd {
                projects,
                organizations,
            } => {
                accepted
                    || projects.iter().any(|p| p == project_id)
                    || organizations.iter().any(|o| o == organization_id)
            }
        }
    }
}

/// The organisations whose webhook subscriptions `actor` manages, as
/// [`Permission::ManageWebhooks`] decides: `None` for all (administrators),
/// otherwise the list (empty: none).
pub fn webhook_organizations(actor: &Actor) -> Option<Vec<String>> {
    match actor {
        Actor::User(u) if u.roles.contains(&Role::Admin) => None,
        Actor::User(u) => Some(
            u.roles
                .iter()
                .filter_map(|r| match r {
                    Role::OrgAdmin { organization_id } => Some(organization_id.clone()),
                    _ => None,
                })
                .collect(),
        ),
        Actor::Client(c) if c.scopes.iter().any(|s| s == "webhooks:write") => {
            Some(vec![c.organization_id.clone()])
        }
        Actor::Client(_) | Actor::Anonymous => Some(Vec::new()),
    }
}

/// Whether a membership `actor` creates for `person_id` is in force at once.
/// Otherwise it is an invitation the person must accept: an organisation's
/// admin cannot enrol an existing person, and so gain sight of their personal
/// data, without the person's consent.
pub fn joins_without_consent(actor: &Actor, person_id: &str) -> bool {
    match actor {
        Actor::User(u) => {
            u.roles.contains(&Role::Admin) || u.person_id.as_deref() == Some(person_id)
        }
        Actor::Client(_) | Actor::Anonymous => false,
    }
}

/// Allowed, or the 401/403 to answer.
pub fn authorize(actor: &Actor, permission: Permission<'_>) -> Result<(), ApiError> {
    let allowed = match actor {
        Actor::Anonymous => {
            return Err(ApiError::new(
                ProblemCode::Unauthorized,
                "This operation needs an access token: obtain one from POST /api/v1/auth/token.",
            ));
        }
        Actor::User(user) => user_may(user, permission),
        Actor::Client(client) => client_may(client, permission),
    };
    if allowed {
        Ok(())
    } else {
        Err(ApiError::new(
            ProblemCode::Forbidden,
            "Your roles do not allow this operation on this record.",
        ))
    }
}

/// 401 for an anonymous caller; for handlers that must find the object before
/// they can decide, so that anonymous callers learn nothing about it.
pub fn require_signed_in(actor: &Actor) -> Result<(), ApiError> {
    match actor {
        Actor::Anonymous => Err(ApiError::new(
            ProblemCode::Unauthorized,
            "This operation needs an access token: obtain one from POST /api/v1/auth/token.",
        )),
        _ => Ok(()),
    }
}

/// Whether the check passes, for callers that filter rather than refuse (such
/// as hiding personal fields).
pub fn allows(actor: &Actor, permission: Permission<'_>) -> bool {
    authorize(actor, permission).is_ok()
}

/// What a user's roles say, as the policy asks it.
impl UserActor {
    fn org_admin_of(&self, org: &str) -> bool {
        self.roles
            .iter()
            .any(|r| matches!(r, Role::OrgAdmin { organization_id } if organization_id == org))
    }

    fn belongs_to(&self, org: &str) -> bool {
        self.roles.iter().any(|r| {
            matches!(r, Role::OrgAdmin { organization_id } | Role::OrgMember { organization_id }
                if organization_id == org)
        })
    }

    fn coordinates(&self, project: &str) -> bool {
        self.roles
            .iter()
            .any(|r| matches!(r, Role::Coordinator { project_id } if project_id == project))
    }

    fn is_coordinator(&self) -> bool {
        self.roles
            .iter()
            .any(|r| matches!(r, Role::Coordinator { .. }))
    }

    fn is_org_admin(&self) -> bool {
        self.roles
            .iter()
            .any(|r| matches!(r, Role::OrgAdmin { .. }))
    }

    fn is_self(&self, person: &str) -> bool {
        self.person_id.as_deref() == Some(person)
    }
}

fn user_may(user: &UserActor, permission: Permission<'_>) -> bool {
    if user.roles.contains(&Role::Admin) {
        return true;
    }
    let org_admin_of = |org: &str| user.org_admin_of(org);
    let coordinates = |project: &str| user.coordinates(project);
    match permission {
        Permission::ReadDirectory(_) => true,
        Permission::CreateOrganization => user.is_coordinator(),
        Permission::UpdateOrganization { organization_id }
        | Permission::ManageOrganizationMembers { organization_id } => {
            org_admin_of(organization_id)
        }
        Permission::CreatePerson => user.is_coordinator() || user.is_org_admin(),
        Permission::UpdatePerson {
            person_id,
            organizations,
            has_account,
        } => {
            user.is_self(person_id)
                || (!has_account && organizations.iter().any(|o| org_admin_of(o)))
        }
        Permission::ReadPersonalData {
            person_id,
            organizations,
        } => user.is_self(person_id) || organizations.iter().any(|o| org_admin_of(o)),
        Permission::AnswerMembership { person_id } => user.is_self(person_id),
        Permission::UpdateProject { project_id } => coordinates(project_id),
        Permission::CreatePartnership { project_id } => match project_id {
            Some(p) => coordinates(p),
            // A partnership without a project is managed by its lead's org
            // admins, and has none yet: only admins create such.
            None => false,
        },
        Permission::ManagePartnership {
            project_id,
            lead_organization_id,
        } => project_id.is_some_and(coordinates) || lead_organization_id.is_some_and(org_admin_of),
        Permission::ProgressResponsibility {
            project_id,
            lead_organization_id,
            member_organization_id,
        } => {
            project_id.is_some_and(coordinates)
                || lead_organization_id.is_some_and(org_admin_of)
                || member_organization_id.is_some_and(org_admin_of)
        }
        Permission::RecordActivity {
            project_id,
            organizer_organization_id,
            organizer_is_partner,
        } => {
            coordinates(project_id)
                || (organizer_is_partner && organizer_organization_id.is_some_and(org_admin_of))
        }
        Permission::ProposeGoodPractice {
            project_id,
            organization_id,
            organization_is_partner,
        } => {
            coordinates(project_id) || (organization_is_partner && user.belongs_to(organization_id))
        }
        Permission::ReviewGoodPractice { project_id }
        | Permission::ManageCalls { project_id }
        | Permission::ManageTraining { project_id } => coordinates(project_id),
        Permission::ReadApplications {
            project_id,
            reviewer,
        } => reviewer || coordinates(project_id),
        Permission::ReviewApplications { reviewer } => reviewer,
        Permission::RecordAttendance {
            project_id,
            trainer,
        } => trainer || coordinates(project_id),
        Permission::ManageConsultation { organization_id }
        | Permission::ManageParticipationBody { organization_id }
        | Permission::ManageQualityRound { organization_id }
        | Permission::ManageWebhooks { organization_id } => org_admin_of(organization_id),
        Permission::AssessQualityRound {
            organization_id,
            in_working_group,
        } => in_working_group || org_admin_of(organization_id),
        Permission::SubmitForOrganization { organization_id }
        | Permission::WatchDrafts { organization_id } => user.belongs_to(organization_id),
        Permission::ReadWatchList | Permission::ReadBodyMembers => true,
        Permission::Archive
        | Permission::CreateProject
        | Permission::ManageProjectCoordinators
        | Permission::ManageUsers
        | Permission::ManageApiClients
        | Permission::ReadAudit
        | Permission::ManageMethodologies => false,
    }
}

fn client_may(client: &ClientActor, permission: Permission<'_>) -> bool {
    let scope = |s: &str| client.scopes.iter().any(|c| c == s);
    let own = |org: &str| client.organization_id == org;
    match permission {
        Permission::ReadDirectory(module) => scope(&format!("{module}:read")),
        Permission::UpdateOrganization { organization_id } => {
            scope("organizations:write") && own(organization_id)
        }
        Permission::CreatePerson => scope("people:write"),
        Permission::UpdatePerson {
            organizations,
            has_account,
            ..
        } => scope("people:write") && !has_account && organizations.iter().any(|o| own(o)),
        Permission::ReadPersonalData { organizations, .. } => {
            scope("people:read") && organizations.iter().any(|o| own(o))
        }
        Permission::ManageWebhooks { organization_id } => {
            scope("webhooks:write") && own(organization_id)
        }
        Permission::CreateOrganization
        | Permission::Archive
        | Permission::ManageOrganizationMembers { .. }
        | Permission::AnswerMembership { .. }
        | Permission::CreateProject
        | Permission::UpdateProject { .. }
        | Permission::ManageProjectCoordinators
        | Permission::ManageUsers
        | Permission::ManageApiClients
        | Permission::ReadAudit
        | Permission::CreatePartnership { .. }
        | Permission::ManagePartnership { .. }
        | Permission::ProgressResponsibility { .. }
        | Permission::RecordActivity { .. }
        | Permission::ProposeGoodPractice { .. }
        | Permission::ReviewGoodPractice { .. }
        | Permission::ManageCalls { .. }
        | Permission::ReadApplications { .. }
        | Permission::ReviewApplications { .. }
        | Permission::ManageTraining { .. }
        | Permission::RecordAttendance { .. }
        | Permission::ManageConsultation { .. }
        | Permission::SubmitForOrganization { .. }
        | Permission::ReadWatchList
        | Permission::WatchDrafts { .. }
        | Permission::ManageParticipationBody { .. }
        | Permission::ReadBodyMembers
        | Permission::ManageMethodologies
        | Permission::ManageQualityRound { .. }
        | Permission::AssessQualityRound { .. } => false,
    }
}

#[cfg(test)]
mod tests;
