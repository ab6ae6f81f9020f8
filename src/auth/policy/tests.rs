//! The access rules, decision by decision.

use super::*;

fn user(roles: Vec<Role>) -> Actor {
    Actor::User(UserActor {
        id: "u".into(),
        person_id: Some("p".into()),
        roles,
        login: None,
    })
}

#[test]
fn anonymous_is_401_and_the_unprivileged_403() {
    let err = authorize(
        &Actor::Anonymous,
        Permission::ReadDirectory("organizations"),
    )
    .unwrap_err();
    assert_eq!(err.code(), ProblemCode::Unauthorized);
    let err = authorize(&user(vec![]), Permission::ManageUsers).unwrap_err();
    assert_eq!(err.code(), ProblemCode::Forbidden);
}

#[test]
fn an_org_admin_changes_only_their_organisation() {
    let a = user(vec![Role::OrgAdmin {
        organization_id: "A".into(),
    }]);
    assert!(allows(
        &a,
        Permission::UpdateOrganization {
            organization_id: "A"
        }
    ));
    assert!(!allows(
        &a,
        Permission::UpdateOrganization {
            organization_id: "B"
        }
    ));
    let member = user(vec![Role::OrgMember {
        organization_id: "A".into(),
    }]);
    assert!(!allows(
        &member,
        Permission::UpdateOrganization {
            organization_id: "A"
        }
    ));
}

#[test]
fn a_client_needs_the_scope_and_its_own_organisation() {
    let client = |scopes: &[&str]| {
        Actor::Client(ClientActor {
            id: "c".into(),
            organization_id: "A".into(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        })
    };
    let writer = client(&["organizations:write"]);
    assert!(allows(
        &writer,
        Permission::UpdateOrganization {
            organization_id: "A"
        }
    ));
    assert!(!allows(
        &writer,
        Permission::UpdateOrganization {
            organization_id: "B"
        }
    ));
    assert!(!allows(&writer, Permission::ReadDirectory("organizations")));
    assert!(allows(
        &client(&["organizations:read"]),
        Permission::ReadDirectory("organizations")
    ));
    assert!(!allows(&client(SCOPES), Permission::ManageUsers));
}

#[test]
fn a_partner_proposes_its_own_good_practices_and_coordinators_review() {
    let member = user(vec![Role::OrgMember {
        organization_id: "A".into(),
    }]);
    let propose = |partner| Permission::ProposeGoodPractice {
        project_id: "P",
        organization_id: "A",
        organization_is_partner: partner,
    };
    assert!(allows(&member, propose(true)));
    assert!(!allows(&member, propose(false)), "not a partner in P");
    let coordinator = user(vec![Role::Coordinator {
        project_id: "P".into(),
    }]);
    assert!(allows(&coordinator, propose(false)));
    let review = Permission::ReviewGoodPractice { project_id: "P" };
    assert!(allows(&coordinator, review));
    assert!(!allows(&member, review));
    assert!(!allows(
        &user(vec![Role::Coordinator {
            project_id: "Q".into()
        }]),
        review
    ));
}

#[test]
fn proposals_are_visible_to_their_organisation_and_coordinators_only() {
    let v = good_practice_visibility(&user(vec![
        Role::OrgMember {
            organization_id: "A".into(),
        },
        Role::Coordinator {
            project_id: "P".into(),
        },
    ]));
    assert!(v.sees("Q", "A", false), "its organisation's");
    assert!(v.sees("P", "B", false), "its project's");
    assert!(!v.sees("Q", "B", false));
    assert!(v.sees("Q", "B", true), "accepted ones are for everyone");
    assert_eq!(
        good_practice_visibility(&user(vec![Role::Admin])),
        GoodPracticeVisibility::All
    );
    let client = Actor::Client(ClientActor {
        id: "c".into(),
        organization_id: "B".into(),
        scopes: vec![],
    });
    assert!(good_practice_visibility(&client).sees("Q", "B", false));
}

#[test]
fn personal_data_is_for_the_person_their_org_admins_and_admins() {
    let orgs = vec!["A".to_string()];
    let perm = Permission::ReadPersonalData {
        person_id: "p",
        organizations: &orgs,
    };
    assert!(allows(&user(vec![]), perm), "the person themself");
    let other = Actor::User(UserActor {
        id: "v".into(),
        person_id: Some("q".into()),
        roles: vec![Role::OrgMember {
            organization_id: "A".into(),
        }],
        login: None,
    });
    assert!(!allows(&other, perm));
    assert!(allows(&user(vec![Role::Admin]), perm));
}

#[test]
fn a_person_with_an_account_owns_their_record() {
    let orgs = vec!["A".to_string()];
    let update = |has_account| Permission::UpdatePerson {
        person_id: "q",
        organizations: &orgs,
        has_account,
    };
    let org_admin = user(vec![Role::OrgAdmin {
        organization_id: "A".into(),
    }]);
    assert!(
        allows(&org_admin, update(false)),
        "a contact of their organisation"
    );
    assert!(!allows(&org_admin, update(true)), "someone with an account");
    let client = Actor::Client(ClientActor {
        id: "c".into(),
        organization_id: "A".into(),
        scopes: vec!["people:write".into()],
    });
    assert!(allows(&client, update(false)));
    assert!(!allows(&client, update(true)));
    let themself = Actor::User(UserActor {
        id: "u".into(),
        person_id: Some("q".into()),
        roles: vec![],
        login: None,
    });
    assert!(allows(&themself, update(true)));
    assert!(allows(&user(vec![Role::Admin]), update(true)));
    // An organisation the person is not (yet) an active member of: nothing.
    let none: Vec<String> = vec![];
    assert!(!allows(
        &org_admin,
        Permission::UpdatePerson {
            person_id: "q",
            organizations: &none,
            has_account: false,
        }
    ));
}

#[test]
fn only_the_person_or_an_admin_answers_an_invitation() {
    let answer = Permission::AnswerMembership { person_id: "p" };
    assert!(allows(&user(vec![]), answer), "the person (p) themself");
    assert!(allows(&user(vec![Role::Admin]), answer));
    let org_admin = Actor::User(UserActor {
        id: "v".into(),
        person_id: Some("q".into()),
        roles: vec![Role::OrgAdmin {
            organization_id: "A".into(),
        }],
        login: None,
    });
    assert!(!allows(&org_admin, answer));
    assert!(!joins_without_consent(&org_admin, "p"));
    assert!(joins_without_consent(&org_admin, "q"), "adding themself");
    assert!(joins_without_consent(&user(vec![Role::Admin]), "p"));
}

#[test]
fn an_organisation_runs_its_consultations_and_its_members_comment() {
    let manage = |o| Permission::ManageConsultation { organization_id: o };
    let submit = |o| Permission::SubmitForOrganization { organization_id: o };
    let admin_of_a = user(vec![Role::OrgAdmin {
        organization_id: "A".into(),
    }]);
    let member_of_a = user(vec![Role::OrgMember {
        organization_id: "A".into(),
    }]);
    assert!(allows(&admin_of_a, manage("A")));
    assert!(!allows(&admin_of_a, manage("B")));
    assert!(!allows(&member_of_a, manage("A")));
    assert!(allows(&member_of_a, submit("A")));
    assert!(allows(&admin_of_a, submit("A")));
    assert!(!allows(&member_of_a, submit("B")));
    assert!(allows(&user(vec![Role::Admin]), manage("B")));
    let client = Actor::Client(ClientActor {
        id: "c".into(),
        organization_id: "A".into(),
        scopes: SCOPES.iter().map(|s| (*s).to_owned()).collect(),
    });
    assert!(!allows(&client, manage("A")));
    assert!(!allows(&client, submit("A")));
    let watch = |o| Permission::WatchDrafts { organization_id: o };
    assert!(allows(&member_of_a, watch("A")));
    assert!(!allows(&member_of_a, watch("B")));
    assert!(allows(&user(vec![]), Permission::ReadWatchList));
    assert!(!allows(&client, Permission::ReadWatchList));
    assert!(!allows(&client, watch("A")));
}

#[test]
fn a_bodys_secretariat_admins_manage_it_and_signed_in_users_read_its_members() {
    let manage = |o| Permission::ManageParticipationBody { organization_id: o };
    let admin_of_a = user(vec![Role::OrgAdmin {
        organization_id: "A".into(),
    }]);
    let member_of_a = user(vec![Role::OrgMember {
        organization_id: "A".into(),
    }]);
    assert!(allows(&admin_of_a, manage("A")));
    assert!(!allows(&admin_of_a, manage("B")));
    assert!(!allows(&member_of_a, manage("A")));
    assert!(allows(&user(vec![Role::Admin]), manage("B")));
    assert!(allows(&member_of_a, Permission::ReadBodyMembers));
    let client = Actor::Client(ClientActor {
        id: "c".into(),
        organization_id: "A".into(),
        scopes: SCOPES.iter().map(|s| (*s).to_owned()).collect(),
    });
    assert!(!allows(&client, manage("A")));
    assert!(!allows(&client, Permission::ReadBodyMembers));
}

#[test]
fn a_local_governments_admins_run_its_rounds_and_the_working_group_assesses() {
    let manage = |o| Permission::ManageQualityRound { organization_id: o };
    let assess = |o, in_working_group| Permission::AssessQualityRound {
        organization_id: o,
        in_working_group,
    };
    let admin_of_a = user(vec![Role::OrgAdmin {
        organization_id: "A".into(),
    }]);
    let member_of_a = user(vec![Role::OrgMember {
        organization_id: "A".into(),
    }]);
    assert!(allows(&admin_of_a, manage("A")));
    assert!(!allows(&admin_of_a, manage("B")));
    assert!(!allows(&member_of_a, manage("A")));
    assert!(allows(&admin_of_a, assess("A", false)));
    assert!(!allows(&member_of_a, assess("A", false)));
    assert!(allows(&member_of_a, assess("B", true)));
    assert!(allows(
        &user(vec![Role::Admin]),
        Permission::ManageMethodologies
    ));
    assert!(!allows(&admin_of_a, Permission::ManageMethodologies));
    let client = Actor::Client(ClientActor {
        id: "c".into(),
        organization_id: "A".into(),
        scopes: SCOPES.iter().map(|s| (*s).to_owned()).collect(),
    });
    assert!(!allows(&client, manage("A")));
    assert!(!allows(&client, assess("A", true)));
}

#[test]
fn webhooks_are_managed_by_their_organisation_s_admins_and_clients() {
    let manage = |org| Permission::ManageWebhooks {
        organization_id: org,
    };
    let admin_of_a = user(vec![Role::OrgAdmin {
        organization_id: "A".into(),
    }]);
    assert!(allows(&admin_of_a, manage("A")));
    assert!(!allows(&admin_of_a, manage("B")));
    let member_of_a = user(vec![Role::OrgMember {
        organization_id: "A".into(),
    }]);
    assert!(!allows(&member_of_a, manage("A")), "members do not");
    let client = |scopes: &[&str]| {
        Actor::Client(ClientActor {
            id: "c".into(),
            organization_id: "A".into(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        })
    };
    assert!(allows(&client(&["webhooks:write"]), manage("A")));
    assert!(!allows(&client(&["webhooks:write"]), manage("B")));
    assert!(!allows(&client(&["organizations:read"]), manage("A")));
}

#[test]
fn the_webhook_organisations_listed_are_those_the_permission_allows() {
    let actors = [
        user(vec![Role::Admin]),
        user(vec![
            Role::OrgAdmin {
                organization_id: "A".into(),
            },
            Role::OrgMember {
                organization_id: "B".into(),
            },
        ]),
        user(vec![Role::Coordinator {
            project_id: "P".into(),
        }]),
        Actor::Client(ClientActor {
            id: "c".into(),
            organization_id: "A".into(),
            scopes: vec!["webhooks:write".into()],
        }),
        Actor::Client(ClientActor {
            id: "c".into(),
            organization_id: "A".into(),
            scopes: vec![],
        }),
    ];
    for actor in &actors {
        let listed = webhook_organizations(actor);
        for org in ["A", "B", "C"] {
            let may = allows(
                actor,
                Permission::ManageWebhooks {
                    organization_id: org,
                },
            );
            let in_list = listed.as_ref().is_none_or(|l| l.iter().any(|o| o == org));
            assert_eq!(may, in_list, "{actor:?} and {org}");
        }
    }
}
